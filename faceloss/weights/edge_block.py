"""Copy an EdgeBlock's weights between PyTorch and Keras.

Both classes keep their 1x1 convolution in an attribute/sublayer named ``conv``; only the
kernel layout differs (torch ``(1, C, 1, 1)``, Keras ``(1, 1, C, 1)``). The bias is
``(1,)`` in both.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from faceloss import _validation as v
from faceloss.weights.layout import conv_kernel_keras_to_torch, conv_kernel_torch_to_keras


def _is_instance(obj: object, module: str) -> bool:
    # A faceloss EdgeBlock's module is imported once the object exists, so no import here.
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(obj, loaded.EdgeBlock)


def _check_config(source: Any, destination: Any) -> None:
    for attribute in ("pool_size", "relu"):
        a, b = getattr(source, attribute), getattr(destination, attribute)
        if a != b:
            raise ValueError(
                f"source and destination EdgeBlocks differ in {attribute} ({a!r} vs {b!r}), so "
                "their outputs would differ after the copy; pass strict=False to copy anyway"
            )


def _check_channels(source_shape: tuple[int, ...], destination_shape: tuple[int, ...]) -> None:
    if tuple(source_shape) != tuple(destination_shape):
        raise ValueError(
            "source and destination EdgeBlocks have different channel counts: the source's 1x1 "
            f"kernel has shape {tuple(source_shape)}, the destination's {tuple(destination_shape)} "
            "(after the layout change)"
        )


def _torch_to_keras(source: Any, destination: Any) -> None:
    weight = source.conv.weight.detach().cpu().numpy()
    bias = source.conv.bias.detach().cpu().numpy()
    kernel = conv_kernel_torch_to_keras(weight)
    if not destination.built:
        destination.build((None, None, None, kernel.shape[2]))
    _check_channels(kernel.shape, tuple(destination.conv.kernel.shape))
    destination.conv.kernel.assign(kernel.astype(destination.conv.kernel.dtype))
    destination.conv.bias.assign(bias.astype(destination.conv.bias.dtype))


def _keras_to_torch(source: Any, destination: Any) -> None:
    import torch

    if not source.built:
        raise ValueError(
            "the source Keras EdgeBlock has no weights yet (it infers its channel count when "
            "built): call it on an input or build it first"
        )
    kernel = np.asarray(source.conv.kernel.numpy())
    bias = np.asarray(source.conv.bias.numpy())
    weight = conv_kernel_keras_to_torch(kernel)
    _check_channels(weight.shape, tuple(destination.conv.weight.shape))
    with torch.no_grad():
        destination.conv.weight.copy_(torch.from_numpy(weight))
        destination.conv.bias.copy_(torch.from_numpy(bias))


def copy_edge_block_weights(source: Any, destination: Any, strict: bool = True) -> None:
    """Copy the 1x1 convolution of one EdgeBlock into an EdgeBlock of the other backend.

    Works both ways: :class:`faceloss.torch.EdgeBlock` -> :class:`faceloss.tf.EdgeBlock`
    and back. The kernel is reordered (torch ``(out, in, kh, kw)`` <-> Keras
    ``(kh, kw, in, out)``) and cast to the destination's dtype and device. An unbuilt
    Keras destination is built for the source's channel count; a Keras source must be
    built. Afterwards both blocks compute the same outputs (up to layout and dtype).

    Args:
        source: the EdgeBlock to read.
        destination: the EdgeBlock of the other backend to overwrite in place.
        strict: also require equal ``pool_size`` and ``relu`` (default); ``False``
            copies the convolution regardless.

    Raises:
        TypeError: the pair is not one torch and one Keras faceloss EdgeBlock, or
            ``strict`` is not a bool.
        ValueError: the channel counts differ, ``pool_size``/``relu`` differ (with
            ``strict``), or a Keras source is not built.

    Example:
        >>> import numpy as np
        >>> import tensorflow as tf
        >>> import torch
        >>> import faceloss.tf
        >>> import faceloss.torch
        >>> torch_block = faceloss.torch.EdgeBlock(8, pool_size=10)
        >>> keras_block = faceloss.tf.EdgeBlock(pool_size=10)
        >>> copy_edge_block_weights(torch_block, keras_block)
        >>> x = np.random.default_rng(0).random((2, 16, 16, 8), dtype=np.float32)
        >>> _, edge_tf = keras_block(tf.constant(x))
        >>> _, edge_torch = torch_block(torch.from_numpy(x).permute(0, 3, 1, 2))
        >>> diff = edge_tf.numpy() - edge_torch.detach().permute(0, 2, 3, 1).numpy()
        >>> bool(np.abs(diff).max() < 1e-5)
        True
    """
    v.check_bool("strict", strict)
    torch_module, tf_module = "faceloss.torch.edge_block", "faceloss.tf.edge_block"
    if _is_instance(source, torch_module) and _is_instance(destination, tf_module):
        copy = _torch_to_keras
    elif _is_instance(source, tf_module) and _is_instance(destination, torch_module):
        copy = _keras_to_torch
    else:
        raise TypeError(
            "copy_edge_block_weights copies between one faceloss.torch.EdgeBlock and one "
            f"faceloss.tf.EdgeBlock, got {type(source).__module__}.{type(source).__name__} -> "
            f"{type(destination).__module__}.{type(destination).__name__}"
        )
    if strict:
        _check_config(source, destination)
    copy(source, destination)
