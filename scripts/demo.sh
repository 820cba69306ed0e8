#!/usr/bin/env bash
# Set up the environment (scripts/setup.sh) and run the main job: for now the showcase
# of what faceloss computes (every component, three implementations) on a face that ships
# with scikit-image, plus a picture of its edge targets.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
bash scripts/setup.sh
"$VENV/bin/python" examples/showcase.py "$@"
