"""faceloss.weights.facenet: reading facenet-pytorch checkpoints safely, with clear errors."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
import torch

from faceloss.spec import FACENET_VGGFACE2_CLASSES, FACENET_VGGFACE2_SHA256
from faceloss.torch import InceptionResnetV1
from faceloss.weights.facenet import (
    file_sha256,
    load_facenet,
    load_facenet_keras,
    load_facenet_state_dict,
)
from tests.parity.networks import one_torch_thread, seeded_state_dict
from tests.parity.tolerances import NETWORK_TOLERANCES, assert_close


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Iterator[None]:
    with one_torch_thread():
        yield


def _shapes(num_classes: int | None = FACENET_VGGFACE2_CLASSES) -> dict[str, tuple[int, ...]]:
    with torch.device("meta"):
        template = InceptionResnetV1(num_classes=num_classes)
    return {k: tuple(v.shape) for k, v in template.state_dict().items()}


def _light_state_dict(num_classes: int | None = FACENET_VGGFACE2_CLASSES) -> dict:
    """All of facenet-pytorch's keys and shapes, stored as broadcast views of one number
    (torch.save keeps the one-element storage: a full key set in a file of a few kB)."""
    return {
        k: torch.zeros((), dtype=torch.int64 if k.endswith("tracked") else torch.float32).expand(s)
        for k, s in _shapes(num_classes).items()
    }


def _save(tmp_path: Path, content: object, name: str = "facenet.pt") -> Path:
    path = tmp_path / name
    torch.save(content, path)
    return path


class _NotWeights:
    """A class torch.load(weights_only=True) refuses to unpickle."""


class TestLoadFacenetStateDict:
    def test_reads_a_full_facenet_pytorch_state_dict(self, tmp_path: Path) -> None:
        path = _save(tmp_path, _light_state_dict())
        state_dict = load_facenet_state_dict(path, sha256=file_sha256(path))
        assert tuple(state_dict["logits.weight"].shape) == (FACENET_VGGFACE2_CLASSES, 512)
        assert tuple(state_dict["repeat_2.9.branch1.2.conv.weight"].shape) == (128, 128, 7, 1)

    def test_reads_files_without_logits_or_num_batches_tracked(self, tmp_path: Path) -> None:
        content = {k: v for k, v in _light_state_dict(None).items() if not k.endswith("tracked")}
        state_dict = load_facenet_state_dict(_save(tmp_path, content))
        assert "logits.weight" not in state_dict and len(state_dict) == 602

    def test_raises_if_file_is_missing(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError, match=r"no FaceNet checkpoint file at .*downloads"):
            load_facenet_state_dict(tmp_path / "absent.pt")
        with pytest.raises(FileNotFoundError, match="no FaceNet checkpoint file"):
            load_facenet_state_dict(tmp_path)  # a directory

    def test_raises_if_path_is_not_a_path(self) -> None:
        with pytest.raises(TypeError, match=r"path must be a str or os.PathLike"):
            load_facenet_state_dict(3)

    def test_raises_on_random_bytes(self, tmp_path: Path) -> None:
        path = tmp_path / "noise.pt"
        path.write_bytes(np.random.default_rng(0).bytes(4096))
        with pytest.raises(ValueError, match=r"cannot read .*weights_only=True"):
            load_facenet_state_dict(path)

    def test_raises_on_truncated_file(self, tmp_path: Path) -> None:
        whole = _save(tmp_path, _light_state_dict()).read_bytes()
        path = tmp_path / "cut.pt"
        path.write_bytes(whole[: len(whole) // 2])
        with pytest.raises(ValueError, match=r"cannot read .*weights_only=True"):
            load_facenet_state_dict(path)

    def test_refuses_pickled_objects(self, tmp_path: Path) -> None:
        path = _save(tmp_path, {"conv2d_1a.conv.weight": _NotWeights()})
        with pytest.raises(ValueError, match=r"cannot read .*weights_only=True"):
            load_facenet_state_dict(path)

    def test_raises_on_nested_checkpoint(self, tmp_path: Path) -> None:
        path = _save(tmp_path, {"state_dict": _light_state_dict(), "epoch": torch.tensor(3)})
        with pytest.raises(ValueError, match=r"flat state_dict.*\['epoch', 'state_dict'\]"):
            load_facenet_state_dict(path)

    def test_raises_on_wrong_keys_and_lists_them(self, tmp_path: Path) -> None:
        content = _light_state_dict()
        content["conv2d_1a.convolution.weight"] = content.pop("conv2d_1a.conv.weight")
        content["extra.bias"] = torch.zeros(3)
        with pytest.raises(ValueError) as info:
            load_facenet_state_dict(_save(tmp_path, content))
        message = str(info.value)
        assert "1 missing key(s): conv2d_1a.conv.weight" in message
        assert "2 unexpected key(s): conv2d_1a.convolution.weight, extra.bias" in message

    def test_raises_on_wrong_shapes_and_lists_them(self, tmp_path: Path) -> None:
        content = _light_state_dict()
        content["last_linear.weight"] = torch.zeros(512, 1024)
        content["logits.weight"] = torch.zeros(FACENET_VGGFACE2_CLASSES, 128)
        with pytest.raises(ValueError) as info:
            load_facenet_state_dict(_save(tmp_path, content))
        message = str(info.value)
        assert "2 mis-shaped key(s)" in message
        assert "last_linear.weight (512, 1024) (expected (512, 1792))" in message
        assert "logits.weight (8631, 128) (expected (8631, 512))" in message

    def test_raises_on_integer_weights(self, tmp_path: Path) -> None:
        content = _light_state_dict()
        content["last_bn.bias"] = torch.zeros(512, dtype=torch.int32)
        with pytest.raises(ValueError, match="1 non-floating-point key"):
            load_facenet_state_dict(_save(tmp_path, content))

    def test_raises_on_sha256_mismatch_before_reading(self, tmp_path: Path) -> None:
        path = tmp_path / "noise.pt"
        path.write_bytes(b"not a checkpoint")
        actual = hashlib.sha256(b"not a checkpoint").hexdigest()
        with pytest.raises(ValueError, match=f"sha256 mismatch .*hashes to {actual}, expected"):
            load_facenet_state_dict(path, sha256=FACENET_VGGFACE2_SHA256)

    def test_sha256_is_case_insensitive(self, tmp_path: Path) -> None:
        path = _save(tmp_path, _light_state_dict())
        assert load_facenet_state_dict(path, sha256=file_sha256(path).upper())

    @pytest.mark.parametrize("sha256", ["abc", "g" * 64])
    def test_raises_on_malformed_sha256(self, tmp_path: Path, sha256: str) -> None:
        with pytest.raises(ValueError, match="sha256 must be 64 hexadecimal digits"):
            load_facenet_state_dict(_save(tmp_path, _light_state_dict()), sha256=sha256)

    def test_raises_if_sha256_is_not_a_string(self, tmp_path: Path) -> None:
        with pytest.raises(TypeError, match="sha256 must be a str or None, got int"):
            load_facenet_state_dict(_save(tmp_path, _light_state_dict()), sha256=12)


class TestFileSha256:
    def test_matches_hashlib(self, tmp_path: Path) -> None:
        data = np.random.default_rng(1).bytes(3 * (1 << 20) + 5)  # crosses chunk borders
        path = tmp_path / "blob"
        path.write_bytes(data)
        assert file_sha256(path) == hashlib.sha256(data).hexdigest()

    def test_known_vggface2_digest_is_well_formed(self) -> None:
        assert re.fullmatch(r"[0-9a-f]{64}", FACENET_VGGFACE2_SHA256)


class TestLoadFacenet:
    def test_embedding_model_drops_the_classifier(self, tmp_path: Path) -> None:
        net = load_facenet(_save(tmp_path, _light_state_dict()))
        assert not hasattr(net, "logits") and not net.training

    def test_raises_if_num_classes_differs(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"num_classes=10 does not match .* 8631 classes"):
            load_facenet(_save(tmp_path, _light_state_dict()), num_classes=10)

    def test_raises_if_checkpoint_has_no_classifier(self, tmp_path: Path) -> None:
        path = _save(tmp_path, _light_state_dict(None))
        with pytest.raises(ValueError, match=r"asks for the logits layer, but .* has none"):
            load_facenet(path, classify=True, num_classes=FACENET_VGGFACE2_CLASSES)

    @pytest.mark.slow
    def test_checkpoint_round_trip_to_torch_and_keras(self, tmp_path: Path) -> None:
        source = InceptionResnetV1(num_classes=FACENET_VGGFACE2_CLASSES)
        source.load_state_dict(seeded_state_dict(source, seed=7))
        path = _save(tmp_path, source.state_dict())  # facenet-pytorch's own format
        digest = file_sha256(path)

        torch_net = load_facenet(path, sha256=digest, normalize=False)
        keras_net = load_facenet_keras(path, sha256=digest, normalize=False)
        for key, value in torch_net.state_dict().items():
            torch.testing.assert_close(value, source.state_dict()[key], rtol=0, atol=0)

        images = np.random.default_rng(3).random((2, 96, 96, 3), dtype=np.float32)
        with torch.no_grad():
            ours = torch_net(torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()).numpy()
        theirs = keras_net(tf.constant(images)).numpy()
        assert_close(theirs, ours, np.float32, "checkpoint -> Keras vs torch", NETWORK_TOLERANCES)
