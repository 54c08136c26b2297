"""Logging to a file in the platform's log folder: nothing is printed while the TUI runs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from platformdirs import user_log_dir

from .redaction import RedactingFilter

LOG_FILE_VARIABLE = "OUTPOST_TUI_LOG"


def log_file_path() -> Path:
    override = os.environ.get(LOG_FILE_VARIABLE)
    if override:
        return Path(override)
    return Path(user_log_dir("outpost-tui", appauthor=False)) / "outpost-tui.log"


def configure_logging(level: int = logging.INFO) -> Path | None:
    """Send the package's log records to the log file; return its path, or None if unwritable."""
    path = log_file_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # On the handler, so records from every child logger and library pass through it.
    handler.addFilter(RedactingFilter())
    root = logging.getLogger("outpost_tui")
    root.setLevel(level)
    root.addHandler(handler)
    # httpx logs every request URL at INFO; keep its warnings only.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return path
