"""The EdgeBlock decomposition on a real face: F, avgpool(F), D = F - avgpool(F), edge map."""

import matplotlib.pyplot as plt
import numpy as np
from _faces import astronaut_face, show

import faceloss.reference as ref
from faceloss.spec import LUMA_FROM_RGB

features = astronaut_face()[None]  # F: the face itself as a 3-channel feature map
weight = np.asarray(LUMA_FROM_RGB).reshape(1, 1, 3, 1)  # a 1x1 conv that sums D with luma weights
pooled = ref.avg_pool_same(features, 10)  # s = 10, the x8 stage
concat, edge = ref.edge_block(features, weight, None, pool_size=10)
_, edge_relu = ref.edge_block(features, weight, None, pool_size=10, relu=True)
high = concat[0, ..., 3:]  # D: the last C channels of the output

fig, axes = plt.subplots(1, 5, figsize=(10, 2.3))
show(axes[0], features[0], "F")
show(axes[1], pooled[0], r"$S = \mathrm{avgpool}_{10}(F)$")
show(axes[2], np.clip(high * 2 + 0.5, 0, 1), r"$D = F - S$ (x2, +0.5)")
lim = np.abs(edge).max()
show(axes[3], edge[0, ..., 0], r"edge $E = w^\top D$", cmap="RdBu_r", vmin=-lim, vmax=lim)
show(axes[4], edge_relu[0, ..., 0], r"$E$ with relu=True", cmap="gray")
fig.tight_layout()
