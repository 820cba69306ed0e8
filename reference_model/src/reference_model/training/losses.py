"""The EIPNet objective (eq. 11) from faceloss's torch losses, term by term.

``L = w_rgb L_rgb + gamma L_e + w_lc L_lc + alpha L_id + beta L_ad`` for the generator and
the non-saturating sigmoid cross-entropy of eq. 10 for the discriminator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from faceloss.torch import EdgeLoss, JSIdentityLoss, LuminanceChrominanceLoss
from reference_model.data import edges_torch

TERMS = ("rgb", "edge", "lc", "identity", "adversarial")
"""Names of the generator's loss terms, as in the ``[loss]`` configuration section."""

RGB_NORMS = ("l2", "l1")
"""The errors ``L_rgb`` can take (``loss.rgb_norm``): eq. 9's squared error, or absolute."""


def check_rgb_norm(rgb_norm: str) -> str:
    """``rgb_norm`` if it is one of :data:`RGB_NORMS`, else a ``ValueError`` naming them.

    Shared by the torch and Keras objectives, so that both accept the same values.

    Example:
        >>> check_rgb_norm("l1")
        'l1'
    """
    if rgb_norm not in RGB_NORMS:
        raise ValueError(f"loss.rgb_norm must be one of {RGB_NORMS}, got {rgb_norm!r}")
    return rgb_norm


def weights_from_config(loss_config: Mapping[str, Any]) -> dict[str, float]:
    """The five term weights (:data:`TERMS`) of a configuration's ``[loss]`` section.

    Shared by the torch and Keras trainers, so that both read the same keys.

    Returns:
        ``{term: weight}`` as floats, for the objectives' ``weights`` argument (each weight
        >= 0 and finite; the objectives check that).

    Raises:
        KeyError: a term missing from ``loss_config``.

    Example:
        >>> from reference_model.training.config import load_config
        >>> weights_from_config(load_config("cpu-small")["loss"])["edge"]
        0.03
    """
    return {k: float(loss_config[k]) for k in TERMS}


def canny_thresholds(loss_config: Mapping[str, Any]) -> tuple[float, float] | None:
    """The configured fixed Canny ``(low, high)``, or ``None`` for adaptive thresholds.

    Example:
        >>> canny_thresholds({"canny": "fixed", "canny_thresholds": [50, 255]})
        (50.0, 255.0)
        >>> canny_thresholds({"canny": "adaptive", "canny_thresholds": [50, 255]}) is None
        True
    """
    mode = loss_config["canny"]
    if mode == "adaptive":
        return None
    if mode == "fixed":
        low, high = loss_config["canny_thresholds"]
        return float(low), float(high)
    raise ValueError(f"loss.canny must be 'adaptive' or 'fixed', got {mode!r}")


class GeneratorObjective(nn.Module):
    r"""Eq. 11 for the generator, returning every weighted term by name.

    Terms with weight 0 are not computed (the identity network is not even built).

    Args:
        weights: ``{"rgb", "edge", "lc", "identity", "adversarial"}`` -> weight
            (``edge`` is gamma, ``identity`` alpha, ``adversarial`` beta).
        identity_temperature: softmax temperature of :class:`faceloss.torch.JSIdentityLoss`.
        canny: fixed Canny ``(low, high)``, or ``None`` for the adaptive thresholds.
        rgb_norm: ``L_rgb``'s error, ``"l2"`` (eq. 9: mean squared error) or ``"l1"``
            (mean absolute error, as EDSR and BasicSR train; not in the paper).

    Example:
        >>> objective = GeneratorObjective({"rgb": 1, "edge": 0.3, "lc": 1})
        >>> sr = torch.rand(2, 3, 128, 128)
        >>> edges = [torch.rand(2, 1, s, s) for s in (32, 64, 128)]
        >>> terms = objective(sr, edges, torch.rand(2, 3, 128, 128))
        >>> sorted(terms)
        ['edge', 'lc', 'rgb']
        >>> l1 = GeneratorObjective({"rgb": 1}, rgb_norm="l1")
        >>> float(l1(torch.zeros(1, 3, 8, 8), [], torch.full((1, 3, 8, 8), 0.5))["rgb"])
        0.5
    """

    def __init__(
        self,
        weights: Mapping[str, float],
        identity_temperature: float = 0.5,
        canny: tuple[float, float] | None = None,
        rgb_norm: str = "l2",
    ) -> None:
        super().__init__()
        unknown = set(weights) - set(TERMS)
        if unknown:
            raise ValueError(f"unknown loss terms {sorted(unknown)}; known: {TERMS}")
        self.weights = {k: float(weights.get(k, 0.0)) for k in TERMS}
        for name, value in self.weights.items():
            if not value >= 0.0:
                raise ValueError(f"loss weight {name} must be >= 0, got {value}")
        self.canny = canny
        self.rgb_error = F.l1_loss if check_rgb_norm(rgb_norm) == "l1" else F.mse_loss
        self.lc = LuminanceChrominanceLoss()
        self.edge = EdgeLoss()
        self.identity = (
            JSIdentityLoss(temperature=identity_temperature)
            if self.weights["identity"] > 0
            else None
        )

    def targets(self, hr: torch.Tensor) -> list[torch.Tensor]:
        """Canny targets of ``hr`` at 32, 64, 128 px on its device, equal to the data workers'.

        :func:`reference_model.data.edges_torch` (faceloss.torch in float64, so that the
        maps equal the NumPy reference's bit for bit).
        """
        return edges_torch(hr, self.canny)

    def forward(
        self,
        sr: torch.Tensor,
        edges: Sequence[torch.Tensor],
        hr: torch.Tensor,
        targets: Sequence[torch.Tensor] | None = None,
        fake_logits: torch.Tensor | None = None,
        adversarial_weight: float | None = None,
    ) -> dict[str, torch.Tensor]:
        """Weighted terms ``{name: scalar}``; their sum is the generator's loss.

        Args:
            sr: generator output :math:`(N, 3, H, W)`.
            edges: the generator's three edge maps.
            hr: the targets :math:`(N, 3, H, W)` in [0, 1].
            targets: Canny maps of ``hr`` (computed here when ``None``).
            fake_logits: the discriminator's logits for ``sr`` (GAN phase only).
            adversarial_weight: beta for this step (default: the configured weight).
        """
        w = self.weights
        sr = sr.float()
        terms: dict[str, torch.Tensor] = {}
        if w["rgb"]:
            terms["rgb"] = w["rgb"] * self.rgb_error(sr, hr)
        if w["edge"]:
            if targets is None:
                targets = self.targets(hr)
            terms["edge"] = w["edge"] * self.edge([e.float() for e in edges], list(targets))
        if w["lc"]:
            terms["lc"] = w["lc"] * self.lc(sr, hr)
        if self.identity is not None:
            terms["identity"] = w["identity"] * self.identity(sr.clamp(0, 1), hr)
        beta = w["adversarial"] if adversarial_weight is None else adversarial_weight
        if fake_logits is not None and beta:
            real = torch.ones_like(fake_logits)
            terms["adversarial"] = beta * F.binary_cross_entropy_with_logits(
                fake_logits.float(), real
            )
        return terms


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Eq. 10 for the discriminator: sigmoid cross-entropy, real -> 1 and fake -> 0.

    Example:
        >>> float(discriminator_loss(torch.full((4, 1), 20.0), torch.full((4, 1), -20.0))) < 1e-8
        True
    """
    real, fake = real_logits.float(), fake_logits.float()
    return F.binary_cross_entropy_with_logits(
        real, torch.ones_like(real)
    ) + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))
