"""The EIPNet objective (eq. 11) from faceloss's Keras losses, term by term.

The Keras twin of :mod:`reference_model.training.losses`:
``L = w_rgb L_rgb + gamma L_e + w_lc L_lc + alpha L_id + beta L_ad`` for the generator
(:class:`KerasGeneratorObjective`) and the sigmoid cross-entropy of eq. 10 for the
discriminator (:func:`discriminator_loss`). Every term is a ``keras.losses.Loss`` with
Keras' default ``"sum_over_batch_size"`` reduction, so under a ``tf.distribute`` strategy
each replica's value is already divided by the number of replicas (Keras'
``scale_loss_for_distribution``): summed gradients are those of the global batch mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import keras
import tensorflow as tf

from faceloss.tf import EdgeLoss, JSIdentityLoss, LuminanceChrominanceLoss, edge_targets
from reference_model.training.losses import TERMS, check_rgb_norm


class KerasGeneratorObjective:
    r"""Eq. 11 for the generator, NHWC, returning every weighted term by name.

    What :class:`reference_model.training.GeneratorObjective` computes, from
    :mod:`faceloss.tf`: ``rgb`` is the mean squared error (eq. 9; mean absolute error
    with ``rgb_norm="l1"``), ``edge``
    :class:`faceloss.tf.EdgeLoss` against :func:`faceloss.tf.edge_targets`, ``lc``
    :class:`faceloss.tf.LuminanceChrominanceLoss`, ``identity``
    :class:`faceloss.tf.JSIdentityLoss` (dlib's network, on ``sr`` clipped to [0, 1]) and
    ``adversarial`` the non-saturating sigmoid cross-entropy of the discriminator's logits
    for ``sr`` against "real". Terms of weight 0 are not computed (the identity network
    is not even built). Inputs are cast to float32 first (mixed precision is safe).

    Args:
        weights: ``{"rgb", "edge", "lc", "identity", "adversarial"}`` -> weight >= 0
            (missing terms weigh 0; ``edge`` is gamma, ``identity`` alpha,
            ``adversarial`` beta).
        identity_temperature: softmax temperature of :class:`faceloss.tf.JSIdentityLoss`.
        canny: :func:`faceloss.tf.edge_targets` keyword arguments (``low``/``high`` for
            fixed thresholds, none for the adaptive ones of eqs. 1-2); see
            :func:`reference_model.training.losses.canny_thresholds` as ``low``/``high``.
        rgb_norm: ``L_rgb``'s error, ``"l2"`` (eq. 9: mean squared error) or ``"l1"``
            (mean absolute error, as EDSR and BasicSR train; not in the paper).

    Raises:
        ValueError: an unknown term, or a negative or non-finite weight (named), or an
            unknown ``rgb_norm``.

    Example:
        >>> import tensorflow as tf
        >>> objective = KerasGeneratorObjective({"rgb": 1, "edge": 0.3, "lc": 1})
        >>> sr, hr = tf.random.uniform((2, 128, 128, 3)), tf.random.uniform((2, 128, 128, 3))
        >>> edges = [tf.random.uniform((2, s, s, 1)) for s in (32, 64, 128)]
        >>> terms = objective(sr, edges, hr)
        >>> sorted(terms), terms["rgb"].shape
        (['edge', 'lc', 'rgb'], TensorShape([]))
        >>> l1 = KerasGeneratorObjective({"rgb": 1}, rgb_norm="l1")
        >>> float(l1(tf.zeros((1, 8, 8, 3)), [], tf.fill((1, 8, 8, 3), 0.5))["rgb"])
        0.5
    """

    def __init__(
        self,
        weights: Mapping[str, float],
        identity_temperature: float = 0.5,
        canny: Mapping[str, float] | None = None,
        rgb_norm: str = "l2",
    ) -> None:
        unknown = set(weights) - set(TERMS)
        if unknown:
            raise ValueError(f"weights: unknown loss terms {sorted(unknown)}; known: {TERMS}")
        self.weights = {k: float(weights.get(k, 0.0)) for k in TERMS}
        for name, value in self.weights.items():
            if not 0.0 <= value < float("inf"):
                raise ValueError(f"weights[{name!r}] must be finite and >= 0, got {value}")
        self.canny = dict(canny or {})
        self.rgb_error = (
            keras.losses.MeanAbsoluteError(name="rgb")
            if check_rgb_norm(rgb_norm) == "l1"
            else keras.losses.MeanSquaredError(name="rgb")
        )
        self.edge = EdgeLoss()
        self.lc = LuminanceChrominanceLoss()
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True, name="adversarial")
        self.identity = (
            JSIdentityLoss(temperature=identity_temperature)
            if self.weights["identity"] > 0
            else None
        )

    @property
    def needs_targets(self) -> bool:
        """Whether the edge term is on (so the Canny targets of ``hr`` are needed).

        Example:
            >>> KerasGeneratorObjective({"rgb": 1.0}).needs_targets
            False
        """
        return self.weights["edge"] > 0

    def build(self, size: int = 128) -> None:
        """Create the identity network's variables now (eagerly), not inside a traced step.

        Call it in the ``tf.distribute`` strategy's scope before training; nothing happens
        when the identity term is off.

        Example:
            >>> KerasGeneratorObjective({"rgb": 1.0}).build()
        """
        if self.identity is not None:
            faces = tf.zeros((1, size, size, 3))
            self.identity(faces, faces)

    def targets(self, hr: tf.Tensor) -> list[tf.Tensor]:
        """Canny targets of ``hr`` :math:`(N, H, W, 3)` in [0, 1] at H/4, H/2, H (0/1 maps).

        Example:
            >>> import tensorflow as tf
            >>> objective = KerasGeneratorObjective({"edge": 0.3})
            >>> [t.shape[1] for t in objective.targets(tf.random.uniform((1, 128, 128, 3)))]
            [32, 64, 128]
        """
        return [tf.stop_gradient(t) for t in edge_targets(tf.cast(hr, tf.float32), **self.canny)]

    def __call__(
        self,
        sr: tf.Tensor,
        edges: Sequence[tf.Tensor],
        hr: tf.Tensor,
        targets: Sequence[tf.Tensor] | None = None,
        fake_logits: tf.Tensor | None = None,
    ) -> dict[str, tf.Tensor]:
        """Weighted terms ``{name: scalar float32}``; their sum is the generator's loss.

        Args:
            sr: generator output :math:`(N, 128, 128, 3)`.
            edges: the generator's three edge maps :math:`(N, s, s, 1)`, s = 32, 64, 128.
            hr: targets :math:`(N, 128, 128, 3)` in [0, 1].
            targets: Canny maps of ``hr`` like ``edges`` (computed here when ``None``).
            fake_logits: the discriminator's logits :math:`(N, 1)` for ``sr``; the
                adversarial term is computed only when given and beta > 0.

        Returns:
            The weighted terms of weight > 0 (``adversarial`` only with ``fake_logits``),
            each divided by the number of replicas under a ``tf.distribute`` strategy.
        """
        w = self.weights
        sr = tf.cast(sr, tf.float32)
        hr = tf.cast(hr, tf.float32)
        terms: dict[str, tf.Tensor] = {}
        if w["rgb"]:
            terms["rgb"] = w["rgb"] * self.rgb_error(hr, sr)
        if w["edge"]:
            if targets is None:
                targets = self.targets(hr)
            edges = [tf.cast(e, tf.float32) for e in edges]
            targets = [tf.cast(t, tf.float32) for t in targets]
            terms["edge"] = w["edge"] * self.edge(targets, edges)
        if w["lc"]:
            terms["lc"] = w["lc"] * self.lc(hr, sr)
        if self.identity is not None:
            terms["identity"] = w["identity"] * self.identity(hr, tf.clip_by_value(sr, 0.0, 1.0))
        if fake_logits is not None and w["adversarial"]:
            fake = tf.cast(fake_logits, tf.float32)
            terms["adversarial"] = w["adversarial"] * self.bce(tf.ones_like(fake), fake)
        return terms


def discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """Eq. 10 for the discriminator: sigmoid cross-entropy, real -> 1 and fake -> 0.

    Args:
        real_logits: logits :math:`(N, 1)` for the HR faces.
        fake_logits: logits :math:`(N, 1)` for the generator's faces.

    Returns:
        A float32 scalar >= 0 (divided by the number of replicas under a strategy).

    Example:
        >>> import tensorflow as tf
        >>> float(discriminator_loss(tf.fill((4, 1), 20.0), tf.fill((4, 1), -20.0))) < 1e-8
        True
    """
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    real = tf.cast(real_logits, tf.float32)
    fake = tf.cast(fake_logits, tf.float32)
    return bce(tf.ones_like(real), real) + bce(tf.zeros_like(fake), fake)
