"""Reading log lines from snapshots and stream events, and passing each line only once.

No I/O here: :mod:`.logs` fetches and follows, these functions turn what arrived into
:class:`LogLine` models, and :class:`SeqTracker` drops duplicates by ``seq``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from httpx_sse import ServerSentEvent
from pydantic import TypeAdapter, ValidationError

from ..models import LogLine
from ..sanitize import clean_text
from .endpoints import LogStream
from .errors import InvalidResponse

# ``since`` is exclusive and times have millisecond resolution, so a resume requests
# lines from one millisecond before the last line. Lines that share its time are then
# not lost, and the ones already received are dropped by ``seq``.
SINCE_OVERLAP = timedelta(milliseconds=1)

_LINES = TypeAdapter(list[LogLine])


def format_since(moment: datetime) -> str:
    """Spell a time for ``since``: ISO 8601 in UTC with milliseconds and ``Z``."""
    text = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def parse_snapshot(body: Any, received_at: datetime | None = None) -> list[LogLine]:
    """Read a snapshot's ``{"data": [...]}``, oldest line first; a bare list is accepted too.

    An item that is not a valid line object becomes a plain-text line, so one odd line
    never hides the others.
    """
    if isinstance(body, dict):
        body = body.get("data")
    if not isinstance(body, list):
        raise InvalidResponse("expected a log snapshot with a 'data' list", status=200)
    try:
        return _LINES.validate_python(body)
    except ValidationError:
        now = received_at or datetime.now(timezone.utc)
        return [_lenient_line(item, None, now) for item in body]


def parse_line_events(events: list[ServerSentEvent], received_at: datetime) -> list[LogLine]:
    """Turn ``log`` events into lines, validating the whole batch in one pass when it can.

    Joining the events' data into one JSON array is several times faster than decoding
    each one. The item count guards the join: data that is not exactly one JSON value
    either breaks the array or changes its length, and then each event is read alone.
    """
    if not events:
        return []
    try:
        lines = _LINES.validate_json("[" + ",".join(event.data for event in events) + "]")
    except ValidationError:
        lines = None
    if lines is None or len(lines) != len(events):
        return [line_from_event(event, received_at) for event in events]
    for line, event in zip(lines, events, strict=True):
        if line.seq is None:
            line.seq = _event_seq(event)
    return lines


def line_from_event(event: ServerSentEvent, received_at: datetime) -> LogLine:
    """Read one ``log`` event; data that is not a JSON object becomes a plain-text line."""
    try:
        body = json.loads(event.data)
    except ValueError:
        body = None
    if isinstance(body, dict):
        return _lenient_line(body, _event_seq(event), received_at)
    return LogLine(seq=_event_seq(event), timestamp=received_at, stream="stdout", message=event.data)


def _lenient_line(item: Any, fallback_seq: int | None, received_at: datetime) -> LogLine:
    """Keep every usable field of an odd line and fill the rest as a plain-text line would."""
    if not isinstance(item, dict):
        text = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
        return LogLine(seq=fallback_seq, timestamp=received_at, message=text)
    try:
        line = LogLine.model_validate(item)
    except ValidationError:
        pass
    else:
        if line.seq is None:
            line.seq = fallback_seq
        return line
    seq = item.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int):
        seq = fallback_seq
    try:
        timestamp = LogLine.model_validate({"timestamp": item.get("timestamp")}).timestamp
    except ValidationError:
        timestamp = None
    stream = item.get("stream") if isinstance(item.get("stream"), str) else "stdout"
    message = item.get("message")
    if not isinstance(message, str):
        message = json.dumps(item, ensure_ascii=False) if message is None else str(message)
    return LogLine(seq=seq, timestamp=timestamp or received_at, stream=stream, message=message)


def _event_seq(event: ServerSentEvent) -> int | None:
    text = event.id.strip()
    return int(text) if text.isdigit() else None


def end_status(event: ServerSentEvent) -> str:
    """Read the final job status from an ``end`` event's data; plain text is taken as is."""
    try:
        body = json.loads(event.data)
    except ValueError:
        body = event.data
    if isinstance(body, dict):
        body = body.get(LogStream.END_STATUS_FIELD)
    text = clean_text(body).strip() if isinstance(body, str) else ""
    return text or "ended"


# -- de-duplication -------------------------------------------------------------------------


class SeqTracker:
    """Pass each line once and in order, by ``seq``, across snapshots and reconnects.

    A line at or below the last ``seq`` passed is a duplicate and is dropped. A jump
    past the next ``seq`` means lines the server no longer offered; ``missed`` counts
    them. Lines without a ``seq`` always pass, since nothing can identify them.
    """

    def __init__(self) -> None:
        self.first_seq: int | None = None
        self.last_seq: int | None = None
        self.last_timestamp: datetime | None = None
        self.duplicates = 0
        self.missed = 0

    def accept(self, lines: list[LogLine]) -> list[LogLine]:
        """Return the lines not passed before, in the order received."""
        fresh: list[LogLine] = []
        last = self.last_seq
        for line in lines:
            seq = line.seq
            if seq is None:
                fresh.append(line)
                continue
            if last is not None:
                if seq <= last:
                    self.duplicates += 1
                    continue
                if seq > last + 1:
                    self.missed += seq - last - 1
            elif self.first_seq is None:
                self.first_seq = seq
            last = seq
            fresh.append(line)
            if line.timestamp is not None:
                self.last_timestamp = line.timestamp
        self.last_seq = last
        return fresh

    def resume_since(self) -> str | None:
        """Return the ``since`` value that resumes after the last line, or None before any."""
        if self.last_timestamp is None:
            return None
        return format_since(self.last_timestamp - SINCE_OVERLAP)
