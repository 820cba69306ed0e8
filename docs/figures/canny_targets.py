"""Canny targets at 32, 64 and 128 px, fixed (official code) and adaptive (paper) thresholds."""

import matplotlib.pyplot as plt
from _faces import astronaut_face, show

import faceloss.reference as ref
from faceloss.spec import CANNY_OFFICIAL_THRESHOLDS

face = astronaut_face()[None]
low, high = CANNY_OFFICIAL_THRESHOLDS
rows = {
    f"fixed ({low:g}, {high:g})": ref.edge_targets(face, low=low, high=high),
    "adaptive, k = 1.6": ref.edge_targets(face),
    "adaptive, k = 1.2": ref.edge_targets(face, k=1.2),
}
fig, axes = plt.subplots(3, 4, figsize=(8, 6.2))
for row, (label, targets) in zip(axes, rows.items(), strict=True):
    show(row[0], face[0], label)
    for ax, target in zip(row[1:], targets, strict=True):
        share = target.mean() * 100
        show(ax, target[0, ..., 0], f"{target.shape[1]} px: {share:.1f}% edge pixels", cmap="gray")
fig.tight_layout()
