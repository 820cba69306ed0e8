"""The channels a full-image metric is computed on: all of them, or the BT.601 luma."""

from __future__ import annotations

import tensorflow as tf

from faceloss.spec import LUMA_FROM_RGB


def metric_channels(image: tf.Tensor, y_channel: bool) -> tf.Tensor:
    """``image`` (N, H, W, C) unchanged, or with ``y_channel`` its luma (N, H, W, 1)."""
    if not y_channel:
        return image
    weights = tf.constant(LUMA_FROM_RGB.reshape(3, 1), dtype=image.dtype)
    return tf.tensordot(image, weights, axes=[[3], [0]])
