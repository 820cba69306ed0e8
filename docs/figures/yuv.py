"""The YUV channels of a face and of its x8 degraded copy, and what the LC loss adds up."""

import matplotlib.pyplot as plt
import numpy as np
from _faces import astronaut_face, degrade, show

import faceloss.reference as ref

face = astronaut_face()
blurred = degrade(face, 8)
yuv_hr, yuv_sr = ref.rgb_to_yuv(face[None])[0], ref.rgb_to_yuv(blurred[None])[0]
squared = (yuv_sr - yuv_hr) ** 2

fig, axes = plt.subplots(2, 4, figsize=(8.5, 4.4))
show(axes[0, 0], face, "HR face")
show(axes[1, 0], blurred, "x8 degraded (prediction)")
for c, name in enumerate("YUV"):
    channel = yuv_hr[..., c]
    spread = np.abs(channel - channel.mean()).max()  # contrast stretched per channel
    show(
        axes[0, c + 1],
        channel,
        f"{name} of the HR face (stretched)",
        cmap="gray",
        vmin=channel.mean() - spread,
        vmax=channel.mean() + spread,
    )
    show(
        axes[1, c + 1],
        squared[..., c],
        f"squared error in {name}: mean {squared[..., c].mean():.1e}",
        cmap="magma",
        vmin=0,
        vmax=np.percentile(squared[..., c], 99.5),
    )
fig.suptitle(
    f"luminance_chrominance_loss = mean of all three error maps = "
    f"{ref.luminance_chrominance_loss(blurred[None], face[None]):.2e}",
    fontsize=9,
)
fig.tight_layout()
