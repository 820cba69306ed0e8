"""The torch DataLoader of reference_model.data: workers, epochs, DDP sharding."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
from eipnet_data_helpers import write_faces

from reference_model.data import Augment, EpochSampler, FaceDataset, make_torch_loader


def _epoch(loader: torch.utils.data.DataLoader, epoch: int) -> list[dict]:
    loader.sampler.set_epoch(epoch)
    return list(loader)


def _same(a: list[dict], b: list[dict]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert torch.equal(x["index"], y["index"])
        assert torch.equal(x["hr"], y["hr"]) and torch.equal(x["lr"], y["lr"])
        for ex, ey in zip(x["edges"], y["edges"], strict=True):
            assert torch.equal(ex, ey)


def test_workers_give_the_same_batches_and_see_new_epochs(tmp_path: Path) -> None:
    write_faces(tmp_path, 10)
    (tmp_path / "broken.png").write_bytes(b"broken")
    augment = Augment(rotate="official", shift=2, tilt=10, zoom=0.1, mixup=0.5)
    kwargs = {"layout": "cropped", "augment": augment, "seed": 3}
    inline = FaceDataset(tmp_path, **kwargs)
    pooled = FaceDataset(tmp_path, **kwargs)
    serial = make_torch_loader(inline, batch_size=4, workers=0, seed=5)
    workers = make_torch_loader(pooled, batch_size=4, workers=2, seed=5)
    assert workers.pin_memory == torch.cuda.is_available()
    assert workers.persistent_workers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = _epoch(workers, 0)
        _same(first, _epoch(serial, 0))
        second = _epoch(workers, 1)  # persistent workers read the new epoch
        _same(second, _epoch(serial, 1))
    assert pooled.epoch == 1
    assert [len(b["index"]) for b in first] == [4, 4, 3]
    assert sorted(torch.cat([b["index"] for b in first]).tolist()) == list(range(11))
    assert not torch.equal(first[0]["index"], second[0]["index"])
    assert pooled.skipped_count == 1  # found in a worker, counted in this process
    broken = pooled.files.index(tmp_path / "broken.png")
    replaced = [b["file_index"][b["index"] == broken] for b in first]
    assert int(torch.cat(replaced)[0]) != broken


def test_epoch_sampler_shards_without_overlap(tmp_path: Path) -> None:
    write_faces(tmp_path, 7)
    data = FaceDataset(tmp_path)
    shards = []
    for rank in range(2):
        sampler = EpochSampler(data, num_replicas=2, rank=rank, shuffle=True, seed=1)
        sampler.set_epoch(4)
        shards.append(list(sampler))
    assert len(shards[0]) == len(shards[1]) == 4  # padded like DistributedSampler
    assert set(shards[0]) | set(shards[1]) == set(range(7))
    assert data.epoch == 4


def test_loader_uses_the_process_group(tmp_path: Path) -> None:
    write_faces(tmp_path, 6)
    data = FaceDataset(tmp_path, edge_targets="none")
    with pytest.raises(ValueError, match="not initialised"):
        make_torch_loader(data, batch_size=2, workers=0, distributed=True)
    with pytest.raises(ValueError, match="batch_size"):
        make_torch_loader(data, batch_size=0)
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'pg'}", rank=0, world_size=1)
    try:
        loader = make_torch_loader(data, batch_size=2, workers=0, drop_last=True)
        assert isinstance(loader.sampler, EpochSampler) and loader.sampler.num_replicas == 1
        batch = next(iter(loader))
        assert "edges" not in batch and tuple(batch["hr"].shape) == (2, 3, 128, 128)
        local = make_torch_loader(data, batch_size=2, workers=0, distributed=False)
        assert local.sampler.num_replicas == 1
    finally:
        dist.destroy_process_group()
