"""The app's notion of the current time, which the screenshot script can freeze."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone


def _real_now() -> datetime:
    return datetime.now(timezone.utc)


_now: Callable[[], datetime] = _real_now


def utc_now() -> datetime:
    return _now()


def freeze(moment: datetime) -> None:
    """Make :func:`utc_now` return ``moment`` until :func:`unfreeze` (for screenshots)."""
    global _now
    _now = lambda: moment  # noqa: E731


def unfreeze() -> None:
    global _now
    _now = _real_now
