"""EIPNet (Kim et al., Neurocomputing 2021) built on faceloss: the library's canonical user.

Networks (:func:`build_generator`, :func:`build_discriminator`) in PyTorch and Keras,
weights as safetensors readable by both, the paper's data pipeline, training,
evaluation and the ``eipnet`` command.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
