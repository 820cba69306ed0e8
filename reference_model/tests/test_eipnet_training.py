"""The torch training loop: exact resume, crash safety, signals, NaN stops, DDP, AMP, EMA."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from eipnet_train_helpers import TINY, eipnet, make_faces, tiny_config
from safetensors.torch import load_file

from reference_model.training import NonFiniteLossError, Trainer, load_config, train
from reference_model.training.checkpoint import (
    atomic_save,
    checkpoint_path,
    list_checkpoints,
    load_latest,
)

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> Path:
    return make_faces(tmp_path_factory.mktemp("faces"))


def _generator_state(run: Path) -> dict[str, torch.Tensor]:
    return load_file(run / "generator.safetensors")


def _assert_same_weights(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    assert sorted(a) == sorted(b)
    for key in a:
        assert torch.equal(a[key], b[key]), key


def _log(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]


def test_a_resumed_run_equals_an_uninterrupted_one_bit_for_bit(faces, tmp_path) -> None:
    whole, split = tmp_path / "whole", tmp_path / "split"
    constant = "optim.schedule=constant"  # the cosine schedule depends on train.steps
    train(tiny_config("train.steps=8", constant), faces, whole, device="cpu", quiet=True)
    first = train(tiny_config("train.steps=3", constant), faces, split, device="cpu", quiet=True)
    assert first["step"] == 3
    # more steps on the same run folder resume from step 3 (epoch 0, batch 3 of 6)
    second = train(tiny_config("train.steps=8", constant), faces, split, device="cpu", quiet=True)
    assert second["step"] == 8 and second["steps_run"] == 5
    _assert_same_weights(_generator_state(whole), _generator_state(split))
    whole_state = load_latest(whole / "checkpoints")
    split_state = load_latest(split / "checkpoints")
    for key, value in whole_state["opt_g"]["state"][0].items():
        assert torch.equal(value, split_state["opt_g"]["state"][0][key]), key
    losses = [r["loss/total"] for r in _log(whole) if "loss/total" in r]
    resumed = [r["loss/total"] for r in _log(split) if "loss/total" in r]
    assert losses == resumed


def test_sigkill_at_any_step_then_the_same_command_resumes_exactly(faces, tmp_path) -> None:
    reference = tmp_path / "reference"
    train(tiny_config("train.steps=10"), faces, reference, device="cpu", quiet=True)
    run = tmp_path / "killed"
    args = ["train", "--config", "cpu-small", "--data", str(faces), "--out", str(run),
            "--steps", "10", "--device", "cpu", "--quiet"]  # fmt: skip
    for item in TINY:
        args += ["--set", item]
    process = eipnet(*args)
    deadline = time.time() + 120
    while not any(step >= 4 for step, _ in list_checkpoints(run / "checkpoints")):
        assert process.poll() is None, process.communicate()[0]
        assert time.time() < deadline, "the run made no checkpoint in time"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = max(step for step, _ in list_checkpoints(run / "checkpoints"))
    assert killed_at < 10
    again = eipnet(*args)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    _assert_same_weights(_generator_state(reference), _generator_state(run))


def test_a_kill_during_a_checkpoint_write_leaves_the_previous_one_loadable(tmp_path) -> None:
    folder = tmp_path / "checkpoints"
    atomic_save({"step": 1, "weights": torch.arange(4.0)}, checkpoint_path(folder, 1))
    script = f"""
import os, signal, torch
from pathlib import Path
from reference_model.training.checkpoint import atomic_save, checkpoint_path
real_save = torch.save
def dying_save(obj, stream):
    stream.write(b"PK" + b"x" * 1000)  # part of the file is on disk ...
    stream.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # ... when the process is killed
torch.save = dying_save
atomic_save({{"step": 2, "weights": torch.zeros(4)}}, checkpoint_path(Path({str(folder)!r}), 2))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert result.returncode == -signal.SIGKILL
    assert [step for step, _ in list_checkpoints(folder)] == [1]
    assert list(folder.glob(".step_000000002.pt.*.tmp"))  # the partial temp file is left
    state = load_latest(folder)
    assert state["step"] == 1 and torch.equal(state["weights"], torch.arange(4.0))


def test_a_corrupt_newest_checkpoint_is_skipped_with_a_warning(tmp_path) -> None:
    folder = tmp_path / "checkpoints"
    atomic_save({"step": 1}, checkpoint_path(folder, 1))
    checkpoint_path(folder, 2).write_bytes(b"truncated")
    with pytest.warns(UserWarning, match="unreadable checkpoint"):
        assert load_latest(folder)["step"] == 1


def test_sigterm_saves_then_exits_cleanly(faces, tmp_path) -> None:
    run = tmp_path / "run"
    args = ["train", "--config", "cpu-small", "--data", str(faces), "--out", str(run),
            "--steps", "100000", "--device", "cpu"]  # fmt: skip
    for item in [*TINY, "train.checkpoint_every=1000"]:
        args += ["--set", item]
    process = eipnet(*args)
    deadline = time.time() + 120
    while not (run / "log.jsonl").exists() or len(_log(run)) < 2:
        assert process.poll() is None, process.communicate()[0]
        assert time.time() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, out
    assert "stopped by SIGTERM" in out
    steps = [step for step, _ in list_checkpoints(run / "checkpoints")]
    assert len(steps) == 1 and 2 <= steps[0] < 1000
    assert load_file(run / "generator.safetensors")


def test_a_nan_loss_stops_naming_the_term_and_step_before_writing(
    faces, tmp_path, monkeypatch
) -> None:
    from reference_model.training.losses import GeneratorObjective

    original = GeneratorObjective.forward
    calls = {"n": 0}

    def poisoned(self, *args, **kwargs):
        terms = original(self, *args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 3:
            terms["edge"] = terms["edge"] * float("nan")
        return terms

    monkeypatch.setattr(GeneratorObjective, "forward", poisoned)
    run = tmp_path / "run"
    with pytest.raises(NonFiniteLossError, match=r"step 3: term\(s\) \['edge'\]"):
        train(tiny_config("train.steps=5"), faces, run, device="cpu", quiet=True)
    assert [step for step, _ in list_checkpoints(run / "checkpoints")] == [1, 2]


def test_keep_last_and_best_by_validation_psnr(shared_data, tmp_path) -> None:
    config = tiny_config(
        "train.steps=6", "train.keep_last=2", "train.val_every=2", "train.val_images=4",
        "data.val_fraction=0.05",
    )  # fmt: skip
    train(config, shared_data / "celeba_fsrnet1000" / "HR", tmp_path, device="cpu", quiet=True)
    assert [step for step, _ in list_checkpoints(tmp_path / "checkpoints")] == [5, 6]
    validations = [r for r in _log(tmp_path) if "val/psnr" in r]
    assert [r["step"] for r in validations] == [2, 4, 6]
    best = max(validations, key=lambda r: r["val/psnr"])
    from reference_model import read_weights

    _, meta = read_weights(tmp_path / "best.safetensors")
    assert json.loads(meta["step"]) == best["step"]
    assert json.loads(meta["val_psnr"]) == pytest.approx(best["val/psnr"])
    assert (tmp_path / "config.toml").read_text().count("val_every = 2") == 1
    assert (tmp_path / "tensorboard").is_dir()


def test_tensorboard_logs_without_importing_tensorflow(faces, tmp_path) -> None:
    """A torch run writes its event files with tensorboard's stub, not TensorFlow: no
    seconds of TensorFlow start-up and no oneDNN log lines, even with the Keras extra."""
    pytest.importorskip("tensorboard")
    script = f"""
import sys
from pathlib import Path
from reference_model.training import Trainer
sys.path.insert(0, {str(Path(__file__).parent)!r})
from eipnet_train_helpers import tiny_config
Trainer(tiny_config("train.steps=2"), {str(faces)!r}, {str(tmp_path)!r}, device="cpu",
        quiet=True).run()
assert "tensorflow" not in sys.modules, "TensorFlow was imported"
assert "tensorboard.compat.notf" not in sys.modules  # the marker is not left behind
print(sorted(p.name[:20] for p in Path({str(tmp_path)!r}, "tensorboard").iterdir()))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "events.out.tfevent" in done.stdout
    assert "oneDNN" not in done.stderr


def test_ema_weights_are_what_the_run_ships(faces, tmp_path) -> None:
    trainer = Trainer(
        tiny_config("train.steps=3", "train.ema=0.5"), faces, tmp_path, device="cpu", quiet=True
    )
    trainer.run()
    shipped = _generator_state(tmp_path)
    ema = trainer.ema.state_dict()
    raw = trainer.generator.state_dict()
    assert all(torch.equal(shipped[k], ema[k].float()) for k in shipped)
    assert any(not torch.equal(ema[k], raw[k]) for k in ema)


@pytest.mark.parametrize("amp", ["bf16", "fp16"])
def test_mixed_precision_steps_run_and_learn(faces, tmp_path, amp: str) -> None:
    summary = train(
        tiny_config("train.steps=4", f"train.amp={amp}"), faces, tmp_path, device="cpu", quiet=True
    )
    assert summary["step"] == 4
    losses = [r["loss/total"] for r in _log(tmp_path)]
    assert all(map(torch.isfinite, torch.tensor(losses)))
    state = load_latest(tmp_path / "checkpoints")
    assert state["scaler"] if amp == "fp16" else True


def test_trains_with_the_lr_projection_and_ships_it(faces, tmp_path) -> None:
    from reference_model.pretrained import load_generator

    config = tiny_config("train.steps=4", "train.amp=bf16", "model.lr_projection=true")
    train(config, faces, tmp_path, device="cpu", quiet=True)
    losses = [r["loss/total"] for r in _log(tmp_path) if "loss/total" in r]
    assert len(losses) == 4 and all(map(torch.isfinite, torch.tensor(losses)))
    model = load_generator(tmp_path / "generator.safetensors")
    assert model.architecture.lr_projection and model.conv4.bias is None
    lr = torch.rand(2, 3, 16, 16)
    with torch.no_grad():
        sr, _ = model(lr)
    torch.testing.assert_close(torch.nn.functional.avg_pool2d(sr, 8), lr, rtol=0, atol=1e-6)


def test_gan_phase_trains_the_discriminator_from_gan_start(faces, tmp_path) -> None:
    config = tiny_config("train.steps=4", "loss.adversarial=0.005", "loss.gan_start=2")
    train(config, faces, tmp_path, device="cpu", quiet=True)
    records = [r for r in _log(tmp_path) if "loss/total" in r]
    assert ["loss/discriminator" in r for r in records] == [False, False, True, True]
    assert ["loss/adversarial" in r for r in records] == [False, False, True, True]
    assert "discriminator" in load_latest(tmp_path / "checkpoints")


@pytest.mark.slow
def test_identity_term_with_dlibs_network_trains(faces, tmp_path) -> None:
    train(
        tiny_config("train.steps=2", "loss.identity=0.1"), faces, tmp_path, device="cpu", quiet=True
    )
    records = [r for r in _log(tmp_path) if "loss/identity" in r]
    assert len(records) == 2 and all(r["loss/identity"] >= 0 for r in records)


@pytest.mark.slow
def test_torch_compile_option_trains(faces, tmp_path) -> None:
    summary = train(
        tiny_config("train.steps=2", "train.compile=true"),
        faces,
        tmp_path,
        device="cpu",
        quiet=True,
    )
    assert summary["step"] == 2


def test_edge_targets_in_workers_equal_those_on_the_device(faces, tmp_path) -> None:
    runs = {}
    for mode in ("device", "workers"):
        runs[mode] = tmp_path / mode
        train(
            tiny_config("train.steps=2", f"data.edge_targets={mode}"),
            faces,
            runs[mode],
            device="cpu",
            quiet=True,
        )
    assert [r["loss/edge"] for r in _log(runs["device"])] == [
        r["loss/edge"] for r in _log(runs["workers"])
    ]


def test_edge_term_off_freezes_the_edge_convolutions_and_trains_the_rest(faces, tmp_path) -> None:
    trainer = Trainer(
        tiny_config("train.steps=2", "loss.edge=0"), faces, tmp_path, device="cpu", quiet=True
    )
    try:
        before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
        trainer.run()
        after = trainer.generator.state_dict()
    finally:
        trainer.close()
    frozen = {n for n, p in trainer.generator.named_parameters() if not p.requires_grad}
    assert frozen == {f"edge{i}.conv.{w}" for i in (1, 2, 3) for w in ("weight", "bias")}
    moved = {k for k in before if not torch.equal(before[k], after[k])}
    assert moved and not moved & frozen, sorted(moved)


def test_rgb_norm_l1_trains_on_the_mean_absolute_error(faces, tmp_path) -> None:
    first_rgb = {}
    for norm in ("l2", "l1"):
        config = tiny_config("train.steps=1", "loss.edge=0", f"loss.rgb_norm={norm}")
        train(config, faces, tmp_path / norm, device="cpu", quiet=True)
        first_rgb[norm] = _log(tmp_path / norm)[0]["loss/rgb"]
    # The same seed, so the same first batch and outputs: mean |e| lies between mean e^2
    # (errors below 1) and sqrt(mean e^2) (Jensen), and equals neither.
    l1, l2 = first_rgb["l1"], first_rgb["l2"]
    assert l2 < l1 < l2**0.5, first_rgb
    with pytest.raises(ValueError, match=r"loss\.rgb_norm .*'l3'"):
        train(tiny_config("loss.rgb_norm=l3"), faces, tmp_path / "bad", device="cpu", quiet=True)


@pytest.mark.slow
@pytest.mark.parametrize("edge", ["0.3", "0"])
def test_ddp_two_gloo_processes_match_one_process_with_the_doubled_batch(
    faces, tmp_path, edge: str
) -> None:
    # loss.edge = 0 leaves the EdgeBlocks' edge convolutions without a gradient
    overrides = [*TINY, "train.steps=3", "train.deterministic=false", f"loss.edge={edge}"]
    single = tmp_path / "single"
    train(
        load_config("cpu-small", [*overrides, "train.batch_size=8"]),
        faces,
        single,
        device="cpu",
        quiet=True,
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "OMP_NUM_THREADS": "1"}
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    result = subprocess.run(
        [*torchrun, str(HERE / "eipnet_ddp_worker.py"), str(faces), str(tmp_path / "ddp"),
         str(tmp_path / "rank"), *overrides, "train.batch_size=4"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rank0, rank1 = (load_file(tmp_path / f"rank{r}.safetensors") for r in (0, 1))
    _assert_same_weights(rank0, rank1)
    one = _generator_state(single)
    for key, value in rank0.items():
        torch.testing.assert_close(value, one[key], rtol=1e-4, atol=1e-5, msg=key)
    assert (tmp_path / "ddp" / "checkpoints").is_dir()
    losses_ddp = [r["loss/total"] for r in _log(tmp_path / "ddp")]
    assert len(losses_ddp) == 3


def test_configuration_errors_name_the_key(faces, tmp_path) -> None:
    with pytest.raises(ValueError, match=r"unknown key train\.stepz"):
        load_config("cpu-small", ["train.stepz=3"])
    with pytest.raises(ValueError, match=r"train\.steps must be of type int"):
        load_config("cpu-small", ["train.steps=many"])
    with pytest.raises(ValueError, match="unknown configuration 'nope'"):
        load_config("nope")
    with pytest.raises(ValueError, match=r"train\.amp"):
        train(tiny_config("train.amp=fp8"), faces, tmp_path, device="cpu", quiet=True)
    with pytest.raises(ValueError, match=r"lr_projection .*'bicubic'"):
        load_config("cpu-small", ["model.lr_projection=true", "data.degradation=bicubic"])
    config = load_config(
        "cpu-small",
        ["model.lr_projection=true", "data.degradation=bicubic", "model.lr_projection=false"],
    )
    assert config["data"]["degradation"] == "bicubic"  # checked once all overrides are in


def test_presets_load_and_differ_where_the_official_code_differs() -> None:
    paper, official = load_config("paper"), load_config("official")
    assert paper["loss"]["edge"] == official["loss"]["edge"] == 0.3
    assert paper["optim"]["d_betas"] == [0.5, 0.9] and official["optim"]["d_betas"] == [0.9, 0.999]
    assert official["model"]["variant"] == "official" and official["loss"]["canny"] == "fixed"
    assert paper["loss"]["gan_start"] == 1_200_000 and paper["train"]["steps"] == 1_320_000


def test_the_eipnet_command_trains_then_says_there_is_nothing_to_do(faces, tmp_path) -> None:
    args = ["train", "--config", "cpu-small", "--data", str(faces), "--out", str(tmp_path),
            "--steps", "2", "--device", "cpu"]  # fmt: skip
    for item in TINY:
        args += ["--set", item]
    out, _ = eipnet(*args).communicate(timeout=300)
    assert "complete at step 2" in out, out
    out, _ = eipnet(*args).communicate(timeout=300)
    assert "nothing to do" in out, out
    shutil.rmtree(tmp_path / "checkpoints")
