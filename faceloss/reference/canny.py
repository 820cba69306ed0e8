r"""The Canny edge detector of ``cv2.Canny`` and the paper's adaptive thresholds (section 3.1).

NumPy (+ SciPy for the connected components) only: OpenCV is used by the tests to
verify it, never here. The pipeline, every step in integers exactly as OpenCV
(opencv-python-headless 5.0, aperture 3) computes it:

1. quantise: ``q = floor(clip(x, 0, 1) * 255 + 0.5)`` (round half up) in float64;
2. gray (RGB input): ``(19596 R + 38470 G + 7470 B + 32768) >> 16``, i.e.
   ``cv2.cvtColor(q, cv2.COLOR_RGB2GRAY)`` (:data:`faceloss.spec.GRAY_FROM_RGB_Q16`);
3. 3x3 Sobel ``dx``, ``dy`` with a replicated border;
4. magnitude ``|dx| + |dy|`` or, with ``l2_gradient``, ``dx^2 + dy^2``;
5. non-maximum suppression with OpenCV's fixed-point direction rule
   (:data:`faceloss.spec.CANNY_TG22_Q15`) and its tie rules, magnitude 0 outside the image;
6. hysteresis: the 8-connected components of the candidates (``magnitude > low``, kept by
   the suppression) that contain a strong pixel (``magnitude > high``).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from faceloss import _canny as rules
from faceloss.reference._checks import check_image, check_range
from faceloss.spec import (
    CANNY_K,
    CANNY_L2_THRESHOLD_CLAMP,
    CANNY_LOW_RATIO,
    CANNY_TG22_Q15,
    GRAY_FROM_RGB_Q16,
    GRAY_SHIFT,
)

ThresholdLike = float | np.ndarray


def _check_input(image: object) -> np.ndarray:
    image = check_image(image, "image", rules.CANNY_CHANNELS, rules.CANNY_MIN_SIZE)
    check_range(image, "image", 0.0, 1.0)
    return image


def _gray_uint8(image: np.ndarray) -> np.ndarray:
    """(N, H, W, C) floats in [0, 1] -> (N, H, W) int64 gray levels 0..255 (cv2's rule)."""
    x = np.nan_to_num(image.astype(np.float64), nan=0.0)
    q = np.floor(np.clip(x, 0.0, 1.0) * 255.0 + 0.5).astype(np.int64)
    if q.shape[-1] == 1:
        return q[..., 0]
    wr, wg, wb = GRAY_FROM_RGB_Q16
    rounding = 1 << (GRAY_SHIFT - 1)
    return (wr * q[..., 0] + wg * q[..., 1] + wb * q[..., 2] + rounding) >> GRAY_SHIFT


def _sobel(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """3x3 Sobel derivatives (N, H, W) int64 with a replicated border (``BORDER_REPLICATE``)."""
    p = np.pad(gray, ((0, 0), (1, 1), (1, 1)), mode="edge")
    horizontal = p[:, :, 2:] - p[:, :, :-2]
    dx = horizontal[:, :-2] + 2 * horizontal[:, 1:-1] + horizontal[:, 2:]
    vertical = p[:, 2:, :] - p[:, :-2, :]
    dy = vertical[:, :, :-2] + 2 * vertical[:, :, 1:-1] + vertical[:, :, 2:]
    return dx, dy


def _threshold_magnitude(dx: np.ndarray, dy: np.ndarray, l2_gradient: bool) -> np.ndarray:
    """The magnitude on the thresholds' scale: ``|dx| + |dy|`` or ``sqrt(dx^2 + dy^2)``."""
    if l2_gradient:
        return np.sqrt((dx * dx + dy * dy).astype(np.float64))
    return (np.abs(dx) + np.abs(dy)).astype(np.float64)


def _adaptive(dx: np.ndarray, dy: np.ndarray, k: float, low_ratio: float, l2_gradient: bool):
    magnitude = _threshold_magnitude(dx, dy, l2_gradient)
    count = magnitude.shape[1] * magnitude.shape[2]
    # Sum of squares from the integer gradients: exact, so every backend gets the same bits.
    squares = (dx * dx + dy * dy) if l2_gradient else (np.abs(dx) + np.abs(dy)) ** 2
    mean = magnitude.sum(axis=(1, 2)) / count
    second = squares.astype(np.float64).sum(axis=(1, 2)) / count
    sigma = np.sqrt(np.maximum(second - mean * mean, 0.0))
    high = mean + k * sigma
    low = low_ratio * high
    # Below the smallest normal float64 a threshold is 0, as TF (which flushes subnormals) has it.
    return np.where(low < rules.SMALLEST_NORMAL, 0.0, low), high


def adaptive_thresholds(
    image: np.ndarray,
    k: float = CANNY_K,
    low_ratio: float = CANNY_LOW_RATIO,
    *,
    l2_gradient: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
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
        image: RGB or grayscale images :math:`(N, H, W, C)`, ``C`` in {1, 3}, floats in
            [0, 1], at least 3x3.
        k: coefficient of eq. 1, ``>= 0`` (the paper uses 1.2 to 1.6; default 1.6).
        low_ratio: ``T_l / T_h`` in [0, 1] (eq. 2: 0.5).
        l2_gradient: measure the L2 norm instead of the L1 magnitude.

    Returns:
        ``(low, high)``: two float64 arrays of shape :math:`(N,)` on the 0..255 scale,
        ready to pass to :func:`canny` or ``cv2.Canny``.

    Raises:
        TypeError: ``image`` is not a floating-point array; a bad option type.
        ValueError: bad rank, channel count or size, values outside [0, 1] (value checks
            on), ``k < 0`` or ``low_ratio`` outside [0, 1], ``k`` or ``low_ratio`` subnormal (below 2.2e-308).

    Example:
        >>> import numpy as np
        >>> step = np.zeros((1, 8, 8, 1))
        >>> step[:, :, 4:] = 1.0
        >>> low, high = adaptive_thresholds(step)
        >>> low.shape
        (1,)
        >>> round(float(low[0]), 3), round(float(high[0]), 3)
        (480.838, 961.677)
    """
    rules.check_canny_options(k, low_ratio, l2_gradient)
    image = _check_input(image)
    dx, dy = _sobel(_gray_uint8(image))
    return _adaptive(dx, dy, float(k), float(low_ratio), l2_gradient)


def _threshold_array(name: str, value: ThresholdLike, batch: int) -> np.ndarray:
    if isinstance(value, np.ndarray):
        rules.check_threshold_shape(name, value.shape, batch)
        value = value.astype(np.float64)
        if not np.isfinite(value).all():
            raise rules.non_finite_threshold_error(name)
        if value.size and value.min() < 0:
            raise rules.negative_threshold_error(name, float(value.min()))
        return np.broadcast_to(value, (batch,))
    return np.full(batch, rules.check_scalar_threshold(name, value))


def _cv2_threshold(value: np.ndarray, l2_gradient: bool) -> np.ndarray:
    """``cv2.Canny``'s integer threshold: clamp and square for L2, then floor."""
    if l2_gradient:
        value = np.minimum(value, CANNY_L2_THRESHOLD_CLAMP)
        value = value * value
    return np.floor(value)


def _suppress(magnitude: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """OpenCV's non-maximum suppression: True where the pixel is a local maximum."""
    m = np.pad(magnitude, ((0, 0), (1, 1), (1, 1)))
    center = m[:, 1:-1, 1:-1]
    x, y = np.abs(dx), np.abs(dy)
    tg22x = x * CANNY_TG22_Q15
    horizontal = (y << 15) < tg22x
    vertical = (y << 15) > tg22x + (x << 16)
    keep_horizontal = (center > m[:, 1:-1, :-2]) & (center >= m[:, 1:-1, 2:])
    keep_vertical = (center > m[:, :-2, 1:-1]) & (center >= m[:, 2:, 1:-1])
    opposite = (dx < 0) != (dy < 0)
    keep_diagonal = np.where(
        opposite,
        (center > m[:, :-2, 2:]) & (center > m[:, 2:, :-2]),
        (center > m[:, :-2, :-2]) & (center > m[:, 2:, 2:]),
    )
    return np.where(horizontal, keep_horizontal, np.where(vertical, keep_vertical, keep_diagonal))


def _hysteresis(candidate: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Candidates 8-connected (within each image) to a strong pixel."""
    structure = np.zeros((3, 3, 3), dtype=bool)
    structure[1] = True
    labels, _ = ndimage.label(candidate, structure=structure)
    keep = np.zeros(labels.max() + 1, dtype=bool)
    keep[labels[strong]] = True
    keep[0] = False
    return keep[labels]


def canny(
    image: np.ndarray,
    low: ThresholdLike | None = None,
    high: ThresholdLike | None = None,
    *,
    k: float = CANNY_K,
    low_ratio: float = CANNY_LOW_RATIO,
    l2_gradient: bool = False,
) -> np.ndarray:
    r"""Canny edges of ``cv2.Canny`` (aperture 3), with fixed or adaptive thresholds.

    The image is quantised to uint8 (``floor(255 x + 0.5)``), converted to gray like
    ``cv2.cvtColor(..., cv2.COLOR_RGB2GRAY)``, and edges are found exactly as
    ``cv2.Canny(gray, low, high, L2gradient=l2_gradient)`` finds them (see the module
    docstring for the steps). Thresholds are on the 0..255 gray scale, as in OpenCV,
    and compared strictly (``magnitude > threshold``). With no thresholds they are
    chosen per image by :func:`adaptive_thresholds` (eqs. 1-2):

    .. math::
        T_h = m + k \sigma, \qquad T_l = \mathrm{low\_ratio} \cdot T_h

    Args:
        image: RGB or grayscale images :math:`(N, H, W, C)`, ``C`` in {1, 3}, floats in
            [0, 1], at least 3x3.
        low: the low threshold: a number, or an array of shape :math:`(N,)` (one per
            image); ``None`` (with ``high``) for adaptive thresholds.
        high: the high threshold, ``>= low``; same forms as ``low``.
        k: adaptive thresholds' coefficient of eq. 1 (ignored with explicit thresholds).
        low_ratio: adaptive ``T_l / T_h`` of eq. 2 (ignored with explicit thresholds).
        l2_gradient: use ``dx^2 + dy^2`` against squared thresholds (``L2gradient=True``)
            instead of ``|dx| + |dy|``.

    Returns:
        Edge maps :math:`(N, H, W, 1)`, float64, 1.0 on edges and 0.0 elsewhere.

    Raises:
        TypeError: ``image`` is not a floating-point array; a threshold or option of the
            wrong type.
        ValueError: bad rank, channel count (not 1 or 3) or size (below 3x3), values
            outside [0, 1] (value checks on), only one threshold given, a negative or
            non-finite threshold, ``low > high``, ``k < 0`` or ``low_ratio`` outside [0, 1], ``k`` or ``low_ratio`` subnormal (below 2.2e-308).

    Example:
        >>> import numpy as np
        >>> step = np.zeros((1, 8, 8, 1))
        >>> step[:, :, 4:] = 1.0
        >>> edges = canny(step, 50, 255)
        >>> edges.shape
        (1, 8, 8, 1)
        >>> edges[0, 0, :, 0]
        array([0., 0., 0., 1., 0., 0., 0., 0.])
    """
    rules.check_canny_options(k, low_ratio, l2_gradient)
    explicit = rules.check_threshold_presence(low, high)
    image = _check_input(image)
    batch = image.shape[0]
    if explicit:
        low_values = _threshold_array("low", low, batch)
        high_values = _threshold_array("high", high, batch)
        bad = low_values > high_values
        if bad.any():
            i = int(np.argmax(bad))
            raise rules.threshold_order_error(low_values[i], high_values[i])
    dx, dy = _sobel(_gray_uint8(image))
    if not explicit:
        low_values, high_values = _adaptive(dx, dy, float(k), float(low_ratio), l2_gradient)
    magnitude = dx * dx + dy * dy if l2_gradient else np.abs(dx) + np.abs(dy)
    low_int = _cv2_threshold(low_values, l2_gradient)[:, None, None]
    high_int = _cv2_threshold(high_values, l2_gradient)[:, None, None]
    candidate = _suppress(magnitude, dx, dy) & (magnitude > low_int)
    strong = candidate & (magnitude > high_int)
    return _hysteresis(candidate, strong)[..., None].astype(np.float64)
