"""faceloss.reference.crop_resize / js_identity_loss: the NumPy definition of the identity loss."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss._resize import resize_weights
from faceloss.reference import crop_resize, js_identity_loss
from faceloss.spec import CELEBA_DLIB_FACE_BOX, LN2


def mean_colour(x: np.ndarray) -> np.ndarray:
    return x.mean(axis=(1, 2))


def test_resize_weights_rows_sum_to_one_and_same_size_is_identity() -> None:
    for n_in, n_out in [(128, 150), (128, 16), (7, 3), (1, 5), (5, 1)]:
        w = resize_weights(n_in, n_out)
        assert w.shape == (n_out, n_in)
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
        assert (w >= 0).all()
    np.testing.assert_array_equal(resize_weights(9, 9), np.eye(9))


def test_resize_weights_shrinking_by_two_averages_with_a_widened_triangle() -> None:
    w = resize_weights(8, 4)
    np.testing.assert_allclose(w[1, :], [0, 1 / 8, 3 / 8, 3 / 8, 1 / 8, 0, 0, 0])


@pytest.mark.parametrize(
    ("args", "match"),
    [((0, 3), "in_size must be a positive int"), ((3, 2.0), "out_size must be a positive int")],
)
def test_resize_weights_raises_on_bad_sizes(args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        resize_weights(*args)


def test_resize_weights_raises_on_window_outside_the_image() -> None:
    with pytest.raises(ValueError, match=r"source window \[2, 12\) must lie inside \[0, 10\]"):
        resize_weights(10, 5, 2.0, 10.0)


def test_crop_resize_of_a_constant_image_is_constant() -> None:
    image = np.full((2, 128, 96, 3), 0.25)
    for crop in ("celeba", None, (0.1, 0.2, 0.5, 0.5)):
        np.testing.assert_allclose(crop_resize(image, (150, 150), crop), 0.25, atol=1e-12)


def test_celeba_crop_reads_only_the_face_box() -> None:
    top, left, height, width = CELEBA_DLIB_FACE_BOX
    rows = slice(int(np.floor(top * 128)), int(np.ceil((top + height) * 128)))
    cols = slice(int(np.floor(left * 128)), int(np.ceil((left + width) * 128)))
    image = np.random.default_rng(0).random((1, 128, 128, 1))
    image[:, rows, cols] = 1.0
    np.testing.assert_allclose(crop_resize(image, (150, 150)), 1.0, atol=1e-12)


def test_loss_is_zero_symmetric_and_bounded() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.random((3, 16, 16, 3)), rng.random((3, 16, 16, 3))
    ab = js_identity_loss(a, b, mean_colour, temperature=0.01, input_size=8, reduction="none")
    ba = js_identity_loss(b, a, mean_colour, temperature=0.01, input_size=8, reduction="none")
    np.testing.assert_allclose(ab, ba, rtol=1e-12)
    assert ((ab > 0) & (ab <= LN2)).all()
    assert js_identity_loss(a, a, mean_colour, input_size=8) == 0.0


def test_normalized_embedding_ignores_the_embedding_length() -> None:
    a = np.broadcast_to(np.array([0.1, 0.2, 0.3]), (1, 8, 8, 3))
    b = 3 * a  # the same direction, 3x the length
    assert js_identity_loss(a, b, mean_colour, embedding="normalized", input_size=4) < 1e-15
    assert js_identity_loss(a, b, mean_colour, embedding="raw", input_size=4) > 1e-4


def test_raises_without_an_input_size() -> None:
    with pytest.raises(ValueError, match="function has no input_size attribute"):
        js_identity_loss(np.zeros((1, 8, 8, 3)), np.zeros((1, 8, 8, 3)), mean_colour)
