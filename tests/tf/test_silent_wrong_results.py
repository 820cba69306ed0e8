"""faceloss.tf refuses the inputs that used to give a silent wrong result (issue 11, section 5)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from faceloss.tf import DlibFaceResNet, JSIdentityLoss, LuminanceChrominanceLoss


@pytest.fixture(scope="module")
def net() -> DlibFaceResNet:
    return DlibFaceResNet(pretrained=False)


@pytest.mark.parametrize(
    ("scale", "shift"), [(255.0, 0.0), (1.0, -0.5)], ids=["0..255", "negative"]
)
def test_dlib_network_refuses_images_outside_0_1(net, scale, shift):
    image = tf.random.uniform((1, 150, 150, 3)) * scale + shift
    with pytest.raises(ValueError, match=r"image must have values in \[0, 1\]"):
        net(image)


def test_dlib_network_refuses_nan(net):
    image = np.random.default_rng(0).random((1, 150, 150, 3)).astype(np.float32)
    image[0, 7, 9, 1] = np.nan  # its max-pool used to drop the NaN: a finite, wrong embedding
    with pytest.raises(ValueError, match=r"image .*NaN"):
        net(tf.constant(image))


def test_js_identity_loss_refuses_images_on_the_0_255_scale(net):
    criterion = JSIdentityLoss(network=net)
    target = tf.random.uniform((1, 64, 64, 3))
    with pytest.raises(ValueError, match=r"target must have values in \[0, 1\]"):
        criterion(target * 255, target)  # Keras order: (y_true, y_pred)


@pytest.mark.parametrize("loss", [LuminanceChrominanceLoss, JSIdentityLoss])
def test_keras_losses_refuse_integer_targets_before_keras_casts_them(loss, net):
    criterion = loss() if loss is LuminanceChrominanceLoss else loss(network=net)
    target = np.full((1, 64, 64, 3), 200, np.uint8)
    with pytest.raises(TypeError, match="target \\(y_true\\) must have a floating-point dtype"):
        criterion(target, tf.random.uniform((1, 64, 64, 3)))


def test_keras_losses_refuse_none():
    with pytest.raises(TypeError, match=r"prediction \(y_pred\) must be a floating-point tensor"):
        LuminanceChrominanceLoss()(tf.zeros((1, 8, 8, 3)), None)


class _FeatureMap(keras.layers.Layer):
    """A 'network' returning (N, 1, 1, D), as a conv backbone without its flatten would."""

    input_size = (16, 16)

    def call(self, x: tf.Tensor) -> tf.Tensor:
        return tf.reduce_mean(x, axis=(1, 2), keepdims=True)


def test_js_identity_loss_refuses_a_network_that_does_not_return_n_by_d():
    criterion = JSIdentityLoss(network=_FeatureMap(), crop=None)
    image = tf.random.uniform((2, 16, 16, 3))
    with pytest.raises(ValueError, match=r"\(N, D\) embeddings, got shape \(2, 1, 1, 3\)"):
        criterion(image, image)
