"""Jensen-Shannon identity loss (paper section 3.2, eqs. 4-6): the NumPy float64 reference.

The identity network itself has no NumPy twin (dlib is its reference); here it is any
callable mapping NHWC float64 arrays to ``(N, D)`` embeddings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from faceloss._identity import (
    check_embedding,
    check_temperature,
    crop_resize_weights,
    resolve_crop,
    resolve_input_size,
)
from faceloss.reference._checks import check_choice, check_finite, check_image, check_same_shape
from faceloss.reference._reduce import reduce
from faceloss.reference.js_divergence import js_divergence
from faceloss.spec import JS_IDENTITY_EMBEDDING, JS_IDENTITY_TEMPERATURE, REDUCTIONS

Network = Callable[[np.ndarray], np.ndarray]


def crop_resize(
    image: np.ndarray,
    size: tuple[int, int],
    crop: str | Sequence[float] | None = "celeba",
) -> np.ndarray:
    """Crop a box (fractions of the side) and resize to ``size``: bilinear, antialiased when shrinking.

    Args:
        image: :math:`(N, H, W, C)` floats.
        size: output ``(height, width)``.
        crop: ``"celeba"`` (:data:`faceloss.spec.CELEBA_DLIB_FACE_BOX`), ``None`` (whole
            image) or a ``(top, left, height, width)`` box of fractions.

    Returns:
        :math:`(N, size_h, size_w, C)` float64.

    Example:
        >>> import numpy as np
        >>> crop_resize(np.ones((1, 128, 128, 3)), (150, 150)).shape
        (1, 150, 150, 3)
        >>> float(crop_resize(np.ones((1, 4, 4, 1)), (2, 2), crop=None)[0, 0, 0, 0])
        1.0
    """
    image = check_image(image, "image", channels=None).astype(np.float64)
    rows, cols = crop_resize_weights(image.shape[1:3], size, resolve_crop(crop))
    return np.einsum("wj,nhjc->nhwc", cols, np.einsum("hi,nijc->nhjc", rows, image))


def js_identity_loss(
    prediction: np.ndarray,
    target: np.ndarray,
    network: Network,
    temperature: float = JS_IDENTITY_TEMPERATURE,
    embedding: str = JS_IDENTITY_EMBEDDING,
    crop: str | Sequence[float] | None = "celeba",
    input_size: int | tuple[int, int] | None = None,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Jensen-Shannon divergence between the softmaxed identity embeddings of SR and HR faces.

    .. math::
        L_{id} = D_{JS}\big(\mathrm{softmax}(\phi(\hat I) / T),\;
                 \mathrm{softmax}(\phi(I) / T)\big)

    Both faces are cropped and resized to the network's input size
    (:func:`crop_resize`), embedded, optionally L2-normalised (``embedding``), divided by
    the temperature and compared with :func:`js_divergence`.

    Args:
        prediction: super-resolved faces :math:`(N, H, W, 3)`, RGB in [0, 1].
        target: ground-truth faces, same shape.
        network: callable :math:`(N, h, w, 3) \to (N, D)`.
        temperature: softmax temperature :math:`T > 0`.
        embedding: ``"raw"`` or ``"normalized"``.
        crop: ``"celeba"``, ``None`` or ``(top, left, height, width)`` fractions.
        input_size: the network's input ``(h, w)``; default ``network.input_size``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (per face, shape :math:`(N,)`).

    Returns:
        Scalar array, or :math:`(N,)` for ``reduction="none"``.

    Raises:
        TypeError: an input is not a floating-point array.
        ValueError: bad shapes or arguments, no known input size, NaN/Inf input.

    Example:
        >>> import numpy as np
        >>> def mean_colour(x):  # a toy 3-D "embedding"
        ...     return x.mean(axis=(1, 2))
        >>> black = np.zeros((1, 8, 8, 3))
        >>> red = black + np.array([1.0, 0.0, 0.0])
        >>> float(js_identity_loss(black, black, mean_colour, temperature=1.0, input_size=4))
        0.0
        >>> round(float(js_identity_loss(red, black, mean_colour, temperature=1.0, input_size=4)), 6)
        0.030028
    """
    prediction = check_image(prediction, "prediction")
    target = check_image(target, "target")
    check_same_shape(prediction, "prediction", target, "target")
    temperature = check_temperature(temperature)
    embedding = check_embedding(embedding)
    check_choice("reduction", reduction, REDUCTIONS)
    box = resolve_crop(crop)
    size = resolve_input_size(network, input_size)
    check_finite(prediction, "prediction")
    check_finite(target, "target")

    def logits(image: np.ndarray) -> np.ndarray:
        e = np.asarray(network(crop_resize(image, size, box)), dtype=np.float64)
        if embedding == "normalized":
            e = e / np.maximum(np.linalg.norm(e, axis=-1, keepdims=True), 1e-12)
        return e / temperature

    return reduce(js_divergence(logits(prediction), logits(target), axis=-1), reduction)
