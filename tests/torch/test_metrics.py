"""faceloss.torch psnr/ssim/vif and their accumulators: agreement with skimage, the reference
and the torch peers (kornia, piq, torchmetrics), gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import faceloss.reference as ref
from faceloss.torch import PSNR, SSIM, VIF, MeanMetric, psnr, ssim, vif
from tests.metric_data import face_pairs, piq_module, random_pairs, skimage_psnr, skimage_ssim


def nchw(array: np.ndarray, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array)).permute(0, 3, 1, 2).to(dtype)


def as_reference_input(tensor: torch.Tensor) -> np.ndarray:
    return tensor.permute(0, 2, 3, 1).double().numpy()


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


class TestSSIM:
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


class TestPSNR:
    def test_psnr_float32_matches_skimage_on_real_faces(self, faces) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            psnr(nchw(prediction), nchw(target)).numpy(),
            skimage_psnr(prediction, target),
            rtol=1e-5,
        )

    def test_psnr_is_inf_for_identical_images(self) -> None:
        target = torch.rand(2, 3, 8, 8)
        assert torch.isposinf(psnr(target, target)).all()

    def test_psnr_y_channel_equals_the_reference(self, faces) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            psnr(nchw(prediction, torch.float64), nchw(target, torch.float64), y_channel=True),
            ref.psnr(prediction, target, y_channel=True),
            rtol=1e-12,
        )

    def test_psnr_metric_is_the_mean_of_per_image_values(self) -> None:
        target = torch.full((2, 1, 4, 4), 0.5)
        prediction = target + torch.tensor([0.1, 0.01]).view(2, 1, 1, 1)
        metric = PSNR()
        metric.update(prediction, target)
        assert float(metric.compute()) == pytest.approx(30.0, abs=1e-4)

    def test_psnr_gradient_is_finite_for_different_images(self) -> None:
        prediction = 0.1 + 0.8 * torch.rand(2, 3, 8, 8, dtype=torch.float64)
        prediction.requires_grad_(True)
        target = torch.rand(2, 3, 8, 8, dtype=torch.float64)
        assert torch.autograd.gradcheck(lambda a: psnr(a, target, y_channel=True), (prediction,))


class TestVIF:
    def test_vif_y_channel_matches_piq_vif_p_on_real_faces(self, faces) -> None:
        vif_module = piq_module("vif")
        prediction, target = nchw(faces[0]), nchw(faces[1])
        expected = vif_module.vif_p(prediction.double(), target.double(), reduction="none")
        # float32 vs piq in float64: the float32 moment cancellation, ~3e-6 measured here.
        torch.testing.assert_close(
            vif(prediction, target, y_channel=True).double(), expected, rtol=0, atol=1e-5
        )

    def test_vif_float32_is_within_1e5_of_the_reference(self, faces) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            vif(nchw(prediction), nchw(target)).numpy(),
            ref.vif(
                prediction.astype(np.float32).astype(np.float64),
                target.astype(np.float32).astype(np.float64),
            ),
            rtol=0,
            atol=1e-5,
        )

    def test_vif_is_one_for_identical_images(self, faces) -> None:
        target = nchw(faces[1][:2])
        torch.testing.assert_close(vif(target, target), torch.ones(2), rtol=0, atol=1e-5)

    def test_vif_is_differentiable(self, faces) -> None:
        prediction = nchw(faces[0][:2]).requires_grad_(True)
        VIF()(prediction, nchw(faces[1][:2])).backward()
        assert torch.isfinite(prediction.grad).all() and prediction.grad.abs().sum() > 0

    def test_raises_if_smaller_than_41_pixels(self) -> None:
        with pytest.raises(ValueError, match="at least 41x41"):
            vif(torch.zeros(1, 3, 40, 48), torch.zeros(1, 3, 40, 48))


class TestMeanMetric:
    def test_compute_is_nan_before_any_update_and_after_reset(self) -> None:
        metric = PSNR()
        assert torch.isnan(metric.compute())
        metric.update(torch.full((1, 1, 4, 4), 0.5), torch.full((1, 1, 4, 4), 0.4))
        metric.reset()
        assert torch.isnan(metric.compute()) and int(metric.count) == 0

    def test_state_is_float64_total_and_int64_count_not_in_state_dict(self) -> None:
        metric = SSIM()
        assert metric.total.dtype == torch.float64 and metric.count.dtype == torch.int64
        assert list(metric.state) == ["total", "count"]
        assert metric.state_dict() == {}

    def test_extension_with_an_extra_count(self) -> None:
        class Skipping(MeanMetric):
            def __init__(self) -> None:
                super().__init__()
                self.add_state("skipped", torch.int64)

            def _per_image(self, prediction, target):
                return (prediction - target).abs().mean(dim=(1, 2, 3))

            def update(self, prediction, target) -> None:
                values = self._per_image(prediction, target)
                self._follow(values.device)
                keep = values > 0
                self.skipped += (~keep).sum()
                self._accumulate(values[keep])

        metric = Skipping()
        metric.update(
            torch.full((3, 1, 2, 2), 0.5),
            torch.tensor([0.5, 0.25, 0.5]).view(3, 1, 1, 1).expand(3, 1, 2, 2),
        )
        assert {k: float(v) for k, v in metric.state.items()} == {
            "total": 0.25,
            "count": 1.0,
            "skipped": 2.0,
        }
        metric.reset()
        assert int(metric.skipped) == 0

    def test_accumulation_does_not_keep_the_graph(self) -> None:
        prediction = torch.rand(2, 3, 16, 16, requires_grad=True)
        metric = SSIM()
        metric.update(prediction, torch.rand(2, 3, 16, 16))
        assert not metric.total.requires_grad
