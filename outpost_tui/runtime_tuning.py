"""Interpreter settings for while a fast log streams in, restored when the last log screen closes.

Garbage collection: Textual allocates several tracked objects for each rendered line,
and a log streaming at thousands of lines a second adds its own. With the default
young-generation threshold of 700, the collector ran over a thousand times in five
seconds and took about 30 % of the app's time while 20,000 lines a second streamed in.
A threshold of 10,000 cut that to under 10 %.

Thread switches: Textual reads keys and writes frames in threads of their own. While
the main thread parses a fast log, the default switch interval of 5 ms makes each of
them wait for the interpreter lock, and 1 ms cut the median key-to-repaint time by
about 15 %. Both figures were measured on a 2-core machine with ``benchmarks/logs.py``.
"""

from __future__ import annotations

import gc
import sys

YOUNG_GENERATION_THRESHOLD = 10_000
SWITCH_INTERVAL_SECONDS = 0.001

_holders = 0
_saved: tuple[tuple[int, int, int], float] | None = None


def tune_for_streaming() -> None:
    """Apply the settings until the matching :func:`restore_defaults`."""
    global _holders, _saved
    if _holders == 0:
        thresholds = gc.get_threshold()
        _saved = (thresholds, sys.getswitchinterval())
        young, middle, old = thresholds
        gc.set_threshold(max(young, YOUNG_GENERATION_THRESHOLD), middle, old)
        sys.setswitchinterval(min(_saved[1], SWITCH_INTERVAL_SECONDS))
    _holders += 1


def restore_defaults() -> None:
    """Undo one :func:`tune_for_streaming`; the last one puts the saved settings back."""
    global _holders, _saved
    if _holders == 0:
        return
    _holders -= 1
    if _holders == 0 and _saved is not None:
        thresholds, interval = _saved
        gc.set_threshold(*thresholds)
        sys.setswitchinterval(interval)
        _saved = None
