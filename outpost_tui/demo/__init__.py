"""A local, in-memory server that implements the Outpost API on 127.0.0.1.

The dashboard's ``--demo`` mode and the test suite run against it. It never
imports the client or Textual, so it spells every path on its own and a client
mistake shows up as a failing request.
"""

from .config import DemoConfig
from .faults import Faults
from .server import DemoServer
from .state import DemoState

__all__ = ["DemoConfig", "DemoServer", "DemoState", "Faults"]
