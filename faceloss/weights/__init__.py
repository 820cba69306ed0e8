"""Checkpoint loading and torch <-> Keras weight conversion.

Importing this package imports neither torch nor TensorFlow; the copy functions use
the backends of the objects they are given.

>>> import numpy as np
>>> from faceloss.weights import conv_kernel_torch_to_keras
>>> conv_kernel_torch_to_keras(np.zeros((8, 3, 3, 3))).shape
(3, 3, 3, 8)
"""

from faceloss.weights.edge_block import copy_edge_block_weights
from faceloss.weights.layout import conv_kernel_keras_to_torch, conv_kernel_torch_to_keras

__all__ = ["conv_kernel_keras_to_torch", "conv_kernel_torch_to_keras", "copy_edge_block_weights"]
