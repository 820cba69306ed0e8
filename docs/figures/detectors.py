"""The face box each detector gives FR-PSNR / FR-SSIM on the same face."""

import matplotlib.pyplot as plt
from _faces import astronaut_face, show
from matplotlib.patches import Rectangle

from faceloss.detect import DlibHOGDetector, ExplicitBoxes, SkimageLBPDetector, quantise_uint8

face = astronaut_face()
image = quantise_uint8(face, 1.0)  # what every detector sees: uint8 RGB
detectors = {
    "DlibHOGDetector() (paper, default)": DlibHOGDetector(),
    "SkimageLBPDetector()": SkimageLBPDetector(),
    "ExplicitBoxes((16, 16, 112, 112))": ExplicitBoxes((16, 16, 112, 112)),
}
fig, axes = plt.subplots(1, 4, figsize=(9, 2.6))
for ax, (name, detector) in zip(axes[:3], detectors.items(), strict=True):
    box = detector(image)[0]
    show(ax, face, f"{name}\n{box.bottom - box.top} x {box.right - box.left} px")
    ax.add_patch(
        Rectangle(
            (box.left - 0.5, box.top - 0.5),
            box.right - box.left,
            box.bottom - box.top,
            fill=False,
            edgecolor="yellow",
            linewidth=1.5,
        )
    )
box = DlibHOGDetector()(image)[0]
show(axes[3], face[box.top : box.bottom, box.left : box.right], "the crop FR metrics score (dlib)")
fig.tight_layout()
