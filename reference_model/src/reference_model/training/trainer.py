"""The EIPNet training loop (torch): one device or many (DDP), AMP, exact resume.

:func:`train` is what ``eipnet train`` runs. Everything is written from rank 0 under the
run folder::

    RUN/config.toml                 the resolved configuration
    RUN/checkpoints/step_<N>.pt     the last ``keep_last`` checkpoints (weights_only-safe)
    RUN/generator.safetensors       the generator of the latest checkpoint (EMA if on)
    RUN/best.safetensors            the generator with the best validation PSNR
    RUN/log.jsonl                   one JSON line per logged step / validation
    RUN/tensorboard/                TensorBoard scalars and image grids (if installed)
"""

from __future__ import annotations

import contextlib
import copy
import gc
import json
import math
import os
import signal
import sys
import time
import types
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader

from faceloss.torch import psnr, ssim
from reference_model.data import Augment, FaceDataset, split_files
from reference_model.networks import (
    DiscriminatorArchitecture,
    GeneratorArchitecture,
    build_discriminator,
    build_generator,
)
from reference_model.training.checkpoint import (
    atomic_save,
    checkpoint_path,
    load_latest,
    prune,
    rng_state,
    set_rng_state,
)
from reference_model.training.config import dump_config
from reference_model.training.distributed import Job, cpu_has_bf16, end_job, start_job
from reference_model.training.losses import (
    GeneratorObjective,
    canny_thresholds,
    discriminator_loss,
    weights_from_config,
)
from reference_model.training.sampler import ResumableSampler
from reference_model.weights import save_weights, unwrap


class NonFiniteLossError(FloatingPointError):
    """A loss term became NaN or infinite; nothing of that step was applied or written."""


def resolve_amp(amp: str, device: torch.device) -> str:
    """The mixed-precision mode to use: ``"auto"`` picks what the device runs fast.

    ``"auto"``: bf16 on CUDA devices that support it (else fp16 with a grad scaler); bf16 on
    CPUs with bf16 instructions (AVX512-BF16 or AMX: 2.2x faster training steps measured
    on such a 2-core CPU), else off. Other values are returned as given after a check.

    Example:
        >>> resolve_amp("off", torch.device("cpu"))
        'off'
    """
    if amp not in ("auto", "off", "bf16", "fp16"):
        raise ValueError(f"train.amp must be one of ['auto', 'bf16', 'fp16', 'off'], got {amp!r}")
    if amp != "auto":
        return amp
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if device.type == "cpu":
        return "bf16" if cpu_has_bf16() else "off"
    return "off"


def _amp_dtype(amp: str) -> torch.dtype | None:
    return {"off": None, "bf16": torch.bfloat16, "fp16": torch.float16}[amp]


@contextlib.contextmanager
def _tensorboard_without_tensorflow() -> Iterator[None]:
    """Let ``torch.utils.tensorboard`` load without importing TensorFlow.

    Its import resolves tensorboard's lazy ``tensorboard.compat.tf``, which imports
    TensorFlow when installed (the Keras extra): seconds of start-up and oneDNN log lines
    in a torch run. The marker module ``tensorboard.compat.notf`` (what tensorboard's
    TensorFlow-free build ships) makes it pick its own stub, which writes the same event
    files, as it does where TensorFlow is absent. The marker is removed afterwards; a
    process that has already imported TensorFlow is left as it is.
    """
    marker = "tensorboard.compat.notf"
    add = "tensorflow" not in sys.modules and marker not in sys.modules
    if add:
        sys.modules[marker] = types.ModuleType(marker)
    try:
        yield
    finally:
        if add:
            sys.modules.pop(marker, None)


def generator_architecture(config: Mapping[str, Any]) -> GeneratorArchitecture:
    """The generator a configuration describes.

    Example:
        >>> from reference_model.training.config import load_config
        >>> generator_architecture(load_config("paper")).parameter_count()
        11915654
    """
    model = config["model"]
    return GeneratorArchitecture(
        variant=model["variant"],
        channels=tuple(model["channels"]),
        pool_sizes=tuple(model["pool_sizes"]),
        bicubic_skip=bool(model["bicubic_skip"]),
        res1_dilations=tuple(model["res1_dilations"]),
        lr_projection=bool(model["lr_projection"]),
        res1_extra_blocks=model["res1_extra_blocks"],
        res1_extra_width=model["res1_extra_width"],
    )


def training_augmentation(config: Mapping[str, Any]) -> Augment:
    """The training augmentation a configuration's ``[data]`` section describes.

    Both trainers (torch and Keras) build their training set with it.

    Example:
        >>> from reference_model.training.config import load_config
        >>> training_augmentation(load_config("cpu-small"))
        Augment(hflip=0.5, rotate='none', rotate_p=0.5, shift=4, tilt=10.0, zoom=0.08, mixup=0.0)
    """
    data = config["data"]
    return Augment(
        hflip=float(data["hflip"]),
        rotate=data["rotate"],
        shift=int(data["shift"]),
        tilt=float(data["tilt"]),
        zoom=float(data["zoom"]),
        mixup=float(data["mixup"]),
    )


def discriminator_architecture(config: Mapping[str, Any]) -> DiscriminatorArchitecture:
    """The discriminator a configuration describes."""
    return DiscriminatorArchitecture(
        variant=config["model"]["variant"],
        channels=tuple(config["discriminator"]["channels"]),
        fc=int(config["discriminator"]["fc"]),
    )


def _leave_signals_to_the_trainer(worker_id: int) -> None:
    """Data workers ignore SIGTERM/SIGINT: the training process saves, then stops them."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Stop:
    """SIGTERM/SIGINT set a flag; the loop saves at the end of the step and leaves."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Stop:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(ValueError):  # not the main thread: leave handlers be
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.signal = signal.Signals(signum).name

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


class Trainer:
    """One training run (see :func:`train`); holds the models, optimisers and data."""

    def __init__(
        self,
        config: Mapping[str, Any],
        data: str | os.PathLike[str],
        run: str | os.PathLike[str],
        device: str = "auto",
        command: str | None = None,
        quiet: bool = False,
    ) -> None:
        self.config = copy.deepcopy(dict(config))
        self.train_cfg = self.config["train"]
        self.loss_cfg = self.config["loss"]
        self.data_root = Path(data)
        self.run_dir = Path(run)
        self.command = command
        self.quiet = quiet
        self.job: Job = start_job(device)
        cfg = self.train_cfg
        if cfg["threads"]:
            torch.set_num_threads(int(cfg["threads"]))
        if cfg["deterministic"]:
            os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
            torch.use_deterministic_algorithms(True)
            torch.backends.cudnn.benchmark = False
        self.device = self.job.device
        self.amp = resolve_amp(cfg["amp"], self.device)
        self.amp_dtype = _amp_dtype(self.amp)
        torch.manual_seed(int(cfg["seed"]))
        self._build_models()
        self._build_data()
        self.step = 0
        self.best_psnr = -math.inf
        self.history: list[dict[str, Any]] = []
        self.writer = None

    # ----------------------------------------------------------------- set-up
    def _build_models(self) -> None:
        cfg, loss = self.train_cfg, self.loss_cfg
        channels_last = bool(cfg["channels_last"])
        self.generator = build_generator(
            "torch", architecture=generator_architecture(self.config), channels_last=channels_last
        ).to(self.device)
        self.gan = float(loss["adversarial"]) > 0 and int(loss["gan_start"]) < int(cfg["steps"])
        self.discriminator = None
        if self.gan:
            self.discriminator = build_discriminator(
                "torch",
                architecture=discriminator_architecture(self.config),
                channels_last=channels_last,
            ).to(self.device)
        self.ema = None
        if float(cfg["ema"]) > 0:
            self.ema = copy.deepcopy(self.generator).requires_grad_(False).eval()
        optim = self.config["optim"]
        self.opt_g = torch.optim.Adam(
            self.generator.parameters(),
            lr=float(optim["lr"]),
            betas=tuple(optim["g_betas"]),
            eps=float(optim["eps"]),
        )
        self.opt_d = None
        if self.discriminator is not None:
            self.opt_d = torch.optim.Adam(
                self.discriminator.parameters(),
                lr=float(optim["lr"]),
                betas=tuple(optim["d_betas"]),
                eps=float(optim["eps"]),
            )
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.amp == "fp16")
        weights = weights_from_config(loss)
        self.objective = GeneratorObjective(
            weights,
            float(loss["identity_temperature"]),
            canny_thresholds(loss),
            rgb_norm=str(loss["rgb_norm"]),
        ).to(self.device)
        if weights["edge"] == 0.0:
            # Nothing trains the 1x1 convolutions that draw the edge maps: freeze them (as
            # the Keras trainer does), or DDP stops at the second step waiting for their
            # gradients.
            for block in (self.generator.edge1, self.generator.edge2, self.generator.edge3):
                block.conv.requires_grad_(False)
        self.g_train: torch.nn.Module = self.generator
        self.d_train: torch.nn.Module | None = self.discriminator
        if self.job.distributed:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.g_train = DistributedDataParallel(self.generator, device_ids=ids)
            if self.discriminator is not None:
                self.d_train = DistributedDataParallel(self.discriminator, device_ids=ids)
        if cfg["compile"]:
            self.g_train = torch.compile(self.g_train)

    def _build_data(self) -> None:
        data, cfg, loss = self.config["data"], self.train_cfg, self.loss_cfg
        if data["edge_targets"] not in ("device", "workers"):
            raise ValueError(
                f"data.edge_targets must be 'device' or 'workers', got {data['edge_targets']!r}"
            )
        fractions = {"val_fraction": data["val_fraction"], "test_fraction": data["test_fraction"]}
        seed = int(cfg["seed"])
        train_files = split_files(self.data_root, "train", seed=0, **fractions)
        val_files = split_files(self.data_root, "val", seed=0, **fractions)
        thresholds = None
        if loss["canny"] == "fixed":
            thresholds = tuple(float(t) for t in loss["canny_thresholds"])
        common = {
            "layout": data["layout"],
            "degradation": data["degradation"],
            "canny_thresholds": thresholds,
            "seed": seed,
        }
        self.train_set = FaceDataset(
            train_files,
            augment=training_augmentation(self.config),
            edge_targets="reference" if data["edge_targets"] == "workers" else "none",
            **common,
        )
        self.val_set = (
            FaceDataset(val_files[: int(cfg["val_images"])], edge_targets="none", **common)
            if val_files
            else None
        )
        self.steps_per_epoch = ResumableSampler.batches_per_epoch(
            len(self.train_set), int(cfg["batch_size"]), self.job.world_size
        )
        if self.steps_per_epoch < 1:
            raise ValueError(
                f"{len(self.train_set)} training images in {self.data_root} do not fill one "
                f"batch of {cfg['batch_size']} x {self.job.world_size} process(es)"
            )

    def _loader(self, epoch: int, start_batch: int) -> DataLoader:
        cfg = self.train_cfg
        self.train_set.set_epoch(epoch)
        sampler = ResumableSampler(
            len(self.train_set),
            int(cfg["batch_size"]),
            int(cfg["seed"]),
            epoch,
            start_batch,
            self.job.rank,
            self.job.world_size,
        )
        workers = int(self.config["data"]["workers"])
        return DataLoader(
            self.train_set,
            batch_size=int(cfg["batch_size"]),
            sampler=sampler,
            num_workers=workers,
            pin_memory=self.device.type == "cuda",
            drop_last=True,
            generator=torch.Generator().manual_seed(int(cfg["seed"]) + epoch),
            persistent_workers=False,
            worker_init_fn=_leave_signals_to_the_trainer if workers else None,
        )

    def _batches(self) -> Iterator[dict[str, Any]]:
        """Batches from the current step on, epoch after epoch."""
        epoch, start = divmod(self.step, self.steps_per_epoch)
        while True:
            yield from self._loader(epoch, start)
            epoch, start = epoch + 1, 0

    # ------------------------------------------------------------- checkpoints
    def state_dict(self) -> dict[str, Any]:
        """Everything a resumed run needs (tensors, numbers, strings, lists, dicts only)."""
        state: dict[str, Any] = {
            "step": self.step,
            "generator": unwrap(self.generator).state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "scaler": self.scaler.state_dict(),
            "rng": rng_state(),
            "best_psnr": self.best_psnr,
            "world_size": self.job.world_size,
            "config": json.dumps(self.config, sort_keys=True),
        }
        if self.discriminator is not None:
            state["discriminator"] = self.discriminator.state_dict()
            state["opt_d"] = self.opt_d.state_dict()
        if self.ema is not None:
            state["ema"] = self.ema.state_dict()
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict` (the models' architectures must match)."""
        self.generator.load_state_dict(state["generator"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.scaler.load_state_dict(state["scaler"])
        if self.discriminator is not None:
            if "discriminator" not in state:
                raise ValueError("the checkpoint has no discriminator but this run trains one")
            self.discriminator.load_state_dict(state["discriminator"])
            self.opt_d.load_state_dict(state["opt_d"])
        if self.ema is not None:
            self.ema.load_state_dict(state.get("ema", unwrap(self.generator).state_dict()))
        set_rng_state(state["rng"])
        self.step = int(state["step"])
        self.best_psnr = float(state["best_psnr"])

    def _resume(self) -> None:
        state = load_latest(self.run_dir / "checkpoints", map_location=self.device)
        if state is None:
            return
        saved = state.get("world_size", 1)
        if saved != self.job.world_size:
            self._print(
                f"note: the checkpoint was written by {saved} process(es), this run has "
                f"{self.job.world_size}: the data order from here on differs from the original"
            )
        self.load_state_dict(state)
        self._print(f"resumed from {state['path']} (step {self.step})")

    def _save(self) -> None:
        if not self.job.is_main:
            return
        cfg = self.train_cfg
        folder = self.run_dir / "checkpoints"
        atomic_save(self.state_dict(), checkpoint_path(folder, self.step))
        prune(folder, int(cfg["keep_last"]))
        shipped = self.ema if self.ema is not None else self.generator
        save_weights(
            shipped,
            self.run_dir / "generator.safetensors",
            training_command=self.command,
            metadata={"step": self.step, "ema": self.ema is not None},
        )

    # ------------------------------------------------------------------ steps
    def _autocast(self) -> contextlib.AbstractContextManager:
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def _train_step(self, batch: Mapping[str, Any]) -> dict[str, float]:
        device = self.device
        lr = batch["lr"].to(device, non_blocking=True)
        hr = batch["hr"].to(device, non_blocking=True)
        targets = None
        if "edges" in batch:
            targets = [e.to(device, non_blocking=True) for e in batch["edges"]]
        self._set_lr()
        gan_on = self.discriminator is not None and self.step >= int(self.loss_cfg["gan_start"])
        with self._autocast():
            sr, edges = self.g_train(lr)
        d_value = None
        if gan_on:
            self.opt_d.zero_grad(set_to_none=True)
            with self._autocast():
                d_loss = discriminator_loss(self.d_train(hr), self.d_train(sr.detach()))
            self._check_finite({"discriminator": d_loss})
            self.scaler.scale(d_loss).backward()
            self.scaler.step(self.opt_d)
            d_value = d_loss.detach()
        self.opt_g.zero_grad(set_to_none=True)
        with self._autocast():
            fake = self.discriminator(sr) if gan_on else None
            terms = self.objective(sr, edges, hr, targets, fake_logits=fake)
        total = torch.stack(list(terms.values())).sum()
        self._check_finite({**terms, "total": total})
        self.scaler.scale(total).backward()
        self.scaler.step(self.opt_g)
        self.scaler.update()
        if self.ema is not None:
            decay = float(self.train_cfg["ema"])
            with torch.no_grad():
                for e, p in zip(
                    self.ema.parameters(), unwrap(self.generator).parameters(), strict=True
                ):
                    e.lerp_(p.detach(), 1.0 - decay)
        values = {name: value.detach() for name, value in terms.items()}
        values["total"] = total.detach()
        if d_value is not None:
            values["discriminator"] = d_value
        return values

    def _set_lr(self) -> None:
        """The learning rate of this step: constant, or cosine from ``optim.lr`` to 0."""
        optim = self.config["optim"]
        base = float(optim["lr"])
        if optim["schedule"] == "cosine":
            progress = min(self.step / max(int(self.train_cfg["steps"]), 1), 1.0)
            base *= 0.5 * (1.0 + math.cos(math.pi * progress))
        elif optim["schedule"] != "constant":
            raise ValueError(
                f"optim.schedule must be 'constant' or 'cosine', got {optim['schedule']!r}"
            )
        for opt in (self.opt_g, self.opt_d):
            if opt is not None:
                for group in opt.param_groups:
                    group["lr"] = base

    def _check_finite(self, terms: Mapping[str, torch.Tensor]) -> None:
        """One host sync: stop before the optimiser step if any term is NaN/Inf (all ranks)."""
        values = torch.stack([t.detach().float() for t in terms.values()])
        bad = (~torch.isfinite(values)).any().float().reshape(1)
        if self.job.distributed:
            dist.all_reduce(bad)
        if bad.item():
            names = [n for n, v in zip(terms, values.tolist(), strict=True) if not math.isfinite(v)]
            if len(names) > 1 and "total" in names:
                names.remove("total")  # the sum of the named terms
            detail = ", ".join(f"{n} = {v}" for n, v in zip(terms, values.tolist(), strict=True))
            raise NonFiniteLossError(
                f"non-finite loss at step {self.step + 1}: term(s) {names or ['on another rank']} "
                f"({detail}); nothing of this step was applied or written. Lower optim.lr, "
                "use train.amp=off or bf16, or check the data."
            )

    def _stop_requested(self, stop: _Stop, out_of_time: bool = False) -> bool:
        """Whether any rank got SIGTERM/SIGINT or ran out of time (one collective)."""
        flag = torch.tensor([1.0 if (stop.signal or out_of_time) else 0.0])
        if self.job.distributed:
            if dist.get_backend() == "nccl":
                flag = flag.to(self.device)
            dist.all_reduce(flag)
        return bool(flag.item())

    # -------------------------------------------------------------- validation
    @torch.no_grad()
    def validate(self) -> dict[str, float]:
        """PSNR and SSIM of the generator (EMA if on) on the validation split."""
        model = self.ema if self.ema is not None else unwrap(self.generator)
        was_training = model.training
        model.eval()
        loader = DataLoader(self.val_set, batch_size=int(self.train_cfg["batch_size"]))
        totals = {"psnr": 0.0, "ssim": 0.0}
        count = 0
        for batch in loader:
            lr = batch["lr"].to(self.device)
            hr = batch["hr"].to(self.device)
            with self._autocast():
                sr, _ = model(lr)
            sr = sr.float().clamp(0, 1)
            totals["psnr"] += float(psnr(sr, hr).sum())
            totals["ssim"] += float(ssim(sr, hr).sum())
            count += lr.shape[0]
        model.train(was_training)
        return {k: v / count for k, v in totals.items()}

    # ---------------------------------------------------------------- logging
    def _print(self, message: str) -> None:
        if self.job.is_main and not self.quiet:
            print(message, flush=True)

    def _log(self, record: dict[str, Any]) -> None:
        if not self.job.is_main:
            return
        self.history.append(record)
        with open(self.run_dir / "log.jsonl", "a") as stream:
            stream.write(json.dumps(record) + "\n")
        if self.writer is not None:
            for key, value in record.items():
                if key != "step" and isinstance(value, (int, float)):
                    self.writer.add_scalar(key, value, record["step"])

    def _open_writer(self) -> None:
        if not self.job.is_main:
            return
        try:
            with _tensorboard_without_tensorflow():
                from torch.utils.tensorboard import SummaryWriter
        except ImportError:  # the eipnet[tensorboard] extra is not installed
            self._print("note: tensorboard is not installed; no TensorBoard logs")
            return
        self.writer = SummaryWriter(str(self.run_dir / "tensorboard"))

    def _log_images(self, batch: Mapping[str, Any]) -> None:
        if self.writer is None:
            return
        model = self.ema if self.ema is not None else unwrap(self.generator)
        with torch.no_grad():
            lr = batch["lr"][:4].to(self.device)
            sr, _ = model(lr)
        up = torch.nn.functional.interpolate(lr, scale_factor=8, mode="nearest")
        rows = torch.cat([up, sr.float().clamp(0, 1), batch["hr"][:4].to(self.device)], dim=3)
        self.writer.add_images("lr_sr_hr", rows.cpu(), self.step)

    # -------------------------------------------------------------------- run
    def run(self) -> dict[str, Any]:
        """Train up to ``train.steps``, resuming from the run folder's latest checkpoint."""
        cfg = self.train_cfg
        total_steps = int(cfg["steps"])
        if self.job.is_main:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            (self.run_dir / "config.toml").write_text(dump_config(self.config))
        self._resume()
        self._print(
            f"EIPNet {generator_architecture(self.config).to_dict()} on {self.device} x "
            f"{self.job.world_size} process(es), amp {self.amp}, {len(self.train_set)} training "
            f"images, step {self.step} of {total_steps}"
        )
        if self.step >= total_steps:
            self._print(f"nothing to do: the run is at step {self.step} of {total_steps}")
            return self._summary("complete")
        self._open_writer()
        self.generator.train()
        if self.discriminator is not None:
            self.discriminator.train()
        progress = None
        if self.job.is_main and not self.quiet:
            from tqdm.auto import tqdm

            progress = tqdm(
                total=total_steps, initial=self.step, unit="step", dynamic_ncols=True,
                disable=not sys.stderr.isatty(),
            )  # fmt: skip
        every = {k: int(cfg[k]) for k in ("log_every", "checkpoint_every", "val_every")}
        every["image_every"] = int(cfg["image_every"])
        images_per_step = int(cfg["batch_size"]) * self.job.world_size
        status = "complete"
        started, start_step = time.perf_counter(), self.step
        limit = float(cfg["time_limit"])
        window_start, window_step = started, self.step
        with _Stop() as stop:
            batches = self._batches()
            while self.step < total_steps:
                batch = next(batches)
                values = self._train_step(batch)
                self.step += 1
                if progress is not None:
                    progress.update(1)
                out_of_time = 0 < limit <= time.perf_counter() - started
                stopping = self._stop_requested(stop, out_of_time)
                if self.step % every["log_every"] == 0 or self.step == total_steps or stopping:
                    now = time.perf_counter()
                    speed = (self.step - window_step) * images_per_step / (now - window_start)
                    window_start, window_step = now, self.step
                    record = {
                        "step": self.step,
                        **{f"loss/{k}": float(v) for k, v in values.items()},
                    }
                    record["lr"] = self.opt_g.param_groups[0]["lr"]
                    record["images_per_s"] = speed
                    self._log(record)
                    if progress is not None:
                        progress.set_postfix(
                            loss=f"{record['loss/total']:.4f}", img_s=f"{speed:.1f}"
                        )
                    elif not self.quiet and self.job.is_main:
                        eta = (total_steps - self.step) * images_per_step / max(speed, 1e-9)
                        self._print(
                            f"step {self.step}/{total_steps} loss {record['loss/total']:.5f} "
                            f"{speed:.1f} img/s eta {eta / 60:.1f} min"
                        )
                if self.step % every["image_every"] == 0 and self.job.is_main:
                    self._log_images(batch)
                if self.val_set is not None and (
                    self.step % every["val_every"] == 0 or self.step == total_steps
                ):
                    self._validate_and_keep_best()
                if (
                    self.step % every["checkpoint_every"] == 0
                    or self.step == total_steps
                    or stopping
                ):
                    self._save()
                if stopping:
                    reason = stop.signal or ("the time limit" if out_of_time else "another rank")
                    status = f"stopped by {reason}"
                    self._print(f"{status} at step {self.step}: checkpoint saved, exiting")
                    break
        if progress is not None:
            progress.close()
        if self.writer is not None:
            self.writer.close()
        elapsed = time.perf_counter() - started
        return self._summary(status, elapsed, self.step - start_step)

    def _validate_and_keep_best(self) -> None:
        if self.job.is_main:
            metrics = self.validate()
            self._log({"step": self.step, **{f"val/{k}": v for k, v in metrics.items()}})
            if metrics["psnr"] > self.best_psnr:
                self.best_psnr = metrics["psnr"]
                best = self.ema if self.ema is not None else self.generator
                save_weights(
                    best,
                    self.run_dir / "best.safetensors",
                    training_command=self.command,
                    metadata={
                        "step": self.step,
                        "val_psnr": metrics["psnr"],
                        "val_ssim": metrics["ssim"],
                    },
                )
        if self.job.distributed:
            dist.barrier()

    def _summary(self, status: str, seconds: float = 0.0, steps: int = 0) -> dict[str, Any]:
        return {
            "status": status,
            "step": self.step,
            "steps_run": steps,
            "seconds": seconds,
            "best_val_psnr": self.best_psnr,
            "run": str(self.run_dir),
        }

    def close(self) -> None:
        """Leave the process group, after releasing the DDP wrappers that hold it.

        A ``DistributedDataParallel`` left alive is destroyed during interpreter shutdown,
        and gloo's threads then abort the process ("terminate called without an active
        exception", about one run in 15 of the 2-process test); releasing the wrappers
        here lets them go while the interpreter is whole. ``close`` is idempotent.
        """
        self.g_train, self.d_train = self.generator, self.discriminator
        gc.collect()  # DDP's reducer sits in reference cycles
        end_job(self.job)


def train(
    config: Mapping[str, Any],
    data: str | os.PathLike[str],
    run: str | os.PathLike[str],
    device: str = "auto",
    command: str | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Train EIPNet with a configuration; resume from ``run``'s latest checkpoint if any.

    Works alone or under ``torchrun`` (DDP, one process per device; ``train.batch_size`` is
    per process). Rank 0 logs and writes; see the module docstring for the run folder.

    Args:
        config: a resolved configuration (:func:`~reference_model.training.load_config`).
        data: the image folder (split with :func:`reference_model.data.split_files`).
        run: the run folder.
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ...
        command: the command line, stored in the weights' metadata.
        quiet: print nothing.

    Returns:
        A summary: ``status`` ("complete" or "stopped by SIGTERM"...), ``step``,
        ``steps_run``, ``seconds``, ``best_val_psnr``, ``run``.

    Raises:
        NonFiniteLossError: a loss term became NaN/Inf (named, with the step).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*TypedStorage is deprecated.*")
        trainer = Trainer(config, data, run, device=device, command=command, quiet=quiet)
    try:
        return trainer.run()
    finally:
        trainer.close()
