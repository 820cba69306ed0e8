"""Constants shared by every backend: the single place where numbers live.

Each constant cites its source. Backends import them from here; nothing is
re-typed in a backend module.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["LN2", "REDUCTIONS", "YUV_FROM_RGB"]

YUV_FROM_RGB: np.ndarray = np.array(
    [
        [0.299, 0.587, 0.114],
        [-0.14713, -0.28886, 0.436],
        [0.615, -0.51499, -0.10001],
    ],
    dtype=np.float64,
)
YUV_FROM_RGB.setflags(write=False)
"""The analog BT.601 RGB -> YUV matrix of the paper's eq. 7 (rows Y, U, V; columns R, G, B).

``yuv = YUV_FROM_RGB @ rgb`` for an RGB column vector with values in [0, 1];
Y is then in [0, 1], U in [-0.436, 0.436], V in [-0.615, 0.615].

How the peers compare (measured with TensorFlow 2.21 and kornia 0.9):

* ``tf.image.rgb_to_yuv`` uses the same analog BT.601 transform with U and V
  written out to 8 digits from ``U = 0.492 (B - Y)``, ``V = 0.877 (R - Y)``
  (e.g. ``[-0.14714119, -0.28886916, 0.43601035]``): it agrees with eq. 7 to
  2.5e-5 per coefficient, not bit for bit.
* ``kornia.color.rgb_to_yuv`` rounds the U and V rows to three decimals
  (``[-0.147, -0.289, 0.436]``, ``[0.615, -0.515, -0.100]``): up to 1.4e-4 off
  eq. 7 per coefficient, so its U/V differ from ours by up to ~1.5e-4.
* All three share the luma row ``[0.299, 0.587, 0.114]`` (BT.601), which is
  also what ``cv2.COLOR_RGB2GRAY`` approximates in fixed point.

The array is read-only; copy it to modify.
"""

LN2: float = math.log(2.0)
"""Natural log of 2: the upper bound of the Jensen-Shannon divergence in nats."""

REDUCTIONS: tuple[str, ...] = ("mean", "sum", "none")
"""The ``reduction`` values the torch and NumPy losses accept."""

# ---------------------------------------------------------------------------
# Identity networks and the Jensen-Shannon identity loss (section 3.2)
# ---------------------------------------------------------------------------

DLIB_FACE_RESNET_PACKAGE: str = "face_recognition_models"
"""The PyPI package that ships dlib's public-domain face-recognition ResNet weights."""

DLIB_FACE_RESNET_FILE: str = "dlib_face_recognition_resnet_model_v1.dat"
"""The weights file inside that package (``face_recognition_models/models/``; 22,466,066 bytes)."""

DLIB_FACE_RESNET_SHA256: str = "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
"""sha256 of that file as shipped by ``face_recognition_models`` 0.3.0 (measured with ``sha256sum``)."""

DLIB_FACE_RESNET_BLOCKS: tuple[tuple[int, int], ...] = (
    (32, 1), (32, 1), (32, 1),
    (64, 2), (64, 1), (64, 1), (64, 1),
    (128, 2), (128, 1), (128, 1),
    (256, 2), (256, 1), (256, 1),
    (256, 2),
)  # fmt: skip
"""The residual blocks of dlib's face ResNet as ``(channels, stride)``, from the input upwards.

From ``anet_type`` in dlib's ``examples/dnn_face_recognition_ex.cpp`` (levels 4..0:
3x32; 64 down + 3; 128 down + 2; 256 down + 2; 256 down). A stride-2 block's first
3x3 convolution has no padding and its shortcut is a 2x2/2 average pool.
"""

DLIB_FACE_RESNET_INPUT_SIZE: tuple[int, int] = (150, 150)
"""The face chip size ``(height, width)`` the dlib network takes (``input_rgb_image_sized<150>``)."""

DLIB_FACE_RESNET_SCALE: float = 256.0
"""dlib's input normalisation divides ``rgb - mean`` (0..255 scale) by 256, not 255."""

DLIB_SAME_PERSON_THRESHOLD: float = 0.6
"""Euclidean descriptor distance below which dlib calls two faces the same person
(stored in the model file; dlib's ``dnn_face_recognition_ex.cpp`` and ``face_recognition``)."""

CELEBA_DLIB_FACE_BOX: tuple[float, float, float, float] = (0.1353, 0.1225, 0.7727, 0.7727)
"""Where dlib's face chip lies in a CelebA-aligned face crop: ``(top, left, height, width)``
as fractions of the image side.

Measured with dlib's HOG detector, 5-point predictor and ``get_face_chip_details(shape,
150, 0.25)`` on the 625 of 657 ``celeba_identity`` faces (FSRNet's 128x128 CelebA
crops) where a face was found: mean box top 17.32, left 15.68, side 98.91 px of 128
(std 3.5, 4.5, 7.7 px; mean rotation -0.02 rad). Cropping this box before resizing
to 150x150 puts the face where the dlib network expects it: TAR at 0.6 rises from
73.4% to 79.0% and FAR falls from 6.4% to 0.90% against resizing the whole crop
(``benchmarks/README.md``, "Identity").
"""

JS_IDENTITY_EMBEDDINGS: tuple[str, ...] = ("raw", "normalized")
"""What :class:`JSIdentityLoss` softmaxes: the network's raw embedding or its L2-normalised form."""

JS_IDENTITY_EMBEDDING: str = "raw"
"""Default embedding of the JS identity loss: the raw dlib descriptor.

Measured on all 429,848 triples (face, the face x8 box-downscaled and bilinearly
upscaled, a different person's face) of ``celeba_identity`` with the dlib network
and the :data:`CELEBA_DLIB_FACE_BOX` crop: loss(face, degraded) < loss(face, other)
for 97.7% of triples with ``"raw"`` at temperature 0.5, 97.2% with ``"normalized"``;
``"raw"`` is ahead at every temperature from 0.2 up (``benchmarks/README.md``).
"""

JS_IDENTITY_TEMPERATURE: float = 0.5
"""Default softmax temperature of the JS identity loss (logits = embedding / temperature).

Separation rate on the triples above (raw dlib descriptor): 97.8% at T=1, 97.7% at
0.5, 97.0% at 0.2, 91.3% at 0.1, 72.0% at 0.05: low temperatures saturate the
softmax of the 128 bins and the loss stops ranking identities. 0.5 keeps the
separation at its plateau with mean loss values 1.4e-3 (same face, degraded) and
2.7e-3 (different people), 4x those at T=1 (3.5e-4 and 6.7e-4).
"""
