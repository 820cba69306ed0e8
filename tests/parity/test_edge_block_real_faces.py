"""EdgeBlock on real face photographs: torch and TF with copied weights vs the reference."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.parity.tolerances import assert_close, window_tolerances


def load_faces(folder, count: int = 4) -> np.ndarray:
    paths = sorted((folder / "celeba_fsrnet1000" / "HR").iterdir())[:count]
    images = [cv2.cvtColor(cv2.imread(str(p)), cv2.COLOR_BGR2RGB) for p in paths]
    return np.stack(images).astype(np.float64) / 255.0


@pytest.mark.parametrize(("pool_size", "side"), [(5, 32), (7, 64), (10, 128)])
def test_edge_block_on_faces_matches_reference_at_the_paper_scales(shared_data, pool_size, side):
    import tensorflow as tf
    import torch

    import faceloss.tf
    import faceloss.torch
    from faceloss.reference import edge_block
    from faceloss.weights import copy_edge_block_weights

    faces = load_faces(shared_data)
    faces = np.stack([cv2.resize(f, (side, side), interpolation=cv2.INTER_AREA) for f in faces])
    features = faces.astype(np.float32)
    torch_block = faceloss.torch.EdgeBlock(3, pool_size)
    keras_block = faceloss.tf.EdgeBlock(pool_size)
    copy_edge_block_weights(torch_block, keras_block)
    expected = edge_block(
        features, keras_block.conv.kernel.numpy(), keras_block.conv.bias.numpy(), pool_size
    )
    out_tf = [o.numpy() for o in keras_block(tf.constant(features))]
    with torch.no_grad():
        x = torch.from_numpy(features).permute(0, 3, 1, 2)
        out_torch = [o.permute(0, 2, 3, 1).numpy() for o in torch_block(x)]
    table = window_tolerances(features, keras_block.conv.kernel.numpy(), pool_size)
    for i in range(2):
        assert_close(out_tf[i], expected[i], np.float32, f"keras EdgeBlock on faces ({i})", table)
        assert_close(
            out_torch[i], expected[i], np.float32, f"torch EdgeBlock on faces ({i})", table
        )
    # Faces have edges: the high-frequency part is far from zero, and cancels on average.
    difference = expected[0][..., 3:]
    assert np.abs(difference).mean() > 1e-3
    assert abs(difference.mean()) < 0.1 * np.abs(difference).mean()
