"""The ``eipnet`` command: train, evaluate, upscale, benchmark, demo.

Also ``python -m reference_model``. Every subcommand documents its options in ``--help``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _command_line(argv: Sequence[str]) -> str:
    return shlex.join(["eipnet", *argv])


def _add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train EIPNet (one process, or one per device under torchrun)",
        description=(
            "Train EIPNet on a folder of face images. Running the same command again resumes "
            "from RUN's latest checkpoint. Under `torchrun --nproc_per_node=K -m reference_model "
            "train ...` each process trains on its shard with DistributedDataParallel; "
            "--batch-size is per process."
        ),
    )
    p.add_argument(
        "--config", default="paper", help="preset (paper, official, cpu-small) or TOML file"
    )
    p.add_argument("--data", required=True, help="folder of training face images")
    p.add_argument("--out", required=True, help="run folder (checkpoints, logs, weights)")
    p.add_argument("--steps", type=int, help="total training steps (train.steps)")
    p.add_argument("--batch-size", type=int, help="images per step and process (train.batch_size)")
    p.add_argument("--checkpoint-every", type=int, help="steps between checkpoints")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N (default: auto)")
    p.add_argument(
        "--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
        help="override any configuration value (repeatable), e.g. --set loss.identity=0.1",
    )  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="print nothing")


def _run_train(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from reference_model.training import load_config, train

    overrides = list(args.set)
    for flag, key in (
        ("steps", "train.steps"),
        ("batch_size", "train.batch_size"),
        ("checkpoint_every", "train.checkpoint_every"),
    ):
        value = getattr(args, flag)
        if value is not None:
            overrides.append(f"{key}={value}")
    config = load_config(args.config, overrides)
    summary = train(
        config, args.data, args.out, device=args.device, command=_command_line(argv),
        quiet=args.quiet,
    )  # fmt: skip
    if not args.quiet and int(os.environ.get("RANK", "0")) == 0:
        print(
            f"{summary['status']} at step {summary['step']}: weights in "
            f"{os.path.join(summary['run'], 'generator.safetensors')}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``eipnet`` argument parser (all subcommands).

    Example:
        >>> build_parser().parse_args(["train", "--data", "d", "--out", "r"]).command
        'train'
    """
    parser = argparse.ArgumentParser(
        prog="eipnet",
        description="EIPNet face super-resolution (16x16 -> 128x128), built on faceloss.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_train(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``eipnet`` console script.

    Example:
        >>> main(["--help"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    runners = {"train": _run_train}
    return runners[args.command](args, argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
