"""Bad image files in reference_model.data: converted or skipped, counted, warned once."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import pytest
from eipnet_data_helpers import face_like, write_faces
from PIL import Image

from reference_model.data import BadImageError, BadImageWarning, FaceDataset, load_face, read_rgb


def _jpeg_bytes(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(face_like(seed)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _write_bad_files(folder: Path) -> dict[str, Path]:
    """One file of each bad kind; returns kind -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    face = face_like(11)
    files = {
        "corrupt": folder / "corrupt.jpg",
        "truncated": folder / "truncated.jpg",
        "tiny": folder / "tiny.png",
        "grayscale": folder / "grayscale.png",
        "rgba": folder / "rgba.png",
        "gray16": folder / "gray16.png",
        "rgb16": folder / "rgb16.png",
        "palette": folder / "palette.png",
        "cmyk": folder / "cmyk.jpg",
    }
    files["corrupt"].write_bytes(np.random.default_rng(0).bytes(3000))
    data = _jpeg_bytes(12)
    files["truncated"].write_bytes(data[: len(data) // 2])
    Image.fromarray(face_like(13, 8, 8)).save(files["tiny"])
    Image.fromarray(face[:, :, 0]).save(files["grayscale"])
    rgba = np.concatenate([face, np.full((128, 128, 1), 7, np.uint8)], axis=2)
    Image.fromarray(rgba).save(files["rgba"])
    Image.fromarray(face[:, :, 1].astype(np.uint16) * 257).save(files["gray16"])
    Image.fromarray(face).convert("P").save(files["palette"], transparency=0)
    Image.fromarray(face).convert("CMYK").save(files["cmyk"])
    cv2 = pytest.importorskip("cv2")
    cv2.imwrite(str(files["rgb16"]), face[:, :, ::-1].astype(np.uint16) * 257)
    return files


def test_each_kind_is_converted_or_rejected(tmp_path: Path) -> None:
    files = _write_bad_files(tmp_path)
    face = face_like(11)
    for kind in ("corrupt", "truncated"):
        with pytest.raises(BadImageError, match=files[kind].name):
            read_rgb(files[kind])
    with pytest.raises(BadImageError, match=r"tiny\.png.*too small"):
        load_face(files["tiny"], "cropped")
    with pytest.raises(BadImageError, match="178x198"):
        load_face(files["grayscale"], "celeba")
    expected = {
        "grayscale": (np.repeat(face[:, :, :1], 3, axis=2), "grayscale"),
        "rgba": (face, "alpha"),
        "gray16": (np.repeat(face[:, :, 1:2], 3, axis=2), "16-bit"),
        "rgb16": (face, "16-bit"),
        "cmyk": (None, "CMYK"),
        "palette": (None, "alpha"),
    }
    for kind, (pixels, word) in expected.items():
        image, note = read_rgb(files[kind])
        assert image.mode == "RGB" and image.size == (128, 128), kind
        assert note is not None and word in note, (kind, note)
        if pixels is not None:
            np.testing.assert_array_equal(np.asarray(image), pixels, err_msg=kind)


def test_dataset_survives_an_epoch_of_bad_files(tmp_path: Path) -> None:
    good = write_faces(tmp_path, 4)
    bad = _write_bad_files(tmp_path)
    data = FaceDataset(tmp_path, layout="cropped")
    assert len(data) == 4 + len(bad)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        samples = [data[i] for i in range(len(data))]
    messages = [str(w.message) for w in caught if issubclass(w.category, BadImageWarning)]
    for kind, path in bad.items():
        assert sum(path.name in m for m in messages) == 1, (kind, messages)
    assert data.skipped_count == 3
    assert {p.name for p in data.skipped_files} == {"corrupt.jpg", "truncated.jpg", "tiny.png"}
    assert data.converted_count == len(bad) - 3
    good_indices = {data.files.index(p) for p in good} | {
        data.files.index(p) for p in bad.values() if p not in data.skipped_files
    }
    for i, sample in enumerate(samples):
        if data.files[i] in data.skipped_files:
            assert sample["file_index"] in good_indices and sample["index"] == i
            face, _ = load_face(data.files[sample["file_index"]], "cropped")
            np.testing.assert_array_equal(
                sample["hr"].numpy(), face.transpose(2, 0, 1) / np.float32(255)
            )
        else:
            assert sample["file_index"] == i
    # A second epoch: the same replacements, no new warnings.
    data.set_epoch(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = [data[i]["file_index"] for i in range(len(data))]
    assert not [w for w in caught if issubclass(w.category, BadImageWarning)]
    assert again == [s["file_index"] for s in samples]
    other = FaceDataset(tmp_path, layout="cropped")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert [other[i]["file_index"] for i in range(len(other))] == again


def test_a_folder_of_only_bad_files_fails_clearly(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.jpg").write_bytes(b"not a jpeg")
    data = FaceDataset(tmp_path, layout="cropped")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="unusable"):
            data[0]
    assert data.skipped_count == 3
    with pytest.raises(ValueError, match="none of the 3 sampled images"):
        FaceDataset(tmp_path)
