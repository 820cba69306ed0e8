"""The torch dataset of (HR, LR, edge targets) training samples."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from .augment import Augment, augment_face, sample_rng
from .degrade import Degradation, degrade
from .edges import CannyThresholds, _canny_kwargs, edges_numpy
from .files import find_images
from .image_io import BadImageError, BadImageWarning
from .layout import HR_SIZE, Layout, _detect, load_face

__all__ = ["EdgeTargetMode", "FaceDataset"]

EdgeTargetMode = Literal["reference", "none"]

_OK, _CONVERTED, _SKIPPED = 1, 2, 3
_MAX_ATTEMPTS = 64


class FaceDataset(torch.utils.data.Dataset):
    """Faces from a folder as EIPNet training samples: HR 128x128, LR 16x16, edge targets.

    Per sample ``i``: read the file, convert it to 8-bit RGB if needed, crop and resize
    to 128 for the layout (:func:`~reference_model.data.load_face`), augment
    (:class:`~reference_model.data.Augment`, random choices from
    ``sample_rng(seed, epoch, i)``), degrade to 16x16
    (:func:`~reference_model.data.degrade`) and compute the Canny edge targets at 32, 64
    and 128 px (:func:`~reference_model.data.edges_numpy`, faceloss's NumPy reference)
    unless ``edge_targets="none"`` (then the training step computes them on the device
    with :func:`~reference_model.data.edges_torch`, bit-identical in its default float64).

    The default is ``"reference"``, measured (``benchmarks/data_pipeline.py``, 2 shared
    CPU cores): per batch of 16 the two paths cost the same compute (NumPy reference
    59-137 ms, torch 54-128 ms at 1 thread, same run each), but the reference path runs
    in the data workers, off the training process, while the torch path on the CPU adds
    its 83-131 ms to every training step. Through a 2-worker loader either way gives
    110-190 images/s, ~100x the CPU training step of Table 1's generator. On a GPU, where
    the torch path is nearly free and training may outrun two workers, use
    ``edge_targets="none"`` and ``edges_torch``.

    Bad files never stop an epoch: a file that cannot be decoded, is truncated or is too
    small is skipped, with one :class:`~reference_model.data.BadImageWarning`, and the
    sample is read from another file chosen by ``(seed, i)`` (the same every epoch);
    grayscale, RGBA, palette, CMYK and 16-bit files are converted, with one warning. The
    counts (:attr:`skipped_count`, :attr:`converted_count`) are kept in shared memory,
    so they include what data workers found.

    Call :meth:`set_epoch` (or the sampler's ``set_epoch`` of
    :func:`~reference_model.data.make_torch_loader`, which calls it) before each epoch:
    the epoch too lives in shared memory, so persistent workers see it.

    Args:
        files_or_root: a folder (all images under it, :func:`find_images`) or a list of
            image files (e.g. from :func:`split_files`).
        layout: ``"auto"`` (detected, with a log message saying which and why),
            ``"celeba"``, ``"vggface2"`` or ``"cropped"``.
        augment: training augmentation, or ``None`` (validation and test).
        degradation: ``"progressive-bilinear"`` (the paper) or ``"bicubic"``.
        edge_targets: ``"reference"`` (computed here, in data workers) or ``"none"``.
        canny_thresholds: ``None`` for the paper's adaptive thresholds, or fixed
            ``(low, high)``; the official code uses ``(50, 255)``.
        seed: seed of augmentation and of bad-file replacements.
        min_size: smallest accepted crop side in pixels (smaller files are skipped).

    Attributes:
        files: the image files, in index order.
        layout: the :class:`~reference_model.data.Layout` used.
        layout_reason: why it was chosen ("given" when explicit).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for i in range(2):
        ...         Image.new("RGB", (128, 128), (40 * i, 90, 200)).save(Path(tmp, f"{i}.png"))
        ...     data = FaceDataset(tmp, augment=Augment())
        ...     sample = data[1]
        >>> len(data), data.layout == "cropped", sample["index"]
        (2, True, 1)
        >>> tuple(sample["hr"].shape), tuple(sample["lr"].shape), sample["hr"].dtype
        ((3, 128, 128), (3, 16, 16), torch.float32)
        >>> [tuple(e.shape) for e in sample["edges"]]
        [(1, 32, 32), (1, 64, 64), (1, 128, 128)]
    """

    def __init__(
        self,
        files_or_root: str | Path | Sequence[str | Path],
        layout: str | Layout = "auto",
        augment: Augment | None = None,
        degradation: Degradation = "progressive-bilinear",
        edge_targets: EdgeTargetMode = "reference",
        canny_thresholds: CannyThresholds = None,
        seed: int = 0,
        min_size: int = 32,
    ) -> None:
        if isinstance(files_or_root, (str, Path)):
            self.files = find_images(files_or_root)
        else:
            self.files = [Path(f) for f in files_or_root]
            if not self.files:
                raise ValueError("files_or_root: the list of image files is empty")
        if layout == "auto":
            self.layout, self.layout_reason = _detect(self.files, 64)
        else:
            try:
                self.layout = Layout(layout)
            except ValueError:
                raise ValueError(
                    f"layout must be 'auto', 'celeba', 'vggface2' or 'cropped', got {layout!r}"
                ) from None
            self.layout_reason = "given"
        if augment is not None and not isinstance(augment, Augment):
            raise TypeError(f"augment must be an Augment or None, got {type(augment).__name__}")
        if degradation not in ("progressive-bilinear", "bicubic"):
            raise ValueError(
                f"degradation must be 'progressive-bilinear' or 'bicubic', got {degradation!r}"
            )
        if edge_targets not in ("reference", "none"):
            raise ValueError(f"edge_targets must be 'reference' or 'none', got {edge_targets!r}")
        _canny_kwargs(canny_thresholds)
        if int(seed) < 0:
            raise ValueError(f"seed must be >= 0, got {seed!r}")
        self.augment = augment
        self.degradation: Degradation = degradation
        self.edge_targets: EdgeTargetMode = edge_targets
        self.canny_thresholds = None if canny_thresholds is None else tuple(canny_thresholds)
        self.seed = int(seed)
        self.min_size = int(min_size)
        # Shared memory: data workers write file statuses and read the epoch.
        self._status = torch.zeros(len(self.files), dtype=torch.uint8).share_memory_()
        self._epoch = torch.zeros(1, dtype=torch.int64).share_memory_()

    def __len__(self) -> int:
        """The number of files (samples per epoch)."""
        return len(self.files)

    @property
    def epoch(self) -> int:
        """The epoch whose augmentation :meth:`__getitem__` draws."""
        return int(self._epoch[0])

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch (the augmentation's random choices depend on it).

        Args:
            epoch: >= 0.

        Raises:
            ValueError: a negative epoch.

        Example:
            >>> import tempfile
            >>> from pathlib import Path
            >>> from PIL import Image
            >>> with tempfile.TemporaryDirectory() as tmp:
            ...     Image.new("RGB", (128, 128)).save(Path(tmp, "a.png"))
            ...     data = FaceDataset(tmp, augment=Augment())
            ...     data.set_epoch(4)
            >>> data.epoch
            4
        """
        if int(epoch) < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch!r}")
        self._epoch[0] = int(epoch)

    @property
    def skipped_count(self) -> int:
        """How many distinct files were skipped so far (all processes)."""
        return int((self._status == _SKIPPED).sum())

    @property
    def converted_count(self) -> int:
        """How many distinct files were converted so far (grayscale, RGBA, 16-bit, ...)."""
        return int((self._status == _CONVERTED).sum())

    @property
    def skipped_files(self) -> list[Path]:
        """The files skipped so far."""
        return [self.files[i] for i in torch.nonzero(self._status == _SKIPPED).flatten().tolist()]

    @property
    def converted_files(self) -> list[Path]:
        """The files converted so far."""
        return [self.files[i] for i in torch.nonzero(self._status == _CONVERTED).flatten().tolist()]

    def _read(self, file_index: int) -> np.ndarray | None:
        """The 128x128 uint8 face of one file, or ``None`` for a bad file (counted)."""
        status = int(self._status[file_index])
        if status == _SKIPPED:
            return None
        path = self.files[file_index]
        try:
            face, note = load_face(path, self.layout, HR_SIZE, self.min_size)
        except BadImageError as error:
            self._status[file_index] = _SKIPPED
            if status == 0:
                warnings.warn(f"skipped: {error}", BadImageWarning, stacklevel=3)
            return None
        if status == 0:
            self._status[file_index] = _CONVERTED if note else _OK
            if note:
                warnings.warn(f"converted: {path}: {note}", BadImageWarning, stacklevel=3)
        return face

    def face(self, index: int) -> tuple[np.ndarray, int]:
        """The un-augmented HR face of sample ``index`` and the file it came from.

        Args:
            index: in ``[0, len(self))``.

        Returns:
            ``(face, file_index)``: uint8 :math:`(128, 128, 3)`, and the index of the
            file read (``index`` itself unless that file is bad).

        Raises:
            IndexError: ``index`` out of range.
            RuntimeError: 64 files in a row were bad (the folder is mostly unusable).

        Example:
            >>> import tempfile, warnings
            >>> from pathlib import Path
            >>> from PIL import Image
            >>> with tempfile.TemporaryDirectory() as tmp:
            ...     _ = Path(tmp, "0-broken.png").write_bytes(b"not a PNG")
            ...     Image.new("RGB", (128, 128), (9, 9, 9)).save(Path(tmp, "1-good.png"))
            ...     data = FaceDataset(tmp, layout="cropped")
            ...     with warnings.catch_warnings(record=True) as caught:
            ...         warnings.simplefilter("always")
            ...         face, file_index = data.face(0)
            >>> face.shape, face[0, 0].tolist(), file_index, data.skipped_count, len(caught)
            ((128, 128, 3), [9, 9, 9], 1, 1, 1)
        """
        if not 0 <= index < len(self.files):
            raise IndexError(f"index {index} out of range for {len(self.files)} files")
        file_index = index
        for attempt in range(_MAX_ATTEMPTS):
            face = self._read(file_index)
            if face is not None:
                return face, file_index
            rng = np.random.Generator(np.random.PCG64([self.seed, index, attempt, 0x5EED]))
            file_index = int(rng.integers(len(self.files)))
        raise RuntimeError(
            f"{_MAX_ATTEMPTS} files in a row were unusable while reading sample {index} "
            f"({self.files[index]}); {self.skipped_count} of {len(self.files)} skipped so far"
        )

    def _augmented(self, face: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``face`` flipped, rotated, warped and shifted by the next seven draws of ``rng``."""
        assert self.augment is not None
        flip, angle = self.augment.draw(rng)
        shift = self.augment.draw_shift(rng)
        warp = self.augment.draw_warp(rng)
        return augment_face(face, flip, angle, self.augment.rotate, shift, warp)

    def sample(self, index: int, epoch: int | None = None) -> dict[str, Any]:
        """Sample ``index`` of ``epoch`` as NumPy arrays (both pipelines build on this).

        Args:
            index: in ``[0, len(self))``.
            epoch: the epoch; ``None`` for :attr:`epoch`.

        Returns:
            A dict: ``"hr"`` float32 :math:`(3, 128, 128)` in [0, 1] (multiples of 1/255),
            ``"lr"`` float32 :math:`(3, 16, 16)` in [0, 1], ``"edges"`` (unless
            ``edge_targets="none"``) a list of float32 0/1 maps :math:`(1, 32, 32)`,
            :math:`(1, 64, 64)`, :math:`(1, 128, 128)`, ``"index"`` the sample index and
            ``"file_index"`` the file read.

        Example:
            >>> import tempfile
            >>> from pathlib import Path
            >>> from PIL import Image
            >>> with tempfile.TemporaryDirectory() as tmp:
            ...     Image.new("RGB", (128, 128), (255, 0, 0)).save(Path(tmp, "a.png"))
            ...     sample = FaceDataset(tmp, edge_targets="none").sample(0, epoch=2)
            >>> sorted(sample), sample["hr"].shape, sample["lr"][:, 0, 0].tolist()
            (['file_index', 'hr', 'index', 'lr'], (3, 128, 128), [1.0, 0.0, 0.0])
        """
        epoch = self.epoch if epoch is None else int(epoch)
        face, file_index = self.face(int(index))
        if self.augment is not None:
            rng = sample_rng(self.seed, epoch, int(index))
            face = self._augmented(face, rng)
            partner, weight = self.augment.draw_mixup(rng, len(self.files))
            if partner is not None:
                other = self._augmented(self.face(partner)[0], rng)
                blend = weight * face.astype(np.float32) + (1.0 - weight) * other
                face = np.clip(np.rint(blend), 0, 255).astype(np.uint8)
        hr_hwc = face.astype(np.float32) / np.float32(255.0)
        lr_hwc = degrade(hr_hwc, self.degradation)
        out: dict[str, Any] = {
            "hr": np.ascontiguousarray(hr_hwc.transpose(2, 0, 1)),
            "lr": np.ascontiguousarray(lr_hwc.transpose(2, 0, 1)),
        }
        if self.edge_targets == "reference":
            out["edges"] = edges_numpy(out["hr"], self.canny_thresholds)
        out["index"] = int(index)
        out["file_index"] = file_index
        return out

    def __getitem__(self, index: int) -> dict[str, Any]:
        """Sample ``index`` of the current epoch as torch tensors (see :meth:`sample`)."""
        sample = self.sample(index)
        out: dict[str, Any] = {
            "hr": torch.from_numpy(sample["hr"]),
            "lr": torch.from_numpy(sample["lr"]),
        }
        if "edges" in sample:
            out["edges"] = [torch.from_numpy(e) for e in sample["edges"]]
        out["index"] = sample["index"]
        out["file_index"] = sample["file_index"]
        return out
