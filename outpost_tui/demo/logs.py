"""Lazily generated logs: line ``seq`` is a pure function of the resource and its timing.

A log is a list of segments, one per run (a job has one, a machine or service
one per start). Each segment has head lines at its start, body lines at a
fixed rate while it runs, and tail lines once it ends. Counting and locating
lines is arithmetic, so a job writing 20,000 lines per second costs nothing
until someone reads its log.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from . import log_content
from .log_content import Line
from .timeutil import format_time_ms, from_epoch_ms, to_epoch_ms

if TYPE_CHECKING:
    from .state import DemoState

SERVICE_LINES_PER_SECOND = 1.0
MACHINE_LINES_PER_SECOND = 1 / 30
HEAD_SPACING_MS = 250
TAIL_SPACING_MS = 1


@dataclass(frozen=True)
class Segment:
    """One run's lines: ``head`` at the start, body at ``rate`` per second, ``tail`` after ``end_ms``."""

    start_ms: int
    end_ms: int | None
    rate: float
    head: list[Line]
    tail: list[Line]
    body: Callable[[int], Line]

    @property
    def body_start_ms(self) -> int:
        """Return when the head is done and the body begins."""
        return self.start_ms + len(self.head) * HEAD_SPACING_MS

    def body_time(self, index: int) -> int:
        """Return the time in ms of body line ``index``."""
        return self.body_start_ms + math.floor((index + 1) * 1000 / self.rate)

    def body_count(self, at_ms: int) -> int:
        """Return how many body lines exist at ``at_ms`` (capped at the segment's end)."""
        limit = at_ms if self.end_ms is None else min(at_ms, self.end_ms)
        elapsed = limit - self.body_start_ms
        if elapsed < 0:
            return 0
        count = max(0, math.ceil((elapsed + 1) * self.rate / 1000) - 1)
        # Float rounding can be off by one either way; the exact times decide.
        while count > 0 and self.body_time(count - 1) > limit:
            count -= 1
        while self.body_time(count) <= limit:
            count += 1
        return count

    def count(self, at_ms: int) -> int:
        """Return how many lines of this segment exist at ``at_ms``."""
        heads = min(len(self.head), max(0, (at_ms - self.start_ms) // HEAD_SPACING_MS + 1))
        if heads < len(self.head):
            return heads
        total = heads + self.body_count(at_ms)
        if self.end_ms is not None and at_ms > self.end_ms:
            total += min(len(self.tail), (at_ms - self.end_ms) // TAIL_SPACING_MS)
        return total

    def line(self, index: int) -> tuple[int, Line]:
        """Return the time and content of line ``index`` of this segment."""
        if index < len(self.head):
            return self.start_ms + index * HEAD_SPACING_MS, self.head[index]
        body_index = index - len(self.head)
        final_body = self.body_count(self.end_ms) if self.end_ms is not None else None
        if final_body is None or body_index < final_body:
            return self.body_time(body_index), self.body(body_index)
        tail_index = body_index - final_body
        assert self.end_ms is not None
        return self.end_ms + (tail_index + 1) * TAIL_SPACING_MS, self.tail[tail_index]

    def first_after(self, since_ms: int) -> int:
        """Return the index of the first line strictly after ``since_ms``."""
        if since_ms < self.start_ms:
            return 0
        heads_done = min(len(self.head), (since_ms - self.start_ms) // HEAD_SPACING_MS + 1)
        if heads_done < len(self.head):
            return heads_done
        index = len(self.head) + self.body_count(since_ms)
        if self.end_ms is not None and since_ms > self.end_ms:
            index += min(len(self.tail), (since_ms - self.end_ms) // TAIL_SPACING_MS)
        return index


class LogSource:
    """The full log of one resource, addressed by ``seq`` (starting at 1)."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments

    def final_ms(self) -> int:
        """Return when the last line of an ended log is written, or 0 while it runs."""
        if not self.segments or self.segments[-1].end_ms is None:
            return 0
        last = self.segments[-1]
        return last.end_ms + len(last.tail) * TAIL_SPACING_MS

    def total(self, at_ms: int) -> int:
        """Return the highest ``seq`` written by ``at_ms`` (0 when empty)."""
        return sum(segment.count(at_ms) for segment in self.segments)

    def first_seq_after(self, since_ms: int, at_ms: int) -> int:
        """Return the ``seq`` of the first line strictly after ``since_ms``."""
        offset = 0
        for segment in self.segments:
            index = segment.first_after(since_ms)
            if index < segment.count(at_ms):
                return offset + index + 1
            offset += segment.count(at_ms)
        return offset + 1

    def entries(self, first_seq: int, last_seq: int, at_ms: int) -> list[dict]:
        """Return the snapshot objects for ``first_seq..last_seq``, oldest first."""
        entries = []
        offset = 0
        clock = _MillisecondClock()
        for segment in self.segments:
            count = segment.count(at_ms)
            low = max(first_seq - offset - 1, 0)
            high = min(last_seq - offset, count)
            for index in range(low, high):
                stamp, (stream, message) = segment.line(index)
                entries.append({
                    "seq": offset + index + 1,
                    "timestamp": clock.format(stamp),
                    "stream": stream,
                    "message": message,
                })
            offset += count
            if offset >= last_seq:
                break
        return entries


class _MillisecondClock:
    """Format epoch milliseconds like ``format_time_ms``, reusing the text of the last
    whole second, because fast logs put thousands of lines in one second and formatting
    a datetime costs more than the rest of a line."""

    def __init__(self) -> None:
        self._second: int | None = None
        self._prefix = ""

    def format(self, stamp_ms: int) -> str:
        second, millisecond = divmod(stamp_ms, 1000)
        if second != self._second:
            self._second = second
            self._prefix = format_time_ms(from_epoch_ms(second * 1000))[:-4]
        return f"{self._prefix}{millisecond:03d}Z"


def _ms(value: object) -> int | None:
    return to_epoch_ms(value) if isinstance(value, datetime) else None


def job_source(state: DemoState, record: dict) -> LogSource:
    """Return the log of a job: one segment from its start to its end."""
    start = _ms(record.get("started_at"))
    if start is None:
        return LogSource([])
    end = _ms(record.get("completed_at")) if record.get("status") != "running" else None
    return LogSource([Segment(
        start, end, state.config.log_lines_per_second, log_content.job_head(record),
        log_content.job_tail(record), lambda index: log_content.job_body(record, index),
    )])


def _run_segments(
    record: dict, rate: float, head: list[Line], tails: tuple[list[Line], list[Line]], body: Callable[[int], Line]
) -> LogSource:
    """Return one segment per run; ``tails`` contains the tail of earlier runs and of the last one."""
    runs = [(start, end) for start, end in record.get("_runs") or [] if isinstance(start, datetime)]
    segments = []
    for position, (start, end) in enumerate(runs):
        tail = tails[1] if position == len(runs) - 1 else tails[0]
        segments.append(Segment(to_epoch_ms(start), _ms(end), rate, head, tail, body))
    return LogSource(segments)


def service_source(record: dict) -> LogSource:
    """Return the log of a service: one segment per deploy."""
    tails = (log_content.service_tail({}), log_content.service_tail(record))
    return _run_segments(
        record, SERVICE_LINES_PER_SECOND, log_content.service_head(record), tails,
        lambda index: log_content.service_body(record, index),
    )


def machine_source(record: dict) -> LogSource:
    """Return the log of a machine: boot lines and periodic lines per start."""
    tail = log_content.machine_tail(record)
    return _run_segments(
        record, MACHINE_LINES_PER_SECOND, log_content.machine_head(record), (tail, tail),
        lambda index: log_content.machine_body(record, index),
    )
