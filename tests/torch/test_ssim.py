"""faceloss.torch ssim and SSIM: skimage, reference and peer (kornia, piq, torchmetrics) agreement, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import faceloss.reference as ref
from faceloss.torch import SSIM, ssim
from tests.metric_data import face_pairs, piq_module, random_pairs, skimage_ssim
from tests.packaged_faces import astronaut_pairs


def nchw(array: np.ndarray, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array)).permute(0, 3, 1, 2).to(dtype)


def as_reference_input(tensor: torch.Tensor) -> np.ndarray:
    return tensor.permute(0, 2, 3, 1).double().numpy()


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


class TestSSIM:
    def test_ssim_float32_matches_skimage_on_packaged_faces(self) -> None:
        prediction, target = astronaut_pairs(8)
        result = ssim(nchw(prediction), nchw(target))
        assert result.dtype == torch.float32 and result.shape == (8,)
        np.testing.assert_allclose(
            result.numpy(), skimage_ssim(prediction, target), rtol=0, atol=1e-5
        )

    def test_ssim_float32_matches_skimage_on_real_faces(self, faces) -> None:
        prediction, target = faces
        result = ssim(nchw(prediction), nchw(target))
        assert result.dtype == torch.float32 and result.shape == (8,)
        np.testing.assert_allclose(
            result.numpy(), skimage_ssim(prediction, target), rtol=0, atol=1e-5
        )

    @pytest.mark.parametrize("shape", [(2, 11, 11, 3), (1, 13, 29, 1), (4, 64, 64, 3)])
    def test_ssim_float32_matches_skimage_on_random_images(self, shape) -> None:
        prediction, target = random_pairs(shape, seed=1)
        np.testing.assert_allclose(
            ssim(nchw(prediction), nchw(target)).numpy(),
            skimage_ssim(prediction.astype(np.float32), target.astype(np.float32)),
            rtol=0,
            atol=1e-5,
        )

    @pytest.mark.parametrize("padding", ["valid", "same"])
    @pytest.mark.parametrize("y_channel", [False, True])
    def test_ssim_float64_equals_the_reference(self, faces, padding, y_channel) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            ssim(
                nchw(prediction, torch.float64),
                nchw(target, torch.float64),
                1.0,
                y_channel=y_channel,
                padding=padding,
            ).numpy(),
            ref.ssim(prediction, target, y_channel=y_channel, padding=padding),
            rtol=1e-10,
        )

    @pytest.mark.slow
    def test_ssim_equals_kornia_in_float64_for_both_paddings(self, faces) -> None:
        # kornia builds its Gaussian window in float32 (8e-8 off in float64 here).
        kornia = pytest.importorskip("kornia", reason="needs kornia")
        prediction, target = nchw(faces[0], torch.float64), nchw(faces[1], torch.float64)
        expected = kornia.metrics.ssim(prediction, target, 11).mean(dim=(1, 2, 3))
        valid = kornia.metrics.ssim(prediction, target, 11, padding="valid").mean(dim=(1, 2, 3))
        torch.testing.assert_close(
            ssim(prediction, target, padding="same"), expected, rtol=0, atol=1e-6
        )
        torch.testing.assert_close(ssim(prediction, target), valid, rtol=0, atol=1e-6)

    def test_ssim_same_padding_equals_torchmetrics_in_float64(self, faces) -> None:
        functional = pytest.importorskip(
            "torchmetrics.functional.image", reason="needs torchmetrics"
        )
        prediction, target = nchw(faces[0], torch.float64), nchw(faces[1], torch.float64)
        expected = functional.structural_similarity_index_measure(
            prediction, target, data_range=1.0, reduction="none"
        )
        torch.testing.assert_close(
            ssim(prediction, target, padding="same"), expected, rtol=0, atol=1e-10
        )

    def test_ssim_equals_piq_without_downsampling_in_float64(self, faces) -> None:
        piq_ssim = piq_module("ssim")
        prediction, target = nchw(faces[0], torch.float64), nchw(faces[1], torch.float64)
        expected = piq_ssim.ssim(prediction, target, downsample=False, reduction="none")
        torch.testing.assert_close(ssim(prediction, target), expected, rtol=0, atol=1e-10)

    def test_ssim_is_one_for_identical_images(self) -> None:
        target = nchw(random_pairs((2, 16, 16, 3))[1])
        torch.testing.assert_close(ssim(target, target), torch.ones(2), rtol=0, atol=1e-6)

    def test_ssim_gradient_passes_gradcheck(self) -> None:
        prediction, target = random_pairs((1, 12, 13, 3), noise=0.2)
        x = nchw(0.1 + 0.8 * prediction, torch.float64).requires_grad_(True)
        y = nchw(0.1 + 0.8 * target, torch.float64)
        assert torch.autograd.gradcheck(lambda a: ssim(a, y, padding="same"), (x,), fast_mode=True)
        assert torch.autograd.gradcheck(lambda a: ssim(a, y, y_channel=True), (x,), fast_mode=True)

    def test_ssim_module_equals_function_and_accumulates(self, faces) -> None:
        prediction, target = nchw(faces[0]), nchw(faces[1])
        metric = SSIM(padding="same")
        batch_mean = metric(prediction[:3], target[:3])
        metric.update(prediction[3:], target[3:])
        per_image = ssim(prediction, target, padding="same")
        torch.testing.assert_close(batch_mean, per_image[:3].mean())
        assert metric.compute().dtype == torch.float64 and int(metric.count) == 8
        torch.testing.assert_close(metric.compute(), per_image.double().mean())
        assert "padding='same'" in repr(metric)

    def test_raises_on_bad_input(self) -> None:
        small = torch.zeros(1, 3, 10, 16)
        with pytest.raises(ValueError, match=r"at least 11x11 pixels \(NCHW\), got 10x16"):
            ssim(small, small)
        with pytest.raises(ValueError, match=r"same shape.*\(1, 1, 16, 16\) and \(1, 3, 16, 16\)"):
            ssim(torch.zeros(1, 1, 16, 16), torch.zeros(1, 3, 16, 16))
        with pytest.raises(ValueError, match=r"target must have values in \[0, 1\]"):
            ssim(torch.zeros(1, 3, 16, 16), torch.full((1, 3, 16, 16), 255.0))
        with pytest.raises(ValueError, match="channel"):
            ssim(torch.zeros(1, 4, 16, 16), torch.zeros(1, 4, 16, 16))
        with pytest.raises(ValueError, match="needs 3 channels"):
            ssim(torch.zeros(1, 1, 16, 16), torch.zeros(1, 1, 16, 16), y_channel=True)
        with pytest.raises(TypeError, match=r"torch\.Tensor"):
            ssim(np.zeros((1, 3, 16, 16)), torch.zeros(1, 3, 16, 16))
        with pytest.raises(ValueError, match="padding must be one of"):
            SSIM(padding="reflect")


def test_gaussian_window_is_made_once_per_dtype_and_device():
    # A new tensor per call would be a host-to-device copy (a CUDA sync) per SSIM/VIF call.
    from faceloss.reference.ssim import gaussian_window
    from faceloss.torch._filter import window_like

    like = torch.rand(1, 1, 2, 2)
    assert window_like(gaussian_window(), like) is window_like(gaussian_window(), like.clone())
    torch.testing.assert_close(
        window_like(gaussian_window(), like.double()),
        torch.from_numpy(gaussian_window()),
        rtol=0,
        atol=0,
    )
