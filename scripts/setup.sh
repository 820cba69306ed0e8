#!/usr/bin/env bash
# Set up a virtual environment with faceloss, both backends and the test tools.
# Usage: bash scripts/setup.sh   (VENV=path to choose the environment folder; default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --upgrade pip

# torch first, pinned: a looser requirement would let pip pull a multi-GB CUDA build.
echo "==> installing torch 2.13.0 (CPU)"
"$PY" -m pip install --quiet "torch==2.13.0"

echo "==> installing faceloss with the torch, tf-cpu, identity, detect, dlib-reference, test and docs extras"
"$PY" -m pip install --quiet -e ".[torch,tf-cpu,identity,detect,dlib-reference,test,docs]"

# Peers the tests and benchmarks compare with. --no-deps: their requirements would
# pull a CUDA torch and torchvision; their small pure-Python needs are listed explicitly.
echo "==> installing peer libraries for comparisons (kornia, torchmetrics, pytorch-msssim, piq)"
"$PY" -m pip install --quiet --no-deps "kornia==0.9.0" "kornia_rs==0.2.0" "torchmetrics==1.9.0" \
  "lightning-utilities==0.15.3" "pytorch-msssim==1.0.0" "piq==0.8.0"
# The reference model is faceloss's first user, packaged as its own distribution (eipnet).
# editable_mode=compat puts reference_model/src on sys.path, so the repository's
# reference_model/ folder cannot shadow the package when Python runs from the repository root.
echo "==> installing the reference model (eipnet) with its keras-cpu, tensorboard, detect and onnx extras"
"$PY" -m pip install --quiet -e "reference_model[keras-cpu,tensorboard,detect,onnx]" \
  --config-settings editable_mode=compat
echo "==> environment ready: $VENV"
