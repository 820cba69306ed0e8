r"""FaceNet's InceptionResnetV1: the 512-D face embedding network of the identity loss (3.2).

The Keras twin of :class:`faceloss.torch.InceptionResnetV1` (facenet-pytorch's
architecture, from David Sandberg's TensorFlow FaceNet; Szegedy et al., arXiv:1602.07261).
Every sublayer is an attribute with the torch attribute's name (``conv2d_1a.conv``,
``repeat_1[0].branch1[1].bn``, ``last_linear``...), and layer ``name`` equals it, so
:func:`faceloss.weights.convert.torch_to_keras` maps a torch ``state_dict`` by name.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers, ops

from faceloss._facenet import check_facenet_args
from faceloss.spec import (
    FACENET_BLOCK_REPEATS,
    FACENET_BLOCK_SCALES,
    FACENET_BN_EPS,
    FACENET_BN_MOMENTUM,
    FACENET_DROPOUT_PROB,
    FACENET_EMBEDDING_DIM,
    FACENET_FEATURE_DIM,
    FACENET_INPUT_SIZE,
    FACENET_L2_EPS,
    FACENET_MIN_INPUT_SIZE,
    FACENET_PIXEL_MEAN,
    FACENET_PIXEL_SCALE,
    FACENET_PIXEL_STD,
)
from faceloss.tf._checks import check_finite, check_image

Size = int | tuple[int, int]


def fixed_image_standardization(image: tf.Tensor) -> tf.Tensor:
    r"""Map [0, 1] RGB images to FaceNet's input range with its fixed standardisation.

    The preprocessing the VGGFace2 FaceNet weights were trained with (facenet-pytorch's
    ``fixed_image_standardization`` on 0..255 pixels, written for [0, 1] inputs):

    .. math::
        x' = \frac{255\,x - 127.5}{128}

    :class:`InceptionResnetV1` applies it itself; call it only to inspect the input.

    Args:
        image: RGB images :math:`(N, H, W, 3)`, floats in [0, 1].

    Returns:
        Standardised images, same shape and dtype, in [-0.99609375, 0.99609375]
        for inputs in [0, 1].

    Raises:
        TypeError: ``image`` is not a floating-point tensor.
        ValueError: ``image`` is not a non-empty 4-D batch with 3 channels.

    Example:
        >>> import tensorflow as tf
        >>> out = fixed_image_standardization(tf.reshape(tf.constant([0.0, 0.5, 1.0]), (1, 1, 1, 3)))
        >>> tf.reshape(out, [-1]).numpy().tolist()
        [-0.99609375, 0.0, 0.99609375]
    """
    image = check_image(image, "image")
    return _standardize(image)


def _standardize(image: tf.Tensor) -> tf.Tensor:
    return (image * FACENET_PIXEL_SCALE - FACENET_PIXEL_MEAN) / FACENET_PIXEL_STD


def _padding(padding: Size) -> str:
    """torch padding (0, or (k - 1) / 2 at stride 1) as Keras' "valid"/"same"."""
    return "valid" if padding in (0, (0, 0)) else "same"


class _BasicConv2d(layers.Layer):
    """Convolution without bias, batch norm (eps 1e-3), ReLU."""

    def __init__(
        self,
        in_planes: int,
        out_planes: int,
        kernel_size: Size,
        stride: int,
        padding: Size = 0,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(
            out_planes,
            kernel_size,
            stride,
            padding=_padding(padding),
            use_bias=False,
            name="conv",
            dtype=self.dtype_policy,
        )
        self.bn = layers.BatchNormalization(
            epsilon=FACENET_BN_EPS,
            momentum=1.0 - FACENET_BN_MOMENTUM,
            name="bn",
            dtype=self.dtype_policy,
        )
        self.conv.build((None, None, None, in_planes))
        self.bn.build((None, None, None, out_planes))
        self.built = True

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        return ops.relu(self.bn(self.conv(x), training=training))


def _sequence(x: tf.Tensor, blocks: list[layers.Layer], training: bool | None) -> tf.Tensor:
    for block in blocks:
        x = block(x, training=training)
    return x


def _conv1x1(in_planes: int, out_planes: int, dtype: object) -> layers.Conv2D:
    conv = layers.Conv2D(out_planes, 1, name="conv2d", dtype=dtype)
    conv.build((None, None, None, in_planes))
    return conv


class _Block35(layers.Layer):
    """Inception-ResNet-A block: 256 channels."""

    def __init__(self, scale: float, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        policy = self.dtype_policy
        self.branch0 = _BasicConv2d(256, 32, 1, 1, name="branch0", dtype=policy)
        self.branch1 = [
            _BasicConv2d(256, 32, 1, 1, name="0", dtype=policy),
            _BasicConv2d(32, 32, 3, 1, 1, name="1", dtype=policy),
        ]
        self.branch2 = [
            _BasicConv2d(256, 32, 1, 1, name="0", dtype=policy),
            _BasicConv2d(32, 32, 3, 1, 1, name="1", dtype=policy),
            _BasicConv2d(32, 32, 3, 1, 1, name="2", dtype=policy),
        ]
        self.conv2d = _conv1x1(96, 256, policy)
        self.built = True

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        mixed = ops.concatenate(
            [
                self.branch0(x, training=training),
                _sequence(x, self.branch1, training),
                _sequence(x, self.branch2, training),
            ],
            axis=-1,
        )
        return ops.relu(self.conv2d(mixed) * self.scale + x)


class _Block17(layers.Layer):
    """Inception-ResNet-B block: 896 channels, factorised 1x7 / 7x1 branch."""

    def __init__(self, scale: float, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        policy = self.dtype_policy
        self.branch0 = _BasicConv2d(896, 128, 1, 1, name="branch0", dtype=policy)
        self.branch1 = [
            _BasicConv2d(896, 128, 1, 1, name="0", dtype=policy),
            _BasicConv2d(128, 128, (1, 7), 1, (0, 3), name="1", dtype=policy),
            _BasicConv2d(128, 128, (7, 1), 1, (3, 0), name="2", dtype=policy),
        ]
        self.conv2d = _conv1x1(256, 896, policy)
        self.built = True

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        mixed = ops.concatenate(
            [self.branch0(x, training=training), _sequence(x, self.branch1, training)], axis=-1
        )
        return ops.relu(self.conv2d(mixed) * self.scale + x)


class _Block8(layers.Layer):
    """Inception-ResNet-C block: 1792 channels, factorised 1x3 / 3x1 branch; ReLU optional."""

    def __init__(self, scale: float, relu: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        self.relu = relu
        policy = self.dtype_policy
        self.branch0 = _BasicConv2d(1792, 192, 1, 1, name="branch0", dtype=policy)
        self.branch1 = [
            _BasicConv2d(1792, 192, 1, 1, name="0", dtype=policy),
            _BasicConv2d(192, 192, (1, 3), 1, (0, 1), name="1", dtype=policy),
            _BasicConv2d(192, 192, (3, 1), 1, (1, 0), name="2", dtype=policy),
        ]
        self.conv2d = _conv1x1(384, 1792, policy)
        self.built = True

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        mixed = ops.concatenate(
            [self.branch0(x, training=training), _sequence(x, self.branch1, training)], axis=-1
        )
        out = self.conv2d(mixed) * self.scale + x
        return ops.relu(out) if self.relu else out


class _Mixed6a(layers.Layer):
    """Reduction-A: 256 -> 896 channels, stride 2."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        policy = self.dtype_policy
        self.branch0 = _BasicConv2d(256, 384, 3, 2, name="branch0", dtype=policy)
        self.branch1 = [
            _BasicConv2d(256, 192, 1, 1, name="0", dtype=policy),
            _BasicConv2d(192, 192, 3, 1, 1, name="1", dtype=policy),
            _BasicConv2d(192, 256, 3, 2, name="2", dtype=policy),
        ]
        self.branch2 = layers.MaxPooling2D(3, 2, name="branch2", dtype=policy)
        self.built = True

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        return ops.concatenate(
            [
                self.branch0(x, training=training),
                _sequence(x, self.branch1, training),
                self.branch2(x),
            ],
            axis=-1,
        )


class _Mixed7a(layers.Layer):
    """Reduction-B: 896 -> 1792 channels, stride 2."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        policy = self.dtype_policy
        self.branch0 = [
            _BasicConv2d(896, 256, 1, 1, name="0", dtype=policy),
            _BasicConv2d(256, 384, 3, 2, name="1", dtype=policy),
        ]
        self.branch1 = [
            _BasicConv2d(896, 256, 1, 1, name="0", dtype=policy),
            _BasicConv2d(256, 256, 3, 2, name="1", dtype=policy),
        ]
        self.branch2 = [
            _BasicConv2d(896, 256, 1, 1, name="0", dtype=policy),
            _BasicConv2d(256, 256, 3, 1, 1, name="1", dtype=policy),
            _BasicConv2d(256, 256, 3, 2, name="2", dtype=policy),
        ]
        self.branch3 = layers.MaxPooling2D(3, 2, name="branch3", dtype=policy)
        self.built = True

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        return ops.concatenate(
            [
                _sequence(x, self.branch0, training),
                _sequence(x, self.branch1, training),
                _sequence(x, self.branch2, training),
                self.branch3(x),
            ],
            axis=-1,
        )


@keras.saving.register_keras_serializable(package="faceloss")
class InceptionResnetV1(keras.Model):
    r"""FaceNet: InceptionResnetV1 mapping [0, 1] RGB face crops to 512-D identity embeddings.

    The network the paper's identity loss uses (section 3.2, "InceptionV1 pretrained on
    VGGFace2"), laid out exactly as facenet-pytorch's ``InceptionResnetV1``: conv stem,
    5 x Block35 (scale 0.17), Mixed_6a, 10 x Block17 (0.10), Mixed_7a, 5 x Block8 (0.20),
    a last Block8 without ReLU, global average pool, dropout, ``last_linear`` (1792 -> 512,
    no bias), ``last_bn`` (batch norm), then either the L2 normalisation or the optional
    ``logits`` classifier. All batch norms use eps = 1e-3. Sublayers carry the torch
    attribute names (``repeat_1[0].branch1[1].conv``), so
    :func:`faceloss.weights.convert.torch_to_keras` copies torch weights into it by name.

    The input is a batch of RGB faces in [0, 1]; the model applies FaceNet's fixed image
    standardisation :math:`(255x - 127.5)/128` itself (:func:`fixed_image_standardization`).
    The VGGFace2 weights expect 160x160 face crops (``input_size``; facenet-pytorch cuts
    them with its MTCNN detector); the network itself runs on any size of at least 75x75.

    The outputs, and which one an identity loss should softmax (the paper's "512 bins"):

    * ``normalize=False``: the raw ``last_bn`` output :math:`z`, the "bottleneck" before
      normalisation. ``last_bn`` standardises each of the 512 dimensions with its running
      statistics (in the VGGFace2 checkpoint its scale is 1: the TensorFlow original's
      batch norm had none), so entries are of order one and :math:`\lVert z \rVert` is of the
      order of :math:`\sqrt{512} \approx 23`. This is the vector to softmax for eq. 6.
    * ``normalize=True`` (default, facenet-pytorch's output): :math:`z / \lVert z \rVert`,
      unit length, the embedding face distances (Euclidean, cosine) are defined on. Its
      entries are about :math:`1/\sqrt{512} \approx 0.044` in size, so a softmax over them
      is nearly uniform: :math:`\mathrm{softmax}(z / (\lVert z \rVert T))` is the raw
      softmax at a per-face temperature :math:`\lVert z \rVert T`.
    * ``classify=True``: the ``logits`` layer (``num_classes`` outputs, 8631 for VGGFace2)
      applied to the raw ``last_bn`` output, as facenet-pytorch does.

    The model is built (weights exist right after construction) and frozen
    (``trainable=False``): batch norms then always use their moving statistics, even under
    ``training=True``, and dropout is active only with ``training=True``. Gradients still
    flow to the *input*, which is what an identity loss needs. Pass ``trainable=True`` to
    fine-tune it.

    Args:
        classify: return the ``logits`` layer's output instead of the embedding.
        num_classes: size of the ``logits`` layer (created only when given; the VGGFace2
            checkpoint has one with 8631 classes). Required with ``classify=True``.
        dropout_prob: dropout probability before ``last_linear`` (``training=True`` only).
        normalize: return the L2-normalised embedding (``True``) or the raw ``last_bn``
            output (``False``). Must stay ``True`` with ``classify=True``.
        trainable: leave the weights trainable (default: frozen).
        name: the model name.
        dtype: the dtype policy (Keras' default float type if ``None``).

    Attributes:
        input_size: ``(160, 160)``, the ``(height, width)`` of the face crops the pretrained
            weights expect (callers such as JSIdentityLoss resize to it).
        embedding_dim: 512, the embedding length (the output length unless ``classify``).

    Shape:
        - image: :math:`(N, H, W, 3)`, RGB floats in [0, 1], :math:`H, W \ge 75`.
        - output: :math:`(N, 512)`, or :math:`(N, \text{num\_classes})` with ``classify``.

    Raises:
        TypeError: a constructor argument of the wrong type (named in the message), or an
            input that is not a floating-point tensor.
        ValueError: a bad constructor argument value; an input that is not an
            :math:`(N, H, W, 3)` batch of at least 75x75, or holds NaN/Inf (eagerly, while value
            checks are on).

    Example:
        >>> import tensorflow as tf
        >>> net = InceptionResnetV1()
        >>> net.input_size, net.embedding_dim
        ((160, 160), 512)
        >>> face = tf.random.uniform((1, 160, 160, 3))
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(face)
        ...     embedding = net(face)
        >>> embedding.shape
        TensorShape([1, 512])
        >>> round(float(tf.norm(embedding)), 4)
        1.0
        >>> tape.gradient(embedding, face).shape, len(net.trainable_weights)
        (TensorShape([1, 160, 160, 3]), 0)
    """

    input_size: tuple[int, int] = FACENET_INPUT_SIZE
    embedding_dim: int = FACENET_EMBEDDING_DIM

    def __init__(
        self,
        classify: bool = False,
        num_classes: int | None = None,
        dropout_prob: float = FACENET_DROPOUT_PROB,
        normalize: bool = True,
        trainable: bool = False,
        name: str = "inception_resnet_v1",
        dtype: str | None = None,
    ) -> None:
        check_facenet_args(classify, num_classes, dropout_prob, normalize, trainable)
        super().__init__(name=name, dtype=dtype)
        self.classify = classify
        self.num_classes = num_classes
        self.dropout_prob = float(dropout_prob)
        self.normalize = normalize
        scale_35, scale_17, scale_8, scale_last = FACENET_BLOCK_SCALES
        repeat_35, repeat_17, repeat_8 = FACENET_BLOCK_REPEATS
        policy = self.dtype_policy

        self.conv2d_1a = _BasicConv2d(3, 32, 3, 2, name="conv2d_1a", dtype=policy)
        self.conv2d_2a = _BasicConv2d(32, 32, 3, 1, name="conv2d_2a", dtype=policy)
        self.conv2d_2b = _BasicConv2d(32, 64, 3, 1, 1, name="conv2d_2b", dtype=policy)
        self.maxpool_3a = layers.MaxPooling2D(3, 2, name="maxpool_3a", dtype=policy)
        self.conv2d_3b = _BasicConv2d(64, 80, 1, 1, name="conv2d_3b", dtype=policy)
        self.conv2d_4a = _BasicConv2d(80, 192, 3, 1, name="conv2d_4a", dtype=policy)
        self.conv2d_4b = _BasicConv2d(192, 256, 3, 2, name="conv2d_4b", dtype=policy)
        self.repeat_1 = [_Block35(scale_35, name=str(i), dtype=policy) for i in range(repeat_35)]
        self.mixed_6a = _Mixed6a(name="mixed_6a", dtype=policy)
        self.repeat_2 = [_Block17(scale_17, name=str(i), dtype=policy) for i in range(repeat_17)]
        self.mixed_7a = _Mixed7a(name="mixed_7a", dtype=policy)
        self.repeat_3 = [_Block8(scale_8, name=str(i), dtype=policy) for i in range(repeat_8)]
        self.block8 = _Block8(scale_last, relu=False, name="block8", dtype=policy)
        self.avgpool_1a = layers.GlobalAveragePooling2D(name="avgpool_1a", dtype=policy)
        self.dropout = layers.Dropout(self.dropout_prob, name="dropout", dtype=policy)
        self.last_linear = layers.Dense(
            FACENET_EMBEDDING_DIM, use_bias=False, name="last_linear", dtype=policy
        )
        self.last_linear.build((None, FACENET_FEATURE_DIM))
        self.last_bn = layers.BatchNormalization(
            epsilon=FACENET_BN_EPS, momentum=1.0 - FACENET_BN_MOMENTUM, name="last_bn", dtype=policy
        )
        self.last_bn.build((None, FACENET_EMBEDDING_DIM))
        if num_classes is not None:
            self.logits = layers.Dense(num_classes, name="logits", dtype=policy)
            self.logits.build((None, FACENET_EMBEDDING_DIM))
        self.built = True
        self.trainable = trainable

    def call(self, image: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        image = check_image(image, "image", min_size=FACENET_MIN_INPUT_SIZE)
        check_finite(image, "image")
        x = _standardize(ops.cast(image, self.compute_dtype))
        x = self.conv2d_1a(x, training=training)
        x = self.conv2d_2a(x, training=training)
        x = self.conv2d_2b(x, training=training)
        x = self.maxpool_3a(x)
        x = self.conv2d_3b(x, training=training)
        x = self.conv2d_4a(x, training=training)
        x = self.conv2d_4b(x, training=training)
        x = _sequence(x, self.repeat_1, training)
        x = self.mixed_6a(x, training=training)
        x = _sequence(x, self.repeat_2, training)
        x = self.mixed_7a(x, training=training)
        x = _sequence(x, self.repeat_3, training)
        x = self.block8(x, training=training)
        x = self.avgpool_1a(x)
        x = self.dropout(x, training=training)
        x = self.last_linear(x)
        x = self.last_bn(x, training=training)
        if self.classify:
            return self.logits(x)
        if self.normalize:
            norm = ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True))
            return x / ops.maximum(norm, FACENET_L2_EPS)
        return x

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, int]:
        return (input_shape[0], self.num_classes if self.classify else FACENET_EMBEDDING_DIM)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            classify=self.classify,
            num_classes=self.num_classes,
            dropout_prob=self.dropout_prob,
            normalize=self.normalize,
        )
        return config
