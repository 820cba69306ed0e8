"""``python -m reference_model`` is the ``eipnet`` command."""

import sys

from reference_model.cli import main

sys.exit(main())
