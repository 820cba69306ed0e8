"""Separable Gaussian filtering of image stacks, the core of SSIM and VIF."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def filter_valid(images: tf.Tensor, window: np.ndarray) -> tf.Tensor:
    """Correlate every channel of (N, H, W, K) with the 1-D ``window`` over W then H, valid part.

    Two depthwise 1-D convolutions (``2 * size`` taps per pixel instead of
    ``size**2``), all K channels in one call; several times faster than the
    11x11 depthwise convolution of ``tf.image.ssim``.
    """
    channels, size = images.shape[-1], window.size
    taps = tf.constant(window, dtype=images.dtype)
    rows = tf.tile(tf.reshape(taps, (1, size, 1, 1)), (1, 1, channels, 1))
    columns = tf.tile(tf.reshape(taps, (size, 1, 1, 1)), (1, 1, channels, 1))
    images = tf.nn.depthwise_conv2d(images, rows, strides=(1, 1, 1, 1), padding="VALID")
    return tf.nn.depthwise_conv2d(images, columns, strides=(1, 1, 1, 1), padding="VALID")
