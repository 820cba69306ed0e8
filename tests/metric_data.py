"""Test inputs and peer implementations for the full-image metric tests.

Real pairs: the FSRNet CelebA-1000 faces of ``../shared/data`` (HR targets, their
x8 bicubic-upsampled LR versions as predictions). Peers: skimage's SSIM/PSNR and
piq's ``vif_p``, loaded from its file without piq's torchvision-dependent
top-level import.
"""

from __future__ import annotations

import sys
import types
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np


def face_pairs(shared_data: Path, count: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """(prediction, target): ``count`` x8 bicubic LR-upsampled faces and their HR originals,
    float64 NHWC in [0, 1], 128x128."""
    from skimage.io import imread

    folder = shared_data / "celeba_fsrnet1000"
    names = sorted(p.name for p in (folder / "HR").glob("*.jpg"))[:count]
    target = np.stack([imread(folder / "HR" / n) for n in names]).astype(np.float64) / 255
    prediction = np.stack([imread(folder / "LR_x8" / n) for n in names]).astype(np.float64) / 255
    return prediction, target


def random_pairs(
    shape: tuple[int, int, int, int], seed: int = 0, noise: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    """(prediction, target): a random NHWC target and a noisy, clipped copy, float64."""
    rng = np.random.default_rng(seed)
    target = rng.random(shape)
    return np.clip(target + noise * rng.standard_normal(shape), 0.0, 1.0), target


def skimage_ssim(prediction: np.ndarray, target: np.ndarray, data_range: float = 1.0) -> np.ndarray:
    """skimage's Gaussian SSIM (the reference's definition) per image of NHWC batches."""
    from skimage.metrics import structural_similarity

    return np.array(
        [
            structural_similarity(
                p,
                t,
                gaussian_weights=True,
                sigma=1.5,
                use_sample_covariance=False,
                data_range=data_range,
                channel_axis=-1,
            )
            for p, t in zip(prediction, target, strict=True)
        ]
    )


def skimage_psnr(prediction: np.ndarray, target: np.ndarray, data_range: float = 1.0) -> np.ndarray:
    """skimage's PSNR per image of NHWC batches (inf for identical images)."""
    from skimage.metrics import peak_signal_noise_ratio

    with np.errstate(divide="ignore"):
        return np.array(
            [
                peak_signal_noise_ratio(t, p, data_range=data_range)
                for p, t in zip(prediction, target, strict=True)
            ]
        )


def piq_module(name: str) -> Any:
    """``piq.<name>`` imported without running ``piq/__init__.py`` (which needs torchvision)."""
    import pytest

    pytest.importorskip("torch", reason="piq needs torch")
    spec = find_spec("piq") if "piq" not in sys.modules else None
    if "piq" not in sys.modules or not hasattr(sys.modules["piq"], "__path__"):
        if spec is None or spec.submodule_search_locations is None:
            pytest.skip("needs piq (pip install piq --no-deps)")
        package = types.ModuleType("piq")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["piq"] = package
    __import__(f"piq.{name}")
    return sys.modules[f"piq.{name}"]


def piq_vif_p(prediction: np.ndarray, target: np.ndarray, data_range: float = 1.0) -> np.ndarray:
    """piq's ``vif_p`` per image of NHWC float64 batches."""
    import torch

    vif_module = piq_module("vif")
    as_torch = [
        torch.from_numpy(np.ascontiguousarray(a)).permute(0, 3, 1, 2) for a in (prediction, target)
    ]
    return vif_module.vif_p(*as_torch, data_range=data_range, reduction="none").numpy()
