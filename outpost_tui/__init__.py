"""outpost-tui: a terminal dashboard for the Outpost cloud platform."""

__version__ = "0.1.0"
