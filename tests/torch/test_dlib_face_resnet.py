"""faceloss.torch.DlibFaceResNet: shapes, freezing, gradients, errors, and dlib's own descriptors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from faceloss.torch import DlibFaceResNet
from tests.identity_faces import dlib_chips, dlib_chips_of, dlib_descriptors, identity_files
from tests.packaged_faces import astronaut


@pytest.fixture(scope="module")
def net() -> DlibFaceResNet:
    return DlibFaceResNet()


def test_smoke_shape_and_dtype(net: DlibFaceResNet) -> None:
    out = net(torch.rand(3, 3, 150, 150))
    assert out.shape == (3, 128)
    assert out.dtype == torch.float32
    assert torch.isfinite(out).all()


def test_is_frozen_by_default_and_trainable_on_request() -> None:
    assert not any(p.requires_grad for p in DlibFaceResNet(pretrained=False).parameters())
    trainable = DlibFaceResNet(pretrained=False, trainable=True)
    assert all(p.requires_grad for p in trainable.parameters())
    assert sum(p.numel() for p in trainable.parameters()) == 5_614_592


def test_gradient_reaches_the_input_not_the_weights(net: DlibFaceResNet) -> None:
    image = torch.rand(2, 3, 150, 150, requires_grad=True)
    net(image).square().sum().backward()
    assert image.grad is not None and torch.isfinite(image.grad).all()
    assert image.grad.abs().sum() > 0
    assert all(p.grad is None for p in net.parameters())


def test_raises_if_input_is_not_150x150(net: DlibFaceResNet) -> None:
    with pytest.raises(ValueError, match=r"150x150 face chips \(NCHW\), got 128x128"):
        net(torch.rand(1, 3, 128, 128))


def test_raises_if_input_is_nhwc(net: DlibFaceResNet) -> None:
    with pytest.raises(ValueError, match="3 channel"):
        net(torch.rand(1, 150, 150, 3))


def test_raises_if_weights_path_is_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no dlib face ResNet file"):
        DlibFaceResNet(tmp_path / "missing.dat")


def test_matches_dlib_on_packaged_faces(net: DlibFaceResNet) -> None:
    pytest.importorskip("dlib", reason="needs the dlib-bin extra (faceloss[dlib-reference])")
    chips, _ = dlib_chips_of([astronaut(), np.ascontiguousarray(astronaut()[:, ::-1])], 2)
    expected = dlib_descriptors(chips)
    got = net(torch.from_numpy(chips).permute(0, 3, 1, 2).float() / 255.0).detach().numpy()
    diff = np.abs(got - expected).max()
    assert diff < 1e-5, f"max abs difference to dlib {diff:.3g}"


def test_matches_dlib_on_aligned_real_faces(net: DlibFaceResNet, shared_data: Path) -> None:
    pytest.importorskip("dlib", reason="needs the dlib-bin extra (faceloss[dlib-reference])")
    files, _ = identity_files(shared_data)
    chips, _ = dlib_chips(files[::50], 4)
    expected = dlib_descriptors(chips)
    got = net(torch.from_numpy(chips).permute(0, 3, 1, 2).float() / 255.0).detach().numpy()
    diff = np.abs(got - expected).max()
    assert diff < 1e-5, f"max abs difference to dlib {diff:.3g}"
