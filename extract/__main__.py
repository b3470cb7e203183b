"""Entry point for `python -m extract`."""

import os
import sys

from .cli import INTERRUPTED, main

code = main()
if code == INTERRUPTED:
    # The run has stopped its workers and said so; leave now, before interpreter shutdown
    # lets the process pool's feeder thread print a traceback about the pipes it lost.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
