"""FaceNet (InceptionResnetV1): torch vs Keras parity and CPU forward time per face.

Usage (from the repository root)::

    python benchmarks/facenet.py [--facenet-pytorch DIR] [--batch 8] [--repeats 5] [--torch-threads N]

Both networks get the same seeded random weights (tests/parity/networks.py; no checkpoint
is needed or downloaded). Parity is measured on random 160x160 images and on two real faces
from ``../shared/data/celeba_identity`` resized to 160x160. With ``--facenet-pytorch DIR``
(a folder holding ``facenet_pytorch/models/inception_resnet_v1.py``, e.g. the unpacked
facenet-pytorch 2.6.0 wheel: its package pins torch<2.3, so it is read as source, not
installed), facenet-pytorch's own model runs in the same process with the same state dict:
its output is compared with ours and its forward time is the peer row of the table.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402

import faceloss.tf  # noqa: E402
import faceloss.torch  # noqa: E402
from faceloss.weights.convert import torch_to_keras  # noqa: E402
from tests.parity.networks import seeded_state_dict  # noqa: E402


def facenet_pytorch_class(source: Path) -> type:
    """facenet-pytorch's InceptionResnetV1 class, imported from its source folder."""
    package = types.ModuleType("facenet_pytorch")
    package.__path__ = [str(source / "facenet_pytorch")]
    sys.modules["facenet_pytorch"] = package  # skip its __init__ (MTCNN needs torchvision)
    sys.path.insert(0, str(source))
    return importlib.import_module("facenet_pytorch.models.inception_resnet_v1").InceptionResnetV1


def real_faces(shared_data: Path) -> np.ndarray:
    folders = sorted((shared_data / "celeba_identity").glob("id*"))[:2]
    faces = []
    for folder in folders:
        bgr = cv2.imread(str(sorted(folder.glob("*.jpg"))[0]), cv2.IMREAD_COLOR)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        faces.append(cv2.resize(rgb, (160, 160), interpolation=cv2.INTER_LINEAR))
    return np.stack(faces).astype(np.float32) / 255.0


def interleaved_medians(fns: list[Callable[[], object]], repeats: int) -> list[float]:
    """Median seconds per call of each function, timed in turns (one call of each per round)
    so that load from other processes spreads evenly over all of them."""
    for fn in fns:
        fn()  # warm-up (graph tracing, allocator)
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, bucket in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    return [statistics.median(bucket) for bucket in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facenet-pytorch", type=Path, default=None)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--torch-threads", type=int, default=None)
    parser.add_argument("--shared-data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    if args.torch_threads is not None:
        torch.set_num_threads(args.torch_threads)

    ours = faceloss.torch.InceptionResnetV1(normalize=False)
    state_dict = seeded_state_dict(ours, seed=2024)
    ours.load_state_dict(state_dict)
    keras_net = torch_to_keras(state_dict, faceloss.tf.InceptionResnetV1(normalize=False))
    peer = None
    if args.facenet_pytorch is not None:
        peer = facenet_pytorch_class(args.facenet_pytorch)().eval()  # classify=False
        peer.load_state_dict(state_dict, strict=True)

    inputs = {
        "random 160x160": np.random.default_rng(0).random((2, 160, 160, 3), dtype=np.float32),
        "real faces 160x160": real_faces(args.shared_data),
    }
    print(
        "| input | output | max abs diff Keras vs torch | max |value| |"
        + (" max abs diff facenet-pytorch vs ours |" if peer else "")
    )
    print("|---|---|---|---|" + ("---|" if peer else ""))
    for label, images in inputs.items():
        nchw = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
        with torch.no_grad():
            raw = ours(nchw).numpy()
            peer_embedding = peer((nchw * 255.0 - 127.5) / 128.0).numpy() if peer else None
        raw_keras = keras_net(tf.constant(images)).numpy()
        embedding = raw / np.linalg.norm(raw, axis=1, keepdims=True)
        keras_net.normalize = True
        embedding_keras = keras_net(tf.constant(images)).numpy()
        keras_net.normalize = False
        rows = [
            ("raw last_bn", raw, raw_keras, None),
            ("L2-normalised", embedding, embedding_keras, peer_embedding),
        ]
        for name, a, b, c in rows:
            cell = (
                f" {np.abs(c - a).max():.2e} |"
                if peer and c is not None
                else (" - |" if peer else "")
            )
            print(f"| {label} | {name} | {np.abs(a - b).max():.2e} | {np.abs(a).max():.3g} |{cell}")

    batch = np.random.default_rng(1).random((args.batch, 160, 160, 3), dtype=np.float32)
    nchw = torch.from_numpy(batch).permute(0, 3, 1, 2).contiguous()
    keras_batch = tf.constant(batch)
    keras_call = tf.function(lambda x: keras_net(x, training=False))

    def torch_forward() -> object:
        with torch.no_grad():
            return ours(nchw)

    def torch_forward_backward() -> object:
        image = nchw.clone().requires_grad_()
        ours(image).sum().backward()
        return image.grad

    def keras_forward() -> object:
        return keras_call(keras_batch).numpy()

    keras_grad = tf.function(lambda x: tf.gradients(tf.reduce_sum(keras_net(x)), x)[0])

    def keras_forward_backward() -> object:
        return keras_grad(keras_batch).numpy()

    rows = [
        ("faceloss.torch.InceptionResnetV1", "forward", torch_forward),
        ("faceloss.torch.InceptionResnetV1", "forward+backward to input", torch_forward_backward),
        ("faceloss.tf.InceptionResnetV1 (tf.function)", "forward", keras_forward),
        (
            "faceloss.tf.InceptionResnetV1 (tf.function)",
            "forward+backward to input",
            keras_forward_backward,
        ),
    ]
    if peer is not None:
        standardized = (nchw * 255.0 - 127.5) / 128.0

        def peer_forward() -> object:
            with torch.no_grad():
                return peer(standardized)

        rows.insert(0, ("facenet-pytorch 2.6.0 InceptionResnetV1 (peer)", "forward", peer_forward))
    load_before = os.getloadavg()[0]
    medians = interleaved_medians([fn for _, _, fn in rows], args.repeats)
    measured = [
        (name, what, 1e3 * seconds / args.batch)
        for (name, what, _), seconds in zip(rows, medians, strict=True)
    ]
    print(
        f"\nCPU, batch {args.batch}, 160x160, torch threads {torch.get_num_threads()}, "
        f"median of {args.repeats} interleaved rounds; 1-minute load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print("| implementation | pass | ms per face | vs torch forward |")
    print("|---|---|---|---|")
    reference = next(
        ms for name, what, ms in measured if name.startswith("faceloss.torch") and what == "forward"
    )
    for name, what, ms in measured:
        print(f"| {name} | {what} | {ms:.1f} | {ms / reference:.2f}x |")


if __name__ == "__main__":
    main()
