"""Run the dashboard with ``python -m outpost_tui``."""

import sys

from .cli import main

sys.exit(main())
