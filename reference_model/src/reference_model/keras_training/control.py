"""When training stops: at ``train.steps``, on SIGTERM/SIGINT, or on a non-finite loss."""

from __future__ import annotations

import contextlib
import math
import signal
from typing import Any

import keras

from reference_model.training.trainer import NonFiniteLossError


class TrainingGuard(keras.callbacks.Callback):
    """Stop ``fit`` at a step, on SIGTERM/SIGINT, or with an error on a NaN/Inf loss.

    Put it first in the callback list: after each step it checks the step's logs and
    raises :class:`~reference_model.training.NonFiniteLossError` (naming the terms and
    the step) before any later callback writes a checkpoint; it ends ``fit`` once the
    model's step reaches ``end_step``; and while ``fit`` runs, SIGTERM/SIGINT end it
    after the current step (the checkpoint callback then saves in ``on_train_end``).

    Args:
        end_step: the step at which this ``fit`` ends (>= 1).

    Attributes:
        signal: the name of the signal that stopped training, or ``None``.

    Example:
        >>> guard = TrainingGuard(10)
        >>> guard.check_finite(3, {"loss": 0.5, "rgb": float("nan")})
        Traceback (most recent call last):
        ...
        reference_model.training.trainer.NonFiniteLossError: non-finite loss at step 3: term(s) ['rgb'] (loss = 0.5, rgb = nan); nothing of this step was written. Lower optim.lr, use train.amp=off or bf16, or check the data.
    """

    def __init__(self, end_step: int) -> None:
        super().__init__()
        if int(end_step) < 1:
            raise ValueError(f"end_step must be >= 1, got {end_step!r}")
        self.end_step = int(end_step)
        self.signal: str | None = None
        self._previous: dict[int, Any] = {}

    @staticmethod
    def check_finite(step: int, logs: dict[str, Any]) -> None:
        """Raise ``NonFiniteLossError`` if a logged value of step ``step`` is NaN or infinite."""
        values = {k: float(v) for k, v in logs.items()}
        bad = [k for k, v in values.items() if not math.isfinite(v)]
        if bad:
            detail = ", ".join(f"{k} = {v}" for k, v in values.items())
            raise NonFiniteLossError(
                f"non-finite loss at step {step}: term(s) {bad} ({detail}); nothing of this "
                "step was written. Lower optim.lr, use train.amp=off or bf16, or check the data."
            )

    def _handle(self, signum: int, frame: Any) -> None:
        self.signal = signal.Signals(signum).name

    def on_train_begin(self, logs: dict | None = None) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(ValueError):  # not the main thread: leave handlers be
                self._previous[sig] = signal.signal(sig, self._handle)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        step = self.model.current_step
        self.check_finite(step, dict(logs or {}))
        if step >= self.end_step or self.signal:
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()
