"""Both identity networks describe themselves the same way in both backends: ``input_size``
(what JSIdentityLoss resizes to) and ``embedding_dim`` (the bins the loss softmaxes)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
import torch

import faceloss.tf as fl_tf
import faceloss.torch as fl_torch


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("DlibFaceResNet", {}, ((150, 150), 128)),
        ("InceptionResnetV1", {"normalize": False}, ((160, 160), 512)),
    ],
)
def test_network_declares_its_input_size_and_embedding_dim(name, kwargs, expected):
    torch_net = getattr(fl_torch, name)(**kwargs)
    tf_net = getattr(fl_tf, name)(**kwargs)
    for net in (torch_net, tf_net):
        assert (tuple(net.input_size), net.embedding_dim) == expected, type(net)
    height, width = expected[0]
    with torch.no_grad():
        out_torch = torch_net(torch.full((1, 3, height, width), 0.5))
    out_tf = tf_net(tf.fill((1, height, width, 3), 0.5))
    assert tuple(out_torch.shape) == (1, expected[1])
    assert tuple(np.shape(out_tf)) == (1, expected[1])
