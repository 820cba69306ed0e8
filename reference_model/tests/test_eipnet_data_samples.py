"""Augmentation, degradation, edge targets and the samples of reference_model.data.FaceDataset."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from eipnet_data_helpers import face_like, write_faces

from faceloss.reference import edge_targets as reference_edge_targets
from reference_model.data import (
    Augment,
    FaceDataset,
    augment_face,
    degrade,
    edges_numpy,
    edges_torch,
    load_face,
    sample_rng,
    split_files,
    warp_face,
)

# -- augmentation ----------------------------------------------------------------------------


def _draws(augment: Augment, n: int = 4000) -> Counter:
    return Counter(augment.draw(sample_rng(0, 0, i)) for i in range(n))


def test_paper_augmentation_draws() -> None:
    counts = _draws(Augment())
    assert {angle for _, angle in counts} == {0, 90, 270}
    flips = sum(c for (flip, _), c in counts.items() if flip)
    rotated = sum(c for (_, angle), c in counts.items() if angle)
    assert abs(flips - 2000) < 150 and abs(rotated - 2000) < 150


def test_official_augmentation_draws_and_switches() -> None:
    counts = _draws(Augment(rotate="official"))
    by_angle = Counter()
    for (_, angle), c in counts.items():
        by_angle[angle] += c
    assert set(by_angle) == {0, 90, 180, 270}
    assert all(abs(by_angle[a] - 2000 / 3) < 100 for a in (90, 180, 270))
    assert set(_draws(Augment(hflip=0.0, rotate="none"), 200)) == {(False, 0)}
    assert set(_draws(Augment(hflip=1.0, rotate="paper", rotate_p=1.0), 200)) == {
        (True, 90),
        (True, 270),
    }
    with pytest.raises(ValueError, match="rotate"):
        Augment(rotate="random")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hflip"):
        Augment(hflip=1.5)


def test_shift_draws_cover_the_range_uniformly_and_leave_the_other_draws_alone() -> None:
    counts: Counter = Counter()
    for i in range(4000):
        plain_rng, shift_rng = sample_rng(0, 0, i), sample_rng(0, 0, i)
        assert Augment().draw(plain_rng) == Augment(shift=3).draw(shift_rng)
        assert Augment().draw_shift(plain_rng) == (0, 0)
        counts.update(Augment(shift=3).draw_shift(shift_rng))
    assert set(counts) == set(range(-3, 4))
    assert all(abs(c - 8000 / 7) < 120 for c in counts.values())
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="shift"):
            Augment(shift=bad)  # type: ignore[arg-type]


def test_shift_moves_the_face_and_mirrors_the_border() -> None:
    face = np.arange(5 * 6 * 2).reshape(5, 6, 2)
    moved = augment_face(face, False, 0, shift=(2, -1))
    np.testing.assert_array_equal(moved[2:, :5], face[:3, 1:])  # down 2, left 1
    np.testing.assert_array_equal(moved[:2, :5], face[2:0:-1, 1:])  # rows 2, 1 mirrored
    np.testing.assert_array_equal(moved[2:, 5], face[:3, 4])  # column 4 mirrored
    np.testing.assert_array_equal(augment_face(face, False, 0, shift=(0, 0)), face)
    both = augment_face(face, True, 0, shift=(1, 1))  # the flip comes first
    np.testing.assert_array_equal(both[1:, 1:], face[:4, ::-1][:, :5])
    with pytest.raises(ValueError, match="smaller than the face"):
        augment_face(face, False, 0, shift=(5, 0))


def test_warp_draws_cover_the_range_and_leave_the_other_draws_alone() -> None:
    warped = Augment(rotate="official", shift=3, tilt=10, zoom=0.08)
    plain = Augment(rotate="official", shift=3)
    angles, scales = [], []
    for i in range(4000):
        rng_a, rng_b = sample_rng(0, 0, i), sample_rng(0, 0, i)
        assert warped.draw(rng_a) == plain.draw(rng_b)
        assert warped.draw_shift(rng_a) == plain.draw_shift(rng_b)
        assert plain.draw_warp(rng_b) == (0.0, 1.0)
        degrees, scale = warped.draw_warp(rng_a)
        angles.append(degrees)
        scales.append(scale)
    assert -10 <= min(angles) < -9.9 and 9.9 < max(angles) <= 10
    assert 0.92 <= min(scales) < 0.921 and 1.079 < max(scales) <= 1.08
    assert abs(np.mean(angles)) < 0.3 and abs(np.mean(scales) - 1) < 0.003
    for name, bad in (("tilt", -1), ("tilt", 46), ("zoom", 0.6), ("zoom", True), ("tilt", "5")):
        with pytest.raises(ValueError, match=name):
            Augment(**{name: bad})


def test_mixup_draws_follow_the_others_and_cover_partners_and_weights() -> None:
    mixed = Augment(shift=2, tilt=5, zoom=0.05, mixup=0.3)
    plain = Augment(shift=2, tilt=5, zoom=0.05)
    partners, weights = Counter(), []
    for i in range(4000):
        rng_a, rng_b = sample_rng(0, 0, i), sample_rng(0, 0, i)
        assert mixed.draw(rng_a) == plain.draw(rng_b)
        assert mixed.draw_shift(rng_a) == plain.draw_shift(rng_b)
        assert mixed.draw_warp(rng_a) == plain.draw_warp(rng_b)
        assert plain.draw_mixup(rng_b, 5) == (None, 1.0)
        partner, weight = mixed.draw_mixup(rng_a, 5)
        if partner is not None:
            partners[partner] += 1
            weights.append(weight)
    assert abs(len(weights) - 1200) < 100
    assert sorted(partners) == [0, 1, 2, 3, 4] and min(partners.values()) > 180
    assert 0.0 <= min(weights) < 0.01 and 0.99 < max(weights) <= 1.0
    assert abs(np.mean(weights) - 0.5) < 0.03
    assert Augment(mixup=1.0).draw_mixup(sample_rng(0, 0, 0), 1)[0] == 0
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="mixup"):
            Augment(mixup=bad)
    with pytest.raises(ValueError, match="size"):
        Augment(mixup=0.5).draw_mixup(sample_rng(0, 0, 0), 0)


def test_warp_rotates_counter_clockwise_and_scales_about_the_centre() -> None:
    face = face_like(3)
    for k in (1, 2, 3):  # right angles are exact, in uint8 and in float
        np.testing.assert_array_equal(warp_face(face, 90.0 * k, 1.0), np.rot90(face, k))
        as_float = face.astype(np.float32) / 255
        np.testing.assert_allclose(
            warp_face(as_float, 90.0 * k, 1.0), np.rot90(as_float, k), atol=1e-5
        )
    np.testing.assert_array_equal(warp_face(face, 0.0, 1.0), face)
    np.testing.assert_array_equal(augment_face(face, False, 0, warp=(0.0, 1.0)), face)
    warped = warp_face(face, 7.0, 1.05)
    assert warped.dtype == np.uint8 and warped.shape == face.shape
    gray = warp_face(face[..., 0].astype(np.float64), 7.0, 1.05)
    assert gray.dtype == np.float64 and gray.shape == (128, 128)
    # the same warp as OpenCV's bicubic rotation about the pixel centre (positive angles are
    # counter-clockwise there too): away from the border they agree to 0.07 grey levels here
    cv2 = pytest.importorskip("cv2")
    inner = (slice(16, 112), slice(16, 112), slice(None))

    def cv2_warp(degrees: float, scale: float) -> np.ndarray:
        matrix = cv2.getRotationMatrix2D((63.5, 63.5), degrees, scale)
        return cv2.warpAffine(face, matrix, (128, 128), flags=cv2.INTER_CUBIC).astype(float)

    assert np.abs(warped[inner] - cv2_warp(7.0, 1.05)[inner]).mean() < 0.3
    assert np.abs(warped[inner] - cv2_warp(-7.0, 1.05)[inner]).mean() > 3
    assert np.abs(warped[inner] - cv2_warp(7.0, 1 / 1.05)[inner]).mean() > 3
    both = augment_face(face, True, 0, shift=(2, 0), warp=(7.0, 1.05))  # flip, warp, shift
    np.testing.assert_array_equal(both[2:], warp_face(face[:, ::-1], 7.0, 1.05)[:-2])
    with pytest.raises(ValueError, match="scale"):
        warp_face(face, 5.0, 0.0)
    with pytest.raises(ValueError, match="shape"):
        warp_face(face[None], 5.0, 1.0)


def test_draws_depend_on_seed_epoch_index_only() -> None:
    a = Augment(rotate="official")
    assert a.draw(sample_rng(3, 4, 5)) == a.draw(sample_rng(3, 4, 5))
    by_epoch = [a.draw(sample_rng(0, e, 7)) for e in range(40)]
    assert len(set(by_epoch)) > 3
    with pytest.raises(ValueError, match="epoch"):
        sample_rng(0, -1, 0)


def test_paper_rotation_is_exact_about_the_centre() -> None:
    face = face_like(1)
    for angle in (90, 180, 270):
        rotated = augment_face(face, False, angle, "paper")
        back = augment_face(rotated, False, 360 - angle if angle != 180 else 180, "paper")
        np.testing.assert_array_equal(back, face)
    np.testing.assert_array_equal(augment_face(face, True, 0), face[:, ::-1])


def test_official_rotation_matches_cv2_warp_affine() -> None:
    cv2 = pytest.importorskip("cv2")
    face = face_like(2)
    for angle in (90, 180, 270):
        matrix = cv2.getRotationMatrix2D((64.0, 64.0), angle, 1.0)
        expected = cv2.warpAffine(face, matrix, (128, 128))
        np.testing.assert_array_equal(augment_face(face, False, angle, "official"), expected)
        flipped = cv2.warpAffine(np.ascontiguousarray(face[:, ::-1]), matrix, (128, 128))
        np.testing.assert_array_equal(augment_face(face, True, angle, "official"), flipped)


# -- degradation -----------------------------------------------------------------------------


def test_progressive_bilinear_is_the_8x8_box_mean_and_cv2() -> None:
    hr = face_like(4).astype(np.float32) / 255
    lr = degrade(hr)
    box = hr.astype(np.float64).reshape(16, 8, 16, 8, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(lr, box, atol=1e-6)
    assert lr.dtype == np.float32
    cv2 = pytest.importorskip("cv2")
    x = hr
    for _ in range(3):
        x = cv2.resize(x, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_LINEAR)
    np.testing.assert_allclose(lr, x, atol=1e-6)


def test_bicubic_degradation() -> None:
    hr = face_like(5).astype(np.float32) / 255
    lr = degrade(hr[None], "bicubic")
    assert lr.shape == (1, 16, 16, 3) and lr.min() >= 0 and lr.max() <= 1
    box = degrade(hr)
    assert 0 < np.abs(lr[0] - box).max() < 0.2  # another filter, same image
    flat = np.full((128, 128, 3), 0.25, np.float32)
    np.testing.assert_allclose(degrade(flat, "bicubic"), 0.25, atol=1e-6)


def test_degrade_errors() -> None:
    with pytest.raises(TypeError, match="hr"):
        degrade(np.zeros((128, 128, 3), np.uint8))
    with pytest.raises(ValueError, match="divisible"):
        degrade(np.zeros((100, 100, 3)))
    with pytest.raises(ValueError, match="method"):
        degrade(np.zeros((128, 128, 3)), "nearest")  # type: ignore[arg-type]


# -- edge targets ----------------------------------------------------------------------------


@pytest.mark.parametrize("thresholds", [None, (50, 255)])
def test_edges_numpy_is_faceloss_reference(thresholds: tuple[float, float] | None) -> None:
    hr = face_like(6).astype(np.float32) / 255
    maps = edges_numpy(hr.transpose(2, 0, 1), thresholds)
    kwargs = {} if thresholds is None else {"low": 50, "high": 255}
    expected = reference_edge_targets(hr[None].astype(np.float64), **kwargs)
    for got, want in zip(maps, expected, strict=True):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got[0], want[0, :, :, 0])
    assert 0.01 < maps[2].mean() < 0.5


@pytest.mark.parametrize("thresholds", [None, (50, 255)])
def test_edges_torch_equals_the_reference_path(thresholds: tuple[float, float] | None) -> None:
    faces = np.stack([face_like(i) for i in range(2)]).astype(np.float32) / 255
    hr = torch.from_numpy(faces).permute(0, 3, 1, 2).contiguous()
    exact = edges_torch(hr, thresholds)
    fast = edges_torch(hr, thresholds, dtype=torch.float32)
    half = edges_torch(hr.to(torch.bfloat16).requires_grad_(), thresholds)
    assert [tuple(m.shape) for m in exact] == [(2, 1, 32, 32), (2, 1, 64, 64), (2, 1, 128, 128)]
    assert all(m.dtype == torch.float32 and not m.requires_grad for m in [*exact, *fast, *half])
    for n in range(2):
        ref = edges_numpy(faces[n].transpose(2, 0, 1), thresholds)
        for got, quick, want in zip(exact, fast, ref, strict=True):
            np.testing.assert_array_equal(got[n].numpy(), want)
            assert (quick[n].numpy() != want).mean() < 0.01
    with pytest.raises(ValueError, match="dtype"):
        edges_torch(hr, dtype=torch.float16)


# -- the dataset -----------------------------------------------------------------------------


def test_sample_is_the_pipeline_applied_to_the_file(tmp_path: Path) -> None:
    write_faces(tmp_path, 6)
    augment = Augment(rotate="official", shift=5, tilt=10, zoom=0.1)
    data = FaceDataset(tmp_path, augment=augment, canny_thresholds=(50, 255), seed=7)
    data.set_epoch(2)
    for i in range(6):
        sample = data[i]
        face, _ = load_face(data.files[i], "cropped")
        rng = sample_rng(7, 2, i)
        flip, angle = augment.draw(rng)
        shift = augment.draw_shift(rng)
        warp = augment.draw_warp(rng)
        assert warp != (0.0, 1.0)
        hr = augment_face(face, flip, angle, "official", shift, warp).astype(np.float32) / 255
        np.testing.assert_array_equal(sample["hr"].numpy(), hr.transpose(2, 0, 1))
        np.testing.assert_array_equal(sample["lr"].numpy(), degrade(hr).transpose(2, 0, 1))
        for got, want in zip(
            sample["edges"], edges_numpy(hr.transpose(2, 0, 1), (50, 255)), strict=True
        ):
            np.testing.assert_array_equal(got.numpy(), want)
        assert sample["index"] == i and sample["file_index"] == i
        assert sample["hr"].dtype == torch.float32
        assert 0.0 <= float(sample["hr"].min()) and float(sample["hr"].max()) <= 1.0


def test_mixup_sample_blends_two_augmented_faces_before_degradation(tmp_path: Path) -> None:
    write_faces(tmp_path, 5)
    augment = Augment(rotate="none", shift=3, tilt=10, zoom=0.1, mixup=1.0)
    data = FaceDataset(tmp_path, augment=augment, seed=3)
    data.set_epoch(1)
    faces = [load_face(f, "cropped")[0] for f in data.files]

    def augmented(face: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        flip, angle = augment.draw(rng)
        shift, warp = augment.draw_shift(rng), augment.draw_warp(rng)
        return augment_face(face, flip, angle, "none", shift, warp).astype(np.float32)

    for i in range(5):
        sample = data[i]
        rng = sample_rng(3, 1, i)
        face = augmented(faces[i], rng)
        partner, weight = augment.draw_mixup(rng, 5)
        assert partner is not None and 0.0 < weight < 1.0
        blend = np.clip(
            np.rint(weight * face + (1 - weight) * augmented(faces[partner], rng)), 0, 255
        )
        hr = blend.astype(np.uint8).astype(np.float32) / 255
        np.testing.assert_array_equal(sample["hr"].numpy(), hr.transpose(2, 0, 1))
        np.testing.assert_array_equal(sample["lr"].numpy(), degrade(hr).transpose(2, 0, 1))
        for got, want in zip(sample["edges"], edges_numpy(hr.transpose(2, 0, 1)), strict=True):
            np.testing.assert_array_equal(got.numpy(), want)
        assert sample["index"] == i and sample["file_index"] == i
    off = FaceDataset(tmp_path, augment=Augment(rotate="none", shift=3, tilt=10, zoom=0.1), seed=3)
    off.set_epoch(1)
    rng = sample_rng(3, 1, 0)
    np.testing.assert_array_equal(
        off[0]["hr"].numpy(), augmented(faces[0], rng).transpose(2, 0, 1) / 255
    )


def test_samples_are_deterministic_and_change_with_epoch(tmp_path: Path) -> None:
    write_faces(tmp_path, 4)
    a = FaceDataset(tmp_path, augment=Augment(), seed=1)
    b = FaceDataset(tmp_path, augment=Augment(), seed=1)
    for i in range(4):
        assert torch.equal(a[i]["hr"], b[i]["hr"])
    per_epoch = []
    for epoch in range(8):
        a.set_epoch(epoch)
        per_epoch.append(torch.cat([a[i]["hr"].flatten() for i in range(4)]))
    assert len({hash(t.numpy().tobytes()) for t in per_epoch}) > 2
    plain = FaceDataset(tmp_path, augment=None)
    plain.set_epoch(5)
    face, _ = load_face(plain.files[0], "cropped")
    np.testing.assert_array_equal(plain[0]["hr"].numpy(), face.transpose(2, 0, 1) / np.float32(255))


def test_no_edges_option_and_argument_errors(tmp_path: Path) -> None:
    write_faces(tmp_path, 2)
    sample = FaceDataset(tmp_path, edge_targets="none", degradation="bicubic")[0]
    assert "edges" not in sample and tuple(sample["lr"].shape) == (3, 16, 16)
    with pytest.raises(ValueError, match="layout"):
        FaceDataset(tmp_path, layout="square")
    with pytest.raises(ValueError, match="edge_targets"):
        FaceDataset(tmp_path, edge_targets="torch")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="degradation"):
        FaceDataset(tmp_path, degradation="nearest")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="canny_thresholds"):
        FaceDataset(tmp_path, canny_thresholds=(50,))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="augment"):
        FaceDataset(tmp_path, augment="paper")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty"):
        FaceDataset([])
    with pytest.raises(IndexError):
        FaceDataset(tmp_path)[2]


def test_real_photos_both_layouts(shared_data: Path) -> None:
    celeba = FaceDataset(split_files(shared_data / "celeba_fsrnet1000" / "HR", "test")[:4])
    wild = FaceDataset(sorted((shared_data / "celeba_wild_identity").glob("*/*.jpg"))[:4])
    assert celeba.layout == "cropped" and wild.layout == "vggface2"
    for data in (celeba, wild):
        for i in range(len(data)):
            sample = data[i]
            hr = sample["hr"]
            assert tuple(hr.shape) == (3, 128, 128) and 0.1 < float(hr.std()) < 0.45
            densities = [float(e.mean()) for e in sample["edges"]]
            assert all(0.01 < d < 0.4 for d in densities), densities
            assert data.skipped_count == 0 and data.converted_count == 0
