"""Run a torch or Keras EIPNet generator on torch batches: one interface for both backends."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from reference_model.weights import unwrap

__all__ = ["GeneratorRunner", "backend_of"]


def backend_of(model: object) -> str:
    """``"torch"`` for an ``nn.Module``, ``"keras"`` for a Keras model.

    Raises:
        TypeError: ``model`` is neither (names its type).

    Example:
        >>> from reference_model import build_generator
        >>> backend_of(build_generator("torch", channels=(8, 4, 4, 4)))
        'torch'
    """
    if isinstance(model, torch.nn.Module):
        return "torch"
    if any(c.__module__.startswith("keras") for c in type(model).__mro__):
        return "keras"
    raise TypeError(
        f"model must be an EIPNet generator (torch nn.Module or Keras model, e.g. from "
        f"reference_model.build_generator), got {type(model).__name__}"
    )


def _tf_device(device: str) -> str | None:
    """The TensorFlow device for a torch-style device string (``None``: TF's default)."""
    if device == "auto":
        return None
    kind, _, index = device.partition(":")
    if kind == "cpu":
        return "/CPU:0"
    if kind == "cuda":
        return f"/GPU:{index or 0}"
    raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}")


def _torch_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError as error:
        raise ValueError(f"device: {error}") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} was asked for, but CUDA is not available")
    return resolved


class GeneratorRunner:
    """Inference with an EIPNet generator of either backend, on torch NCHW batches.

    The torch generator is moved to ``device`` and put in eval mode (the module itself:
    no copy is made) and runs under ``torch.inference_mode``;
    the Keras generator is called on the NHWC batch (``training=False``, inside
    ``tf.device`` for ``cpu``/``cuda:N``) and its outputs come back as torch tensors, so
    everything downstream (bicubic baseline, faceloss.torch metrics, images) is the same
    code for both backends.

    Args:
        model: a torch or Keras generator (``reference_model.build_generator``,
            ``reference_model.pretrained.load_generator``).
        device: ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``,
            ``"cuda:N"``.
        self_ensemble: return the mean of the outputs for each face and its mirror image
            (mirrored back): the flip half of EDSR's self-ensemble, the only half that keeps
            an aligned face upright. Twice the compute; about +0.1 dB PSNR for the shipped
            ``cpu-small`` on held-out faces (its model card has the figures).

    Attributes:
        backend: ``"torch"`` or ``"keras"``.
        device: the torch device results are returned on (the CPU for Keras).

    Raises:
        TypeError: ``model`` is not a generator of either backend.
        ValueError: a bad ``device``, or CUDA asked for but not available.

    Example:
        >>> from reference_model import build_generator
        >>> runner = GeneratorRunner(build_generator("torch", channels=(8, 4, 4, 4)), "cpu")
        >>> sr, edges = runner(torch.rand(2, 3, 16, 16))
        >>> tuple(sr.shape), [tuple(e.shape) for e in edges]
        ((2, 3, 128, 128), [(2, 1, 32, 32), (2, 1, 64, 64), (2, 1, 128, 128)])
    """

    def __init__(self, model: Any, device: str = "auto", self_ensemble: bool = False) -> None:
        if not isinstance(device, str):
            raise TypeError(f"device must be a string such as 'cpu', got {type(device).__name__}")
        if not isinstance(self_ensemble, bool):
            raise TypeError(f"self_ensemble must be a bool, got {self_ensemble!r}")
        self.self_ensemble = self_ensemble
        self.backend = backend_of(model)
        if self.backend == "torch":
            self.device = _torch_device(device)
            self.model = unwrap(model).to(self.device).eval()
            self._tf_device: str | None = None
        else:
            self.device = torch.device("cpu")
            self.model = model
            self._tf_device = _tf_device(device)
        architecture = getattr(unwrap(model), "architecture", None)
        self.input_size = int(getattr(architecture, "input_size", 16))
        self.scale = int(getattr(architecture, "scale", 8))

    @contextlib.contextmanager
    def _keras_scope(self) -> Iterator[None]:
        if self._tf_device is None:
            yield
            return
        import tensorflow as tf

        with tf.device(self._tf_device):
            yield

    def __call__(self, lr: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Super-resolve a batch.

        Args:
            lr: :math:`(N, 3, 16, 16)` float RGB in [0, 1] (any device).

        Returns:
            ``(sr, (edge32, edge64, edge128))``: float32 :math:`(N, 3, 128, 128)` (not
            clamped) and :math:`(N, 1, s, s)` edge maps, on :attr:`device`.
        """
        if not isinstance(lr, torch.Tensor) or lr.ndim != 4 or lr.shape[1] != 3:
            shape = tuple(lr.shape) if isinstance(lr, torch.Tensor) else type(lr).__name__
            raise ValueError(f"lr must be a torch tensor (N, 3, H, W), got {shape}")
        if not self.self_ensemble:
            return self._forward(lr)
        n = lr.shape[0]
        sr, edges = self._forward(torch.cat([lr, lr.flip(-1)]))

        def mean(out: torch.Tensor) -> torch.Tensor:
            return 0.5 * (out[:n] + out[n:].flip(-1))

        return mean(sr), tuple(mean(e) for e in edges)

    def _forward(self, lr: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        if self.backend == "torch":
            dtype = next(self.model.parameters()).dtype
            with torch.inference_mode():
                sr, edges = self.model(lr.to(self.device, dtype))
            return sr.float(), tuple(e.float() for e in edges)
        nhwc = np.ascontiguousarray(lr.detach().cpu().float().permute(0, 2, 3, 1).numpy())
        with self._keras_scope():
            sr, edges = self.model(nhwc, training=False)

        def back(t: Any) -> torch.Tensor:
            return torch.from_numpy(np.array(t, dtype=np.float32)).permute(0, 3, 1, 2)

        return back(sr).contiguous(), tuple(back(e).contiguous() for e in edges)
