"""The ``eipnet`` command (also ``python -m reference_model``).

Subcommands live in :mod:`reference_model.commands`, one module each; every option is
documented in ``eipnet COMMAND --help``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SUBCOMMANDS = ("train", "train-keras", "evaluate", "upscale", "benchmark", "demo")
"""Subcommand names, each a module of :mod:`reference_model.commands`."""


def _module(name: str):
    return importlib.import_module(f"reference_model.commands.{name.replace('-', '_')}")


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
    for name in SUBCOMMANDS:
        _module(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``eipnet`` console script; returns the exit status.

    Example:
        >>> main(["--help"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    return _module(args.command).run(args, argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
