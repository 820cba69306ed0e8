"""Library-wide switches."""

from __future__ import annotations

import os

_value_checks = os.environ.get("FACELOSS_VALUE_CHECKS", "1").strip().lower() not in {
    "0",
    "false",
    "no",
    "off",
}


def set_value_checks(enabled: bool) -> None:
    """Turn the data-dependent input checks on or off for all backends.

    Shape, rank and dtype checks always run: they cost nothing. *Value* checks
    (NaN/Inf, value ranges) read the data, which on a GPU means a host
    synchronisation per check. They are on by default and run only in eager
    mode (never inside ``torch.compile``/TorchScript or a ``tf.function``
    graph). Turn them off in a tuned training loop; with them off, a NaN in an
    input propagates to the output. The environment variable
    ``FACELOSS_VALUE_CHECKS=0`` sets the initial state.

    Args:
        enabled: ``True`` to run value checks, ``False`` to skip them.

    Example:
        >>> import faceloss
        >>> faceloss.set_value_checks(False)
        >>> faceloss.value_checks_enabled()
        False
        >>> faceloss.set_value_checks(True)
    """
    global _value_checks
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool, got {type(enabled).__name__}")
    _value_checks = enabled


def value_checks_enabled() -> bool:
    """Whether data-dependent input checks (NaN/Inf, ranges) run; see :func:`set_value_checks`.

    Example:
        >>> import faceloss
        >>> faceloss.value_checks_enabled()
        True
    """
    return _value_checks
