"""faceloss.detect: the Box type, input checks, the three detectors, real aligned faces."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from faceloss.detect import (
    Box,
    DlibHOGDetector,
    ExplicitBoxes,
    FaceDetector,
    SkimageLBPDetector,
    as_box,
    best_box,
    default_detector,
    detect_faces,
)
from faceloss.detect._batch import detected_boxes
from tests.face_data import load_faces
from tests.packaged_faces import astronaut, astronaut_faces


def _detectors() -> list[FaceDetector]:
    found: list[FaceDetector] = [SkimageLBPDetector(), ExplicitBoxes((10, 10, 100, 100))]
    try:
        found.append(DlibHOGDetector())
    except ImportError:
        pass
    return found


DETECTORS = _detectors()
IDS = [type(d).__name__ for d in DETECTORS]


def test_box_is_half_open_and_clips_to_the_image():
    box = Box(top=-3, left=5, bottom=40, right=200, score=0.5)
    clipped = box.clip(height=32, width=64)
    assert clipped == Box(0, 5, 32, 64, 0.5)
    image = np.zeros((32, 64, 3))
    assert image[clipped.top : clipped.bottom, clipped.left : clipped.right].shape[:2] == (
        clipped.height,
        clipped.width,
    )


def test_box_outside_the_image_clips_to_empty():
    assert Box(40, 40, 50, 50).clip(32, 32).area == 0
    assert Box(10, 10, 5, 20).area == 0  # bottom above top


def test_as_box_accepts_sequences_and_rejects_malformed_boxes():
    assert as_box([1, 2, 3, 4, 0.5]) == Box(1, 2, 3, 4, 0.5)
    assert as_box(np.array([1, 2, 3, 4])) == Box(1, 2, 3, 4)
    with pytest.raises(ValueError, match="4 or 5 entries"):
        as_box((1, 2, 3))
    with pytest.raises(ValueError, match="whole pixels"):
        as_box((1.5, 2, 3, 4))
    with pytest.raises(TypeError, match="Box or a"):
        as_box("1234")
    with pytest.raises(TypeError, match="must be an int"):
        Box(1.0, 2, 3, 4)  # type: ignore[arg-type]


def test_best_box_takes_the_highest_score_then_the_largest():
    small_sure = Box(0, 0, 10, 10, 2.0)
    large_unsure = Box(0, 0, 50, 50, 1.0)
    assert best_box([large_unsure, small_sure]) == small_sure
    assert best_box([Box(0, 0, 10, 10), Box(0, 0, 20, 20)]) == Box(0, 0, 20, 20)
    assert best_box([]) is None


@pytest.mark.parametrize("detector", DETECTORS, ids=IDS)
def test_detectors_satisfy_the_protocol(detector):
    assert isinstance(detector, FaceDetector)


@pytest.mark.parametrize("detector", DETECTORS, ids=IDS)
def test_raises_if_image_is_not_uint8(detector):
    with pytest.raises(TypeError, match="dtype uint8"):
        detector(np.zeros((64, 64, 3), np.float32))


@pytest.mark.parametrize("detector", DETECTORS, ids=IDS)
@pytest.mark.parametrize("shape", [(64, 64), (64, 64, 1), (64, 64, 4), (1, 64, 64, 3)])
def test_raises_if_image_is_not_one_rgb_image(detector, shape):
    with pytest.raises(ValueError, match=r"shape \(H, W, 3\)"):
        detector(np.zeros(shape, np.uint8))


@pytest.mark.parametrize("detector", DETECTORS, ids=IDS)
def test_raises_if_image_is_not_a_numpy_array(detector):
    with pytest.raises(TypeError, match=r"numpy\.ndarray"):
        detector([[[0, 0, 0]]])


def test_explicit_boxes_are_clipped_and_empty_ones_dropped():
    detector = ExplicitBoxes([(-10, -10, 20, 20, 0.5), (100, 100, 120, 120, 3.0), (5, 5, 30, 9)])
    boxes = detector(np.zeros((64, 64, 3), np.uint8))
    assert boxes == [Box(5, 5, 30, 9, 1.0), Box(0, 0, 20, 20, 0.5)]  # score order
    assert ExplicitBoxes(Box(70, 70, 80, 80))(np.zeros((64, 64, 3), np.uint8)) == []


def test_explicit_boxes_rejects_malformed_input():
    with pytest.raises(TypeError, match="boxes must be"):
        ExplicitBoxes(7)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"boxes\[1\]"):
        ExplicitBoxes([(0, 0, 4, 4), (0, 0, 4)])


def test_a_detector_returning_boxes_outside_the_image_is_clipped():
    def wild(image):
        return [Box(-50, -50, 200, 200, 0.1), Box(300, 300, 400, 400, 9.0)]

    # The high-scoring box is empty after clipping and dropped; the other is clipped.
    (box,) = detected_boxes(np.zeros((1, 64, 48, 3), np.uint8), wild)
    assert box == Box(0, 0, 64, 48, 0.1)


def test_a_detector_returning_only_outside_boxes_finds_no_face():
    def outside(image):
        return [(100, 100, 120, 120)]

    assert detected_boxes(np.zeros((2, 64, 64, 3), np.uint8), outside) == [None, None]


def test_raises_if_a_detector_returns_no_list():
    with pytest.raises(TypeError, match="must return a list"):
        detected_boxes(np.zeros((1, 8, 8, 3), np.uint8), lambda image: None)


def test_lbp_rejects_out_of_range_parameters():
    with pytest.raises(ValueError, match="scale_factor"):
        SkimageLBPDetector(scale_factor=1.0)
    with pytest.raises(ValueError, match="min_size"):
        SkimageLBPDetector(min_size=10)
    with pytest.raises(ValueError, match="min_neighbor_number"):
        SkimageLBPDetector(min_neighbor_number=0)


def test_lbp_returns_no_face_for_images_smaller_than_its_window():
    assert SkimageLBPDetector()(np.zeros((20, 20, 3), np.uint8)) == []


@pytest.mark.parametrize("detector", DETECTORS[:1] + DETECTORS[2:], ids=IDS[:1] + IDS[2:])
def test_no_face_on_flat_and_noise_images(detector):
    rng = np.random.default_rng(0)
    for image in (
        np.zeros((128, 128, 3), np.uint8),
        np.full((128, 128, 3), 200, np.uint8),
        rng.integers(0, 256, (128, 128, 3), dtype=np.uint8),
    ):
        assert detector(image) == []


@pytest.mark.parametrize("detector", DETECTORS[:1] + DETECTORS[2:], ids=IDS[:1] + IDS[2:])
def test_finds_the_face_on_packaged_faces(detector):
    faces = astronaut_faces()
    found = [detector(face) for face in faces]
    assert all(found), f"no face in {sum(not b for b in found)} of {len(faces)} astronaut crops"
    for boxes in found:
        box = best_box(boxes)
        assert 40 <= box.height <= 128
        centre_row, centre_col = (box.top + box.bottom) / 2, (box.left + box.right) / 2
        assert 40 <= centre_row <= 90 and 40 <= centre_col <= 90, box


def test_dlib_boxes_are_face_recognition_crops_on_packaged_faces():
    dlib = pytest.importorskip("dlib", reason="needs the dlib-bin extra")
    raw = dlib.get_frontal_face_detector()
    for image in [astronaut(), *astronaut_faces()[::4]]:
        side = image.shape[0]
        rects = raw(image, 1)  # what face_recognition.face_locations(image) runs
        expected = sorted(
            (max(r.top(), 0), max(r.left(), 0), min(r.bottom(), side), min(r.right(), side))
            for r in rects
        )
        assert expected, "dlib finds the astronaut"
        got = sorted((b.top, b.left, b.bottom, b.right) for b in DlibHOGDetector()(image))
        assert got == expected


@pytest.mark.parametrize("detector", DETECTORS[:1] + DETECTORS[2:], ids=IDS[:1] + IDS[2:])
def test_finds_faces_on_real_aligned_faces(detector, shared_data):
    faces = load_faces(shared_data / "celeba_fsrnet1000" / "HR", 30, step=33)
    found = [detector(face) for face in faces]
    assert sum(bool(b) for b in found) >= 26  # ~94% measured on all 1,000
    for boxes in found:
        for box in boxes:
            assert 0 <= box.top < box.bottom <= 128 and 0 <= box.left < box.right <= 128
            assert 40 <= box.height <= 128  # a face, not a patch
        # the face sits near the centre of an aligned crop
        if boxes:
            centre_row = (boxes[0].top + boxes[0].bottom) / 2
            centre_col = (boxes[0].left + boxes[0].right) / 2
            assert 40 <= centre_row <= 90 and 40 <= centre_col <= 90


def test_dlib_boxes_are_face_recognition_crops(shared_data):
    dlib = pytest.importorskip("dlib", reason="needs the dlib-bin extra")
    faces = load_faces(shared_data / "helen_fsrnet50" / "HR", 5)
    raw = dlib.get_frontal_face_detector()
    detector = DlibHOGDetector()
    for face in faces:
        rects = raw(face, 1)  # what face_recognition.face_locations(face) runs
        # face_recognition: (top, right, bottom, left) = (r.top(), r.right(), r.bottom(), r.left())
        expected = sorted(
            (max(r.top(), 0), max(r.left(), 0), min(r.bottom(), 128), min(r.right(), 128))
            for r in rects
        )
        got = sorted((b.top, b.left, b.bottom, b.right) for b in detector(face))
        assert got == expected


def test_dlib_upsample_is_validated():
    pytest.importorskip("dlib", reason="needs the dlib-bin extra")
    with pytest.raises(ValueError, match="upsample"):
        DlibHOGDetector(upsample=-1)
    with pytest.raises(TypeError, match="upsample"):
        DlibHOGDetector(upsample=1.0)  # type: ignore[arg-type]


def test_default_detector_is_dlib_hog():
    pytest.importorskip("dlib", reason="needs the dlib-bin extra")
    detector = default_detector()
    assert isinstance(detector, DlibHOGDetector) and detector.upsample == 1


def test_raises_import_error_naming_the_extra_without_dlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "dlib", None)  # makes `import dlib` fail
    with pytest.raises(ImportError, match=r"faceloss\[detect\].*SkimageLBPDetector"):
        default_detector()


def test_detect_faces_gives_the_same_boxes_for_uint8_and_float_images(shared_data):
    faces = load_faces(shared_data / "helen_fsrnet50" / "HR", 4)
    detector = SkimageLBPDetector()
    assert detect_faces(faces, detector=detector) == detect_faces(faces / 255.0, detector=detector)
    assert detect_faces(faces.astype(np.float64), 255.0, detector) == detect_faces(
        faces, detector=detector
    )


@pytest.mark.parametrize("detector", DETECTORS, ids=IDS)
def test_built_in_detectors_round_trip_through_their_config(detector):
    from faceloss.detect._config import detector_from_config, detector_to_config

    rebuilt = detector_from_config(detector_to_config(detector))
    assert type(rebuilt) is type(detector) and repr(rebuilt) == repr(detector)
    face = np.zeros((64, 64, 3), np.uint8)
    assert rebuilt(face) == detector(face)


def test_detector_config_refuses_unknown_classes():
    from faceloss.detect._config import detector_from_config, detector_to_config

    with pytest.raises(TypeError, match="only faceloss' own detectors"):
        detector_to_config(lambda image: [])
    with pytest.raises(ValueError, match="unknown detector class"):
        detector_from_config({"class_name": "os.system", "config": {}})


def test_importing_faceloss_detect_imports_no_backend_and_no_dlib():
    import subprocess

    code = (
        "import sys, faceloss.detect, faceloss.reference; "
        "print(sorted(m for m in ('torch', 'tensorflow', 'dlib', 'keras') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
