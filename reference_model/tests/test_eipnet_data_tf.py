"""The tf.data pipeline of reference_model.data yields the torch loader's samples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from eipnet_data_helpers import write_faces

from reference_model.data import Augment, FaceDataset, make_tf_dataset, make_torch_loader


@pytest.mark.parametrize("rotate", ["paper", "official"])
def test_tf_batches_equal_torch_batches(tmp_path: Path, rotate: str) -> None:
    pytest.importorskip("tensorflow")
    write_faces(tmp_path, 10)
    data = FaceDataset(
        tmp_path,
        augment=Augment(rotate=rotate, rotate_p=0.7, shift=3, tilt=8, zoom=0.05, mixup=0.5),
        seed=2,
    )
    loader = make_torch_loader(data, batch_size=4, shuffle=True, workers=0, seed=9)
    loader.sampler.set_epoch(3)
    torch_batches = [b for _, b in zip(range(2), loader, strict=False)]
    tf_batches = list(make_tf_dataset(data, batch_size=4, shuffle=True, seed=9, epoch=3).take(2))
    flips_or_turns = 0
    for t, f in zip(torch_batches, tf_batches, strict=True):
        np.testing.assert_array_equal(f["index"].numpy(), t["index"].numpy())
        np.testing.assert_array_equal(f["hr"].numpy(), t["hr"].numpy().transpose(0, 2, 3, 1))
        np.testing.assert_array_equal(f["lr"].numpy(), t["lr"].numpy().transpose(0, 2, 3, 1))
        assert [tuple(e.shape) for e in f["edges"]] == [
            (4, 32, 32, 1),
            (4, 64, 64, 1),
            (4, 128, 128, 1),
        ]
        for fe, te in zip(f["edges"], t["edges"], strict=True):
            np.testing.assert_array_equal(fe.numpy(), te.numpy().transpose(0, 2, 3, 1))
        plain = np.stack([data.face(int(i))[0] for i in t["index"]]) / np.float32(255)
        flips_or_turns += int((plain != f["hr"].numpy()).any(axis=(1, 2, 3)).sum())
    assert flips_or_turns >= 4  # augmentation was on


def test_tf_dataset_epochs_and_no_edges(tmp_path: Path) -> None:
    pytest.importorskip("tensorflow")
    write_faces(tmp_path, 5)
    data = FaceDataset(tmp_path, edge_targets="none")
    batches = list(make_tf_dataset(data, batch_size=2, epoch=1, epochs=2, drop_last=True))
    assert len(batches) == 4 and "edges" not in batches[0]
    assert tuple(batches[0]["lr"].shape) == (2, 16, 16, 3)
    with pytest.raises(ValueError, match="epochs"):
        make_tf_dataset(data, batch_size=2, epochs=0)


def test_data_package_imports_without_tensorflow() -> None:
    code = (
        "import sys; import reference_model.data as d; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'; "
        "print(len(d.__all__))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
