"""The EIPNet data pipeline (paper sections 4.1-4.2): faces, splits, augmentation, LR, edges.

Find images (:func:`find_images`), split them (:func:`split_files`), read them for a
folder layout (:class:`Layout`, :func:`detect_layout`), augment (:class:`Augment`),
degrade to the LR input (:func:`degrade`) and make edge targets (:func:`edges_numpy`,
:func:`edges_torch`), as a torch dataset (:class:`FaceDataset`,
:func:`make_torch_loader`) or a ``tf.data`` pipeline with the same samples
(:func:`make_tf_dataset`).

Example:
    >>> from reference_model.data import Augment, degrade
    >>> Augment().hflip
    0.5
"""

from .augment import Augment, augment_face, sample_rng, warp_face
from .dataset import FaceDataset
from .degrade import degrade
from .edges import edges_numpy, edges_torch
from .files import IMAGE_EXTENSIONS, find_images
from .image_io import BadImageError, BadImageWarning, read_rgb
from .layout import Layout, crop_box, detect_layout, load_face
from .loader import EpochSampler, make_torch_loader
from .split import split_files, split_of
from .tf_data import epoch_order, make_tf_dataset

__all__ = [
    "IMAGE_EXTENSIONS",
    "Augment",
    "BadImageError",
    "BadImageWarning",
    "EpochSampler",
    "FaceDataset",
    "Layout",
    "augment_face",
    "crop_box",
    "degrade",
    "detect_layout",
    "edges_numpy",
    "edges_torch",
    "epoch_order",
    "find_images",
    "load_face",
    "make_tf_dataset",
    "make_torch_loader",
    "read_rgb",
    "sample_rng",
    "split_files",
    "split_of",
    "warp_face",
]
