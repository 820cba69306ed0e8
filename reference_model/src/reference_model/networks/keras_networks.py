"""EIPNet's generator and discriminator in Keras 3 (NHWC), built on :class:`faceloss.tf.EdgeBlock`.

The layers carry the attribute names of :mod:`reference_model.networks.torch_networks`, so
:func:`faceloss.weights.convert.torch_to_keras` and
:func:`~faceloss.weights.convert.keras_to_torch` copy weights between the two by name.
Both models are registered Keras serializables: a saved ``.keras`` file reloads.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from faceloss.tf import EdgeBlock
from reference_model.networks.architecture import (
    DiscriminatorArchitecture,
    GeneratorArchitecture,
)
from reference_model.networks.skip import bicubic_upscale_matrix

_PACKAGE = "reference_model"


@keras.saving.register_keras_serializable(package=_PACKAGE)
class KerasResidualBlock(keras.layers.Layer):
    """Keras twin of :class:`~reference_model.networks.torch_networks.ResidualBlock`.

    ``call([x, skip]) = skip + relu(conv2(relu(conv1(x))))``.

    Args:
        mid_channels, out_channels: widths of ``conv1``'s and ``conv2``'s outputs.
        dilations: dilation rates of ``conv1`` and ``conv2`` (Table 1: ``(1, 1)``).

    Example:
        >>> import numpy as np
        >>> block = KerasResidualBlock(8, 4)
        >>> block([np.zeros((1, 5, 5, 8)), np.ones((1, 5, 5, 4))]).shape
        TensorShape([1, 5, 5, 4])
    """

    def __init__(
        self,
        mid_channels: int,
        out_channels: int,
        dilations: tuple[int, int] | list[int] = (1, 1),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.mid_channels = int(mid_channels)
        self.out_channels = int(out_channels)
        self.dilations = (int(dilations[0]), int(dilations[1]))
        self.conv1 = keras.layers.Conv2D(
            mid_channels,
            3,
            padding="same",
            dilation_rate=self.dilations[0],
            activation="relu",
            name="conv1",
            dtype=self.dtype_policy,
        )
        self.conv2 = keras.layers.Conv2D(
            out_channels,
            3,
            padding="same",
            dilation_rate=self.dilations[1],
            activation="relu",
            name="conv2",
            dtype=self.dtype_policy,
        )

    def build(self, input_shape: Any) -> None:
        x_shape = tuple(input_shape[0])
        self.conv1.build(x_shape)
        self.conv2.build((*x_shape[:-1], self.mid_channels))

    def call(self, inputs: Any) -> tf.Tensor:
        x, skip = inputs
        return skip + self.conv2(self.conv1(x))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (*tuple(input_shape[0])[:-1], self.out_channels)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "mid_channels": self.mid_channels,
            "out_channels": self.out_channels,
            "dilations": list(self.dilations),
        }


@keras.saving.register_keras_serializable(package=_PACKAGE)
class KerasEIPNetGenerator(keras.Model):
    r"""Keras twin of :class:`~reference_model.networks.torch_networks.EIPNetGenerator`.

    Use :func:`reference_model.build_generator` with ``backend="keras"``.

    Args:
        architecture: a :class:`~reference_model.networks.GeneratorArchitecture` or its
            ``to_dict()`` (what ``get_config`` stores).

    Shape:
        - lr: :math:`(N, 16, 16, 3)`, floats in [0, 1].
        - returns ``(sr, edges)``: ``sr`` :math:`(N, 128, 128, 3)`, ``edges`` a tuple of
          :math:`(N, 32, 32, 1)`, :math:`(N, 64, 64, 1)`, :math:`(N, 128, 128, 1)`.

    Example:
        >>> import numpy as np
        >>> from reference_model.networks import GeneratorArchitecture
        >>> net = KerasEIPNetGenerator(GeneratorArchitecture(channels=(16, 8, 8, 4)))
        >>> sr, edges = net(np.random.rand(2, 16, 16, 3).astype("float32"))
        >>> tuple(sr.shape), [tuple(e.shape[1:3]) for e in edges]
        ((2, 128, 128, 3), [(32, 32), (64, 64), (128, 128)])
    """

    def __init__(self, architecture: GeneratorArchitecture | dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(architecture, dict):
            architecture = GeneratorArchitecture(**architecture)
        self.architecture = architecture
        arch = architecture
        c0, c1, c2, c3 = arch.channels
        widths = arch.residual_widths()
        relu = arch.official
        policy = self.dtype_policy

        def conv(filters: int, kernel: int, name: str, bias: bool = True) -> keras.layers.Conv2D:
            return keras.layers.Conv2D(
                filters, kernel, padding="same", use_bias=bias, name=name, dtype=policy
            )

        def up(filters: int, name: str) -> keras.layers.Conv2DTranspose:
            return keras.layers.Conv2DTranspose(
                filters, 4, strides=2, padding="same", activation="relu", name=name, dtype=policy
            )

        self.conv0 = conv(c0, 3, "conv0")
        self.res1 = KerasResidualBlock(
            widths[0][1], widths[0][2], arch.res1_dilations, name="res1", dtype=policy
        )
        self.res1_extra = [
            KerasResidualBlock(*arch.extra_widths()[1:], name=f"res1_extra_{i}", dtype=policy)
            for i in range(arch.res1_extra_blocks)
        ]
        self.up1 = up(c1, "up1")
        self.edge1 = EdgeBlock(arch.pool_sizes[0], relu=relu, name="edge1", dtype=policy)
        self.res2 = KerasResidualBlock(widths[1][1], widths[1][2], name="res2", dtype=policy)
        self.up2 = up(c2, "up2")
        self.edge2 = EdgeBlock(arch.pool_sizes[1], relu=relu, name="edge2", dtype=policy)
        self.res3 = KerasResidualBlock(widths[2][1], widths[2][2], name="res3", dtype=policy)
        self.up3 = up(c3, "up3")
        self.edge3 = EdgeBlock(arch.pool_sizes[2], relu=relu, name="edge3", dtype=policy)
        self.conv4 = conv(3, arch.last_kernel, "conv4", bias=not arch.lr_projection)
        if arch.bicubic_skip:
            self.upscale = tf.constant(
                bicubic_upscale_matrix(arch.input_size, arch.scale), dtype=tf.float32
            )

    def build(self, input_shape: Any = None) -> None:
        size = self.architecture.input_size
        self.call(keras.ops.zeros((1, size, size, 3), dtype=self.compute_dtype))
        self.built = True

    def _project(self, sr: tf.Tensor, lr: tf.Tensor) -> tf.Tensor:
        """``sr`` made consistent with ``lr``: each 8x8 block shifted to average to its
        input pixel (the caller passes float32, as the torch twin computes it)."""
        scale = self.architecture.scale
        residual = lr - tf.nn.avg_pool2d(sr, scale, scale, "VALID")
        return sr + tf.repeat(tf.repeat(residual, scale, axis=1), scale, axis=2)

    def _edge(self, edge: tf.Tensor) -> tf.Tensor:
        if self.architecture.official:
            return keras.ops.relu(edge) / self.architecture.data_scale
        return edge

    def call(self, lr: Any) -> tuple[tf.Tensor, tuple[tf.Tensor, ...]]:
        scale = self.architecture.data_scale
        x = self.conv0(lr * scale if scale != 1.0 else lr)
        x = self.res1([x, x])
        for block in self.res1_extra:
            x = block([x, x])
        up = self.up1(x)
        x, edge1 = self.edge1(up)
        x = self.res2([x, up])
        up = self.up2(x)
        x, edge2 = self.edge2(up)
        x = self.res3([x, up])
        up = self.up3(x)
        x, edge3 = self.edge3(up)
        sr = self.conv4(x)
        if scale != 1.0:
            sr = sr / scale
        if self.architecture.bicubic_skip:  # in float32 like the torch twin
            lr32 = tf.cast(lr, tf.float32)
            base = tf.einsum("ih,nhwc,jw->nijc", self.upscale, lr32, self.upscale)
            sr = tf.cast(sr, tf.float32) + base
        if self.architecture.lr_projection:  # in float32 like the torch twin
            sr = self._project(tf.cast(sr, tf.float32), tf.cast(lr, tf.float32))
        return sr, (self._edge(edge1), self._edge(edge2), self._edge(edge3))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "architecture": self.architecture.to_dict()}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class KerasEIPNetDiscriminator(keras.Model):
    r"""Keras twin of :class:`~reference_model.networks.torch_networks.EIPNetDiscriminator`.

    Stride-2 convolutions use 'same' padding (paper) or 'valid' (official); the last map
    is transposed to channel-first order before flattening, like torch, so the ``fc1``
    weights need no permutation.

    Args:
        architecture: a :class:`~reference_model.networks.DiscriminatorArchitecture` or its
            ``to_dict()``.

    Shape:
        - image: :math:`(N, S, S, 3)`, floats in [0, 1].
        - returns: logits :math:`(N, 1)`.

    Example:
        >>> import numpy as np
        >>> from reference_model.networks import DiscriminatorArchitecture
        >>> arch = DiscriminatorArchitecture(channels=(4, 4, 8, 8, 8, 8, 8), fc=16)
        >>> KerasEIPNetDiscriminator(arch)(np.zeros((2, 128, 128, 3), "float32")).shape
        TensorShape([2, 1])
    """

    def __init__(
        self, architecture: DiscriminatorArchitecture | dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(architecture, dict):
            architecture = DiscriminatorArchitecture(**architecture)
        self.architecture = architecture
        policy = self.dtype_policy
        names = ("conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv4")
        self._names = names
        for name, filters, stride in zip(
            names, architecture.channels, architecture.strides, strict=True
        ):
            padding = "valid" if (stride == 2 and architecture.official) else "same"
            layer = keras.layers.Conv2D(
                filters, 3, strides=stride, padding=padding, name=name, dtype=policy
            )
            setattr(self, name, layer)
        self.fc1 = keras.layers.Dense(architecture.fc, name="fc1", dtype=policy)
        self.fc2 = keras.layers.Dense(1, name="fc2", dtype=policy)

    def build(self, input_shape: Any = None) -> None:
        size = self.architecture.image_size
        self.call(keras.ops.zeros((1, size, size, 3), dtype=self.compute_dtype))
        self.built = True

    def call(self, image: Any) -> tf.Tensor:
        scale = self.architecture.data_scale
        x = image * scale if scale != 1.0 else image
        last = len(self._names) - 1
        for i, name in enumerate(self._names):
            x = getattr(self, name)(x)
            if i < last or not self.architecture.official:
                x = keras.ops.leaky_relu(x, 0.2)
        x = keras.ops.reshape(keras.ops.transpose(x, (0, 3, 1, 2)), (keras.ops.shape(x)[0], -1))
        return self.fc2(keras.ops.leaky_relu(self.fc1(x), 0.2))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "architecture": self.architecture.to_dict()}
