"""faceloss.tf.js_divergence: graph mode, dtypes and extreme logits."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf

from faceloss.tf import js_divergence


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_finite_value_and_gradient_for_logits_of_1e4(dtype):
    logits_p = tf.constant([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], dtype=dtype)
    logits_q = tf.constant([[-1e4, 1e4, 0.0], [-1e4, -1e4, 1e4]], dtype=dtype)
    with tf.GradientTape() as tape:
        tape.watch([logits_p, logits_q])
        value = js_divergence(logits_p, logits_q)
    grads = tape.gradient(value, [logits_p, logits_q])
    value = tf.cast(value, tf.float64).numpy()
    assert np.isfinite(value).all()
    assert value[0] == pytest.approx(math.log(2), rel=1e-2)
    assert value[1] == 0.0
    assert all(np.isfinite(tf.cast(g, tf.float64).numpy()).all() for g in grads)


def test_works_inside_tf_function_with_unknown_batch():
    @tf.function(input_signature=[tf.TensorSpec((None, 16))] * 2)
    def graph_js(p, q):
        return js_divergence(p, q)

    p, q = tf.random.normal((2, 5, 16), seed=1)
    np.testing.assert_allclose(graph_js(p, q), js_divergence(p, q), rtol=1e-6)


def test_matches_keras_kl_divergence_construction():
    rng = np.random.default_rng(0)
    logits_p, logits_q = 3 * rng.standard_normal((2, 4, 512))
    p, q = tf.nn.softmax(logits_p), tf.nn.softmax(logits_q)
    m = (p + q) / 2
    kl = tf.keras.losses.KLDivergence(reduction=None)
    expected = 0.5 * kl(p, m) + 0.5 * kl(q, m)
    # Keras' KLDivergence clips probabilities to [1e-7, 1]: it is ~1e-5 off the exact value.
    np.testing.assert_allclose(js_divergence(logits_p, logits_q), expected, rtol=2e-5)
