"""The shipped ``cpu-small`` weights: small, safetensors, traceable, and what the card says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from reference_model import copy_weights
from reference_model.data import split_files
from reference_model.evaluation import GeneratorRunner, evaluate
from reference_model.pretrained import PRETRAINED_DIR, load_generator, resolve_weights
from reference_model.training.config import load_config
from reference_model.training.trainer import generator_architecture
from reference_model.weights import architecture_from_metadata, read_weights

CARD = PRETRAINED_DIR / "cpu-small.md"


def test_shipped_weights_are_small_safetensors_that_name_their_recipe() -> None:
    path = resolve_weights("cpu-small")
    assert path.suffix == ".safetensors" and path.stat().st_size <= 5_000_000
    tensors, meta = read_weights(path)
    assert all(t.dtype == np.float16 for t in tensors.values())  # half of float32's bytes
    assert architecture_from_metadata(meta) == generator_architecture(load_config("cpu-small"))
    command = meta["training_command"]
    assert "train --config cpu-small" in command and "celeba_fsrnet1000/HR" in command
    card = CARD.read_text()
    assert f"step {int(meta['step']):,}" in card
    assert f"{path.stat().st_size:,} bytes, float16" in card


def test_shipped_model_runs_the_same_in_torch_and_keras() -> None:
    pytest.importorskip("keras")
    torch_model = load_generator("cpu-small", "torch")
    keras_model = load_generator("cpu-small", "keras")
    lr = torch.rand(3, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    want = GeneratorRunner(torch_model, "cpu")(lr)
    got = GeneratorRunner(keras_model, "cpu")(lr)
    for g, w in zip([got[0], *got[1]], [want[0], *want[1]], strict=True):
        torch.testing.assert_close(g, w, rtol=0, atol=1e-4)
    again = copy_weights(keras_model, load_generator("cpu-small", "torch"))
    for a, b in zip(again.state_dict().values(), torch_model.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.slow
def test_held_out_celeba_result_is_the_model_cards(shared_data: Path, tmp_path: Path) -> None:
    """The card's CelebA-1000 test-split PSNR and SSIM, recomputed from the shipped file."""
    files = split_files(shared_data / "celeba_fsrnet1000" / "HR", "test")
    report = evaluate(
        "cpu-small", files, tmp_path, device="cpu", identity=False, grid_faces=0, progress=False
    )
    model, bicubic = report["results"]["EIPNet"], report["results"]["bicubic"]
    assert report["face_region"]["images"] == 99
    card = CARD.read_text()
    assert f"| bicubic | {bicubic['psnr']:.2f} | {bicubic['fr_psnr']:.2f} |" in card
    assert f"| EIPNet cpu-small | {model['psnr']:.2f} | {model['fr_psnr']:.2f} |" in card
    assert f"| {model['ssim']:.4f} |" in card
    assert model["psnr"] - bicubic["psnr"] > 1.0  # well clear of bicubic
    np.testing.assert_array_less(bicubic["ssim"], model["ssim"])
