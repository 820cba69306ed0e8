"""faceloss.torch refuses the inputs that used to give a silent wrong result (issue 11, section 5)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from faceloss.detect import Box
from faceloss.torch import DlibFaceResNet, JSIdentityLoss, fr_psnr


@pytest.fixture(scope="module")
def net() -> DlibFaceResNet:
    return DlibFaceResNet(pretrained=False)


@pytest.mark.parametrize(
    ("scale", "shift"), [(255.0, 0.0), (1.0, -0.5)], ids=["0..255", "negative"]
)
def test_dlib_network_refuses_images_outside_0_1(net, scale, shift):
    image = torch.rand(1, 3, 150, 150) * scale + shift
    with pytest.raises(ValueError, match=r"image must have values in \[0, 1\]"):
        net(image)


def test_dlib_network_refuses_nan(net):
    image = torch.rand(1, 3, 150, 150)
    image[0, 1, 7, 9] = float("nan")
    with pytest.raises(ValueError, match=r"image .*NaN"):
        net(image)


def test_js_identity_loss_refuses_images_on_the_0_255_scale(net):
    criterion = JSIdentityLoss(network=net)
    target = torch.rand(1, 3, 64, 64)
    with pytest.raises(ValueError, match=r"target must have values in \[0, 1\]"):
        criterion(target, target * 255)


class _FeatureMap(nn.Module):
    """A 'network' returning (N, D, 1, 1), as a conv backbone without its flatten would."""

    input_size = (16, 16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3), keepdim=True)


def test_js_identity_loss_refuses_a_network_that_does_not_return_n_by_d():
    criterion = JSIdentityLoss(network=_FeatureMap(), crop=None)
    image = torch.rand(2, 3, 16, 16)
    with pytest.raises(ValueError, match=r"\(N, D\) embeddings, got shape \(2, 3, 1, 1\)"):
        criterion(image, image)


class _NaNScore:
    def __call__(self, image):
        return [(0, 0, 8, 8, float("nan")), (2, 2, 30, 30, 0.5)]

    def __repr__(self) -> str:
        return "NaNScoreDetector()"


def test_fr_psnr_names_a_detector_returning_a_nan_score():
    image = torch.rand(1, 3, 32, 32)
    with pytest.raises(ValueError, match=r"box 0 of detector NaNScoreDetector\(\).*finite"):
        fr_psnr(image, image, detector=_NaNScore())


def test_a_box_with_a_nan_score_cannot_be_made():
    with pytest.raises(ValueError, match=r"Box\.score must be finite"):
        Box(0, 0, 8, 8, score=float("nan"))
