"""The PNG grid of the report: LR | bicubic | SR | HR | edge maps, one face per row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

from .images import to_uint8

__all__ = ["GRID_COLUMNS", "GridRow", "edge_display", "make_grid", "save_grid"]

GRID_COLUMNS: tuple[str, ...] = (
    "LR x8",
    "bicubic",
    "SR",
    "HR",
    "edge 32",
    "edge 64",
    "edge 128",
    "Canny HR",
)
"""Column titles of the grid, left to right."""

_HEADER = 14
_GAP = 2


@dataclass(frozen=True)
class GridRow:
    """One face of the grid (CPU tensors, one image each, no batch axis).

    Attributes:
        lr: :math:`(3, 16, 16)` in [0, 1].
        bicubic: :math:`(3, 128, 128)` in [0, 1].
        sr: :math:`(3, 128, 128)` in [0, 1].
        hr: :math:`(3, 128, 128)` in [0, 1].
        edges: the generator's edge maps :math:`(1, 32, 32)`, :math:`(1, 64, 64)`,
            :math:`(1, 128, 128)` (any range).
        canny: the Canny target of the HR face :math:`(1, 128, 128)`, 0/1.
    """

    lr: torch.Tensor
    bicubic: torch.Tensor
    sr: torch.Tensor
    hr: torch.Tensor
    edges: tuple[torch.Tensor, ...]
    canny: torch.Tensor


def edge_display(edge: torch.Tensor, size: int) -> torch.Tensor:
    """An edge map for display: min-max stretched to [0, 1], enlarged (nearest) to ``size``.

    The generator's edge maps are unbounded (trained towards 0/1 Canny targets); a
    constant map shows as black.

    Args:
        edge: :math:`(1, s, s)`.
        size: output side.

    Returns:
        :math:`(3, size, size)` gray in [0, 1].

    Example:
        >>> edge_display(torch.tensor([[[-1.0, 1.0], [0.0, 3.0]]]), 4)[0, 0].tolist()
        [0.0, 0.0, 0.5, 0.5]
    """
    edge = edge.detach().float().cpu()
    low, high = edge.min(), edge.max()
    edge = (edge - low) / (high - low) if float(high - low) > 0 else torch.zeros_like(edge)
    edge = F.interpolate(edge[None], size=(size, size), mode="nearest")[0]
    return edge.expand(3, size, size)


def _tiles(row: GridRow, size: int) -> list[torch.Tensor]:
    lr = F.interpolate(row.lr[None].float().cpu(), size=(size, size), mode="nearest")[0]
    images = [lr, row.bicubic, row.sr, row.hr]
    tiles = [
        F.interpolate(t[None].float().cpu(), size=(size, size), mode="nearest")[0] for t in images
    ]
    tiles += [edge_display(e, size) for e in row.edges]
    tiles.append(row.canny.float().cpu().clamp(0, 1).expand(3, -1, -1))
    return tiles


def make_grid(rows: Sequence[GridRow], size: int = 128) -> Image.Image:
    """The grid image: a header with :data:`GRID_COLUMNS`, then one row per face.

    The LR face is enlarged with nearest-neighbour (its pixels stay visible); the edge
    maps as in :func:`edge_display`.

    Args:
        rows: the faces, at least one.
        size: the side of each tile in pixels.

    Returns:
        An RGB :class:`PIL.Image.Image` of width ``8 * (size + 2) - 2`` and height
        ``14 + len(rows) * (size + 2) - 2``.

    Raises:
        ValueError: no rows.

    Example:
        >>> row = GridRow(torch.rand(3, 16, 16), *torch.rand(3, 3, 128, 128),
        ...               edges=(torch.rand(1, 32, 32), torch.rand(1, 64, 64),
        ...                      torch.rand(1, 128, 128)), canny=torch.ones(1, 128, 128))
        >>> make_grid([row, row]).size
        (1038, 272)
    """
    if not rows:
        raise ValueError("rows: the grid needs at least one face")
    columns = len(GRID_COLUMNS)
    width = columns * (size + _GAP) - _GAP
    height = _HEADER + len(rows) * (size + _GAP) - _GAP
    canvas = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for c, title in enumerate(GRID_COLUMNS):
        draw.text((c * (size + _GAP) + 2, 1), title, fill=(0, 0, 0))
    for r, row in enumerate(rows):
        for c, tile in enumerate(_tiles(row, size)):
            pixels = Image.fromarray(np.ascontiguousarray(to_uint8(tile)), "RGB")
            canvas.paste(pixels, (c * (size + _GAP), _HEADER + r * (size + _GAP)))
    return canvas


def save_grid(rows: Sequence[GridRow], path: str | Path) -> Path:
    """Write :func:`make_grid` of ``rows`` as a PNG; returns the path."""
    path = Path(path)
    make_grid(rows).save(path)
    return path
