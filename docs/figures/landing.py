"""Landing page: a face, its x8 input, its Canny edge targets at three scales, its face box."""

import matplotlib.pyplot as plt
from _faces import astronaut_face, degrade, show
from matplotlib.patches import Rectangle

import faceloss.reference as ref
from faceloss.detect import DlibHOGDetector, quantise_uint8

face = astronaut_face()
targets = ref.edge_targets(face[None])  # adaptive Canny at 32, 64, 128 px
box = DlibHOGDetector()(quantise_uint8(face, 1.0))[0]

fig, axes = plt.subplots(2, 3, figsize=(5.6, 4.1))
axes = axes.ravel()
show(axes[0], face, "HR face, 128 px")
show(axes[1], degrade(face, 8), "x8 input (16 px), upscaled")
for ax, target in zip(axes[2:5], targets, strict=True):
    show(ax, target[0, ..., 0], f"Canny target, {target.shape[1]} px", cmap="gray")
show(axes[5], face, "face region (dlib HOG)")
axes[5].add_patch(
    Rectangle(
        (box.left - 0.5, box.top - 0.5),
        box.right - box.left,
        box.bottom - box.top,
        fill=False,
        edgecolor="yellow",
        linewidth=1.5,
    )
)
fig.tight_layout()
