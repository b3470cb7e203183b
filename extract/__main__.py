"""Entry point for `python -m extract`."""

import sys

from .cli import main

sys.exit(main())
