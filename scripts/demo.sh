#!/usr/bin/env bash
# Set up the environment (scripts/setup.sh) and run the main job, `eipnet demo`: the shipped
# EIPNet (cpu-small) super-resolves a face that ships with scikit-image and is scored against
# bicubic, the cpu-small preset trains for a minute, and when ../shared/data is present the
# shipped model is also scored on the held-out CelebA-1000 faces. Everything lands in
# demo_out/ (report.md with the pictures). Extra arguments go to `eipnet demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
SECONDS=0
bash scripts/setup.sh
echo "==> setup took ${SECONDS} s"
"$VENV/bin/eipnet" demo --out demo_out "$@"
echo "==> scripts/demo.sh finished in ${SECONDS} s"
