"""faceloss.torch.InceptionResnetV1: facenet-pytorch's layout, outputs, freezing, input checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
import torch.nn.functional as F

import faceloss
from faceloss.spec import FACENET_VGGFACE2_CLASSES
from faceloss.torch import InceptionResnetV1, fixed_image_standardization
from tests.parity.networks import one_torch_thread, seeded_state_dict

# Key names and shapes as facenet-pytorch's InceptionResnetV1 state_dict has them.
FACENET_PYTORCH_KEYS = {
    "conv2d_1a.conv.weight": (32, 3, 3, 3),
    "conv2d_4b.bn.running_var": (256,),
    "repeat_1.4.branch2.2.bn.running_mean": (32,),
    "repeat_1.0.conv2d.bias": (256,),
    "mixed_6a.branch1.2.conv.weight": (256, 192, 3, 3),
    "repeat_2.9.branch1.1.conv.weight": (128, 128, 1, 7),
    "repeat_2.9.branch1.2.conv.weight": (128, 128, 7, 1),
    "mixed_7a.branch2.2.conv.weight": (256, 256, 3, 3),
    "repeat_3.4.branch1.1.conv.weight": (192, 192, 1, 3),
    "block8.conv2d.weight": (1792, 384, 1, 1),
    "last_linear.weight": (512, 1792),
    "last_bn.running_var": (512,),
    "logits.weight": (FACENET_VGGFACE2_CLASSES, 512),
    "logits.bias": (FACENET_VGGFACE2_CLASSES,),
}


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Iterator[None]:
    with one_torch_thread():
        yield


@pytest.fixture(scope="module")
def weights() -> dict[str, torch.Tensor]:
    return seeded_state_dict(InceptionResnetV1(num_classes=7), seed=0)


def _net(weights: dict[str, torch.Tensor], **kwargs: object) -> InceptionResnetV1:
    net = InceptionResnetV1(num_classes=7, **kwargs)
    net.load_state_dict(weights)
    return net


class TestInceptionResnetV1:
    def test_state_dict_keys_and_shapes_are_facenet_pytorchs(self) -> None:
        state = InceptionResnetV1(num_classes=FACENET_VGGFACE2_CLASSES).state_dict()
        for key, shape in FACENET_PYTORCH_KEYS.items():
            assert tuple(state[key].shape) == shape, key
        weights = [k for k in state if not k.endswith("num_batches_tracked")]
        assert len(weights) == 604  # 602 backbone tensors + logits.weight + logits.bias

    def test_parameter_count_is_facenet_pytorchs(self) -> None:
        assert sum(p.numel() for p in InceptionResnetV1().parameters()) == 23_482_624

    def test_attributes_for_identity_losses(self) -> None:
        net = InceptionResnetV1()
        assert net.input_size == (160, 160)
        assert net.embedding_dim == 512

    def test_embedding_is_unit_length_l2_normalised_raw_output(
        self, weights: dict[str, torch.Tensor]
    ) -> None:
        image = torch.rand(2, 3, 96, 96, generator=torch.Generator().manual_seed(0))
        raw = _net(weights, normalize=False)(image)
        embedding = _net(weights)(image)
        assert raw.shape == embedding.shape == (2, 512)
        torch.testing.assert_close(embedding.norm(dim=1), torch.ones(2))
        torch.testing.assert_close(embedding, F.normalize(raw, dim=1))
        assert float(raw.norm(dim=1).min()) > 2.0  # the raw output is not normalised

    def test_classify_returns_logits_of_the_raw_embedding(
        self, weights: dict[str, torch.Tensor]
    ) -> None:
        image = torch.rand(2, 3, 96, 96, generator=torch.Generator().manual_seed(1))
        raw = _net(weights, normalize=False)(image)
        logits = _net(weights, classify=True)(image)
        assert logits.shape == (2, 7)
        expected = raw @ weights["logits.weight"].T + weights["logits.bias"]
        torch.testing.assert_close(logits, expected, rtol=1e-5, atol=1e-5)

    def test_frozen_eval_mode_by_default_and_gradient_reaches_input(self) -> None:
        net = InceptionResnetV1()
        assert not net.training
        assert not any(p.requires_grad for p in net.parameters())
        image = torch.rand(2, 3, 80, 80, requires_grad=True)
        net(image).sum().backward()
        assert image.grad is not None and bool(image.grad.abs().sum() > 0)
        assert all(p.grad is None for p in net.parameters())

    def test_bfloat16_autocast_is_finite_with_finite_input_gradient(self) -> None:
        net = InceptionResnetV1(normalize=False)
        image = torch.rand(2, 3, 80, 80, requires_grad=True)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = net(image)
        out.float().sum().backward()
        assert out.dtype == torch.bfloat16 and bool(out.isfinite().all())
        assert bool(image.grad.isfinite().all())

    def test_trainable_true_leaves_parameters_trainable(self) -> None:
        net = InceptionResnetV1(trainable=True)
        assert all(p.requires_grad for p in net.parameters())

    def test_eval_output_does_not_depend_on_the_batch(
        self, weights: dict[str, torch.Tensor]
    ) -> None:
        net = _net(weights)
        image = torch.rand(2, 3, 80, 80, generator=torch.Generator().manual_seed(2))
        torch.testing.assert_close(net(image)[:1], net(image[:1]), rtol=1e-5, atol=1e-6)

    def test_smallest_input_is_75_pixels(self) -> None:
        net = InceptionResnetV1()
        assert net(torch.rand(1, 3, 75, 75)).shape == (1, 512)
        with pytest.raises(ValueError, match="at least 75x75"):
            net(torch.rand(1, 3, 74, 160))

    @pytest.mark.parametrize(
        ("image", "error", "match"),
        [
            (torch.rand(3, 160, 160), ValueError, "4-D batch"),
            (torch.rand(1, 1, 160, 160), ValueError, "3 channel"),
            (torch.zeros(1, 3, 160, 160, dtype=torch.uint8), TypeError, "floating-point"),
            (torch.full((1, 3, 80, 80), float("nan")), ValueError, "NaN or Inf"),
        ],
    )
    def test_raises_on_bad_image(self, image: torch.Tensor, error: type, match: str) -> None:
        with pytest.raises(error, match=match):
            InceptionResnetV1()(image)

    def test_nan_propagates_with_value_checks_off(self) -> None:
        faceloss.set_value_checks(False)
        try:
            out = InceptionResnetV1()(torch.full((1, 3, 80, 80), float("nan")))
        finally:
            faceloss.set_value_checks(True)
        assert bool(out.isnan().all())

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"classify": True}, ValueError, "classify=True needs num_classes"),
            ({"classify": True, "num_classes": 3, "normalize": False}, ValueError, "normalize"),
            ({"num_classes": 0}, ValueError, "num_classes must be a positive"),
            ({"num_classes": 2.0}, TypeError, "num_classes must be an int"),
            ({"dropout_prob": 1.0}, ValueError, r"dropout_prob must be in \[0, 1\)"),
            ({"dropout_prob": "0.5"}, TypeError, "dropout_prob must be a float"),
            ({"normalize": 1}, TypeError, "normalize must be a bool"),
            ({"trainable": None}, TypeError, "trainable must be a bool"),
        ],
    )
    def test_raises_on_bad_arguments(self, kwargs: dict, error: type, match: str) -> None:
        with pytest.raises(error, match=match):
            InceptionResnetV1(**kwargs)


class TestFixedImageStandardization:
    def test_maps_unit_range_to_facenet_range(self) -> None:
        image = torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64).view(1, 3, 1, 1)
        out = fixed_image_standardization(image)
        expected = (torch.tensor([0.0, 127.5, 255.0], dtype=torch.float64) - 127.5) / 128.0
        torch.testing.assert_close(out.flatten(), expected, rtol=0, atol=0)

    def test_raises_on_wrong_channels(self) -> None:
        with pytest.raises(ValueError, match="3 channel"):
            fixed_image_standardization(torch.zeros(1, 4, 2, 2))
