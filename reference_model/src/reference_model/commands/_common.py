"""Options and error reporting shared by the ``upscale`` and ``evaluate`` subcommands."""

from __future__ import annotations

import argparse
import sys

from reference_model.pretrained import DEFAULT_WEIGHTS

USER_ERRORS = (FileNotFoundError, NotADirectoryError, ValueError, ImportError)
"""Errors that are the input's fault: printed as one line, exit status 1, no traceback."""


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1.

    Example:
        >>> positive_int("4")
        4
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """``--weights``, ``--device``, ``--batch-size`` and ``--self-ensemble``."""
    parser.add_argument(
        "--weights",
        default=DEFAULT_WEIGHTS,
        metavar="NAME|PATH",
        help=(
            f"generator weights: a shipped name or a .safetensors file written by eipnet "
            f"train (default: {DEFAULT_WEIGHTS})"
        ),
    )
    parser.add_argument(
        "--device",
        default="auto",
        help="auto (CUDA when available, else CPU), cpu, cuda or cuda:N (default: auto)",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=16,
        metavar="N",
        help="faces per batch (default: 16)",
    )
    parser.add_argument(
        "--self-ensemble",
        action="store_true",
        help=(
            "average the model's outputs for each face and its mirror image: twice the "
            "compute, slightly better faces (about +0.1 dB PSNR for cpu-small)"
        ),
    )


def fail(command: str, error: BaseException) -> int:
    """Print ``eipnet COMMAND: error: ...`` to stderr and return the exit status 1.

    Example:
        >>> fail("upscale", FileNotFoundError("input 'x.png' does not exist"))
        1
    """
    print(f"eipnet {command}: error: {error}", file=sys.stderr)
    return 1
