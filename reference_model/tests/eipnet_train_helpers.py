"""Helpers for the training tests: a tiny image folder and tiny configurations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from reference_model.training import load_config

TINY = [
    "model.channels=[16, 8, 8, 8]",
    "discriminator.channels=[4, 4, 8, 8, 8, 8, 8]",
    "discriminator.fc=8",
    "train.batch_size=4",
    "train.threads=1",
    "train.deterministic=true",
    "train.log_every=1",
    "train.checkpoint_every=1",
    "train.keep_last=100",
    "train.val_every=1000",
    "train.image_every=1000",
    "data.workers=0",
    "train.amp=off",
    "data.val_fraction=0.0",
    "data.test_fraction=0.0",
]


def make_faces(folder: Path, count: int = 24, seed: int = 0) -> Path:
    """``count`` smooth random 128x128 RGB 'faces' (blurred noise with edges) as PNGs."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        coarse = rng.random((8, 8, 3))
        image = np.kron(coarse, np.ones((16, 16, 1)))
        image += 0.05 * rng.standard_normal(image.shape)
        pixels = (np.clip(image, 0, 1) * 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"{i:03d}.png")
    return folder


def tiny_config(*more: str) -> dict:
    """The cpu-small preset made tiny (16-8-8-8 channels, batch 4), plus overrides."""
    return load_config("cpu-small", [*TINY, *more])


def eipnet(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """Start ``python -m reference_model ARGS`` (the eipnet command) in a subprocess."""
    full_env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "reference_model", *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )
