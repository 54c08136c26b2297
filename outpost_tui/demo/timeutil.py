"""Timestamps in the wire format: ISO 8601 UTC with a trailing ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` in UTC, treating a naive datetime as UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_time(value: object) -> object:
    """Format a datetime with whole seconds; other values pass through unchanged.

    Records inserted by tests may hold any value, so only datetimes are converted.
    """
    if isinstance(value, datetime):
        return ensure_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def format_time_ms(value: datetime) -> str:
    """Format a datetime with milliseconds, as log lines and analytics points use."""
    value = ensure_utc(value)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime | None:
    """Parse an ISO 8601 time with ``Z``, an offset or no zone (taken as UTC).

    Returns None when the text is not a time.
    """
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        return ensure_utc(datetime.fromisoformat(candidate))
    except ValueError:
        return None


def to_epoch_ms(value: datetime) -> int:
    """Return whole milliseconds since the Unix epoch."""
    delta = ensure_utc(value) - EPOCH
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def from_epoch_ms(milliseconds: int) -> datetime:
    """Return the UTC datetime ``milliseconds`` after the Unix epoch."""
    return EPOCH + timedelta(milliseconds=milliseconds)


def sort_time(value: object) -> float:
    """Return a sortable number for a stored timestamp of any type.

    Test-inserted records may carry strings or junk, so anything unparsable sorts
    as the epoch instead of raising.
    """
    if isinstance(value, datetime):
        return ensure_utc(value).timestamp()
    if isinstance(value, str):
        parsed = parse_time(value)
        if parsed is not None:
            return parsed.timestamp()
    return 0.0
