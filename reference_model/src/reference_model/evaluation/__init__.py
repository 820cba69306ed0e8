"""Evaluation the way the paper does it (section 4.3), and super-resolving face crops.

* :func:`evaluate`: PSNR, FR-PSNR, SSIM, FR-SSIM, VIF (Table 6) and TAR (eq. 12) of a
  generator and of bicubic upscaling on the same faces; writes ``report.json``,
  ``report.md`` and ``grid.png`` (``eipnet evaluate``).
* :func:`upscale`: 16x16 face crops to 128x128 PNGs (``eipnet upscale``).

The pieces, one per module: :class:`GeneratorRunner` (torch or Keras generator on torch
batches), :func:`bicubic_upscale`, :func:`choose_detector`, :class:`IdentityEmbedder`,
:class:`MethodMetrics`, :func:`make_grid`, :func:`write_report`.

Example:
    >>> from reference_model.evaluation import TAR_THRESHOLDS, bicubic_upscale
    >>> TAR_THRESHOLDS
    (0.5, 0.6)
"""

from .bicubic import bicubic_upscale
from .detector import DETECTORS, ChosenDetector, choose_detector
from .evaluator import SPLITS, evaluate, evaluation_files
from .grid import GRID_COLUMNS, GridRow, edge_display, make_grid, save_grid
from .identity import TAR_DISTANCE, TAR_THRESHOLDS, IdentityEmbedder
from .images import as_displayed, save_png, to_uint8
from .metrics import METRIC_COLUMNS, MethodMetrics, tar_key
from .progress import progress_bar
from .report import format_markdown, write_report
from .runner import GeneratorRunner, backend_of
from .upscaler import LR_SIZE, UpscaleInput, output_names, read_inputs, upscale

__all__ = [
    "DETECTORS",
    "GRID_COLUMNS",
    "LR_SIZE",
    "METRIC_COLUMNS",
    "SPLITS",
    "TAR_DISTANCE",
    "TAR_THRESHOLDS",
    "ChosenDetector",
    "GeneratorRunner",
    "GridRow",
    "IdentityEmbedder",
    "MethodMetrics",
    "UpscaleInput",
    "as_displayed",
    "backend_of",
    "bicubic_upscale",
    "choose_detector",
    "edge_display",
    "evaluate",
    "evaluation_files",
    "format_markdown",
    "make_grid",
    "output_names",
    "progress_bar",
    "read_inputs",
    "save_grid",
    "save_png",
    "tar_key",
    "to_uint8",
    "upscale",
    "write_report",
]
