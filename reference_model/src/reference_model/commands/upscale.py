"""``eipnet upscale``: super-resolve 16x16 face crops to 128x128 PNGs."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from reference_model.commands._common import USER_ERRORS, add_model_options, fail


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``upscale`` and its options."""
    p = sub.add_parser(
        "upscale",
        help="super-resolve 16x16 face crops to 128x128 PNGs",
        description=(
            "Super-resolve low-resolution face crops (16x16, aligned like CelebA) with EIPNet. "
            "Writes one 128x128 PNG per input into --out, named after the input's stem "
            "(repeated stems get -2, -3, ...; existing files of those names are replaced). "
            "Inputs of another size are resized to 16x16 first, with a note."
        ),
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="image files or folders of them (every image under a folder)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    add_model_options(p)


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Upscale every input; print where the images went."""
    from reference_model.evaluation import upscale

    try:
        written = upscale(
            args.weights,
            args.inputs,
            args.out,
            device=args.device,
            batch_size=args.batch_size,
            self_ensemble=args.self_ensemble,
            log=print,
        )
    except USER_ERRORS as error:
        return fail("upscale", error)
    print(f"wrote {len(written)} image(s) of 128x128 to {args.out}")
    return 0
