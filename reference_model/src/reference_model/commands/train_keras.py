"""``eipnet train-keras``: train EIPNet with Keras ``model.fit`` (one device or MirroredStrategy)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from reference_model.commands import command_line
from reference_model.commands.train import add_config_options, config_from_options


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``train-keras`` and its options."""
    p = sub.add_parser(
        "train-keras",
        help="train EIPNet with Keras model.fit (TensorFlow; tf.distribute)",
        description=(
            "Train EIPNet with Keras model.fit, the twin of `eipnet train`: the same "
            "configurations, --set keys, data split and objective (eq. 11 from faceloss.tf). "
            "Running the same command again resumes from RUN's latest Keras checkpoint "
            "(RUN/keras_checkpoints); the latest generator is also in "
            "RUN/generator.safetensors, readable by the torch and Keras generators. "
            "--batch-size is per replica."
        ),
    )
    add_config_options(p)
    p.add_argument(
        "--device",
        default="auto",
        choices=("auto", "cpu"),
        help="auto (GPUs if TensorFlow sees any) or cpu (default: auto)",
    )
    p.add_argument(
        "--strategy",
        default="default",
        choices=("default", "mirrored"),
        help="default: one device; mirrored: tf.distribute.MirroredStrategy over every GPU, "
        "or over the --cpu-replicas logical CPUs (default: default)",
    )
    p.add_argument(
        "--cpu-replicas",
        type=int,
        default=0,
        metavar="K",
        help="split the CPU into K logical devices (for --strategy mirrored without GPUs)",
    )
    p.add_argument("--no-tensorboard", action="store_true", help="write no TensorBoard logs")
    p.add_argument("--quiet", action="store_true", help="print nothing")


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Configure TensorFlow's devices, train (resuming), print where the weights are."""
    config = config_from_options(args)
    from reference_model.keras_training import configure_devices, make_strategy, train_keras

    configure_devices(args.device, args.cpu_replicas, int(config["train"]["threads"]))
    summary = train_keras(
        config,
        args.data,
        args.out,
        strategy=make_strategy(args.strategy),
        command=command_line(argv),
        quiet=args.quiet,
        tensorboard=not args.no_tensorboard,
    )
    if not args.quiet:
        print(
            f"{summary['status']} at step {summary['step']} on {summary['replicas']} "
            f"replica(s): weights in {os.path.join(summary['run'], 'generator.safetensors')}"
        )
    return 0
