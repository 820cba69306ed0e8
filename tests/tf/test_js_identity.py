"""faceloss.tf.JSIdentityLoss / js_identity_loss: behaviour, freezing, errors, serialization."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from faceloss.spec import LN2
from faceloss.tf import DlibFaceResNet, JSIdentityLoss, crop_resize, js_identity_loss


@pytest.fixture(scope="module")
def net() -> DlibFaceResNet:
    return DlibFaceResNet()


def test_is_zero_for_identical_faces(net: DlibFaceResNet) -> None:
    face = tf.random.uniform((2, 128, 128, 3))
    assert float(JSIdentityLoss(net)(face, face)) == 0.0


def test_per_face_values_lie_in_zero_ln2(net: DlibFaceResNet) -> None:
    values = JSIdentityLoss(net, reduction=None)(
        tf.random.uniform((3, 64, 64, 3), seed=1), tf.random.uniform((3, 64, 64, 3), seed=2)
    )
    assert values.shape == (3,)
    assert bool(tf.reduce_all((values > 0) & (values <= LN2)))


def test_keras_loss_equals_function_with_arguments_swapped_by_keyword(
    net: DlibFaceResNet,
) -> None:
    y_true = tf.random.uniform((2, 96, 96, 3), seed=3)
    y_pred = tf.random.uniform((2, 96, 96, 3), seed=4)
    expected = js_identity_loss(prediction=y_pred, target=y_true, network=net)
    np.testing.assert_allclose(float(JSIdentityLoss(net)(y_true, y_pred)), float(expected))


def test_gradient_reaches_prediction_not_target_nor_network(net: DlibFaceResNet) -> None:
    loss = JSIdentityLoss(net)
    sr = tf.Variable(tf.random.uniform((2, 128, 128, 3), seed=5))
    hr = tf.Variable(tf.random.uniform((2, 128, 128, 3), seed=6))
    with tf.GradientTape() as tape:
        value = loss(hr, sr)
    grads = tape.gradient(value, [sr, hr, *net.weights])
    assert grads[0] is not None and bool(tf.reduce_all(tf.math.is_finite(grads[0])))
    assert grads[1] is None
    assert not net.trainable and net.trainable_weights == []


def test_makes_a_trainable_network_frozen() -> None:
    net = DlibFaceResNet(pretrained=False, trainable=True)
    JSIdentityLoss(net)
    assert net.trainable_weights == []


def test_serialization_round_trip(net: DlibFaceResNet) -> None:
    loss = JSIdentityLoss(temperature=0.25, embedding="normalized", crop=None, reduction="sum")
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert (restored.temperature, restored.embedding, restored.crop) == (0.25, "normalized", None)
    a = tf.random.uniform((2, 64, 64, 3), seed=7)
    b = tf.random.uniform((2, 64, 64, 3), seed=8)
    np.testing.assert_allclose(float(restored(a, b)), float(loss(a, b)), rtol=1e-6)


def test_serialization_round_trip_with_a_network_layer() -> None:
    loss = JSIdentityLoss(DlibFaceResNet(name="dlib_custom"), crop=(0.1, 0.1, 0.8, 0.8))
    restored = JSIdentityLoss.from_config(loss.get_config())
    assert isinstance(restored.network, DlibFaceResNet)
    assert restored.network.name == "dlib_custom" and restored.crop == (0.1, 0.1, 0.8, 0.8)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_is_finite_and_close(net: DlibFaceResNet, policy: str) -> None:
    low = DlibFaceResNet(dtype=policy)
    loss = JSIdentityLoss(low, reduction=None)
    a = tf.random.uniform((1, 64, 64, 3), seed=9)
    b = tf.random.uniform((1, 64, 64, 3), seed=10)
    with tf.GradientTape() as tape:
        tape.watch(a)
        value = loss(b, a)
    grad = tape.gradient(value, a)
    assert bool(tf.reduce_all(tf.math.is_finite(value))) and bool(
        tf.reduce_all(tf.math.is_finite(grad))
    )
    full = JSIdentityLoss(net, reduction=None)(b, a)
    np.testing.assert_allclose(value.numpy(), full.numpy(), rtol=0.5, atol=1e-3)


def test_resize_without_crop_matches_torch_antialias() -> None:
    torch = pytest.importorskip("torch", reason="needs the torch extra for the comparison")
    image = np.random.default_rng(0).random((1, 128, 100, 3))
    got = crop_resize(tf.constant(image), (150, 60), crop=None).numpy()
    expected = torch.nn.functional.interpolate(
        torch.from_numpy(image).permute(0, 3, 1, 2), (150, 60), mode="bilinear", antialias=True
    )
    np.testing.assert_allclose(got, expected.permute(0, 2, 3, 1).numpy(), atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"temperature": -1.0}, ValueError, "temperature must be finite and > 0"),
        ({"embedding": "l2"}, ValueError, "embedding must be one of 'raw', 'normalized'"),
        ({"network": "vgg"}, ValueError, "network must be one of 'dlib'"),
        ({"network": 3}, TypeError, "network must be 'dlib', a Keras layer or a callable"),
        ({"crop": (0.5, 0.5, 0.6, 0.2)}, ValueError, "crop must be a .* box of fractions"),
    ],
)
def test_constructor_raises_on_bad_arguments(
    net: DlibFaceResNet, kwargs: dict, error: type, match: str
) -> None:
    kwargs.setdefault("network", net)
    with pytest.raises(error, match=match):
        JSIdentityLoss(**kwargs)


def test_raises_if_network_size_is_unknown() -> None:
    with pytest.raises(ValueError, match="has no input_size attribute: pass input_size"):
        JSIdentityLoss(keras.layers.Flatten())


def test_raises_on_shape_mismatch(net: DlibFaceResNet) -> None:
    with pytest.raises(ValueError, match="prediction and target must have the same shape"):
        js_identity_loss(tf.zeros((1, 64, 64, 3)), tf.zeros((1, 64, 32, 3)), net)


def test_trains_a_keras_model_with_fit_without_touching_the_network(net: DlibFaceResNet) -> None:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(3, 3, padding="same")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=JSIdentityLoss(net, crop=None))
    frozen = [w.numpy().copy() for w in net.weights[:2]]
    before = [w.numpy().copy() for w in model.weights]
    x = np.random.default_rng(0).random((4, 32, 32, 3)).astype(np.float32)
    history = model.fit(x, x, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert any(not np.array_equal(b, w.numpy()) for b, w in zip(before, model.weights, strict=True))
    for f, w in zip(frozen, net.weights[:2], strict=True):
        np.testing.assert_array_equal(f, w.numpy())


@pytest.mark.slow
def test_works_with_facenet_inception_resnet_v1() -> None:
    from faceloss.tf import InceptionResnetV1

    keras.utils.set_random_seed(0)
    facenet = InceptionResnetV1(normalize=False, trainable=True)
    loss = JSIdentityLoss(facenet, crop=None, reduction=None)
    assert loss.input_size == (160, 160) and facenet.trainable_weights == []
    sr = tf.random.uniform((1, 128, 128, 3), seed=11)
    hr = tf.random.uniform((1, 128, 128, 3), seed=12)
    with tf.GradientTape() as tape:
        tape.watch(sr)
        values = loss(hr, sr)
    grad = tape.gradient(values, sr)
    assert values.shape == (1,) and bool(tf.reduce_all((values > 0) & (values <= LN2)))
    assert bool(tf.reduce_all(tf.math.is_finite(grad)))
    assert float(tf.reduce_max(loss(hr, hr))) == 0.0
