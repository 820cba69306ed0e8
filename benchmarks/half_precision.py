"""float16/bfloat16 against the float64 reference: the largest error of every function.

Each case runs the torch and TF function on inputs cast to the half dtype and the NumPy
reference in float64 on the same (cast) values, and prints the max abs difference, so
the error table of the half-precision rule (docs/conventions.rst) can be re-measured::

    python benchmarks/half_precision.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.parity.half_cases import HALF_DTYPES, cases, measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names to run")
    options = parser.parse_args(argv)
    names = options.only or list(cases())
    print(f"{'case':<28} {'backend':<6} " + " ".join(f"{d:>22}" for d in HALF_DTYPES))
    for name in names:
        for backend in ("torch", "tf"):
            cells = []
            for dtype in HALF_DTYPES:
                try:
                    err, seconds = measure(name, backend, dtype)
                    cells.append(f"{err:10.3g} ({seconds:6.2f} s)")
                except Exception as error:
                    cells.append(f"{type(error).__name__:>22}")
            print(f"{name:<28} {backend:<6} " + " ".join(f"{c:>22}" for c in cells), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
