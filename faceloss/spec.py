"""Constants shared by every backend: the single place where numbers live.

Each constant cites its source. Backends import them from here; nothing is
re-typed in a backend module.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "DLIB_HOG_ADJUST_THRESHOLD",
    "DLIB_HOG_UPSAMPLE",
    "LBP_MIN_NEIGHBOR_NUMBER",
    "LBP_MIN_SIZE",
    "LBP_SCALE_FACTOR",
    "LBP_STEP_RATIO",
    "LN2",
    "LUMA_FROM_RGB",
    "METRIC_CHANNELS",
    "REDUCTIONS",
    "SSIM_K1",
    "SSIM_K2",
    "SSIM_PADDINGS",
    "SSIM_SIGMA",
    "SSIM_WINDOW_SIZE",
    "TAR_DISTANCES",
    "VIF_EPS",
    "VIF_MIN_SIZE",
    "VIF_SCALES",
    "VIF_SIGMA_N_SQ",
    "YUV_FROM_RGB",
]

YUV_FROM_RGB: np.ndarray = np.array(
    [
        [0.299, 0.587, 0.114],
        [-0.14713, -0.28886, 0.436],
        [0.615, -0.51499, -0.10001],
    ],
    dtype=np.float64,
)
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
YUV_FROM_RGB.setflags(write=False)

LN2: float = math.log(2.0)
"""Natural log of 2: the upper bound of the Jensen-Shannon divergence in nats."""

REDUCTIONS: tuple[str, ...] = ("mean", "sum", "none")
"""The ``reduction`` values the torch and NumPy losses accept."""


# --- EdgeBlock and edge loss (issue 3) -------------------------------------------------------

EDGE_POOL_SIZES: tuple[int, ...] = (5, 7, 10)
"""Average-pooling kernel sizes s of the three edge blocks, at the x2, x4 and x8 stages
(paper section 3.1: "We set the kernel size to be (5, 7, 10)"; Table 1's edge blocks 1-3)."""

EDGE_BLOCK_RELU: bool = False
"""Default of ``EdgeBlock(relu=...)``: the paper (Fig. 3) subtracts without an activation;
the authors' official code applies a ReLU to the difference ``F - avgpool(F)``."""

__all__ += ["EDGE_BLOCK_RELU", "EDGE_POOL_SIZES"]
# ---------------------------------------------------------------------------------------------
# FaceNet: InceptionResnetV1 (paper section 3.2, "InceptionV1 pretrained on VGGFace2")
# ---------------------------------------------------------------------------------------------
# Source for every number below: facenet-pytorch (timesler/facenet-pytorch,
# models/inception_resnet_v1.py, releases v2.2.9 to v2.6.0), the PyTorch port of David
# Sandberg's TensorFlow FaceNet (davidsandberg/facenet, src/models/inception_resnet_v1.py).

FACENET_INPUT_SIZE: tuple[int, int] = (160, 160)
"""``(height, width)`` of the face crops the VGGFace2 FaceNet weights were trained on.

facenet-pytorch's MTCNN detector cuts its face crops at this size (``image_size=160`` by default).
"""

FACENET_MIN_INPUT_SIZE: int = 75
"""Smallest input side InceptionResnetV1 accepts.

The stride-2 3x3 convolutions and max-pools without padding (``conv2d_1a``,
``maxpool_3a``, ``conv2d_4b``, ``mixed_6a``, ``mixed_7a``) and the two unpadded 3x3
convolutions (``conv2d_2a``, ``conv2d_4a``) shrink a side ``s`` to ``(s - 3) // 2 + 1``
and ``s - 2``; 75 is the smallest side that leaves a 1x1 map before the global pool.
"""

FACENET_EMBEDDING_DIM: int = 512
"""Length of the FaceNet embedding (the paper's "512 bins"): ``last_linear`` 1792 -> 512."""

FACENET_FEATURE_DIM: int = 1792
"""Channels of the last Inception-ResNet block (``block8``), the input of ``last_linear``."""

FACENET_VGGFACE2_CLASSES: int = 8631
"""Identities of the VGGFace2 training set: the size of the checkpoint's ``logits`` layer."""

FACENET_BN_EPS: float = 1e-3
"""Batch-norm epsilon of every FaceNet batch norm (facenet-pytorch: "value found in tensorflow")."""

FACENET_BN_MOMENTUM: float = 0.1
"""torch batch-norm momentum of facenet-pytorch (the torch default); Keras' equivalent is 0.9."""

FACENET_DROPOUT_PROB: float = 0.6
"""Dropout probability before ``last_linear`` (facenet-pytorch's default; inactive in eval)."""

FACENET_BLOCK_SCALES: tuple[float, float, float, float] = (0.17, 0.10, 0.20, 1.0)
"""Residual scales of Block35 (``repeat_1``), Block17 (``repeat_2``), Block8 (``repeat_3``)
and of the final Block8 (``block8``, no ReLU)."""

FACENET_BLOCK_REPEATS: tuple[int, int, int] = (5, 10, 5)
"""How many Block35, Block17 and Block8 blocks ``repeat_1``, ``repeat_2``, ``repeat_3`` hold."""

FACENET_PIXEL_SCALE: float = 255.0
"""Factor from [0, 1] images to the 0..255 pixels FaceNet's standardisation is written for."""

FACENET_PIXEL_MEAN: float = 127.5
"""Offset of FaceNet's fixed image standardisation (on 0..255 pixels)."""

FACENET_PIXEL_STD: float = 128.0
"""Divisor of FaceNet's fixed image standardisation: ``(255 * x - 127.5) / 128`` for ``x`` in [0, 1].

facenet-pytorch's ``fixed_image_standardization`` on 0..255 pixels, the preprocessing the
VGGFace2 model 20180402-114759 was trained with (davidsandberg/facenet's
``--use_fixed_image_standardization``; faustomorales/keras-facenet's metadata for that model
records ``fixed_image_standardization: True``). It maps [0, 1] to [-0.99609375, 0.99609375].
"""

FACENET_L2_EPS: float = 1e-12
"""Lower bound of the norm in the L2 normalisation (``torch.nn.functional.normalize``'s default)."""

FACENET_VGGFACE2_SHA256: str = "281cebca8662831adb987a874bdcb36e73f5b1c6dc5ee5878f305e985625d99b"
"""SHA-256 of facenet-pytorch's public ``20180402-114759-vggface2.pt`` (111,898,327 bytes).

Not computed by faceloss (nothing here downloads): it is the value that several independent
public projects pin for the file published as the v2.2.9 release asset of
timesler/facenet-pytorch. Check your copy with ``sha256sum 20180402-114759-vggface2.pt``;
:func:`faceloss.weights.facenet.load_facenet_state_dict` compares it when given.
"""

__all__ += [
    "FACENET_BLOCK_REPEATS",
    "FACENET_BLOCK_SCALES",
    "FACENET_BN_EPS",
    "FACENET_BN_MOMENTUM",
    "FACENET_DROPOUT_PROB",
    "FACENET_EMBEDDING_DIM",
    "FACENET_FEATURE_DIM",
    "FACENET_INPUT_SIZE",
    "FACENET_L2_EPS",
    "FACENET_MIN_INPUT_SIZE",
    "FACENET_PIXEL_MEAN",
    "FACENET_PIXEL_SCALE",
    "FACENET_PIXEL_STD",
    "FACENET_VGGFACE2_CLASSES",
    "FACENET_VGGFACE2_SHA256",
]

# ---------------------------------------------------------------------------
# Identity networks and the Jensen-Shannon identity loss (section 3.2)
# ---------------------------------------------------------------------------

__all__ += [
    "CELEBA_DLIB_FACE_BOX",
    "DLIB_FACE_RESNET_BLOCKS",
    "DLIB_FACE_RESNET_FILE",
    "DLIB_FACE_RESNET_INPUT_SIZE",
    "DLIB_FACE_RESNET_PACKAGE",
    "DLIB_FACE_RESNET_SCALE",
    "DLIB_FACE_RESNET_SHA256",
    "DLIB_SAME_PERSON_THRESHOLD",
    "JS_IDENTITY_EMBEDDING",
    "JS_IDENTITY_EMBEDDINGS",
    "JS_IDENTITY_TEMPERATURE",
]

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

DLIB_FACE_RESNET_EMBEDDING_DIM: int = 128
"""Length of dlib's face descriptor (its last layer, ``fc`` 256 -> 128)."""

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
"""What ``JSIdentityLoss`` softmaxes: the network's raw embedding or its L2-normalised form."""

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
# ---------------------------------------------------------------------------
# Full-image metrics: PSNR, SSIM, VIF (paper section 4.3)
# ---------------------------------------------------------------------------

METRIC_CHANNELS: tuple[int, ...] = (1, 3)
"""Channel counts the full-image metrics accept: grayscale (1) or RGB (3).

Prediction and target must have the same count (a grayscale/RGB mix is an error,
never a silent broadcast). ``y_channel=True`` needs RGB.
"""

LUMA_FROM_RGB: np.ndarray = YUV_FROM_RGB[0].copy()
"""BT.601 luma weights ``[0.299, 0.587, 0.114]`` (row Y of eq. 7) used by ``y_channel=True``.

The same weights as piq's ``vif_p`` luminance, ``cv2.COLOR_RGB2GRAY`` and the Y of
``tf.image.rgb_to_yuv``. No offset and no 16..235 rescaling (unlike MATLAB's
``rgb2ycbcr``): Y stays in ``[0, data_range]``.
"""
LUMA_FROM_RGB.setflags(write=False)

SSIM_WINDOW_SIZE: int = 11
"""SSIM Gaussian window side, 11 (Wang et al. 2004; paper section 4.3; skimage ``win_size``
with ``gaussian_weights=True``: ``2 * int(3.5 * sigma + 0.5) + 1 = 11``)."""

SSIM_SIGMA: float = 1.5
"""SSIM Gaussian window standard deviation in pixels (Wang et al. 2004; paper section 4.3)."""

SSIM_K1: float = 0.01
"""SSIM luminance stabiliser: ``C1 = (K1 * data_range) ** 2`` (Wang et al. 2004)."""

SSIM_K2: float = 0.03
"""SSIM contrast/structure stabiliser: ``C2 = (K2 * data_range) ** 2`` (Wang et al. 2004)."""

SSIM_PADDINGS: tuple[str, ...] = ("valid", "same")
"""SSIM border handling; ``"valid"`` (default) is skimage's and ``tf.image.ssim``'s.

* ``"valid"``: the SSIM map exists only where the 11x11 window fits inside the
  image ((H - 10) x (W - 10) values); its mean is the SSIM. Equals skimage
  ``structural_similarity(gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False)``, ``tf.image.ssim``, piq ``ssim(downsample=False)``,
  pytorch_msssim and kornia ``ssim(padding="valid")``.
* ``"same"``: the image is reflect-padded by 5 pixels (``d c b | a b c d``, NumPy/torch/TF
  ``"reflect"``) and the H x W map is averaged. Equals kornia's default
  ``ssim(padding="same")`` and torchmetrics' ``structural_similarity_index_measure``;
  1e-3 to 3e-2 from "valid" at 128 px (2.8e-2 on x8 bicubic-upsampled faces),
  more on smaller images.
"""

VIF_SIGMA_N_SQ: float = 2.0
"""VIF visual-noise variance, on the 0..255 pixel scale (Sheikh & Bovik 2006, MATLAB
``vifvec``/``vifp_mscale``; piq ``vif_p`` default). Inputs are rescaled to 0..255
first, so VIF does not depend on ``data_range``."""

VIF_EPS: float = 1e-8
"""VIF numerical floor for variances and the final ratio (piq ``vif_p``'s ``EPS``;
MATLAB's ``vifp_mscale`` uses 1e-10 and no floor in the ratio)."""

VIF_SCALES: int = 4
"""Number of VIF scales; scale s uses a Gaussian window of side ``2 ** (4 - s) + 1``
(17, 9, 5, 3) with sigma ``side / 5`` (MATLAB ``vifp_mscale``, piq ``vif_p``)."""

VIF_MIN_SIZE: int = 41
"""Smallest image side for four-scale VIF: the last scale's 3x3 window must fit (piq's limit)."""

# --- Face detectors and face-region metrics (faceloss.detect, FR-PSNR/FR-SSIM, TAR) ---

DLIB_HOG_UPSAMPLE: int = 1
"""Upsampling steps of :class:`faceloss.detect.DlibHOGDetector`: ``face_recognition``'s
default (``face_locations(..., number_of_times_to_upsample=1)``), the paper's detector [22]."""

DLIB_HOG_ADJUST_THRESHOLD: float = 0.0
"""dlib's ``adjust_threshold`` for the HOG detector: 0, dlib's and ``face_recognition``'s."""

LBP_SCALE_FACTOR: float = 1.1
"""Window growth per scale of :class:`faceloss.detect.SkimageLBPDetector` (tuned on the aligned
faces of ``shared/data``, ``benchmarks/detectors.py``)."""

LBP_STEP_RATIO: float = 1.0
"""Search step ratio of the LBP detector (1: exhaustive; scikit-image's example uses 1)."""

LBP_MIN_SIZE: int = 48
"""Smallest window side of the LBP detector in pixels (tuned for 128x128 aligned faces, whose
faces are ~90 px wide: 48 finds a face in 95.4% of the 1,000 CelebA and 90% of the 50 Helen
faces with no detections on noise or flat images, ~3.5x faster than 32 (97.6% / 94%);
lower it for small faces in larger photos)."""

LBP_MIN_NEIGHBOR_NUMBER: int = 1
"""Raw detections needed to keep a face in the LBP detector (tuned, see ``LBP_SCALE_FACTOR``)."""

TAR_DISTANCES: tuple[str, ...] = ("euclidean", "squared_l2")
"""Distances of the TAR metric (eq. 12): Euclidean for the face recognition algorithm
(``face_recognition``, thresholds 0.5/0.6 in Table 7), squared L2 for the network
(FaceNet, thresholds 0.02/0.04)."""
# --- Canny edge targets (paper section 3.1, eqs. 1-2) -------------------------------------------

CANNY_K: float = 1.6
"""Default ``k`` of the adaptive high threshold ``T_h = m + k * sigma`` (eq. 1).

The paper gives ``k in (1.2, 1.6)`` and says it set k to 1.6 for ``T_h``."""

CANNY_LOW_RATIO: float = 0.5
"""Default ratio ``T_l / T_h`` of the adaptive thresholds (eq. 2: ``T_l = T_h / 2``)."""

CANNY_OFFICIAL_THRESHOLDS: tuple[float, float] = (50.0, 255.0)
"""Fixed ``(low, high)`` thresholds of the official EIPNet code (``cv2.Canny(gray, 50, 255)``)."""

CANNY_PAPER_THRESHOLDS: tuple[float, float] = (100.0, 255.0)
"""Fixed ``(low, high)`` thresholds quoted in the paper's section 3.1 ("100 and 255")."""

GRAY_FROM_RGB_Q16: tuple[int, int, int] = (19596, 38470, 7470)
"""Fixed-point RGB -> gray weights of ``cv2.cvtColor(rgb_uint8, cv2.COLOR_RGB2GRAY)``.

``gray = (19596 R + 38470 G + 7470 B + 32768) >> 16`` on uint8 values, the rule of
opencv-python-headless 5.0 (weights sum to ``2**16``; BT.601 luma ``0.299, 0.587, 0.114``
rounded to 16 bits). OpenCV 4.x used ``(4899 R + 9617 G + 1868 B + 8192) >> 14``, which
differs by one gray level on ~0.3% of pixels. The tests check this rule against the
installed OpenCV."""

GRAY_SHIFT: int = 16
"""Number of fractional bits of :data:`GRAY_FROM_RGB_Q16`."""

CANNY_TG22_Q15: int = 13573
"""``round(tan(22.5 deg) * 2**15)``: the fixed-point tangent of OpenCV's Canny
non-maximum suppression (``modules/imgproc/src/canny.cpp``, ``TG22``)."""

CANNY_L2_THRESHOLD_CLAMP: float = 32767.0
"""With ``L2gradient=True`` OpenCV clamps each threshold to this value before squaring it."""

__all__ += [
    "CANNY_K",
    "CANNY_L2_THRESHOLD_CLAMP",
    "CANNY_LOW_RATIO",
    "CANNY_OFFICIAL_THRESHOLDS",
    "CANNY_PAPER_THRESHOLDS",
    "CANNY_TG22_Q15",
    "GRAY_FROM_RGB_Q16",
    "GRAY_SHIFT",
]

__all__ += ["DLIB_FACE_RESNET_EMBEDDING_DIM"]

# --- Edge targets (issue 3; moved here by the backend review) -------------------------------

EDGE_TARGET_SCALES: tuple[int, ...] = (4, 2, 1)
"""Default downscale factors of ``edge_targets``: the three edge blocks of Table 1 sit after
the x2, x4 and x8 transposed convolutions of a 16x16 input, i.e. at 1/4, 1/2 and 1 of the
128x128 HR size, so their Canny targets are the HR image downscaled by 4, 2 and 1."""

__all__ += ["EDGE_TARGET_SCALES"]

# --- dlib face ResNet default input mean (moved here by the backend review) -----------------

DLIB_FACE_RESNET_MEAN_RGB: tuple[float, float, float] = (122.782, 117.001, 104.298)
"""The RGB mean (0..255) ``DlibFaceResNet`` (torch and Keras) subtracts before its weights are loaded:
the defaults of dlib's ``input_rgb_image`` (``dlib/dnn/input.h``: ``avg_red(122.782),
avg_green(117.001), avg_blue(104.298)``); loading the model file overwrites it with the
file's exact values."""

__all__ += ["DLIB_FACE_RESNET_MEAN_RGB"]
