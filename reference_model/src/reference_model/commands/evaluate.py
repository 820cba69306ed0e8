"""``eipnet evaluate``: the paper's metrics of EIPNet and of bicubic on a folder of faces."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from reference_model.commands import command_line
from reference_model.commands._common import USER_ERRORS, add_model_options, fail, positive_int


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``evaluate`` and its options."""
    p = sub.add_parser(
        "evaluate",
        help="PSNR, FR-PSNR, SSIM, FR-SSIM, VIF and TAR of EIPNet against bicubic",
        description=(
            "Evaluate EIPNet as the paper does (section 4.3, Tables 6-7): each HR face is "
            "downscaled to 16x16 (progressive bilinear x8), super-resolved by the model and "
            "by bicubic upscaling, and both are scored against the HR face: PSNR, FR-PSNR, "
            "SSIM, FR-SSIM, VIF and TAR at d=0.5/0.6 (dlib's face descriptors). FR metrics "
            "crop the face box dlib's HOG detector finds on the HR face (scikit-image's LBP "
            "detector, with a note, when dlib is not installed); faces without one are "
            "skipped and counted. Writes report.json, report.md and grid.png into --out."
        ),
    )
    p.add_argument("--data", required=True, metavar="DIR", help="folder of face images")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    add_model_options(p)
    p.add_argument(
        "--split",
        choices=("test", "all", "val", "train"),
        default="test",
        help=(
            "test: the held-out split of DIR (the one eipnet train never trains on); all: "
            "every image, for a folder that is held out as a whole, e.g. Helen; val, "
            "train: the splits eipnet train validates and trains on, to see how well a "
            "model fits the faces it learnt from (default: test)"
        ),
    )
    p.add_argument(
        "--backend",
        choices=("torch", "keras"),
        default="torch",
        help="run the generator in PyTorch or Keras; the metrics are the same code (default: torch)",
    )
    p.add_argument(
        "--limit",
        type=positive_int,
        metavar="N",
        help="score only the first N faces of the split (default: all)",
    )


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Evaluate, write the report, print its table and where it is."""
    from reference_model.evaluation import evaluate, format_markdown

    try:
        report = evaluate(
            args.weights,
            args.data,
            args.out,
            split=args.split,
            limit=args.limit,
            backend=args.backend,
            device=args.device,
            batch_size=args.batch_size,
            self_ensemble=args.self_ensemble,
            command=command_line(argv),
        )
    except USER_ERRORS as error:
        return fail("evaluate", error)
    table = [line for line in format_markdown(report).splitlines() if line.startswith("|")]
    print("\n".join(table))
    for note in report["notes"]:
        print(f"note: {note}")
    print(f"report: {os.path.join(args.out, 'report.md')} (and report.json, {report['grid']})")
    return 0
