"""dlib's face-recognition ResNet v1 (128-D face descriptors) as a Keras 3 layer.

The network of dlib's ``examples/dnn_face_recognition_ex.cpp`` (Davis King, public
domain weights, the model behind the ``face_recognition`` package that the EIPNet
paper used for its identity metrics), re-implemented so that it runs, and passes
gradients, without dlib. Weights come from ``face_recognition_models``
(:mod:`faceloss.weights.dlib`). Sublayer names follow the torch module
(``blocks.3.conv1`` in torch is sublayer ``conv1`` of layer ``blocks_3`` here).
"""

from __future__ import annotations

import os

import keras
import numpy as np
import tensorflow as tf

from faceloss.spec import (
    DLIB_FACE_RESNET_BLOCKS,
    DLIB_FACE_RESNET_EMBEDDING_DIM,
    DLIB_FACE_RESNET_INPUT_SIZE,
    DLIB_FACE_RESNET_MEAN_RGB,
    DLIB_FACE_RESNET_SCALE,
)
from faceloss.tf._checks import check_image, check_range
from faceloss.tf._layer import Layer
from faceloss.weights.layout import conv_kernel_torch_to_keras


def zero_pad_add(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """dlib's ``add_prev``: sum of two NHWC tensors, the smaller zero-padded (bottom/right, channels)."""
    shape_a, shape_b = tf.shape(a), tf.shape(b)
    target = tf.maximum(shape_a, shape_b)

    def grow(t: tf.Tensor, shape: tf.Tensor) -> tf.Tensor:
        extra = target - shape
        return tf.pad(t, tf.stack([tf.zeros_like(extra), extra], axis=1))

    return grow(a, shape_a) + grow(b, shape_b)


@keras.saving.register_keras_serializable(package="faceloss")
class Affine(keras.layers.Layer):
    """Per-channel scale and shift (dlib's ``affine`` layer: batch norm folded at training end)."""

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        channels = int(input_shape[-1])
        self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta")

    def call(self, x: tf.Tensor) -> tf.Tensor:
        return x * self.gamma + self.beta


@keras.saving.register_keras_serializable(package="faceloss")
class ResidualBlock(keras.layers.Layer):
    """conv3x3 -> affine -> ReLU -> conv3x3 -> affine, plus the shortcut, then ReLU.

    With ``stride=2`` the first convolution is unpadded and strided and the shortcut is
    a 2x2/2 average pool, added with dlib's zero padding (:func:`zero_pad_add`).
    """

    def __init__(self, channels: int, stride: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.channels = channels
        self.stride = stride
        policy = self.dtype_policy
        padding = "valid" if stride == 2 else "same"
        self.conv1 = keras.layers.Conv2D(
            channels, 3, strides=stride, padding=padding, name="conv1", dtype=policy
        )
        self.affine1 = Affine(name="affine1", dtype=policy)
        self.conv2 = keras.layers.Conv2D(channels, 3, padding="same", name="conv2", dtype=policy)
        self.affine2 = Affine(name="affine2", dtype=policy)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self.conv1.build(input_shape)
        out = self.conv1.compute_output_shape(input_shape)
        self.affine1.build(out)
        self.conv2.build(out)
        self.affine2.build(out)

    def call(self, x: tf.Tensor) -> tf.Tensor:
        y = tf.nn.relu(self.affine1(self.conv1(x)))
        y = self.affine2(self.conv2(y))
        shortcut = tf.nn.avg_pool2d(x, 2, 2, "VALID") if self.stride == 2 else x
        return tf.nn.relu(zero_pad_add(y, shortcut))

    def get_config(self) -> dict:
        return {**super().get_config(), "channels": self.channels, "stride": self.stride}


@keras.saving.register_keras_serializable(package="faceloss")
class DlibFaceResNet(Layer):
    r"""dlib's 128-D face descriptor network (``dlib_face_recognition_resnet_model_v1``).

    Takes 150x150 RGB face chips in [0, 1] (aligned as by ``dlib.get_face_chip(img,
    shape, size=150, padding=0.25)``) and returns dlib's descriptors: the same
    numbers as ``dlib.face_recognition_model_v1(...).compute_face_descriptor(chip)``
    (to < 1e-5 in float32). Two faces are the same person when their Euclidean
    distance is under 0.6. The input normalisation is inside the network:

    .. math::
        x_{dlib} = (255\,x - \mu_{rgb}) / 256, \quad \mu_{rgb} \approx (122.78, 117.00, 104.30)

    Stem: conv 7x7/2 (32) -> affine -> ReLU -> max-pool 3x3/2; 14 residual blocks
    (:data:`faceloss.spec.DLIB_FACE_RESNET_BLOCKS`); ReLU -> global average pool ->
    linear 256 -> 128 without bias. 29 convolutions, 5,614,592 parameters.

    The layer is frozen by default (``trainable=False``) but differentiable with
    respect to its input, so it can sit inside a loss. The weights are not part of
    the config: a deserialized layer reads them again from ``weights_path`` (or the
    installed package); with ``pretrained=False`` a saved model's own weights apply.

    Args:
        weights_path: the ``.dat`` file; ``None`` (default) reads it from the installed
            ``face_recognition_models`` package (``pip install 'faceloss[identity]'``).
        pretrained: ``False`` leaves the layers randomly initialised (for tests).
        trainable: ``True`` lets the weights train.
        **kwargs: Keras layer arguments (``name``, ``dtype``).

    Shape:
        - input: :math:`(N, 150, 150, 3)`, RGB floats in [0, 1] (other sizes are refused:
          resizing is :class:`faceloss.tf.JSIdentityLoss`'s job).
        - output: :math:`(N, 128)`.

    Raises:
        FileNotFoundError: no weights file (package not installed, bad path).
        faceloss.weights.dlib.DlibFormatError: the file is not an intact copy.
        TypeError: (when called) ``image`` is not a float tensor.
        ValueError: (when called) ``image`` is not (N, 150, 150, 3) (NHWC), or (value checks
            on, eagerly) has values outside [0, 1] or NaN/Inf.

    Example:
        >>> import keras
        >>> import tensorflow as tf
        >>> net = DlibFaceResNet()
        >>> net(tf.fill((2, 150, 150, 3), 0.5)).shape
        TensorShape([2, 128])
        >>> net.trainable, len(net.trainable_weights)
        (False, 0)
        >>> type(keras.layers.deserialize(keras.layers.serialize(net))).__name__
        'DlibFaceResNet'
    """

    input_name = "image"

    input_size: tuple[int, int] = DLIB_FACE_RESNET_INPUT_SIZE
    embedding_dim: int = DLIB_FACE_RESNET_EMBEDDING_DIM

    def __init__(
        self,
        weights_path: str | os.PathLike[str] | None = None,
        pretrained: bool = True,
        trainable: bool = False,
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("name", "dlib_face_resnet")
        super().__init__(trainable=trainable, **kwargs)
        self.weights_path = None if weights_path is None else os.fspath(weights_path)
        self.pretrained = pretrained
        self.mean_rgb = np.asarray(DLIB_FACE_RESNET_MEAN_RGB, dtype=np.float64)
        policy = self.dtype_policy
        self.conv0 = keras.layers.Conv2D(32, 7, strides=2, name="conv0", dtype=policy)
        self.affine0 = Affine(name="affine0", dtype=policy)
        self.blocks = [
            ResidualBlock(out, stride, name=f"blocks_{i}", dtype=policy)
            for i, (out, stride) in enumerate(DLIB_FACE_RESNET_BLOCKS)
        ]
        self.fc = keras.layers.Dense(128, use_bias=False, name="fc", dtype=policy)
        self.build((None, *self.input_size, 3))
        if pretrained:
            self.load_dlib_weights(self.weights_path)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        if self.built:
            return
        shape = (None, *self.input_size, 3)
        self.conv0.build(shape)
        shape = self.conv0.compute_output_shape(shape)
        self.affine0.build(shape)
        size = (shape[1] - 3) // 2 + 1  # 3x3/2 max pool
        shape = (None, size, size, shape[3])
        for block in self.blocks:
            block.build(shape)
            conv = block.conv1.compute_output_shape(shape)
            if block.stride == 2:
                pooled = (shape[1] - 2) // 2 + 1
                size = max(conv[1], pooled)
            shape = (None, size, size, block.channels)
        self.fc.build((None, shape[3]))
        self.built = True

    def load_dlib_weights(self, path: str | os.PathLike[str] | None = None) -> None:
        """Load the weights (and input means) from dlib's file; ``None``: the installed package."""
        from faceloss.weights.dlib import read_dlib_face_resnet

        weights = read_dlib_face_resnet(path)
        arrays = weights.arrays
        self.conv0.set_weights(_conv(arrays, "conv0"))
        self.affine0.set_weights(_affine(arrays, "affine0"))
        for i, block in enumerate(self.blocks):
            block.conv1.set_weights(_conv(arrays, f"blocks.{i}.conv1"))
            block.affine1.set_weights(_affine(arrays, f"blocks.{i}.affine1"))
            block.conv2.set_weights(_conv(arrays, f"blocks.{i}.conv2"))
            block.affine2.set_weights(_affine(arrays, f"blocks.{i}.affine2"))
        self.fc.set_weights([arrays["fc.weight"].T])
        self.mean_rgb = np.asarray(weights.mean_rgb, dtype=np.float64)

    def call(self, image: tf.Tensor) -> tf.Tensor:
        image = check_image(image, "image")
        check_range(image, "image", 0.0, 1.0)
        size = tuple(image.shape[1:3])
        if None not in size and size != self.input_size:
            raise ValueError(
                f"image must be {self.input_size[0]}x{self.input_size[1]} face chips "
                f"(NHWC), got {size[0]}x{size[1]}: shape {tuple(image.shape)}; resize first "
                "(JSIdentityLoss does)"
            )
        dtype = self.compute_dtype
        image = tf.cast(image, dtype)
        mean = tf.constant(self.mean_rgb, dtype=dtype)
        x = (image * 255.0 - mean) / DLIB_FACE_RESNET_SCALE
        x = tf.nn.relu(self.affine0(self.conv0(x)))
        x = tf.nn.max_pool2d(x, 3, 2, "VALID")
        for block in self.blocks:
            x = block(x)
        return self.fc(tf.reduce_mean(x, axis=[1, 2]))

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], 128)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "weights_path": self.weights_path,
            "pretrained": self.pretrained,
        }


def _conv(arrays: dict[str, np.ndarray], name: str) -> list[np.ndarray]:
    """torch ``(O, I, kh, kw)`` weight + bias -> Keras ``(kh, kw, I, O)`` kernel + bias."""
    return [conv_kernel_torch_to_keras(arrays[f"{name}.weight"]), arrays[f"{name}.bias"]]


def _affine(arrays: dict[str, np.ndarray], name: str) -> list[np.ndarray]:
    return [arrays[f"{name}.gamma"], arrays[f"{name}.beta"]]
