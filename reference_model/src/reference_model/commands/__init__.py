"""The ``eipnet`` subcommands, one module each: ``add_parser(subparsers)`` and ``run(args, argv)``."""

from __future__ import annotations

import shlex
from collections.abc import Sequence


def command_line(argv: Sequence[str]) -> str:
    """The command as typed, for metadata and reports.

    Example:
        >>> command_line(["train", "--data", "my faces"])
        "eipnet train --data 'my faces'"
    """
    return shlex.join(["eipnet", *argv])
