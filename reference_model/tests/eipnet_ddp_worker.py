"""Run under torchrun: train a tiny EIPNet with DDP, then save this rank's generator weights.

Usage: torchrun --nproc_per_node=2 eipnet_ddp_worker.py DATA RUN OUT_PREFIX [overrides...]
"""

from __future__ import annotations

import sys

from safetensors.torch import save_file

from reference_model.training import Trainer, load_config
from reference_model.weights import unwrap

if __name__ == "__main__":
    data, run, prefix, *overrides = sys.argv[1:]
    trainer = Trainer(load_config("cpu-small", overrides), data, run, device="cpu", quiet=True)
    try:
        trainer.run()
        state = {
            k: v.detach().contiguous() for k, v in unwrap(trainer.generator).state_dict().items()
        }
        save_file(state, f"{prefix}{trainer.job.rank}.safetensors")
    finally:
        trainer.close()
