"""faceloss: the EIPNet paper's face super-resolution losses, layers and metrics.

Drop-in parts for PyTorch and TensorFlow/Keras models, with one NumPy reference
that defines what every backend computes:

* :mod:`faceloss.reference` -- NumPy float64 implementations (the executable spec);
* :mod:`faceloss.torch` -- PyTorch functions and ``nn.Module`` classes (NCHW);
* :mod:`faceloss.tf` -- TensorFlow functions and Keras 3 layers/losses (NHWC);
* :mod:`faceloss.spec` -- the constants all of them share.

``import faceloss`` imports neither torch nor TensorFlow; import the backend you use.

>>> import faceloss
>>> faceloss.spec.YUV_FROM_RGB.shape
(3, 3)
"""

from faceloss import spec
from faceloss._config import set_value_checks, value_checks_enabled

__version__ = "0.1.0"

__all__ = ["__version__", "set_value_checks", "spec", "value_checks_enabled"]
