"""The detector protocol."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from faceloss.detect._box import Box


@runtime_checkable
class FaceDetector(Protocol):
    """Anything that finds faces: ``detector(image) -> list[Box]``.

    ``image`` is one uint8 RGB image of shape ``(H, W, 3)`` (NumPy, on the host).
    The result lists :class:`~faceloss.detect.Box` objects clipped to the image,
    none empty, highest score first; an empty list means no face was found.
    Any callable with this behaviour works with the face-region metrics.

    Example:
        >>> import numpy as np
        >>> from faceloss.detect import ExplicitBoxes, FaceDetector
        >>> isinstance(ExplicitBoxes([(0, 0, 8, 8)]), FaceDetector)
        True
    """

    def __call__(self, image: np.ndarray) -> list[Box]: ...
