#!/usr/bin/env bash
# Set up the environment (scripts/setup.sh) and run everything CI checks:
# lint, format, the test suite (including slow tests and doctests) and the docs build.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
SECONDS=0
bash scripts/setup.sh
echo "==> setup took ${SECONDS} s"
PY="$VENV/bin/python"
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

echo "==> ruff"
"$PY" -m ruff check .
"$PY" -m ruff format --check .

echo "==> pytest"
"$PY" -m pytest -n "${PYTEST_WORKERS:-2}" --durations=15 "$@"

echo "==> docs"
"$PY" -m sphinx -W -n --keep-going -q -b html docs docs/_build/html
