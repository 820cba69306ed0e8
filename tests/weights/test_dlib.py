"""The NumPy reader of dlib's face-recognition ResNet file: contents and every way it can break."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from faceloss.spec import DLIB_FACE_RESNET_SHA256
from faceloss.weights.dlib import (
    DlibFormatError,
    find_dlib_face_resnet,
    parse_dlib_face_resnet,
    read_dlib_face_resnet,
)


@pytest.fixture(scope="module")
def data() -> bytes:
    return find_dlib_face_resnet().read_bytes()


def test_installed_file_is_the_published_one(data: bytes) -> None:
    assert hashlib.sha256(data).hexdigest() == DLIB_FACE_RESNET_SHA256


def test_reads_the_architecture_of_dnn_face_recognition_ex() -> None:
    weights = read_dlib_face_resnet()
    arrays = weights.arrays
    convs = [k for k in arrays if k.endswith(".weight") and arrays[k].ndim == 4]
    assert len(convs) == 29
    assert sum(a.size for a in arrays.values()) == 5_614_592
    assert arrays["conv0.weight"].shape == (32, 3, 7, 7)
    assert arrays["blocks.3.conv1.weight"].shape == (64, 32, 3, 3)
    assert arrays["blocks.13.conv2.weight"].shape == (256, 256, 3, 3)
    assert arrays["fc.weight"].shape == (128, 256)
    assert all(a.dtype == np.float32 for a in arrays.values())
    assert weights.input_size == (150, 150)
    np.testing.assert_allclose(weights.mean_rgb, (122.782, 117.001, 104.298), atol=1e-3)
    assert weights.distance_threshold == pytest.approx(0.6)


def test_reads_a_user_path(tmp_path: Path, data: bytes) -> None:
    copy = tmp_path / "model.dat"
    copy.write_bytes(data)
    assert read_dlib_face_resnet(copy).arrays.keys() == read_dlib_face_resnet().arrays.keys()


def test_raises_if_path_is_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no dlib face ResNet file"):
        read_dlib_face_resnet(tmp_path / "missing.dat")


@pytest.mark.parametrize("keep", [0, 1, 5, 30, 400, 500, 19_000, 11_000_000, -9, -1])
def test_raises_on_truncated_copy(tmp_path: Path, data: bytes, keep: int) -> None:
    cut = tmp_path / "cut.dat"
    cut.write_bytes(data[:keep])
    with pytest.raises(DlibFormatError, match=r"truncated|expected|corrupt|no 'input_rgb"):
        read_dlib_face_resnet(cut)


def test_raises_on_trailing_bytes(tmp_path: Path, data: bytes) -> None:
    longer = tmp_path / "longer.dat"
    longer.write_bytes(data + b"\x00")
    with pytest.raises(DlibFormatError, match="1 unexpected bytes after the network"):
        read_dlib_face_resnet(longer)


@pytest.mark.parametrize(
    ("offset", "match"),
    [
        (0, "file version|corrupt integer"),  # file version
        (5, "expected 'loss_metric_2'"),  # inside the loss name
        (390, "expected 'input_rgb_image_sized'|wrapper version|corrupt|input"),  # input layer
        (19_298, "conv0"),  # conv0's kernel height setting
    ],
)
def test_raises_on_bit_flip_in_structure(
    tmp_path: Path, data: bytes, offset: int, match: str
) -> None:
    flipped = bytearray(data)
    flipped[offset] ^= 0x04
    bad = tmp_path / "flipped.dat"
    bad.write_bytes(bytes(flipped))
    with pytest.raises(DlibFormatError, match=match):
        read_dlib_face_resnet(bad)


def test_raises_on_bit_flip_in_weights_through_the_sha256(tmp_path: Path, data: bytes) -> None:
    flipped = bytearray(data)
    flipped[11_000_000] ^= 0x01  # inside a float32 weight: structurally valid
    parse_dlib_face_resnet(bytes(flipped))
    bad = tmp_path / "flipped.dat"
    bad.write_bytes(bytes(flipped))
    with pytest.raises(DlibFormatError, match=r"sha256 .* differs"):
        read_dlib_face_resnet(bad)
    assert read_dlib_face_resnet(bad, sha256=None).input_size == (150, 150)


def test_random_bit_flips_raise_only_dlib_format_error(data: bytes) -> None:
    rng = np.random.default_rng(0)
    header = 19_400  # the loss, versions, input layer and conv0 settings
    for offset in rng.integers(0, header, 12):
        flipped = bytearray(data)
        flipped[offset] ^= 1 << int(rng.integers(0, 8))
        try:
            parse_dlib_face_resnet(bytes(flipped))
        except DlibFormatError:
            pass


def test_huge_tensor_dimension_is_refused_before_allocation() -> None:
    # A valid prefix up to conv0's parameter tensor, whose first dimension claims 2**60.
    data = read_prefix_until_conv0_tensor()
    bogus = data + b"\x01\x02" + b"\x08" + (2**60).to_bytes(8, "little") + b"\x01\x01" * 3
    with pytest.raises(DlibFormatError, match="conv0 parameters dim n is 1152921504606846976"):
        parse_dlib_face_resnet(bogus)


def read_prefix_until_conv0_tensor() -> bytes:
    data = find_dlib_face_resnet().read_bytes()
    return data[: data.index(b"con_4") + len(b"con_4")]


def test_raises_on_a_different_dlib_file() -> None:
    other = find_dlib_face_resnet().parent / "shape_predictor_5_face_landmarks.dat"
    with pytest.raises(DlibFormatError, match="not dlib's face-recognition ResNet v1"):
        read_dlib_face_resnet(other)


def test_raises_on_a_file_that_is_not_dlib(tmp_path: Path) -> None:
    junk = tmp_path / "junk.dat"
    junk.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(DlibFormatError, match="corrupt integer header 0x50"):
        read_dlib_face_resnet(junk)


def _skip_int(data: bytes, pos: int) -> int:
    """The offset after the dlib-encoded integer at ``pos`` (header byte, then its bytes)."""
    return pos + 1 + (data[pos] & 0x0F)


def test_raises_if_the_distance_threshold_is_not_finite(data: bytes) -> None:
    pos = data.index(b"loss_metric_2") + len(b"loss_metric_2")
    pos = _skip_int(data, _skip_int(data, pos))  # the margin: mantissa, exponent
    pos = _skip_int(data, pos)  # the threshold's mantissa
    end = _skip_int(data, pos)  # its exponent, replaced by 32767: 2**32767 overflows
    bogus = data[:pos] + b"\x02" + (32767).to_bytes(2, "little") + data[end:]
    with pytest.raises(DlibFormatError, match="distance threshold is not finite"):
        parse_dlib_face_resnet(bogus)
