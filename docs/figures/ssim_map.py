"""The SSIM map of a face against its x4 and x8 degraded copies ("valid" region)."""

import matplotlib.pyplot as plt
from _faces import astronaut_face, degrade, show

import faceloss.reference as ref
from faceloss.reference.ssim import ssim_map

face = astronaut_face()
fig, axes = plt.subplots(1, 5, figsize=(10, 2.4))
show(axes[0], face, "target (HR)")
for i, factor in enumerate((4, 8)):
    prediction = degrade(face, factor)
    local = ssim_map(prediction[None], face[None], 1.0, "valid")[0].mean(axis=-1)
    value = ref.ssim(prediction[None], face[None])[0]
    show(axes[1 + 2 * i], prediction, f"prediction: x{factor} degraded")
    image = axes[2 + 2 * i].imshow(local, cmap="viridis", vmin=0, vmax=1)
    axes[2 + 2 * i].set_title(f"SSIM map, mean {value:.3f}", fontsize=8)
    axes[2 + 2 * i].set_axis_off()
fig.colorbar(image, ax=axes[-1], fraction=0.046)
fig.tight_layout()
