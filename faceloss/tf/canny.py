r"""The Canny edge detector of ``cv2.Canny`` and the paper's adaptive thresholds, batched in TF.

Bit for bit the edges of :func:`faceloss.reference.canny` (and so of ``cv2.Canny`` on the
quantised gray image); see that module for the steps. Every intermediate value is an
integer below :math:`2^{24}`, held exactly in float32. Hysteresis runs on bit-packed rows
(63 pixels per int64 word) inside a ``tf.while_loop`` that stops when a round of
:data:`HYSTERESIS_STEPS_PER_CHECK` masked dilation steps changes nothing; it works in
``tf.function`` graphs (the loop condition is the only value read back per round).
The output is not differentiable (gradients are stopped).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from faceloss import _canny as rules
from faceloss.spec import (
    CANNY_K,
    CANNY_L2_THRESHOLD_CLAMP,
    CANNY_LOW_RATIO,
    CANNY_TG22_Q15,
    GRAY_FROM_RGB_Q16,
    GRAY_SHIFT,
)
from faceloss.tf._checks import check_image, check_range, static_shape, value_checks_active
from faceloss.tf._layer import Layer

Threshold = float | tf.Tensor

BITS_PER_WORD = 63
"""Pixels packed per int64 word in the hysteresis (the sign bit stays clear)."""

HYSTERESIS_STEPS_PER_CHECK = 4
"""Dilation steps between two convergence tests of the hysteresis.

Faces of 128x128 need about 55-105 steps. On a CPU the test is nearly free and 1 to 16
steps per test measured within noise of each other (batch of 64 faces, one thread);
each test is one round of the ``tf.while_loop``, whose condition is read back per round."""

HYSTERESIS_DILATION_CHECKS = 32
"""Dilation rounds (of :data:`HYSTERESIS_STEPS_PER_CHECK` steps) before hysteresis switches
to connected-component labelling, whose time does not grow with the length of a path:
128 steps, more than the 55-105 that faces of 128x128 need, so they never switch."""


def _check_input(image: object) -> tf.Tensor:
    image = check_image(image, "image", rules.CANNY_CHANNELS, rules.CANNY_MIN_SIZE)
    if image.shape.rank is None or image.shape[-1] is None:
        raise ValueError(
            f"image must have a statically known rank and channel count (1 or 3), got "
            f"shape {image.shape}"
        )
    check_range(image, "image", 0.0, 1.0)
    return image


def _gray_uint8(image: tf.Tensor) -> tf.Tensor:
    """(N, H, W, C) float64 in [0, 1] -> (N, H, W, 1) float32 gray levels 0..255 (cv2's rule).

    The rounding ``floor(255 x + 0.5)`` runs in float64, where ``255 x`` is exact for any
    float32 ``x``; the gray sum is an integer below 2**24, exact in float64 and float32.
    """
    x = tf.clip_by_value(tf.where(tf.math.is_nan(image), tf.zeros_like(image), image), 0.0, 1.0)
    q = tf.floor(x * 255.0 + 0.5)
    if q.shape[-1] == 1:
        return tf.cast(q, tf.float32)
    wr, wg, wb = GRAY_FROM_RGB_Q16
    total = q[..., 0:1] * wr + q[..., 1:2] * wg + q[..., 2:3] * wb + float(1 << (GRAY_SHIFT - 1))
    return tf.cast(tf.floor(total * (1.0 / (1 << GRAY_SHIFT))), tf.float32)


def _sobel(gray: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """3x3 Sobel derivatives (N, H, W, 1) with a replicated border; exact integers in float32."""
    p = tf.pad(gray, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="SYMMETRIC")  # = replicate for 1
    horizontal = p[:, :, 2:] - p[:, :, :-2]
    dx = horizontal[:, :-2] + 2.0 * horizontal[:, 1:-1] + horizontal[:, 2:]
    vertical = p[:, 2:] - p[:, :-2]
    dy = vertical[:, :, :-2] + 2.0 * vertical[:, :, 1:-1] + vertical[:, :, 2:]
    return dx, dy


def _adaptive(
    dx: tf.Tensor, dy: tf.Tensor, k: float, low_ratio: float, l2_gradient: bool
) -> tuple[tf.Tensor, tf.Tensor]:
    dx, dy = tf.cast(dx, tf.float64), tf.cast(dy, tf.float64)
    if l2_gradient:
        squares = dx * dx + dy * dy
        magnitude = tf.sqrt(squares)
    else:
        magnitude = tf.abs(dx) + tf.abs(dy)
        squares = magnitude * magnitude
    shape = tf.shape(magnitude)
    count = tf.cast(shape[1] * shape[2], tf.float64)
    mean = tf.reduce_sum(magnitude, axis=[1, 2, 3]) / count
    second = tf.reduce_sum(squares, axis=[1, 2, 3]) / count
    sigma = tf.sqrt(tf.maximum(second - mean * mean, 0.0))
    high = mean + k * sigma
    low = low_ratio * high
    # Below the smallest normal float64 a threshold is 0 (TF flushes subnormals; explicit here).
    return tf.where(low < rules.SMALLEST_NORMAL, tf.zeros_like(low), low), high


def adaptive_thresholds(
    image: tf.Tensor,
    k: float = CANNY_K,
    low_ratio: float = CANNY_LOW_RATIO,
    *,
    l2_gradient: bool = False,
) -> tuple[tf.Tensor, tf.Tensor]:
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
        ``(low, high)``: two float64 tensors of shape :math:`(N,)` on the 0..255 scale,
        ready to pass to :func:`canny` or ``cv2.Canny``.

    Raises:
        TypeError: ``image`` is not a floating-point tensor; a bad option type.
        ValueError: bad rank, channel count or size, values outside [0, 1] (value checks
            on), ``k < 0`` or ``low_ratio`` outside [0, 1], ``k`` or ``low_ratio`` subnormal (below 2.2e-308).

    Example:
        >>> import tensorflow as tf
        >>> step = tf.concat([tf.zeros((1, 8, 4, 1)), tf.ones((1, 8, 4, 1))], axis=2)
        >>> low, high = adaptive_thresholds(step)
        >>> low.shape
        TensorShape([1])
        >>> round(float(low[0]), 3), round(float(high[0]), 3)
        (480.838, 961.677)
    """
    rules.check_canny_options(k, low_ratio, l2_gradient)
    image = _check_input(image)
    return _graph("thresholds", image.shape[-1], l2_gradient)(
        _as_float64(image),
        tf.constant(float(k), tf.float64),
        tf.constant(float(low_ratio), tf.float64),
    )


def _threshold_tensor(name: str, value: Threshold, image: tf.Tensor) -> tf.Tensor:
    """A threshold as float64 of shape (N,)."""
    batch = tf.shape(image)[0]
    if tf.is_tensor(value) or isinstance(value, np.ndarray):
        value = tf.convert_to_tensor(value)
        rules.check_threshold_shape(name, static_shape(value), image.shape[0])
        value = tf.cast(tf.stop_gradient(value), tf.float64)
        if value_checks_active():
            if not bool(tf.reduce_all(tf.math.is_finite(value))):
                raise rules.non_finite_threshold_error(name)
            if float(tf.reduce_min(value)) < 0:
                raise rules.negative_threshold_error(name, float(tf.reduce_min(value)))
        return tf.broadcast_to(value, [batch])
    value = rules.check_scalar_threshold(name, value)
    return tf.fill([batch], tf.constant(value, tf.float64))


def _cv2_threshold(value: tf.Tensor, l2_gradient: bool) -> tf.Tensor:
    """``cv2.Canny``'s integer threshold as float32 (N, 1, 1, 1): clamp and square for L2, floor.

    Values above 2**24 lose precision in float32 but stay above every magnitude (<= 2080800).
    """
    if l2_gradient:
        value = tf.minimum(value, CANNY_L2_THRESHOLD_CLAMP)
        value = value * value
    return tf.reshape(tf.cast(tf.floor(value), tf.float32), [-1, 1, 1, 1])


def _suppress(magnitude: tf.Tensor, dx: tf.Tensor, dy: tf.Tensor) -> tf.Tensor:
    """OpenCV's non-maximum suppression: True where the pixel is a local maximum."""
    m = tf.pad(magnitude, [[0, 0], [1, 1], [1, 1], [0, 0]])
    center = m[:, 1:-1, 1:-1]
    x, y = tf.abs(dx), tf.abs(dy)
    tg22x = x * float(CANNY_TG22_Q15)
    # y * 2**15 < x * TG22 and y * 2**15 > x * (TG22 + 2**16), rearranged so that every
    # product stays exact in float32.
    horizontal = y * 32768.0 < tg22x
    vertical = (y - 2.0 * x) * 32768.0 > tg22x
    keep_horizontal = (center > m[:, 1:-1, :-2]) & (center >= m[:, 1:-1, 2:])
    keep_vertical = (center > m[:, :-2, 1:-1]) & (center >= m[:, 2:, 1:-1])
    opposite = tf.not_equal(dx < 0, dy < 0)
    keep_diagonal = (opposite & (center > m[:, :-2, 2:]) & (center > m[:, 2:, :-2])) | (
        ~opposite & (center > m[:, :-2, :-2]) & (center > m[:, 2:, 2:])
    )
    diagonal = ~(horizontal | vertical)  # horizontal and vertical never overlap
    return (horizontal & keep_horizontal) | (vertical & keep_vertical) | (diagonal & keep_diagonal)


def _pack(mask: tf.Tensor) -> tf.Tensor:
    """(N, H, W) bool -> (N, H, K) int64, pixel j in bit j % 63 of word j // 63."""
    shape = tf.shape(mask)
    words = (shape[2] + BITS_PER_WORD - 1) // BITS_PER_WORD
    bits = tf.pad(tf.cast(mask, tf.int64), [[0, 0], [0, 0], [0, words * BITS_PER_WORD - shape[2]]])
    bits = tf.reshape(bits, [shape[0], shape[1], words, BITS_PER_WORD])
    weights = tf.bitwise.left_shift(
        tf.ones([BITS_PER_WORD], tf.int64), tf.range(BITS_PER_WORD, dtype=tf.int64)
    )
    return tf.reduce_sum(bits * weights, axis=-1)


def _unpack(packed: tf.Tensor, width: tf.Tensor) -> tf.Tensor:
    """Inverse of :func:`_pack`: (N, H, K) int64 -> (N, H, W) bool."""
    shape = tf.shape(packed)
    shifts = tf.range(BITS_PER_WORD, dtype=tf.int64)
    bits = tf.bitwise.bitwise_and(tf.bitwise.right_shift(packed[..., None], shifts), 1)
    bits = tf.reshape(bits, [shape[0], shape[1], shape[2] * BITS_PER_WORD])
    return tf.cast(bits[:, :, :width], tf.bool)


def _dilate_step(edges: tf.Tensor, candidate: tf.Tensor) -> tf.Tensor:
    """One 8-connected dilation of packed ``edges``, masked by packed ``candidate``."""
    top = BITS_PER_WORD - 1
    low_bits = (1 << top) - 1
    row = (
        edges
        | tf.bitwise.left_shift(edges & low_bits, 1)
        | tf.bitwise.right_shift(edges, 1)
        # a word's last pixel spills into the next word, its first into the previous one
        | tf.pad(tf.bitwise.right_shift(edges[..., :-1], top), [[0, 0], [0, 0], [1, 0]])
        | tf.pad(tf.bitwise.left_shift(edges[..., 1:] & 1, top), [[0, 0], [0, 0], [0, 1]])
    )
    grown = (
        row
        | tf.pad(row[:, :-1], [[0, 0], [1, 0], [0, 0]])
        | tf.pad(row[:, 1:], [[0, 0], [0, 1], [0, 0]])
    )
    return grown & candidate


def _hysteresis(candidate: tf.Tensor, strong: tf.Tensor) -> tf.Tensor:
    """Candidates 8-connected (within each image) to a strong pixel; (N, H, W) bool masks.

    Bit-packed dilation finishes the paths of real images (a few dozen steps) fastest; a
    path still growing after :data:`HYSTERESIS_DILATION_CHECKS` rounds (a long snake,
    advancing one pixel per step) is finished by :func:`_connected_to`, whose number of
    rounds grows with the logarithm of the path length instead.
    """
    cand = _pack(candidate)

    def grow(edges: tf.Tensor) -> tf.Tensor:
        for _ in range(HYSTERESIS_STEPS_PER_CHECK):
            edges = _dilate_step(edges, cand)
        return edges

    def body(
        edges: tf.Tensor, _: tf.Tensor, rounds: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        grown = grow(edges)
        return grown, tf.reduce_any(tf.not_equal(grown, edges)), rounds + 1

    edges, changed, _ = tf.while_loop(
        lambda _, changed, rounds: changed & (rounds < HYSTERESIS_DILATION_CHECKS),
        body,
        (_pack(strong), tf.constant(True), tf.constant(0)),
        parallel_iterations=1,
    )
    edges = _unpack(edges, tf.shape(candidate)[2])
    return tf.cond(changed, lambda: _connected_to(candidate, edges), lambda: edges)


def _neighbourhood_min(values: tf.Tensor, fill: tf.Tensor) -> tf.Tensor:
    """The minimum over each pixel's 3x3 neighbourhood of (N, H, W) int64 ``values``."""
    padded = tf.pad(values, [[0, 0], [1, 1], [1, 1]], constant_values=fill)
    rows = tf.minimum(tf.minimum(padded[:, :, :-2], padded[:, :, 1:-1]), padded[:, :, 2:])
    return tf.minimum(tf.minimum(rows[:, :-2], rows[:, 1:-1]), rows[:, 2:])


def _connected_to(candidate: tf.Tensor, seeds: tf.Tensor) -> tf.Tensor:
    """Candidates 8-connected to a seed pixel, by connected-component labelling.

    FastSV (Zhang, Azad and Hu, 2020), a vectorised Shiloach-Vishkin: every candidate
    pixel points to a parent; each round hooks a pixel's grandparent and the pixel itself
    onto the smallest grandparent in its 3x3 neighbourhood and then jumps pointers, so
    trees merge and flatten in O(log n) rounds for a component of n pixels, whatever its
    shape. The labels are then the component roots; a component with a seed is kept.
    """
    shape = tf.shape(candidate)
    flat = tf.reshape(candidate, [-1])
    size = tf.size(flat, out_type=tf.int64)
    start = tf.range(size, dtype=tf.int64)
    outside = tf.fill(tf.shape(start), size)
    members = tf.where(flat)[:, 0]

    def hook(parent: tf.Tensor, _: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        grandparent = tf.gather(parent, parent)
        masked = tf.reshape(tf.where(flat, grandparent, outside), shape)
        smallest = tf.where(flat, tf.reshape(_neighbourhood_min(masked, size), [-1]), outside)
        hooked = tf.tensor_scatter_nd_min(
            parent, tf.gather(parent, members)[:, None], tf.gather(smallest, members)
        )
        hooked = tf.minimum(tf.minimum(hooked, smallest), grandparent)
        return hooked, tf.reduce_any(tf.not_equal(hooked, parent))

    def jump(parent: tf.Tensor, _: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        grandparent = tf.gather(parent, parent)
        return grandparent, tf.reduce_any(tf.not_equal(grandparent, parent))

    parent, _ = tf.while_loop(lambda _, changed: changed, hook, (start, tf.constant(True)))
    parent, _ = tf.while_loop(lambda _, changed: changed, jump, (parent, tf.constant(True)))
    seed_flags = tf.cast(tf.reshape(seeds, [-1]) & flat, tf.int32)
    seeded = tf.math.unsorted_segment_max(seed_flags, parent, num_segments=size) > 0
    return tf.reshape(tf.gather(seeded, parent) & flat, shape)


def canny(
    image: tf.Tensor,
    low: Threshold | None = None,
    high: Threshold | None = None,
    *,
    k: float = CANNY_K,
    low_ratio: float = CANNY_LOW_RATIO,
    l2_gradient: bool = False,
) -> tf.Tensor:
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
        image: RGB or grayscale images :math:`(N, H, W, C)`, ``C`` in {1, 3}, floats in
            [0, 1], at least 3x3.
        low: the low threshold: a number, or a tensor of shape :math:`(N,)` (one per
            image); ``None`` (with ``high``) for adaptive thresholds.
        high: the high threshold, ``>= low``; same forms as ``low``.
        k: adaptive thresholds' coefficient of eq. 1 (ignored with explicit thresholds).
        low_ratio: adaptive ``T_l / T_h`` of eq. 2 (ignored with explicit thresholds).
        l2_gradient: use ``dx^2 + dy^2`` against squared thresholds (``L2gradient=True``)
            instead of ``|dx| + |dy|``.

    Returns:
        Edge maps :math:`(N, H, W, 1)`, the input's dtype, 1 on edges and 0 elsewhere;
        not differentiable.

    Raises:
        TypeError: ``image`` is not a floating-point tensor; a threshold or option of the
            wrong type.
        ValueError: bad rank, channel count (not 1 or 3) or size (below 3x3), values
            outside [0, 1], only one threshold given, a negative or non-finite threshold,
            ``low > high``, ``k < 0`` or ``low_ratio`` outside [0, 1], ``k`` or ``low_ratio`` subnormal (below 2.2e-308). Checks that read
            tensor values run eagerly with value checks on (:func:`faceloss.set_value_checks`).

    Example:
        >>> import tensorflow as tf
        >>> step = tf.concat([tf.zeros((1, 8, 4, 1)), tf.ones((1, 8, 4, 1))], axis=2)
        >>> edges = canny(step, 50, 255)
        >>> edges.shape
        TensorShape([1, 8, 8, 1])
        >>> edges[0, 0, :, 0].numpy()
        array([0., 0., 0., 1., 0., 0., 0., 0.], dtype=float32)
    """
    rules.check_canny_options(k, low_ratio, l2_gradient)
    explicit = rules.check_threshold_presence(low, high)
    image = _check_input(image)
    if explicit:
        low_values = _threshold_tensor("low", low, image)
        high_values = _threshold_tensor("high", high, image)
        if not any(tf.is_tensor(t) or isinstance(t, np.ndarray) for t in (low, high)):
            if float(low) > float(high):
                raise rules.threshold_order_error(float(low), float(high))
        elif value_checks_active():
            bad = low_values > high_values
            if bool(tf.reduce_any(bad)):
                i = int(tf.argmax(tf.cast(bad, tf.int32)))
                raise rules.threshold_order_error(float(low_values[i]), float(high_values[i]))
    x = _as_float64(image)
    if explicit:
        edges = _graph("fixed", image.shape[-1], l2_gradient)(x, low_values, high_values)
    else:
        k = tf.constant(float(k), tf.float64)
        edges = _graph("adaptive", image.shape[-1], l2_gradient)(
            x, k, tf.constant(float(low_ratio), tf.float64)
        )
    return tf.cast(edges, image.dtype)


def _as_float64(image: tf.Tensor) -> tf.Tensor:
    return tf.cast(tf.stop_gradient(image), tf.float64)  # exact for every float dtype


def _edges(
    dx: tf.Tensor, dy: tf.Tensor, low_values: tf.Tensor, high_values: tf.Tensor, l2_gradient: bool
) -> tf.Tensor:
    magnitude = dx * dx + dy * dy if l2_gradient else tf.abs(dx) + tf.abs(dy)
    candidate = _suppress(magnitude, dx, dy) & (magnitude > _cv2_threshold(low_values, l2_gradient))
    strong = candidate & (magnitude > _cv2_threshold(high_values, l2_gradient))
    edges = _hysteresis(candidate[..., 0], strong[..., 0])
    return tf.cast(edges[..., None], tf.float32)


_GRAPHS: dict[tuple[str, int | None, bool], tf.types.experimental.PolymorphicFunction] = {}


def _graph(kind: str, channels: int | None, l2_gradient: bool):
    """The compiled graph of one variant, traced once for any batch size and image size.

    Eager calls then run one graph instead of hundreds of small eager operations (the
    hysteresis loop); inside an outer ``tf.function`` the graph is simply inlined.
    """
    key = (kind, channels, l2_gradient)
    if key not in _GRAPHS:
        image = tf.TensorSpec([None, None, None, channels], tf.float64)
        vector = tf.TensorSpec([None], tf.float64)
        scalar = tf.TensorSpec([], tf.float64)
        if kind == "fixed":

            def fn(x, low, high):
                dx, dy = _sobel(_gray_uint8(x))
                return _edges(dx, dy, low, high, l2_gradient)

            signature = [image, vector, vector]
        elif kind == "adaptive":

            def fn(x, k, low_ratio):
                dx, dy = _sobel(_gray_uint8(x))
                low, high = _adaptive(dx, dy, k, low_ratio, l2_gradient)
                return _edges(dx, dy, low, high, l2_gradient)

            signature = [image, scalar, scalar]
        else:

            def fn(x, k, low_ratio):
                dx, dy = _sobel(_gray_uint8(x))
                return _adaptive(dx, dy, k, low_ratio, l2_gradient)

            signature = [image, scalar, scalar]
        _GRAPHS[key] = tf.function(fn, input_signature=signature, autograph=False)
    return _GRAPHS[key]


@keras.saving.register_keras_serializable(package="faceloss")
class Canny(Layer):
    r"""Canny edges of ``cv2.Canny`` with fixed or adaptive thresholds; see :func:`canny`.

    A weightless, non-trainable layer (its output carries no gradient).

    Args:
        low: low threshold on the 0..255 scale, or ``None`` (with ``high``) for adaptive.
        high: high threshold, ``>= low``, or ``None``.
        k: adaptive coefficient of eq. 1 (default 1.6).
        low_ratio: adaptive ``T_l / T_h`` (default 0.5).
        l2_gradient: use the L2 gradient magnitude.
        **kwargs: Keras layer arguments (``name``, ``dtype``, ...).

    Shape:
        - image: :math:`(N, H, W, C)`, ``C`` in {1, 3}, floats in [0, 1].
        - output: :math:`(N, H, W, 1)`, values in {0, 1}.

    Example:
        >>> import keras
        >>> import tensorflow as tf
        >>> layer = Canny(50.0, 255.0)
        >>> layer(tf.zeros((2, 16, 16, 3))).shape
        TensorShape([2, 16, 16, 1])
        >>> keras.layers.deserialize(keras.layers.serialize(layer)).get_config()["high"]
        255.0
    """

    input_name = "image"

    def __init__(
        self,
        low: float | None = None,
        high: float | None = None,
        *,
        k: float = CANNY_K,
        low_ratio: float = CANNY_LOW_RATIO,
        l2_gradient: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(trainable=False, **kwargs)
        rules.check_canny_options(k, low_ratio, l2_gradient)
        self.low, self.high = rules.check_fixed_thresholds(low, high)
        self.k, self.low_ratio, self.l2_gradient = float(k), float(low_ratio), l2_gradient

    def call(self, image: tf.Tensor) -> tf.Tensor:
        return canny(
            image,
            self.low,
            self.high,
            k=self.k,
            low_ratio=self.low_ratio,
            l2_gradient=self.l2_gradient,
        )

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (*tuple(input_shape)[:3], 1)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("trainable", None)
        config.update(
            low=self.low,
            high=self.high,
            k=self.k,
            low_ratio=self.low_ratio,
            l2_gradient=self.l2_gradient,
        )
        return config
