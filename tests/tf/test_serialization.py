"""Every registered faceloss Keras class round-trips through its config with non-default arguments.

The case table must name every class registered under the ``faceloss`` package, so a
new class without a case fails here instead of being skipped; classes that cannot
round-trip with some argument (a custom detector or a plain-callable network) assert
the documented error.
"""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf

import faceloss.tf  # noqa: F401  (registers every class)
from faceloss.detect import SkimageLBPDetector
from faceloss.tf import (
    FRPSNR,
    FRSSIM,
    PSNR,
    SSIM,
    TAR,
    VIF,
    Canny,
    DlibFaceResNet,
    EdgeBlock,
    EdgeLoss,
    EdgeTargets,
    InceptionResnetV1,
    JSIdentityLoss,
    LuminanceChrominanceLoss,
)
from faceloss.tf.dlib_face_resnet import Affine, ResidualBlock


def _images(shape, seed, scale=1.0):
    return tf.constant(np.random.default_rng(seed).random(shape) * scale)


def _pair(shape=(2, 16, 16, 3), scale=1.0):
    return _images(shape, 0, scale), _images(shape, 1, scale)


def _loss_outputs(loss):
    return loss(*_pair())


def _edge_loss_outputs(loss):
    edges = [_images((2, 8 * s, 8 * s, 1), s) for s in (1, 2, 4)]
    targets = [_images((2, 8 * s, 8 * s, 1), 10 + s) for s in (1, 2, 4)]
    return loss(targets, edges)


def _metric_outputs(metric, scale=1.0):
    y_true, y_pred = _pair((2, 48, 48, 3), scale)
    metric.update_state(y_true, y_pred)
    return metric.result()


def _face_region_outputs(metric):
    y_true, y_pred = _pair((2, 20, 20, 3), 255.0)
    metric.update_state(y_true, y_pred, boxes=[(0, 0, 20, 20), (2, 3, 18, 17)])
    return metric.compute().value


def _tar_outputs(metric):
    metric.update_state(_images((4, 8), 0), _images((4, 8), 1))
    return metric.result()


def _canny_outputs(layer):
    edges = layer(_images((2, 16, 16, 3), 2))
    return np.concatenate([np.ravel(e) for e in tf.nest.flatten(edges)])


def _edge_block_outputs(block, restored):
    features = _images((2, 8, 8, 4), 3)
    block(features)
    restored(features)
    restored.set_weights(block.get_weights())
    return block(features), restored(features)


# (class, non-default arguments, outputs(obj) or None when outputs need weights).
CASES = {
    "Affine": (Affine, {"name": "affine"}, None),
    "ResidualBlock": (ResidualBlock, {"channels": 8, "stride": 2, "name": "block"}, None),
    "DlibFaceResNet": (DlibFaceResNet, {"pretrained": False, "trainable": True}, None),
    "InceptionResnetV1": (
        InceptionResnetV1,
        {
            "classify": True,
            "num_classes": 7,
            "dropout_prob": 0.3,
            "trainable": True,
            "name": "irv1",
            "dtype": "float64",
        },
        None,
    ),
    "Canny": (
        Canny,
        {"low": 30.0, "high": 90.0, "l2_gradient": True, "name": "c", "dtype": "float64"},
        _canny_outputs,
    ),
    "EdgeTargets": (
        EdgeTargets,
        {"scales": (2, 1), "k": 2.0, "low_ratio": 0.4, "l2_gradient": True, "name": "t"},
        _canny_outputs,
    ),
    "EdgeBlock": (EdgeBlock, {"pool_size": 3, "relu": True, "name": "eb"}, None),
    "EdgeLoss": (
        EdgeLoss,
        {"weights": (0.5, 0.3, 0.2), "reduction": "sum", "name": "el", "dtype": "float64"},
        _edge_loss_outputs,
    ),
    "LuminanceChrominanceLoss": (
        LuminanceChrominanceLoss,
        {"reduction": "sum", "name": "lc", "dtype": "float64"},
        _loss_outputs,
    ),
    "JSIdentityLoss": (
        JSIdentityLoss,
        {
            "network": DlibFaceResNet(pretrained=False),
            "temperature": 0.25,
            "embedding": "normalized",
            "crop": None,
            "input_size": (150, 150),
            "reduction": "sum",
            "name": "jsid",
            "dtype": "float64",
        },
        None,
    ),
    "PSNR": (
        PSNR,
        {"data_range": 255.0, "y_channel": True, "name": "p", "dtype": "float64"},
        lambda m: _metric_outputs(m, 255.0),
    ),
    "SSIM": (
        SSIM,
        {
            "data_range": 255.0,
            "y_channel": True,
            "padding": "same",
            "name": "s",
            "dtype": "float64",
        },
        lambda m: _metric_outputs(m, 255.0),
    ),
    "VIF": (
        VIF,
        {"data_range": 255.0, "y_channel": True, "name": "v", "dtype": "float64"},
        lambda m: _metric_outputs(m, 255.0),
    ),
    "TAR": (
        TAR,
        {"thresholds": (0.5, 1.5), "distance": "squared_l2", "name": "tr", "dtype": "float64"},
        _tar_outputs,
    ),
    "FRPSNR": (
        FRPSNR,
        {
            "data_range": 255.0,
            "detector": SkimageLBPDetector(min_size=32),
            "y_channel": True,
            "name": "frp",
            "dtype": "float64",
        },
        _face_region_outputs,
    ),
    "FRSSIM": (
        FRSSIM,
        {
            "data_range": 255.0,
            "detector": SkimageLBPDetector(min_size=32),
            "y_channel": True,
            "padding": "same",
            "name": "frs",
            "dtype": "float64",
        },
        _face_region_outputs,
    ),
}

REGISTERED = sorted(
    key.split(">", 1)[1] for key in keras.saving.get_custom_objects() if key.startswith("faceloss>")
)
# Arguments whose config form is another object's serialization, checked by the round trip.
NESTED = {"network", "detector"}


def test_every_registered_class_has_a_case():
    assert sorted(CASES) == REGISTERED


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize("name", REGISTERED)
def test_config_holds_every_argument_and_round_trips(name):
    cls, kwargs, outputs = CASES[name]
    obj = cls(**kwargs)
    config = obj.get_config()
    # faceloss' own __init__ arguments (Affine keeps Keras' Layer.__init__).
    own = cls.__init__.__module__.startswith("faceloss")
    signature = inspect.signature(cls.__init__).parameters.values() if own else []
    explicit = [p.name for p in signature if p.name != "self" and p.kind is not p.VAR_KEYWORD]
    missing = [p for p in explicit if p not in config]
    assert not missing, f"{name}.get_config() misses {missing}"
    for key, value in kwargs.items():
        if key in NESTED or isinstance(config[key], dict):  # a Layer's dtype is a policy
            continue
        assert config[key] == _plain(value), f"{name}: config[{key!r}] = {config[key]!r}"
    restored = cls.from_config(config)
    assert type(restored) is cls
    assert restored.get_config() == config
    serialized = keras.saving.serialize_keras_object(obj)
    assert serialized["registered_name"] == f"faceloss>{name}"
    assert keras.saving.deserialize_keras_object(serialized).get_config() == config
    if outputs is not None:
        np.testing.assert_array_equal(
            np.asarray(outputs(restored)), np.asarray(outputs(cls(**kwargs)))
        )


def test_edge_block_round_trip_gives_the_same_outputs_with_the_same_weights():
    block = EdgeBlock(pool_size=3, relu=True)
    restored = EdgeBlock.from_config(block.get_config())
    (concat, edge), (concat_r, edge_r) = _edge_block_outputs(block, restored)
    np.testing.assert_array_equal(concat_r.numpy(), concat.numpy())
    np.testing.assert_array_equal(edge_r.numpy(), edge.numpy())


def test_js_identity_loss_with_a_plain_callable_network_refuses_get_config():
    loss = JSIdentityLoss(network=lambda x: tf.reduce_mean(x, axis=(1, 2)), input_size=8)
    with pytest.raises(TypeError, match="cannot serialize a JSIdentityLoss"):
        loss.get_config()


@pytest.mark.parametrize("cls", [FRPSNR, FRSSIM])
def test_face_region_metric_with_a_custom_detector_refuses_get_config(cls):
    with pytest.raises(TypeError, match="only faceloss' own detectors"):
        cls(detector=lambda image: []).get_config()
