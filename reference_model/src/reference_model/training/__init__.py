"""Training EIPNet with faceloss's losses: configuration, objective, loop, checkpoints.

>>> from reference_model.training import load_config
>>> load_config("paper")["loss"]["edge"]
0.3
"""

from reference_model.training.config import DEFAULTS, dump_config, load_config
from reference_model.training.losses import GeneratorObjective, discriminator_loss
from reference_model.training.trainer import NonFiniteLossError, Trainer, train

__all__ = [
    "DEFAULTS",
    "GeneratorObjective",
    "NonFiniteLossError",
    "Trainer",
    "discriminator_loss",
    "dump_config",
    "load_config",
    "train",
]
