"""Training EIPNet with Keras ``model.fit``: the twin of :mod:`reference_model.training`.

:func:`train_keras` is what ``eipnet train-keras`` runs: the same configuration files
(:func:`reference_model.training.load_config`), data split and objective (eq. 11 from
:mod:`faceloss.tf`: :class:`KerasGeneratorObjective`, :func:`discriminator_loss`), a
custom ``train_step`` for generator and discriminator (:class:`EIPNetGAN`), batches from
:func:`reference_model.data.make_tf_dataset`, callbacks for checkpoints
(:class:`CheckpointCallback`), logs and TensorBoard (:class:`TrainingLog`) and validation
(:class:`ValidationCallback`), and ``tf.distribute`` strategies (:func:`make_strategy`,
:func:`configure_devices`).

>>> from reference_model.keras_training import StepSchedule
>>> float(StepSchedule(1e-4, 10)(3))
9.999999747378752e-05
"""

from reference_model.keras_training.checkpoints import (
    CheckpointCallback,
    list_checkpoints,
    restore_latest,
    save_checkpoint,
)
from reference_model.keras_training.control import TrainingGuard
from reference_model.keras_training.data import TrainingData, training_data
from reference_model.keras_training.gan import EIPNetGAN
from reference_model.keras_training.logs import TrainingLog
from reference_model.keras_training.objective import (
    KerasGeneratorObjective,
    discriminator_loss,
)
from reference_model.keras_training.schedule import StepSchedule
from reference_model.keras_training.strategy import configure_devices, make_strategy
from reference_model.keras_training.train import build_training_model, train_keras
from reference_model.keras_training.validation import ValidationCallback, validate

__all__ = [
    "CheckpointCallback",
    "EIPNetGAN",
    "KerasGeneratorObjective",
    "StepSchedule",
    "TrainingData",
    "TrainingGuard",
    "TrainingLog",
    "ValidationCallback",
    "build_training_model",
    "configure_devices",
    "discriminator_loss",
    "list_checkpoints",
    "make_strategy",
    "restore_latest",
    "save_checkpoint",
    "train_keras",
    "training_data",
    "validate",
]
