"""Backend-free rules for the FaceNet (InceptionResnetV1) constructor arguments.

The torch module and the Keras model both call :func:`check_facenet_args`, so the
rules and their messages exist once.
"""

from __future__ import annotations

from faceloss import _validation as v


def check_facenet_args(
    classify: bool, num_classes: int | None, dropout_prob: float, normalize: bool, trainable: bool
) -> None:
    """Validate InceptionResnetV1's arguments; raise TypeError/ValueError naming the argument."""
    for name, value in (("classify", classify), ("normalize", normalize), ("trainable", trainable)):
        v.check_type(name, value, bool, "a bool")
    if num_classes is not None:
        if isinstance(num_classes, bool) or not isinstance(num_classes, int):
            raise TypeError(f"num_classes must be an int or None, got {type(num_classes).__name__}")
        if num_classes < 1:
            raise ValueError(f"num_classes must be a positive int or None, got {num_classes}")
    if classify and num_classes is None:
        raise ValueError(
            "classify=True needs num_classes (the size of the logits layer, e.g. 8631 for the "
            "VGGFace2 checkpoint), got num_classes=None"
        )
    if classify and not normalize:
        raise ValueError(
            "normalize=False selects the raw last_bn embedding, but classify=True returns the "
            "logits (computed from the raw last_bn output, as in facenet-pytorch); use one of them"
        )
    if isinstance(dropout_prob, bool) or not isinstance(dropout_prob, (int, float)):
        raise TypeError(f"dropout_prob must be a float, got {type(dropout_prob).__name__}")
    if not 0.0 <= dropout_prob < 1.0:
        raise ValueError(f"dropout_prob must be in [0, 1), got {dropout_prob}")
