"""Multi-scale Canny edge targets of the HR image (paper section 3.1, eq. 3) and the x2 downscale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf

from faceloss import _canny as rules
from faceloss.spec import CANNY_K, CANNY_LOW_RATIO, EDGE_TARGET_SCALES
from faceloss.tf._checks import check_image, check_range
from faceloss.tf._layer import Layer
from faceloss.tf._precision import at_least_float32
from faceloss.tf.canny import canny


def downscale_x2(image: tf.Tensor) -> tf.Tensor:
    r"""Halve height and width by bilinear interpolation: the mean of each 2x2 block.

    At exactly half size, bilinear interpolation with half-pixel centres and no
    antialiasing samples each output pixel half-way between four input pixels, so it
    is the 2x2 box mean. This is what ``torch.nn.functional.interpolate(x,
    scale_factor=0.5, mode="bilinear", align_corners=False)``,
    ``tf.image.resize(x, (h // 2, w // 2), "bilinear")`` and ``cv2.resize(x, None,
    fx=0.5, fy=0.5, interpolation=cv2.INTER_LINEAR)`` compute (up to float rounding).
    The four terms are added in the fixed order top-left, top-right, bottom-left,
    bottom-right, then scaled by 1/4, in every backend. Differentiable.

    .. math::
        y_{i,j} = \tfrac14 \left(x_{2i,2j} + x_{2i,2j+1} + x_{2i+1,2j} + x_{2i+1,2j+1}\right)

    Args:
        image: images :math:`(N, H, W, C)`, floats, any channel count; ``H`` and ``W``
            even.

    Returns:
        :math:`(N, H/2, W/2, C)`, same dtype.

    Raises:
        TypeError: ``image`` is not a floating-point tensor.
        ValueError: ``image`` is not a non-empty 4-D batch, or ``H`` or ``W`` is odd.

    Example:
        >>> import tensorflow as tf
        >>> image = tf.reshape(tf.range(16.0), (1, 4, 4, 1))
        >>> downscale_x2(image)[0, :, :, 0].numpy()
        array([[ 2.5,  4.5],
               [10.5, 12.5]], dtype=float32)
    """
    image = check_image(image, "image", channels=None)
    rules.check_even_size("image", image.shape[1], image.shape[2])
    (image,), dtype = at_least_float32(image)
    total = image[:, 0::2, 0::2] + image[:, 0::2, 1::2] + image[:, 1::2, 0::2]
    return tf.cast((total + image[:, 1::2, 1::2]) * 0.25, dtype)


def edge_targets(
    hr: tf.Tensor, scales: Sequence[int] = EDGE_TARGET_SCALES, **canny_kwargs: Any
) -> list[tf.Tensor]:
    """Canny edge maps of the HR image at several scales: the edge blocks' targets (eq. 3).

    The HR image is downscaled by repeated :func:`downscale_x2` (128 -> 64 -> 32) and
    :func:`~faceloss.tf.canny` runs on each level; with no thresholds in
    ``canny_kwargs`` each level gets its own adaptive per-image thresholds (eqs. 1-2).

    Args:
        hr: high-resolution RGB or grayscale images :math:`(N, H, W, C)`, ``C`` in {1, 3},
            floats in [0, 1]; ``H`` and ``W`` divisible by every scale.
        scales: downscale factors, powers of two; the paper's edge blocks work at
            1/4, 1/2 and 1 of the HR size (default ``(4, 2, 1)``,
            :data:`faceloss.spec.EDGE_TARGET_SCALES`).
        **canny_kwargs: passed to :func:`~faceloss.tf.canny` (``low``, ``high``,
            ``k``, ``low_ratio``, ``l2_gradient``).

    Returns:
        A list, ordered like ``scales``, of edge maps :math:`(N, H/s, W/s, 1)` of 0/1 in
        ``hr``'s dtype.

    Raises:
        TypeError: ``hr`` is not a floating-point tensor; bad ``scales`` entries.
        ValueError: bad rank or channel count, values outside [0, 1] (value checks on), a
            scale that is not a power of two or does not divide ``H`` and ``W`` (or leaves
            less than 3 pixels), or a bad Canny argument.

    Example:
        >>> import numpy as np
        >>> hr = np.zeros((2, 128, 128, 3), dtype="float32")
        >>> hr[:, :, 64:] = 1.0
        >>> [tuple(edges.shape) for edges in edge_targets(hr, low=50, high=255)]
        [(2, 32, 32, 1), (2, 64, 64, 1), (2, 128, 128, 1)]
    """
    hr = check_image(hr, "hr", rules.CANNY_CHANNELS, rules.CANNY_MIN_SIZE)
    scales = rules.check_scales(scales, hr.shape[1], hr.shape[2])
    check_range(hr, "hr", 0.0, 1.0)
    levels = {1: tf.stop_gradient(hr)}
    scale = 1
    while scale < max(scales):
        levels[2 * scale] = downscale_x2(levels[scale])
        scale *= 2
    return [canny(levels[s], **canny_kwargs) for s in scales]


@keras.saving.register_keras_serializable(package="faceloss")
class EdgeTargets(Layer):
    """Multi-scale Canny edge targets as a Keras layer; see :func:`edge_targets`.

    Args:
        scales: downscale factors, powers of two (default ``(4, 2, 1)``,
            :data:`faceloss.spec.EDGE_TARGET_SCALES`).
        low: Canny low threshold (0..255 scale), or ``None`` (with ``high``) for adaptive.
        high: Canny high threshold, or ``None``.
        k: adaptive coefficient of eq. 1 (default 1.6).
        low_ratio: adaptive ``T_l / T_h`` (default 0.5).
        l2_gradient: use the L2 gradient magnitude.
        **kwargs: Keras layer arguments (``name``, ``dtype``, ...).

    Shape:
        - hr: :math:`(N, H, W, C)`, ``C`` in {1, 3}, floats in [0, 1].
        - output: a list of :math:`(N, H/s, W/s, 1)` maps, one per scale, in order.

    Example:
        >>> import tensorflow as tf
        >>> targets = EdgeTargets()(tf.random.uniform((2, 64, 64, 3)))
        >>> [tuple(t.shape[1:3]) for t in targets]
        [(16, 16), (32, 32), (64, 64)]
    """

    input_name = "hr"

    def __init__(
        self,
        scales: Sequence[int] = EDGE_TARGET_SCALES,
        low: float | None = None,
        high: float | None = None,
        *,
        k: float = CANNY_K,
        low_ratio: float = CANNY_LOW_RATIO,
        l2_gradient: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(trainable=False, **kwargs)
        self.scales = rules.check_scales(scales, None, None)
        rules.check_canny_options(k, low_ratio, l2_gradient)
        self.low, self.high = rules.check_fixed_thresholds(low, high)
        self.k, self.low_ratio, self.l2_gradient = float(k), float(low_ratio), l2_gradient

    def call(self, hr: tf.Tensor) -> list[tf.Tensor]:
        return edge_targets(
            hr,
            self.scales,
            low=self.low,
            high=self.high,
            k=self.k,
            low_ratio=self.low_ratio,
            l2_gradient=self.l2_gradient,
        )

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> list[tuple]:
        n, h, w = tuple(input_shape)[:3]
        return [
            (n, None if h is None else h // s, None if w is None else w // s, 1)
            for s in self.scales
        ]

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("trainable", None)
        config.update(
            scales=list(self.scales),
            low=self.low,
            high=self.high,
            k=self.k,
            low_ratio=self.low_ratio,
            l2_gradient=self.l2_gradient,
        )
        return config
