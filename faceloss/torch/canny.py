r"""The Canny edge detector of ``cv2.Canny`` and the paper's adaptive thresholds, batched in torch.

Bit for bit the edges of :func:`faceloss.reference.canny` (and so of ``cv2.Canny`` on the
quantised gray image); see that module for the steps. Every intermediate value is an
integer below :math:`2^{24}`, held exactly in float32. Hysteresis runs on bit-packed rows:
each image row becomes a few int64 words (63 pixels per word), and one 8-connected
dilation step masked by the candidates is a dozen bitwise operations on tensors 63 times
smaller than the image. Steps are repeated until nothing changes; the convergence test
(one host synchronisation) runs every :data:`HYSTERESIS_STEPS_PER_CHECK` steps.
The output is not differentiable (the input is detached).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from faceloss import _canny as rules
from faceloss.spec import (
    CANNY_K,
    CANNY_L2_THRESHOLD_CLAMP,
    CANNY_LOW_RATIO,
    CANNY_TG22_Q15,
    GRAY_FROM_RGB_Q16,
    GRAY_SHIFT,
)
from faceloss.torch._checks import check_image, check_range, value_checks_active

Threshold = float | torch.Tensor

BITS_PER_WORD = 63
"""Pixels packed per int64 word in the hysteresis (the sign bit stays clear)."""

HYSTERESIS_STEPS_PER_CHECK = 4
"""Dilation steps between two convergence tests of the hysteresis.

Faces of 128x128 need about 55-105 steps. On a CPU the test is nearly free and 1 to 16
steps per test measured within noise of each other (batch of 64 faces, one thread);
on a GPU each torch test is a host synchronisation, so a few steps per test amortise it."""

HYSTERESIS_DILATION_CHECKS = 32
"""Dilation rounds (of :data:`HYSTERESIS_STEPS_PER_CHECK` steps) before hysteresis switches
to connected-component labelling, whose time does not grow with the length of a path:
128 steps, more than the 55-105 that faces of 128x128 need, so they never switch."""


def _check_input(image: object) -> torch.Tensor:
    image = check_image(image, "image", rules.CANNY_CHANNELS, rules.CANNY_MIN_SIZE)
    check_range(image, "image", 0.0, 1.0)
    return image


def _gray_uint8(image: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) floats in [0, 1] -> (N, 1, H, W) float32 gray levels 0..255 (cv2's rule).

    The rounding ``floor(255 x + 0.5)`` runs in float64, where ``255 x`` is exact for any
    float32 ``x``; the gray sum is an integer below 2**24, exact in float64 and float32.
    """
    x = torch.nan_to_num(image.detach().clamp(0.0, 1.0), nan=0.0)
    q = x.to(torch.float64).mul_(255.0).add_(0.5).floor_()
    if q.shape[1] == 1:
        return q.to(torch.float32)
    wr, wg, wb = GRAY_FROM_RGB_Q16
    total = q[:, 0:1] * float(wr)
    total.add_(q[:, 1:2], alpha=float(wg)).add_(q[:, 2:3], alpha=float(wb))
    total.add_(float(1 << (GRAY_SHIFT - 1))).mul_(1.0 / (1 << GRAY_SHIFT)).floor_()
    return total.to(torch.float32)


def _sobel(gray: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """3x3 Sobel derivatives (N, 1, H, W) with a replicated border; exact integers in float32."""
    p = F.pad(gray, (1, 1, 1, 1), mode="replicate")
    horizontal = p[..., 2:] - p[..., :-2]
    dx = horizontal[..., :-2, :] + 2.0 * horizontal[..., 1:-1, :] + horizontal[..., 2:, :]
    vertical = p[..., 2:, :] - p[..., :-2, :]
    dy = vertical[..., :-2] + 2.0 * vertical[..., 1:-1] + vertical[..., 2:]
    return dx, dy


def _sqrt_rounded(x: torch.Tensor) -> torch.Tensor:
    """The correctly rounded square root of float64 ``x >= 0`` (as NumPy and TF have it).

    ``torch.sqrt`` on CPUs with AVX-512 can be one ulp off (e.g. 2**15 * 1.047 in float64),
    which moves an adaptive threshold by an ulp. One correction step: the residual
    ``x - s * s`` is computed exactly (Dekker's product, Sterbenz subtraction) and ``s``
    moves to a neighbour when ``x`` lies beyond the midpoint towards it.
    """
    s = torch.sqrt(x)
    split = s * 134217729.0  # 2**27 + 1: Veltkamp's split of s into two 26-bit halves
    high = split - (split - s)
    low = s - high
    product = s * s
    error = ((high * high - product) + 2.0 * high * low) + low * low  # s*s = product + error
    residual = (x - product) - error  # x - s*s, exact up to the last rounding
    up = torch.nextafter(s, torch.full_like(s, float("inf")))
    down = torch.nextafter(s, torch.zeros_like(s))
    # x beyond the midpoint m = s + d / 2 towards a neighbour at distance d, i.e.
    # x - s*s beyond s * d + d*d / 4 (sqrt never lies exactly on a midpoint).
    step_up, step_down = up - s, s - down
    rounded = torch.where(residual > s * step_up + 0.25 * step_up * step_up, up, s)
    return torch.where(residual < -(s * step_down - 0.25 * step_down * step_down), down, rounded)


def _adaptive(
    dx: torch.Tensor, dy: torch.Tensor, k: float, low_ratio: float, l2_gradient: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    dx, dy = dx.to(torch.float64), dy.to(torch.float64)
    if l2_gradient:
        squares = dx * dx + dy * dy
        magnitude = torch.sqrt(squares)
    else:
        magnitude = dx.abs() + dy.abs()
        squares = magnitude * magnitude
    count = magnitude.shape[-1] * magnitude.shape[-2]
    mean = magnitude.sum(dim=(1, 2, 3)) / count
    second = squares.sum(dim=(1, 2, 3)) / count
    sigma = _sqrt_rounded(torch.clamp(second - mean * mean, min=0.0))
    high = mean + k * sigma
    low = low_ratio * high
    # Below the smallest normal float64 a threshold is 0, as TF (which flushes subnormals) has it.
    return torch.where(low < rules.SMALLEST_NORMAL, 0.0, low), high


def adaptive_thresholds(
    image: torch.Tensor,
    k: float = CANNY_K,
    low_ratio: float = CANNY_LOW_RATIO,
    *,
    l2_gradient: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Per-image adaptive Canny thresholds from the Sobel gradient statistics (eqs. 1-2).

    The image is converted to 0..255 gray levels as in :func:`canny`; ``G`` is the
    3x3 Sobel gradient magnitude on the thresholds' own scale, i.e. the quantity
    ``cv2.Canny`` compares them with: ``|dx| + |dy|`` by default, the Euclidean norm
    ``sqrt(dx^2 + dy^2)`` with ``l2_gradient`` (cv2 squares the thresholds instead).
    ``m`` and ``sigma`` are its mean and population standard deviation over all
    pixels of the image (replicated border, as in ``cv2.Canny``).

    .. math::
        T_h = m + k \sigma, \qquad T_l = \mathrm{low\_ratio} \cdot T_h

    Args:
        image: RGB or grayscale images :math:`(N, C, H, W)`, ``C`` in {1, 3}, floats in
            [0, 1], at least 3x3.
        k: coefficient of eq. 1, ``>= 0`` (the paper uses 1.2 to 1.6; default 1.6).
        low_ratio: ``T_l / T_h`` in [0, 1] (eq. 2: 0.5).
        l2_gradient: measure the L2 norm instead of the L1 magnitude.

    Returns:
        ``(low, high)``: two float64 tensors of shape :math:`(N,)` on the 0..255 scale,
        ready to pass to :func:`canny` or ``cv2.Canny``.

    Raises:
        TypeError: ``image`` is not a floating-point tensor; a bad option type.
        ValueError: bad rank, channel count or size, values outside [0, 1] (value checks
            on), ``k < 0`` or ``low_ratio`` outside [0, 1], ``k`` or ``low_ratio`` subnormal (below 2.2e-308).

    Example:
        >>> import torch
        >>> step = torch.zeros(1, 1, 8, 8)
        >>> step[..., 4:] = 1.0
        >>> low, high = adaptive_thresholds(step)
        >>> low.shape
        torch.Size([1])
        >>> round(float(low[0]), 3), round(float(high[0]), 3)
        (480.838, 961.677)
    """
    rules.check_canny_options(k, low_ratio, l2_gradient)
    image = _check_input(image)
    dx, dy = _sobel(_gray_uint8(image))
    return _adaptive(dx, dy, float(k), float(low_ratio), l2_gradient)


def _threshold_tensor(name: str, value: Threshold, like: torch.Tensor) -> torch.Tensor:
    """A threshold as float64 of shape (N,) on ``like``'s device."""
    batch = like.shape[0]
    if isinstance(value, torch.Tensor):
        rules.check_threshold_shape(name, tuple(value.shape), batch)
        value = value.detach().to(device=like.device, dtype=torch.float64)
        if value_checks_active():
            if not bool(torch.isfinite(value).all()):
                raise rules.non_finite_threshold_error(name)
            if float(value.min()) < 0:
                raise rules.negative_threshold_error(name, float(value.min()))
        return value.expand(batch)
    value = rules.check_scalar_threshold(name, value)
    return torch.full((batch,), value, dtype=torch.float64, device=like.device)


def _cv2_threshold(value: torch.Tensor, l2_gradient: bool) -> torch.Tensor:
    """``cv2.Canny``'s integer threshold as float32 (N, 1, 1, 1): clamp and square for L2, floor.

    Values above 2**24 lose precision in float32 but stay above every magnitude (<= 2080800).
    """
    if l2_gradient:
        value = torch.clamp(value, max=CANNY_L2_THRESHOLD_CLAMP)
        value = value * value
    return torch.floor(value).to(torch.float32).view(-1, 1, 1, 1)


def _suppress(magnitude: torch.Tensor, dx: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    """OpenCV's non-maximum suppression: True where the pixel is a local maximum."""
    m = F.pad(magnitude, (1, 1, 1, 1))
    center = m[..., 1:-1, 1:-1]
    x, y = dx.abs(), dy.abs()
    tg22x = x * float(CANNY_TG22_Q15)
    # y * 2**15 < x * TG22 and y * 2**15 > x * (TG22 + 2**16), rearranged so that every
    # product stays exact in float32.
    horizontal = y * 32768.0 < tg22x
    vertical = (y - 2.0 * x) * 32768.0 > tg22x
    keep_horizontal = (center > m[..., 1:-1, :-2]) & (center >= m[..., 1:-1, 2:])
    keep_vertical = (center > m[..., :-2, 1:-1]) & (center >= m[..., 2:, 1:-1])
    opposite = (dx < 0) != (dy < 0)
    # Boolean algebra instead of torch.where, which is ~100x slower on bool tensors on CPU.
    keep_diagonal = (opposite & (center > m[..., :-2, 2:]) & (center > m[..., 2:, :-2])) | (
        ~opposite & (center > m[..., :-2, :-2]) & (center > m[..., 2:, 2:])
    )
    diagonal = ~(horizontal | vertical)  # horizontal and vertical never overlap
    return (horizontal & keep_horizontal) | (vertical & keep_vertical) | (diagonal & keep_diagonal)


def _pack(mask: torch.Tensor) -> torch.Tensor:
    """(N, H, W) bool -> (N, H, K) int64, pixel j in bit j % 63 of word j // 63."""
    n, h, w = mask.shape
    words = -(-w // BITS_PER_WORD)
    bits = F.pad(mask.to(torch.int64), (0, words * BITS_PER_WORD - w))
    weights = torch.bitwise_left_shift(
        torch.ones((), dtype=torch.int64, device=mask.device),
        torch.arange(BITS_PER_WORD, dtype=torch.int64, device=mask.device),
    )
    return (bits.view(n, h, words, BITS_PER_WORD) * weights).sum(dim=-1)


def _unpack(packed: torch.Tensor, width: int) -> torch.Tensor:
    """Inverse of :func:`_pack`: (N, H, K) int64 -> (N, H, W) bool."""
    n, h, words = packed.shape
    shifts = torch.arange(BITS_PER_WORD, dtype=torch.int64, device=packed.device)
    bits = torch.bitwise_right_shift(packed.unsqueeze(-1), shifts) & 1
    return bits.view(n, h, words * BITS_PER_WORD)[..., :width].bool()


def _dilate_step(edges: torch.Tensor, candidate: torch.Tensor) -> torch.Tensor:
    """One 8-connected dilation of packed ``edges``, masked by packed ``candidate``."""
    top = BITS_PER_WORD - 1
    low_bits = (1 << top) - 1
    row = edges | ((edges & low_bits) << 1) | (edges >> 1)
    row[..., 1:] |= edges[..., :-1] >> top  # a word's last pixel spills into the next word
    row[..., :-1] |= (edges[..., 1:] & 1) << top  # and its first pixel into the previous one
    grown = row.clone()
    grown[:, 1:] |= row[:, :-1]
    grown[:, :-1] |= row[:, 1:]
    return grown & candidate


def _hysteresis(candidate: torch.Tensor, strong: torch.Tensor) -> torch.Tensor:
    """Candidates 8-connected (within each image) to a strong pixel; (N, H, W) bool masks.

    Bit-packed dilation finishes the paths of real images (a few dozen steps) fastest; a
    path still growing after :data:`HYSTERESIS_DILATION_CHECKS` rounds (a long snake,
    advancing one pixel per step) is finished by :func:`_connected_to`, whose number of
    rounds grows with the logarithm of the path length instead.
    """
    width = candidate.shape[-1]
    cand = _pack(candidate)
    edges = _pack(strong)
    for _ in range(HYSTERESIS_DILATION_CHECKS):
        for _ in range(HYSTERESIS_STEPS_PER_CHECK - 1):
            edges = _dilate_step(edges, cand)
        grown = _dilate_step(edges, cand)
        if torch.equal(grown, edges):
            return _unpack(edges, width)
        edges = grown
    return _connected_to(candidate, _unpack(edges, width))


def _neighbourhood_min(values: torch.Tensor, fill: int) -> torch.Tensor:
    """The minimum over each pixel's 3x3 neighbourhood of (N, H, W) int64 ``values``."""
    padded = F.pad(values, (1, 1, 1, 1), value=fill)
    rows = torch.minimum(torch.minimum(padded[:, :, :-2], padded[:, :, 1:-1]), padded[:, :, 2:])
    return torch.minimum(torch.minimum(rows[:, :-2], rows[:, 1:-1]), rows[:, 2:])


def _connected_to(candidate: torch.Tensor, seeds: torch.Tensor) -> torch.Tensor:
    """Candidates 8-connected to a seed pixel, by connected-component labelling.

    FastSV (Zhang, Azad and Hu, 2020), a vectorised Shiloach-Vishkin: every candidate
    pixel points to a parent; each round hooks a pixel's grandparent and the pixel itself
    onto the smallest grandparent in its 3x3 neighbourhood and then jumps pointers, so
    trees merge and flatten in O(log n) rounds for a component of n pixels, whatever its
    shape. The labels are then the component roots; a component with a seed is kept.
    """
    n, h, w = candidate.shape
    size = n * h * w
    flat_candidate = candidate.reshape(-1)
    parent = torch.arange(size, dtype=torch.int64, device=candidate.device)
    outside = torch.full_like(parent, size)
    members = flat_candidate.nonzero().squeeze(1)
    while True:
        grandparent = parent[parent]
        masked = torch.where(flat_candidate, grandparent, outside).view(n, h, w)
        smallest = torch.where(
            flat_candidate, _neighbourhood_min(masked, size).reshape(-1), outside
        )
        hooked = parent.clone()
        hooked.scatter_reduce_(0, parent[members], smallest[members], reduce="amin")
        hooked = torch.minimum(torch.minimum(hooked, smallest), grandparent)
        if torch.equal(hooked, parent):
            break
        parent = hooked
    while not torch.equal(parent[parent], parent):
        parent = parent[parent]
    seeded = torch.zeros(size, dtype=torch.bool, device=candidate.device)
    seeded[parent[seeds.reshape(-1) & flat_candidate]] = True
    return (seeded[parent] & flat_candidate).view(n, h, w)


def canny(
    image: torch.Tensor,
    low: Threshold | None = None,
    high: Threshold | None = None,
    *,
    k: float = CANNY_K,
    low_ratio: float = CANNY_LOW_RATIO,
    l2_gradient: bool = False,
) -> torch.Tensor:
    r"""Canny edges of ``cv2.Canny`` (aperture 3), with fixed or adaptive thresholds.

    The image is quantised to uint8 (``floor(255 x + 0.5)``), converted to gray like
    ``cv2.cvtColor(..., cv2.COLOR_RGB2GRAY)``, and edges are found exactly as
    ``cv2.Canny(gray, low, high, L2gradient=l2_gradient)`` finds them (see
    :mod:`faceloss.reference.canny` for the steps). Thresholds are on the 0..255 gray
    scale, as in OpenCV, and compared strictly (``magnitude > threshold``). With no
    thresholds they are chosen per image by :func:`adaptive_thresholds` (eqs. 1-2):

    .. math::
        T_h = m + k \sigma, \qquad T_l = \mathrm{low\_ratio} \cdot T_h

    Args:
        image: RGB or grayscale images :math:`(N, C, H, W)`, ``C`` in {1, 3}, floats in
            [0, 1], at least 3x3.
        low: the low threshold: a number, or a tensor of shape :math:`(N,)` (one per
            image); ``None`` (with ``high``) for adaptive thresholds.
        high: the high threshold, ``>= low``; same forms as ``low``.
        k: adaptive thresholds' coefficient of eq. 1 (ignored with explicit thresholds).
        low_ratio: adaptive ``T_l / T_h`` of eq. 2 (ignored with explicit thresholds).
        l2_gradient: use ``dx^2 + dy^2`` against squared thresholds (``L2gradient=True``)
            instead of ``|dx| + |dy|``.

    Returns:
        Edge maps :math:`(N, 1, H, W)`, the input's dtype and device, 1 on edges and 0
        elsewhere; not differentiable.

    Raises:
        TypeError: ``image`` is not a floating-point tensor; a threshold or option of the
            wrong type.
        ValueError: bad rank, channel count (not 1 or 3) or size (below 3x3), values
            outside [0, 1], only one threshold given, a negative or non-finite threshold,
            ``low > high``, ``k < 0`` or ``low_ratio`` outside [0, 1], ``k`` or ``low_ratio`` subnormal (below 2.2e-308). Checks that read
            tensor values run eagerly with value checks on (:func:`faceloss.set_value_checks`).

    Example:
        >>> import torch
        >>> step = torch.zeros(1, 1, 8, 8)
        >>> step[..., 4:] = 1.0
        >>> edges = canny(step, 50, 255)
        >>> edges.shape
        torch.Size([1, 1, 8, 8])
        >>> edges[0, 0, 0]
        tensor([0., 0., 0., 1., 0., 0., 0., 0.])
    """
    rules.check_canny_options(k, low_ratio, l2_gradient)
    explicit = rules.check_threshold_presence(low, high)
    image = _check_input(image)
    if explicit:
        low_values = _threshold_tensor("low", low, image)
        high_values = _threshold_tensor("high", high, image)
        if not (isinstance(low, torch.Tensor) or isinstance(high, torch.Tensor)):
            if float(low) > float(high):
                raise rules.threshold_order_error(float(low), float(high))
        elif value_checks_active():
            bad = low_values > high_values
            if bool(bad.any()):
                i = int(torch.argmax(bad.to(torch.uint8)))
                raise rules.threshold_order_error(float(low_values[i]), float(high_values[i]))
    dx, dy = _sobel(_gray_uint8(image))
    if not explicit:
        low_values, high_values = _adaptive(dx, dy, float(k), float(low_ratio), l2_gradient)
    magnitude = dx * dx + dy * dy if l2_gradient else dx.abs() + dy.abs()
    candidate = _suppress(magnitude, dx, dy) & (magnitude > _cv2_threshold(low_values, l2_gradient))
    strong = candidate & (magnitude > _cv2_threshold(high_values, l2_gradient))
    edges = _hysteresis(candidate[:, 0], strong[:, 0])
    return edges.unsqueeze(1).to(image.dtype)


class Canny(nn.Module):
    r"""Canny edges of ``cv2.Canny`` with fixed or adaptive thresholds; see :func:`canny`.

    Args:
        low: low threshold on the 0..255 scale, or ``None`` (with ``high``) for adaptive.
        high: high threshold, ``>= low``, or ``None``.
        k: adaptive coefficient of eq. 1 (default 1.6).
        low_ratio: adaptive ``T_l / T_h`` (default 0.5).
        l2_gradient: use the L2 gradient magnitude.

    Shape:
        - image: :math:`(N, C, H, W)`, ``C`` in {1, 3}, floats in [0, 1].
        - output: :math:`(N, 1, H, W)`, values in {0, 1}.

    Example:
        >>> import torch
        >>> Canny(50.0, 255.0)(torch.zeros(2, 3, 16, 16)).shape
        torch.Size([2, 1, 16, 16])
    """

    def __init__(
        self,
        low: float | None = None,
        high: float | None = None,
        *,
        k: float = CANNY_K,
        low_ratio: float = CANNY_LOW_RATIO,
        l2_gradient: bool = False,
    ) -> None:
        super().__init__()
        rules.check_canny_options(k, low_ratio, l2_gradient)
        self.low, self.high = rules.check_fixed_thresholds(low, high)
        self.k, self.low_ratio, self.l2_gradient = float(k), float(low_ratio), l2_gradient

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return canny(
            image,
            self.low,
            self.high,
            k=self.k,
            low_ratio=self.low_ratio,
            l2_gradient=self.l2_gradient,
        )

    def extra_repr(self) -> str:
        return (
            f"low={self.low}, high={self.high}, k={self.k}, low_ratio={self.low_ratio}, "
            f"l2_gradient={self.l2_gradient}"
        )
