"""Deterministic random weights for identity networks, for torch <-> Keras parity tests.

Default initialisations leave batch norms at mean 0 / variance 1 / scale 1 / shift 0, which
would hide a wrong running-statistics or gamma/beta mapping; these weights make every
tensor non-trivial while keeping activations of order one through deep residual stacks.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import numpy as np
import torch


def seeded_state_dict(module: torch.nn.Module, seed: int) -> dict[str, torch.Tensor]:
    """A float32 state dict for ``module`` drawn from ``seed`` (same seed, same weights).

    Convolution/linear weights ~ N(0, 2 / fan_in) (He), biases ~ N(0, 0.1^2); batch norm
    weight ~ U(0.5, 1.5), bias ~ N(0, 0.1^2), running_mean ~ N(0, 0.1^2),
    running_var ~ U(0.5, 1.5); integer buffers (``num_batches_tracked``) are kept.
    """
    rng = np.random.default_rng(seed)
    batch_norms = {
        name
        for name, m in module.named_modules()
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
    }
    out = {}
    for key, value in module.state_dict().items():
        owner, _, leaf = key.rpartition(".")
        shape = tuple(value.shape)
        if not value.is_floating_point():
            out[key] = value.clone()
            continue
        if owner in batch_norms:
            if leaf in ("weight", "running_var"):
                array = rng.uniform(0.5, 1.5, shape)
            else:
                array = rng.normal(0.0, 0.1, shape)
        elif leaf == "weight":
            fan_in = math.prod(shape[1:])
            array = rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
        else:
            array = rng.normal(0.0, 0.1, shape)
        out[key] = torch.from_numpy(array.astype(np.float32))
    return out


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run torch on one intra-op thread, then restore the previous count.

    Tests run beside other processes on few cores (CI: ``pytest -n 2`` on 2 cores). A
    large network on several OpenMP threads then spends most of its time waiting at
    barriers for descheduled threads: measured 74 s vs 13 s for the FaceNet torch tests.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
