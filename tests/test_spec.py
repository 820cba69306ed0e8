"""The constants of faceloss.spec and the documented comparison with the peers' YUV matrices."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.spec import YUV_FROM_RGB


def test_yuv_matrix_is_eq7_of_the_paper():
    expected = [[0.299, 0.587, 0.114], [-0.14713, -0.28886, 0.436], [0.615, -0.51499, -0.10001]]
    np.testing.assert_array_equal(YUV_FROM_RGB, expected)


def test_yuv_matrix_is_read_only():
    with pytest.raises(ValueError, match="read-only"):
        YUV_FROM_RGB[0, 0] = 1.0


def test_white_has_unit_luma_and_almost_no_chroma():
    y, u, v = YUV_FROM_RGB @ np.ones(3)
    assert y == pytest.approx(1.0, abs=1e-12)
    assert abs(u) < 2e-5 and abs(v) < 2e-5  # eq. 7's rounding leaves ~1e-5


def test_tf_image_rgb_to_yuv_differs_from_eq7_by_less_than_2_5e_5():
    tf = pytest.importorskip("tensorflow", reason="needs the tf-cpu extra")
    identity = np.eye(3, dtype=np.float64).reshape(3, 1, 1, 3)
    tf_matrix = tf.image.rgb_to_yuv(tf.constant(identity)).numpy().reshape(3, 3).T
    difference = np.abs(tf_matrix - YUV_FROM_RGB).max()
    assert 1e-6 < difference < 2.5e-5  # same transform, not bit-identical


def test_kornia_rgb_to_yuv_is_eq7_rounded_to_three_decimals():
    torch = pytest.importorskip("torch", reason="needs the torch extra")
    kornia = pytest.importorskip("kornia", reason="kornia is a benchmark-only peer")
    identity = torch.eye(3, dtype=torch.float64).reshape(3, 3, 1, 1)
    kornia_matrix = kornia.color.rgb_to_yuv(identity).reshape(3, 3).numpy().T
    np.testing.assert_allclose(kornia_matrix, np.round(YUV_FROM_RGB, 3), atol=1e-12)
    assert np.abs(kornia_matrix - YUV_FROM_RGB).max() == pytest.approx(1.4e-4, abs=1e-6)
