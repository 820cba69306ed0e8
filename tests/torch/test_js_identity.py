"""faceloss.torch.JSIdentityLoss / js_identity_loss: behaviour, freezing, errors, real faces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from faceloss.spec import JS_IDENTITY_TEMPERATURE, LN2
from faceloss.torch import (
    DlibFaceResNet,
    JSIdentityLoss,
    crop_resize,
    js_divergence,
    js_identity_loss,
)
from tests.identity_faces import degrade_x8, identity_files, load_rgb


@pytest.fixture(scope="module")
def criterion() -> JSIdentityLoss:
    return JSIdentityLoss()


class TinyNet(nn.Module):
    """A small trainable embedding network with batch norm (to see train/eval effects)."""

    input_size = (16, 16)

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 12)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.bn(self.conv(x)).mean(dim=(2, 3)))


def test_is_zero_for_identical_faces(criterion: JSIdentityLoss) -> None:
    face = torch.rand(2, 3, 128, 128)
    assert criterion(face, face.clone()) == 0


def test_is_positive_and_below_ln2_for_different_faces(criterion: JSIdentityLoss) -> None:
    values = JSIdentityLoss(reduction="none")(torch.rand(3, 3, 64, 64), torch.rand(3, 3, 64, 64))
    assert values.shape == (3,)
    assert ((values > 0) & (values <= LN2)).all()


def test_module_equals_function(criterion: JSIdentityLoss) -> None:
    a, b = torch.rand(2, 3, 96, 96), torch.rand(2, 3, 96, 96)
    expected = js_identity_loss(a, b, criterion.network, reduction="sum")
    torch.testing.assert_close(JSIdentityLoss(criterion.network, reduction="sum")(a, b), expected)


def test_gradient_reaches_prediction_only(criterion: JSIdentityLoss) -> None:
    sr = torch.rand(2, 3, 128, 128, requires_grad=True)
    hr = torch.rand(2, 3, 128, 128, requires_grad=True)
    criterion(sr, hr).backward()
    assert sr.grad is not None and torch.isfinite(sr.grad).all() and sr.grad.abs().sum() > 0
    assert hr.grad is None
    assert all(p.grad is None for p in criterion.network.parameters())


def test_network_weights_get_no_gradient_even_if_trainable() -> None:
    net = DlibFaceResNet(pretrained=False, trainable=True)
    sr = torch.rand(1, 3, 150, 150, requires_grad=True)
    js_identity_loss(sr, torch.rand(1, 3, 150, 150), net, crop=None).backward()
    assert all(p.grad is None for p in net.parameters())
    assert sr.grad is not None


def test_network_stays_frozen_and_in_eval_mode_under_train() -> None:
    net = TinyNet()
    loss = JSIdentityLoss(net)
    assert not any(p.requires_grad for p in net.parameters())
    nn.Sequential(loss).train()
    assert loss.training and not net.training
    running = net.bn.running_mean.clone()
    loss(torch.rand(4, 3, 20, 20), torch.rand(4, 3, 20, 20))
    torch.testing.assert_close(net.bn.running_mean, running)


def test_resize_is_torch_bilinear_antialias_without_crop() -> None:
    image = torch.rand(2, 3, 128, 100, dtype=torch.float64)
    for size in [(150, 150), (16, 40)]:
        expected = F.interpolate(image, size=size, mode="bilinear", antialias=True)
        torch.testing.assert_close(crop_resize(image, size, crop=None), expected)


def test_celeba_crop_takes_the_face_box() -> None:
    image = torch.zeros(1, 1, 128, 128)
    image[..., 64, 64] = 1.0
    box = crop_resize(image, (150, 150))
    whole = crop_resize(image, (150, 150), crop=None)
    assert box.sum() > whole.sum()  # the box is smaller, so it is enlarged more


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "fp16"])
@pytest.mark.parametrize("embedding", ["raw", "normalized"])
def test_autocast_is_finite_and_close(
    criterion: JSIdentityLoss, embedding: str, dtype: torch.dtype
) -> None:
    loss = JSIdentityLoss(criterion.network, embedding=embedding, reduction="none")
    a, b = torch.rand(1, 3, 64, 64), torch.rand(1, 3, 64, 64)
    sr = a.clone().requires_grad_(True)
    with torch.autocast("cpu", dtype=dtype):
        value = loss(sr, b)
    value.sum().backward()
    assert value.dtype == torch.float32
    assert torch.isfinite(value).all() and torch.isfinite(sr.grad).all()
    full = loss(a, b)
    assert torch.allclose(value, full, rtol=0.5, atol=1e-3), (value, full)


def test_accepts_a_plain_callable_with_input_size() -> None:
    def mean_colour(x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3))

    loss = JSIdentityLoss(mean_colour, temperature=1.0, input_size=4, crop=None)
    black = torch.zeros(1, 3, 8, 8)
    red = black + torch.tensor([1.0, 0.0, 0.0])[:, None, None]
    assert round(float(loss(red, black)), 6) == 0.030028  # faceloss.reference doctest value


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"temperature": 0.0}, ValueError, "temperature must be finite and > 0"),
        ({"temperature": "1"}, TypeError, "temperature must be a float"),
        ({"embedding": "l2"}, ValueError, "embedding must be one of 'raw', 'normalized'"),
        ({"reduction": "max"}, ValueError, "reduction must be one of"),
        ({"network": "vgg"}, ValueError, "network must be one of 'dlib'"),
        ({"network": 3}, TypeError, "network must be 'dlib', an nn.Module or a callable"),
        ({"crop": (0.5, 0.5, 0.6, 0.2)}, ValueError, "crop must be a .* box of fractions"),
        ({"crop": "ffhq"}, ValueError, "crop must be one of 'celeba', None"),
        ({"input_size": (0, 3)}, ValueError, "input_size must be an int or"),
    ],
)
def test_constructor_raises_on_bad_arguments(
    criterion: JSIdentityLoss, kwargs: dict, error: type, match: str
) -> None:
    kwargs.setdefault("network", criterion.network)
    with pytest.raises(error, match=match):
        JSIdentityLoss(**kwargs)


def test_raises_if_network_size_is_unknown() -> None:
    with pytest.raises(ValueError, match="has no input_size attribute: pass input_size"):
        JSIdentityLoss(nn.Flatten())


def test_raises_on_shape_mismatch_and_nan(criterion: JSIdentityLoss) -> None:
    with pytest.raises(ValueError, match="prediction and target must have the same shape"):
        criterion(torch.rand(1, 3, 64, 64), torch.rand(1, 3, 64, 32))
    bad = torch.rand(1, 3, 64, 64)
    bad[0, 0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match="prediction contains NaN"):
        criterion(bad, torch.rand(1, 3, 64, 64))


@pytest.mark.slow
def test_degraded_face_is_closer_than_another_person(
    criterion: JSIdentityLoss, shared_data: Path
) -> None:
    """loss(face, face x8-degraded) < loss(face, other person) for >= 95% of 64 triples.

    64 faces drawn reproducibly from celeba_identity; each face's "other person" is
    another of the 64 with a different identity. The loss' defaults (crop, resize,
    temperature, raw embedding) are used through the function on shared embeddings.
    """
    files, ids = identity_files(shared_data)
    rng = np.random.default_rng(2021)
    anchors = rng.choice(len(files), 64, replace=False)
    faces = load_rgb([files[i] for i in anchors])
    strangers = np.array([rng.choice(np.flatnonzero(ids[anchors] != ids[a])) for a in anchors])

    def nchw(x: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(x).permute(0, 3, 1, 2).float()

    net = criterion.network
    with torch.no_grad():
        face_emb = net(crop_resize(nchw(faces), net.input_size)) / JS_IDENTITY_TEMPERATURE
        degraded_emb = net(crop_resize(nchw(degrade_x8(faces)), net.input_size))
        degraded_emb = degraded_emb / JS_IDENTITY_TEMPERATURE
    degraded = js_divergence(degraded_emb, face_emb)
    stranger = js_divergence(face_emb[strangers], face_emb)
    rate = float((degraded < stranger).float().mean())
    assert rate >= 0.95, f"separation rate {rate:.3f}"
    # The loss itself agrees with this computation.
    torch.testing.assert_close(
        JSIdentityLoss(net, reduction="none")(nchw(faces[:2]), nchw(faces[strangers[:2]])),
        js_divergence(face_emb[:2], face_emb[strangers[:2]]),
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.slow
def test_works_with_facenet_inception_resnet_v1() -> None:
    from faceloss.torch import InceptionResnetV1

    torch.manual_seed(0)
    facenet = InceptionResnetV1(normalize=False, trainable=True)
    loss = JSIdentityLoss(facenet, crop=None, reduction="none")
    assert loss.input_size == (160, 160)
    assert not facenet.training and not any(p.requires_grad for p in facenet.parameters())
    sr = torch.rand(1, 3, 128, 128, requires_grad=True)
    hr = torch.rand(1, 3, 128, 128)
    values = loss(sr, hr)
    values.sum().backward()
    assert values.shape == (1,) and bool(((values > 0) & (values <= LN2)).all())
    assert torch.isfinite(sr.grad).all() and sr.grad.abs().sum() > 0
    assert loss(hr, hr).eq(0).all()
