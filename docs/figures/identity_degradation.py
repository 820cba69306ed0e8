"""JS identity loss against degradation strength: the same face vs other people."""

import matplotlib.pyplot as plt
import numpy as np
import torch
from _faces import astronaut_face, degrade, lfw_faces

from faceloss.torch import JSIdentityLoss

torch.set_num_threads(1)
loss = JSIdentityLoss(reduction="none")  # dlib's network, T = 0.5, raw, crop="celeba"
gray = astronaut_face().mean(axis=-1, keepdims=True).repeat(3, axis=-1)  # gray, like the others
others = lfw_faces(12)
factors = [2, 4, 8, 16]  # x1 (the face itself) gives exactly 0


def as_torch(images):
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float()


hr = as_torch(gray[None])
with torch.no_grad():
    same = [loss(as_torch(degrade(gray, f)[None]), hr).item() for f in factors]
    other = loss(as_torch(others), hr.expand(len(others), -1, -1, -1)).numpy()

fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(factors, same, "o-", label="same face, degraded (x f down, then up)")
ax.axhspan(
    other.min(),
    other.max(),
    color="tab:red",
    alpha=0.2,
    label=f"{len(others)} other people (LFW subset), min..max",
)
ax.axhline(np.median(other), color="tab:red", linewidth=1, label="other people, median")
ax.set_xscale("log", base=2)
ax.set_xticks(factors, [f"x{f}" for f in factors])
ax.set_yscale("log")
ax.set_xlabel("degradation factor f")
ax.set_ylabel("JS identity loss (nats)")
ax.legend(fontsize=7, loc="lower right")
ax.grid(alpha=0.3)
fig.tight_layout()
