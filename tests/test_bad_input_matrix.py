"""The bad-input matrix: public functions and classes, both backends, every kind of bad input.

Each cell feeds one bad argument (everything else valid) and asserts the exception type
and that the message names the argument. Kinds: rank, channels, layout, integer dtype,
range, NaN, Inf, empty batch, too small, mismatched shapes, None, nested lists, strings.
A kind that does not apply to an argument is not a cell: layers and conversions of any
real values (EdgeBlock, avg_pool_same, rgb_to_yuv, downscale_x2) have no value range and
no NaN check (NaN propagates; the losses and metrics after them check); TF takes nested
lists (converted like NumPy arrays); a TF EdgeBlock builds for the channels it first sees;
float16/bfloat16 and mixed float dtypes are valid (docs/conventions.rst, half precision).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

S = 32  # image side: above SSIM's 11x11 window and the 3x3 Sobel aperture
BACKENDS = ("torch", "tf")


class Raw:
    """An array handed to the backend in its own axis order (the wrong layout on purpose)."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array


def tensor(backend: str, value: Any) -> Any:
    """A NumPy NHWC batch as the backend's tensor in its layout; other values unchanged."""
    if isinstance(value, Raw):
        value, layout = value.array, False
    else:
        layout = True
    if not isinstance(value, np.ndarray):
        return value
    if backend == "torch":
        import torch

        t = torch.from_numpy(np.ascontiguousarray(value))
        return t.permute(0, 3, 1, 2).contiguous() if layout and value.ndim == 4 else t
    import tensorflow as tf

    return tf.constant(value)


def _peak(x: np.ndarray, value: float) -> np.ndarray:
    return np.where(x == x.max(), np.float32(value), x)


KINDS: dict[str, tuple[Callable[[np.ndarray, str], Any], type[Exception]]] = {
    "rank": (lambda x, b: x[0], ValueError),
    "channels": (lambda x, b: x[..., :2], ValueError),
    "layout": (
        lambda x, b: Raw(np.ascontiguousarray(x if b == "torch" else x.transpose(0, 3, 1, 2))),
        ValueError,
    ),
    "int dtype": (lambda x, b: (x * 255).astype(np.uint8), TypeError),
    "range": (lambda x, b: _peak(x, 1.0000001), ValueError),
    "nan": (lambda x, b: _peak(x, np.nan), ValueError),
    "inf": (lambda x, b: _peak(x, np.inf), ValueError),
    "empty": (lambda x, b: x[:0], ValueError),
    "tiny": (lambda x, b: x[:, :1, :1], ValueError),
    "mismatched": (lambda x, b: x[:, :-2], ValueError),
    "none": (lambda x, b: None, TypeError),
    "list": (lambda x, b: x.tolist(), TypeError),
    "string": (lambda x, b: "face.png", TypeError),
}
PAIR_ONLY = {"mismatched"}
TF_VALID = {"list"}  # TF converts nested lists of numbers like NumPy arrays
ANY_REAL = {"range", "nan", "inf"}  # layers and conversions: any real values
TF_NOT_APPLICABLE = {"EdgeBlock": {"channels", "layout"}}  # built for the first input


def module(backend: str) -> Any:
    return __import__(f"faceloss.{backend}", fromlist=["psnr"])


def dlib(backend: str) -> Any:
    return module(backend).DlibFaceResNet(pretrained=False)


def js_identity(backend: str, prediction: Any, target: Any) -> Any:
    loss = module(backend).JSIdentityLoss(network=dlib(backend))
    return loss(prediction, target) if backend == "torch" else loss(target, prediction)


def edge_block_layer(backend: str, features: Any) -> Any:
    m = module(backend)
    return m.EdgeBlock(3, 5)(features) if backend == "torch" else m.EdgeBlock(5)(features)


BOXES = [(0, 0, 20, 20)] * 2
# name -> (call(backend, *tensors), argument names, side, kinds that do not apply)
PAIRS: dict[str, tuple[Callable[..., Any], int, set[str]]] = {
    "psnr": (lambda b, p, t: module(b).psnr(p, t), S, {"tiny"}),
    "ssim": (lambda b, p, t: module(b).ssim(p, t), S, set()),
    "vif": (lambda b, p, t: module(b).vif(p, t), 48, set()),
    "fr_psnr": (lambda b, p, t: module(b).fr_psnr(p, t, boxes=BOXES), S, {"tiny"}),
    "fr_ssim": (lambda b, p, t: module(b).fr_ssim(p, t, boxes=BOXES), S, set()),
    "PSNR.update": (lambda b, p, t: module(b).PSNR().update(p, t), S, {"tiny"}),
    "SSIM.update": (lambda b, p, t: module(b).SSIM().update(p, t), S, set()),
    "VIF.update": (lambda b, p, t: module(b).VIF().update(p, t), 48, set()),
    "luminance_chrominance_loss": (
        lambda b, p, t: module(b).luminance_chrominance_loss(p, t),
        S,
        {"tiny", "range"},
    ),
    "JSIdentityLoss": (js_identity, S, {"tiny"}),
}
SINGLES: dict[str, tuple[Callable[..., Any], str, int, set[str]]] = {
    "rgb_to_yuv": (lambda b, x: module(b).rgb_to_yuv(x), "image", S, {"tiny"} | ANY_REAL),
    "canny": (lambda b, x: module(b).canny(x, 50.0, 150.0), "image", S, set()),
    "adaptive_thresholds": (lambda b, x: module(b).adaptive_thresholds(x), "image", S, set()),
    "edge_targets": (lambda b, x: module(b).edge_targets(x), "hr", S, set()),
    "downscale_x2": (
        lambda b, x: module(b).downscale_x2(x),
        "image",
        S,
        {"channels", "layout"} | ANY_REAL,
    ),
    "avg_pool_same": (
        lambda b, x: module(b).avg_pool_same(x, 5),
        "features",
        S,
        {"channels", "layout", "tiny"} | ANY_REAL,
    ),
    "Canny": (lambda b, x: module(b).Canny(50.0, 150.0)(x), "image", S, set()),
    "EdgeTargets": (lambda b, x: module(b).EdgeTargets()(x), "hr", S, set()),
    "EdgeBlock": (edge_block_layer, "features", S, {"tiny"} | ANY_REAL),
    "DlibFaceResNet": (lambda b, x: dlib(b)(x), "image", 150, {"tiny"}),
}


def _cells() -> list[Any]:
    cells = []
    for backend in BACKENDS:
        skip_backend = TF_VALID if backend == "tf" else set()
        for name, (_, _side, skip) in PAIRS.items():
            for argument in ("prediction", "target"):
                for kind in KINDS:
                    if kind not in skip | skip_backend:
                        cells.append(
                            pytest.param(
                                backend,
                                name,
                                argument,
                                kind,
                                id=f"{backend}-{name}-{argument}-{kind}",
                            )
                        )
        for name, (_, argument, _side, skip) in SINGLES.items():
            for kind in KINDS:
                tf_skip = TF_NOT_APPLICABLE.get(name, set()) if backend == "tf" else set()
                if kind not in skip | skip_backend | PAIR_ONLY | tf_skip:
                    cells.append(
                        pytest.param(
                            backend, name, argument, kind, id=f"{backend}-{name}-{argument}-{kind}"
                        )
                    )
    return cells


def _image(side: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((2, side, side, 3)).astype(np.float32)


@pytest.mark.parametrize(("backend", "name", "argument", "kind"), _cells())
def test_bad_input_fails_early_naming_the_argument(backend, name, argument, kind):
    make_bad, error = KINDS[kind]
    if name in PAIRS:
        call, side, _ = PAIRS[name]
        args = {"prediction": _image(side), "target": _image(side, 1)}
    else:
        call, _, side, _ = SINGLES[name]
        args = {argument: _image(side)}
    args[argument] = make_bad(args[argument], backend)
    with pytest.raises(error) as caught:
        call(backend, *(tensor(backend, a) for a in args.values()))
    message = str(caught.value)
    assert argument in message, f"{name}({argument}: {kind}): the message misses it: {message}"


# --- the other kinds of issue 11, section 6 --------------------------------------------------


def test_a_range_error_prints_enough_digits_and_says_how_to_fix_it():
    import torch

    from faceloss.torch import psnr

    image = torch.full((1, 3, 8, 8), 0.5)
    over = image.clone()
    over[0, 0, 0, 0] = 1.0000001
    with pytest.raises(ValueError) as caught:
        psnr(over, image)
    message = str(caught.value)
    assert "found values in [0.5, 1.00000012]" in message, message
    assert "clamp" in message and "faceloss.set_value_checks(False)" in message


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
@pytest.mark.parametrize("layer", ["EdgeBlock", "DlibFaceResNet"])
def test_torch_layers_name_the_input_and_both_dtypes(layer, dtype):
    import torch

    m = module("torch")
    net = m.EdgeBlock(3, 5) if layer == "EdgeBlock" else m.DlibFaceResNet(pretrained=False)
    name = "features" if layer == "EdgeBlock" else "image"
    side = 16 if layer == "EdgeBlock" else 150
    x = torch.rand(1, 3, side, side, dtype=getattr(torch, dtype))
    with pytest.raises(
        TypeError, match=rf"{name} must have {layer}'s dtype float32 .* got {dtype}"
    ):
        net(x)


def test_torch_layers_follow_autocast():
    import torch

    block = module("torch").EdgeBlock(3, 5)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        output, edge = block(torch.rand(1, 3, 16, 16, dtype=torch.bfloat16))
    assert edge.dtype == torch.bfloat16 and output.shape == (1, 6, 16, 16)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("metric", ["psnr", "ssim", "vif"])
def test_metrics_accept_float32_with_float64_alike(backend, metric):
    prediction, target = _image(48), _image(48, 1)
    fn = getattr(module(backend), metric)
    mixed = fn(tensor(backend, prediction), tensor(backend, target.astype(np.float64)))
    assert "float64" in str(mixed.dtype)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("boxes", "error", "fragment"),
    [
        ([(0, 0, float("nan"), 20)] * 2, ValueError, r"boxes\[0\] entries must be finite"),
        ([(0, 0, float("inf"), 20)] * 2, ValueError, r"boxes\[0\] entries must be finite"),
        ([(0, 0, "20", 20)] * 2, TypeError, r"boxes\[0\] entries must be real numbers"),
        ([(0, 0, 20, 20, float("nan"))] * 2, ValueError, r"boxes\[0\] entries must be finite"),
    ],
)
def test_fr_metrics_name_bad_boxes(backend, boxes, error, fragment):
    image = tensor(backend, _image(S))
    with pytest.raises(error, match=fragment):
        module(backend).fr_psnr(image, image, boxes=boxes)


def test_explicit_boxes_name_a_bad_box():
    from faceloss.detect import ExplicitBoxes

    with pytest.raises(ValueError, match=r"boxes\[1\] entries must be finite"):
        ExplicitBoxes([(0, 0, 4, 4), (0, 0, float("nan"), 4)])


@pytest.mark.parametrize("backend", BACKENDS)
def test_tar_names_string_thresholds(backend):
    m = module(backend)
    embeddings = tensor(backend, np.zeros((2, 4), np.float32))
    with pytest.raises(TypeError, match=r"thresholds must be a sequence of numbers, got \['a'\]"):
        m.tar(embeddings, embeddings, thresholds=["a"])
    with pytest.raises(TypeError, match="thresholds must be a sequence of numbers"):
        m.TAR(["a"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_js_identity_loss_names_a_bad_crop(backend):
    with pytest.raises(TypeError, match=r"crop must be 'celeba', None or .* numbers"):
        module(backend).JSIdentityLoss(network=dlib(backend), crop=("a", 0, 0.5, 0.5))


def test_tf_edge_block_clamps_a_huge_pool_size_instead_of_allocating_it():
    import tensorflow as tf

    block = module("tf").EdgeBlock(10**6)
    output, edge = block(tf.random.uniform((1, 8, 8, 3)))
    assert output.shape == (1, 8, 8, 6) and edge.shape == (1, 8, 8, 1)
