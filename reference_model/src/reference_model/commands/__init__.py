"""The ``eipnet`` subcommands, one module each: ``add_parser(subparsers)`` and ``run(args, argv)``."""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence


def command_line(argv: Sequence[str]) -> str:
    """The command as typed, for metadata and reports (under torchrun: the torchrun form).

    Example:
        >>> command_line(["train", "--data", "my faces"])
        "eipnet train --data 'my faces'"
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        per_node = int(os.environ.get("LOCAL_WORLD_SIZE", str(world)))
        launcher = ["torchrun", f"--nnodes={world // per_node}", f"--nproc_per_node={per_node}"]
        return shlex.join([*launcher, "-m", "reference_model", *argv])
    return shlex.join(["eipnet", *argv])
