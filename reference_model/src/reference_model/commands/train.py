"""``eipnet train``: train EIPNet (one process, or one per device under torchrun)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from reference_model.commands import command_line


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``train`` and its options."""
    p = sub.add_parser(
        "train",
        help="train EIPNet (one process, or one per device under torchrun)",
        description=(
            "Train EIPNet on a folder of face images. Running the same command again resumes "
            "from RUN's latest checkpoint; the latest generator is also in RUN/generator.safetensors. "
            "Under `torchrun --nproc_per_node=K -m reference_model train ...` each process "
            "trains on its shard with DistributedDataParallel; --batch-size is per process."
        ),
    )
    add_config_options(p)
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N (default: auto)")
    p.add_argument("--quiet", action="store_true", help="print nothing")


def add_config_options(p: argparse.ArgumentParser) -> None:
    """The options ``train`` and ``train-keras`` share: configuration, data, run folder, --set."""
    p.add_argument(
        "--config", default="paper", help="preset (paper, official, cpu-small) or a TOML file"
    )
    p.add_argument("--data", required=True, help="folder of training face images")
    p.add_argument("--out", required=True, help="run folder (checkpoints, logs, weights)")
    p.add_argument("--steps", type=int, help="total training steps (train.steps)")
    p.add_argument(
        "--batch-size", type=int, help="images per step and process/replica (train.batch_size)"
    )
    p.add_argument("--checkpoint-every", type=int, help="steps between checkpoints")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override any configuration value (repeatable), e.g. --set loss.identity=0.5",
    )


def config_from_options(args: argparse.Namespace) -> dict:
    """The configuration ``--config`` names, with ``--steps`` etc. and every ``--set`` applied."""
    from reference_model.training import load_config

    overrides = list(args.set)
    for flag, key in (
        ("steps", "train.steps"),
        ("batch_size", "train.batch_size"),
        ("checkpoint_every", "train.checkpoint_every"),
    ):
        value = getattr(args, flag)
        if value is not None:
            overrides.append(f"{key}={value}")
    return load_config(args.config, overrides)


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Train, resuming from the run folder; print where the weights are."""
    from reference_model.training import train

    config = config_from_options(args)
    summary = train(
        config,
        args.data,
        args.out,
        device=args.device,
        command=command_line(argv),
        quiet=args.quiet,
    )
    if not args.quiet and int(os.environ.get("RANK", "0")) == 0:
        print(
            f"{summary['status']} at step {summary['step']}: weights in "
            f"{os.path.join(summary['run'], 'generator.safetensors')}"
        )
    return 0
