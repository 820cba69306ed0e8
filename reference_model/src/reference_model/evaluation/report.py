"""``report.json`` and ``report.md``: what :func:`~reference_model.evaluation.evaluate` wrote."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reference_model._atomic import atomic_path

from .metrics import METRIC_COLUMNS

__all__ = ["format_markdown", "write_report"]

_TITLES = {
    "psnr": "PSNR (dB)",
    "fr_psnr": "FR-PSNR (dB)",
    "ssim": "SSIM",
    "fr_ssim": "FR-SSIM",
    "vif": "VIF",
}
_DIGITS = {"psnr": 2, "fr_psnr": 2, "ssim": 4, "fr_ssim": 4, "vif": 4}


def _columns(results: Mapping[str, Mapping[str, Any]]) -> list[str]:
    first = next(iter(results.values()))
    return [*METRIC_COLUMNS, *(k for k in first if k.startswith("tar@"))]


def _title(key: str) -> str:
    return _TITLES.get(key, f"TAR d={key[4:]} (%)" if key.startswith("tar@") else key)


def _cell(key: str, value: float | str | None, signed: bool = False) -> str:
    if isinstance(value, str):  # "inf": an infinite PSNR mean
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    digits = _DIGITS.get(key, 1)
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def format_markdown(report: Mapping[str, Any]) -> str:
    """The Markdown page of a report: the metrics table, the face counts, notes, the grid.

    Args:
        report: the dict :func:`~reference_model.evaluation.evaluate` returns (keys
            ``results``, ``gain``, ``data``, ``model``, ``face_region``, ``detector``,
            ``identity``, ``notes``, ``grid``).

    Returns:
        Markdown text ending with a newline.

    Example:
        >>> row = {"psnr": 22.5, "fr_psnr": 21.0, "ssim": 0.6, "fr_ssim": 0.55, "vif": 0.3,
        ...        "tar@0.6": 50.0}
        >>> text = format_markdown({"results": {"bicubic": row, "EIPNet": row},
        ...                         "gain": {k: 0.0 for k in row}})
        >>> print(text.splitlines()[2])
        | method | PSNR (dB) | FR-PSNR (dB) | SSIM | FR-SSIM | VIF | TAR d=0.6 (%) |
    """
    results: Mapping[str, Mapping[str, Any]] = report["results"]
    columns = _columns(results)
    lines = ["# EIPNet evaluation", ""]
    lines.append("| method | " + " | ".join(_title(k) for k in columns) + " |")
    lines.append("|---" * (len(columns) + 1) + "|")
    for method, row in results.items():
        lines.append(f"| {method} | " + " | ".join(_cell(k, row.get(k)) for k in columns) + " |")
    gain = report.get("gain", {})
    lines.append(
        "| gain over bicubic | " + " | ".join(_cell(k, gain.get(k), True) for k in columns) + " |"
    )
    lines.append("")
    model = report.get("model", {})
    data = report.get("data", {})
    faces = report.get("face_region", {})
    detector = report.get("detector", {})
    identity = report.get("identity", {})
    if data:
        lines.append(
            f"- Data: {data.get('images')} faces from `{data.get('source')}` "
            f"(split: {data.get('split')}; layout {data.get('layout')}); LR input by "
            f"{data.get('degradation')} x8 downscaling; unreadable files skipped: "
            f"{len(data.get('unreadable', []))}."
        )
    if model:
        lines.append(
            f"- Model: {model.get('backend')} generator, weights `{model.get('weights')}`, "
            f"channels {model.get('channels')}, {model.get('parameters'):,} parameters."
        )
    if faces:
        lines.append(
            f"- Face regions ({detector.get('name')} detector on the HR faces): FR metrics on "
            f"{faces.get('evaluated')} of {faces.get('images')} faces; "
            f"{faces.get('skipped_no_face')} skipped (no face found), "
            f"{faces.get('fr_ssim_skipped_too_small')} more skipped by FR-SSIM (box under 11 px)."
        )
    if identity:
        lines.append(f"- TAR: {identity.get('description')}")
    settings = report.get("settings", {})
    if settings:
        lines.append(f"- Scoring: {settings.get('scoring')}")
    timing = report.get("timing", {})
    if timing:
        lines.append(
            f"- Time: {timing.get('seconds')} s ({timing.get('faces_per_second')} faces/s) on "
            f"{settings.get('device')}, batch size {settings.get('batch_size')}."
        )
    if report.get("command"):
        lines.append(f"- Command: `{report['command']}`")
    for note in report.get("notes", []):
        lines.append(f"- Note: {note}")
    if report.get("grid"):
        lines += [
            "",
            f"![LR | bicubic | SR | HR | edge maps]({report['grid']})",
            "",
            "Columns: the 16x16 input (enlarged, nearest), bicubic, EIPNet, ground truth, the "
            "generator's edge maps at 32, 64 and 128 px (each min-max stretched), the HR "
            "face's Canny target at 128 px.",
        ]
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_report(report: Mapping[str, Any], out: str | Path) -> tuple[Path, Path]:
    """Write ``report.json`` (the dict, indented) and ``report.md`` into ``out``.

    Each file is written to a temporary name and renamed, so a reader never sees half a
    report.

    Returns:
        The paths of ``report.json`` and ``report.md``.

    Example:
        >>> import tempfile
        >>> row = {"psnr": 22.5, "fr_psnr": 21.0, "ssim": 0.6, "fr_ssim": 0.55, "vif": 0.3}
        >>> paths = write_report({"results": {"bicubic": row}, "gain": {}}, tempfile.mkdtemp())
        >>> [p.name for p in paths]
        ['report.json', 'report.md']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "report.json", out / "report.md"
    _write_atomic(json_path, json.dumps(report, indent=2, allow_nan=False) + "\n")
    _write_atomic(md_path, format_markdown(report))
    return json_path, md_path
