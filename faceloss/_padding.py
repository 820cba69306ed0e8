"""Backend-free padding arithmetic shared by the EdgeBlock implementations."""

from __future__ import annotations

from faceloss._validation import check_int


def same_padding(pool_size: int) -> tuple[int, int]:
    r"""Pixels of padding ``(before, after)`` of a stride-1 window with TensorFlow 'SAME' padding.

    TensorFlow pads :math:`s - 1` pixels in total per axis and puts the odd one
    after: ``((s - 1) // 2, s // 2)``. For even :math:`s` this is asymmetric
    (4 before and 5 after for :math:`s = 10`), which ``torch.nn.AvgPool2d``'s
    symmetric ``padding`` cannot express.

    Args:
        pool_size: window size :math:`s \ge 1`.

    Returns:
        ``(before, after)``.

    Raises:
        TypeError: ``pool_size`` is not an int.
        ValueError: ``pool_size < 1``.

    Example:
        >>> same_padding(10)
        (4, 5)
        >>> same_padding(7)
        (3, 3)
    """
    return split_padding(check_int("pool_size", pool_size))


def split_padding(pool_size: int) -> tuple[int, int]:
    """:func:`same_padding` without the argument check (TorchScript-compilable).

    Example:
        >>> split_padding(4)
        (1, 2)
    """
    before = (pool_size - 1) // 2
    return before, pool_size - 1 - before
