"""Finding images, folder layouts and splits of reference_model.data."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from eipnet_data_helpers import face_like, write_faces
from PIL import Image

from reference_model.data import (
    Layout,
    crop_box,
    detect_layout,
    find_images,
    load_face,
    split_files,
    split_of,
)

# -- find_images ---------------------------------------------------------------------------


def test_find_images_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    for name in ["z.JPG", "a/b.png", "a/.hidden.png", ".cache/x.png", "c.txt", "d.webp"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in find_images(tmp_path)]
    assert found == ["a/b.png", "d.webp", "z.JPG"]


def test_find_images_errors_name_the_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError, match="nope"):
        find_images(missing)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match=r"empty.*is empty"):
        find_images(empty)
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "readme.md").write_text("hi")
    with pytest.raises(ValueError, match=r"texts.*no image files.*readme\.md"):
        find_images(texts)
    with pytest.raises(NotADirectoryError, match="readme"):
        find_images(texts / "readme.md")


# -- layouts ---------------------------------------------------------------------------------


def test_crop_boxes() -> None:
    assert crop_box("celeba", 178, 218) == (0.0, 20.0, 178.0, 198.0)
    left, top, right, bottom = crop_box(Layout.VGGFACE2, 400, 600)
    assert right - left == pytest.approx(280.0) and bottom - top == pytest.approx(280.0)
    assert (left + right) / 2 == pytest.approx(200.0) and (top + bottom) / 2 == pytest.approx(300.0)
    assert crop_box("cropped", 90, 70) == (0.0, 0.0, 90.0, 70.0)
    with pytest.raises(ValueError, match="178x198"):
        crop_box("celeba", 128, 128)
    with pytest.raises(ValueError):
        crop_box("imagenet", 10, 10)


def test_celeba_layout_crops_rows_20_to_198(tmp_path: Path) -> None:
    image = face_like(3, 178, 218)
    Image.fromarray(image).save(tmp_path / "a.png")
    face, note = load_face(tmp_path / "a.png", "celeba")
    expected = Image.fromarray(image[20:198, 0:178]).resize((128, 128), Image.Resampling.BILINEAR)
    assert note is None
    np.testing.assert_array_equal(face, np.asarray(expected))


def test_vggface2_layout_is_antialiased_centre_crop(tmp_path: Path) -> None:
    # A fine checkerboard outside the centre crop, flat grey inside: a crop that leaks or
    # an aliased resize would show the pattern.
    image = np.zeros((600, 400, 3), np.uint8)
    image[::2, ::2] = 255
    image[1::2, 1::2] = 255
    image[160:440, 60:340] = 0
    image[170:430, 70:330] = 100  # crop box is rows 160..440, cols 60..340
    Image.fromarray(image).save(tmp_path / "v.png")
    face, _ = load_face(tmp_path / "v.png", "vggface2")
    assert face.shape == (128, 128, 3)
    assert face[10:-10, 10:-10].min() == face[10:-10, 10:-10].max() == 100
    assert face.max() <= 100  # nothing from outside the crop
    # Antialiased shrink of the checkerboard: grey, not black/white stripes.
    board = np.zeros((512, 512, 3), np.uint8)
    board[::2, ::2] = 255
    board[1::2, 1::2] = 255
    Image.fromarray(board).save(tmp_path / "board.png")
    small, _ = load_face(tmp_path / "board.png", "cropped")
    assert abs(int(small.min()) - 128) <= 2 and abs(int(small.max()) - 128) <= 2


def test_detect_layout_each_kind(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_faces(tmp_path / "celeba", 3, 178, 218)
    write_faces(tmp_path / "crops", 3, 96, 96)
    write_faces(tmp_path / "wild" / "id1", 2, 300, 420)
    write_faces(tmp_path / "wild" / "id2", 2, 500, 360)
    with caplog.at_level(logging.INFO, logger="reference_model.data"):
        assert detect_layout(tmp_path / "celeba") == "celeba"
        assert detect_layout(tmp_path / "crops") is Layout.CROPPED
        assert detect_layout(tmp_path / "wild") == "vggface2"
    assert "178x218" in caplog.text and "square" in caplog.text and "0.7" in caplog.text
    mixed = [*find_images(tmp_path / "crops"), *find_images(tmp_path / "wild")]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="reference_model.data"):
        detect_layout(mixed)
    assert any(r.levelno == logging.WARNING and "mixed" in r.message for r in caplog.records)


def test_detect_layout_real_folders(shared_data: Path) -> None:
    assert detect_layout(shared_data / "celeba_fsrnet1000" / "HR") == "cropped"
    assert detect_layout(shared_data / "celeba_wild_identity") == "vggface2"


# -- splits ----------------------------------------------------------------------------------


def test_hash_split_is_stable_when_files_are_added(tmp_path: Path) -> None:
    write_faces(tmp_path, 60)
    before = {s: split_files(tmp_path, s) for s in ("train", "val", "test")}
    assert sorted(f for files in before.values() for f in files) == find_images(tmp_path)
    assert not set(before["train"]) & set(before["test"])
    for i in range(60, 90):
        shutil.copy(tmp_path / "000.png", tmp_path / f"{i:03d}.png")
    after = {s: split_files(tmp_path, s) for s in ("train", "val", "test")}
    for s in before:
        assert set(before[s]) <= set(after[s])
    other_seed = split_files(tmp_path, "test", seed=1)
    assert other_seed != after["test"]


def test_identity_folders_stay_on_one_side(tmp_path: Path) -> None:
    for person in range(30):
        for k in range(3):
            (tmp_path / f"id{person:02d}").mkdir(exist_ok=True)
            (tmp_path / f"id{person:02d}" / f"{k}.jpg").write_bytes(b"")
    sides = {}
    for s in ("train", "val", "test"):
        for f in split_files(tmp_path, s, val_fraction=0.2, test_fraction=0.3):
            sides.setdefault(f.parent.name, set()).add(s)
    assert len(sides) == 30 and all(len(v) == 1 for v in sides.values())
    assert {s for v in sides.values() for s in v} == {"train", "val", "test"}
    with pytest.raises(ValueError, match="by_identity"):
        split_files(tmp_path / "id00", "train", by_identity=True)


def test_celeba_partition_file_is_used(tmp_path: Path) -> None:
    images = tmp_path / "img_align_celeba"
    for name in ["000001.jpg", "000002.jpg", "000003.jpg", "000004.jpg"]:
        images.mkdir(exist_ok=True)
        (images / name).write_bytes(b"")
    (tmp_path / "list_eval_partition.txt").write_text("000001.jpg 0\n000002.jpg 1\n000003.jpg 2\n")
    with pytest.warns(UserWarning, match=r"1 of 4 .*000004\.jpg"):
        assert [p.name for p in split_files(images, "train")] == ["000001.jpg"]
    with pytest.warns(UserWarning):
        assert [p.name for p in split_files(images, "val")] == ["000002.jpg"]
        assert [p.name for p in split_files(images, "test")] == ["000003.jpg"]
    bad = tmp_path / "bad.txt"
    bad.write_text("000001.jpg train\n")
    with pytest.raises(ValueError, match=r"bad\.txt:1"):
        split_files(images, "train", partition_file=bad)


def test_split_argument_errors(tmp_path: Path) -> None:
    write_faces(tmp_path, 2)
    with pytest.raises(ValueError, match="split"):
        split_files(tmp_path, "training")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="test_fraction"):
        split_files(tmp_path, "train", test_fraction=1.5)
    with pytest.raises(ValueError, match="at most 1"):
        split_files(tmp_path, "train", val_fraction=0.6, test_fraction=0.6)


def test_split_of_fractions_are_respected() -> None:
    counts = {"train": 0, "val": 0, "test": 0}
    for i in range(4000):
        counts[split_of(f"{i}.jpg", 0.05, 0.1)] += 1
    assert abs(counts["test"] - 400) < 60 and abs(counts["val"] - 200) < 45


def test_default_split_of_the_shipped_training_folder(shared_data: Path) -> None:
    root = shared_data / "celeba_fsrnet1000" / "HR"
    sizes = {s: len(split_files(root, s)) for s in ("train", "val", "test")}
    assert sizes == {"train": 853, "val": 48, "test": 99}
