"""EIPNet (Kim et al., Neurocomputing 2021) built on faceloss: the library's canonical user.

Networks (:func:`build_generator`, :func:`build_discriminator`) in PyTorch and Keras,
weights as safetensors readable by both (:func:`save_weights`, :func:`load_weights`,
:func:`copy_weights`, :func:`recast_weights`), the paper's data pipeline
(:mod:`reference_model.data`), training, evaluation and the ``eipnet`` command.

>>> from reference_model import build_generator
>>> build_generator("torch").architecture.parameter_count()
11915654
"""

from reference_model.networks import (
    DiscriminatorArchitecture,
    GeneratorArchitecture,
    build_discriminator,
    build_generator,
)
from reference_model.weights import (
    copy_weights,
    load_weights,
    read_weights,
    recast_weights,
    save_weights,
)

__version__ = "0.1.0"

__all__ = [
    "DiscriminatorArchitecture",
    "GeneratorArchitecture",
    "__version__",
    "build_discriminator",
    "build_generator",
    "copy_weights",
    "load_weights",
    "read_weights",
    "recast_weights",
    "save_weights",
]
