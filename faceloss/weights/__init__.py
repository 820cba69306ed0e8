"""Checkpoint readers and torch <-> Keras weight conversion for the identity networks.

Nothing here downloads anything: weights come from installed packages or user paths.

* :mod:`faceloss.weights.dlib` -- dlib's face-recognition ResNet v1 (NumPy reader).
"""
