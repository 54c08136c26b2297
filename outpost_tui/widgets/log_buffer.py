"""The data behind the log view: a bounded buffer of sanitized lines, a filter and a search.

No Textual here, so the rules can be tested alone. Lines are numbered by an ordinal that
counts every line ever appended, so positions survive the eviction of old lines: the
entry with ordinal ``n`` sits at ``n - first_ordinal`` in the buffer.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from ..models import LogLine
from ..sanitize import clean_text

DEFAULT_CAPACITY = 100_000
# A second bound, in characters, so that a flood of very long lines cannot fill memory
# before the line count is reached: about 64 MB of ASCII text.
DEFAULT_MAX_CHARS = 64_000_000


class Level(enum.IntEnum):
    """The severity a line's words suggest, ordered so that a minimum level can filter."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()


# Level words are looked for in this many leading characters only, so a megabyte line
# costs no more to classify than a short one.
_CLASSIFY_CHARS = 4096
# Most lines contain none of these, and a substring test is ten times cheaper than the
# regular expressions below, which run only on the lines that pass it.
_CANDIDATE_WORDS = (
    "err", "warn", "exception", "fatal", "panic", "traceback", "critical", "deprecat", "segmentation",
)
# An explicit level word near the start of a line wins over words further on, so
# "warn: retrying after the error above" is a warning. The patterns see lower case.
_PREFIX_CHARS = 40
_LEVEL_PREFIX = re.compile(r"\b(fatal|critical|error|err|warn|warning|info|debug|trace|notice)\b")
_PREFIX_LEVELS = {
    "fatal": 2, "critical": 2, "error": 2, "err": 2, "warn": 1, "warning": 1,
}
_ERROR_WORDS = re.compile(r"(?:error|errors|exception)\b|\b(?:fatal|panic|traceback|critical|segmentation fault)\b")
_WARNING_WORDS = re.compile(r"warning\b|\bwarn\b|deprecat")


def classify(text: str, previous: LogEntry | None) -> Level:
    """Guess a line's level from its words, such as ``ERROR``, ``RuntimeError`` or ``warn:``.

    An indented line right after a warning or error of the same stream continues it
    (the frames of a stack trace), so it takes that level.
    """
    if previous is not None and previous[LEVEL] and text[:1] in (" ", "\t"):
        return Level(previous[LEVEL])
    head = text[:_CLASSIFY_CHARS].lower()
    if not any(word in head for word in _CANDIDATE_WORDS):
        return Level.INFO
    prefix = _LEVEL_PREFIX.search(head, 0, _PREFIX_CHARS)
    if prefix is not None:
        return Level(_PREFIX_LEVELS.get(prefix.group(1), Level.INFO))
    if _ERROR_WORDS.search(head):
        return Level.ERROR
    if _WARNING_WORDS.search(head):
        return Level.WARNING
    return Level.INFO


# An entry is a plain tuple of atomic values, read with the index names below. CPython's
# garbage collector stops tracking such tuples, so a full buffer adds nothing to its
# collections. With an object per line, every full collection walked all 100,000 of them,
# several times a second while a fast log streamed in.
LogEntry = tuple  # (seq: int | None, timestamp: datetime | None, stderr: bool, text: str, level: int)
SEQ, TIMESTAMP, STDERR, TEXT, LEVEL = range(5)


def entry_stream(entry: LogEntry) -> str:
    """Return the stream name of an entry: ``stderr`` or ``stdout``."""
    return "stderr" if entry[STDERR] else "stdout"


class EntryMaker:
    """Turn lines into entries in order, remembering each stream's last entry, because a
    stack trace's indented lines take the level of the line before them."""

    def __init__(self) -> None:
        self._last: dict[bool, LogEntry] = {}

    def make(self, lines: Iterable[LogLine]) -> list[LogEntry]:
        """Sanitize and classify lines into entries."""
        last = self._last
        entries = []
        for line in lines:
            stderr = line.stream == "stderr"
            text = clean_text(_after_carriage_return(line.message))
            entry = (line.seq, line.timestamp, stderr, text, int(classify(text, last.get(stderr))))
            last[stderr] = entry
            entries.append(entry)
        return entries


def _after_carriage_return(message: str) -> str:
    """Keep what a terminal would show of a line that rewrites itself with ``\\r``
    (progress bars): the text after the last carriage return that has any."""
    if "\r" not in message:
        return message
    parts = [part for part in message.split("\r") if part]
    return parts[-1] if parts else ""


def compile_pattern(text: str, *, regex: bool) -> re.Pattern[str]:
    """Compile a search or filter pattern, ignoring case unless it contains a capital.

    Raises ``re.error`` for an invalid regular expression.
    """
    flags = 0 if any(char.isupper() for char in text) else re.IGNORECASE
    # NOTE: Python's re has no time limit, so a filter with nested repeats such as
    # (a+)+$ can stall the app on a long line while it backtracks.
    return re.compile(text if regex else re.escape(text), flags)


@dataclass(frozen=True)
class LogFilter:
    """The lines a view shows: a minimum level and an optional pattern, maybe inverted."""

    pattern: re.Pattern[str] | None = None
    invert: bool = False
    min_level: Level = Level.INFO

    @property
    def active(self) -> bool:
        return self.pattern is not None or self.min_level > Level.INFO

    def accepts(self, entry: LogEntry) -> bool:
        if entry[LEVEL] < self.min_level:
            return False
        if self.pattern is None:
            return True
        return (self.pattern.search(entry[TEXT]) is None) == self.invert


@dataclass(frozen=True)
class AppendResult:
    """The change an append made to the view: entries added, and entries evicted from its front."""

    added: int
    evicted: int


class LogBuffer:
    """Sanitized log lines up to ``capacity`` lines and ``max_chars`` characters.

    The oldest lines go first when either bound is passed. The view is every line, or
    the ordinals that pass the filter. Search matches are kept as ordinals within the
    view and extended as lines arrive.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        if capacity < 1:
            raise ValueError(f"invalid log buffer capacity {capacity}; use at least 1 line")
        self.capacity = capacity
        self.max_chars = max_chars
        self._entries: list[LogEntry] = []
        self.first_ordinal = 0
        self.evicted = 0
        self._chars = 0
        self.filter = LogFilter()
        self._view: list[int] | None = None
        self.search: re.Pattern[str] | None = None
        self.matches: list[int] = []

    # -- contents -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def end_ordinal(self) -> int:
        """The ordinal the next appended line gets."""
        return self.first_ordinal + len(self._entries)

    @property
    def last_entry(self) -> LogEntry | None:
        return self._entries[-1] if self._entries else None

    def entry(self, ordinal: int) -> LogEntry:
        return self._entries[ordinal - self.first_ordinal]

    def entries(self) -> Iterator[LogEntry]:
        """Return every entry held, oldest first, filtered or not."""
        return iter(self._entries)

    def append(self, entries: list[LogEntry]) -> AppendResult:
        """Add entries, then evict the oldest past either bound."""
        start = self.end_ordinal
        self._entries.extend(entries)
        self._chars += sum(len(entry[TEXT]) for entry in entries)
        added = len(entries)
        if self._view is not None:
            accepts = self.filter.accepts
            passing = [start + index for index, entry in enumerate(entries) if accepts(entry)]
            self._view.extend(passing)
            added = len(passing)
            new_view = passing
        else:
            new_view = range(start, start + len(entries))
        if self.search is not None:
            search = self.search.search
            self.matches.extend(ordinal for ordinal in new_view if search(self.entry(ordinal)[TEXT]))
        return AppendResult(added, self._evict())

    def _evict(self) -> int:
        """Drop the oldest entries past the bounds; return how many left the view."""
        excess = len(self._entries) - self.capacity
        if self._chars > self.max_chars:
            dropped_chars = 0
            count = 0
            for entry in self._entries:
                if self._chars - dropped_chars <= self.max_chars or count >= len(self._entries) - 1:
                    break
                dropped_chars += len(entry[TEXT])
                count += 1
            excess = max(excess, count)
        if excess <= 0:
            return 0
        self._chars -= sum(len(entry[TEXT]) for entry in self._entries[:excess])
        del self._entries[:excess]
        self.first_ordinal += excess
        self.evicted += excess
        del self.matches[: bisect_left(self.matches, self.first_ordinal)]
        if self._view is None:
            return excess
        gone = bisect_left(self._view, self.first_ordinal)
        del self._view[:gone]
        return gone

    def clear(self) -> None:
        self.evicted += len(self._entries)
        self.first_ordinal = self.end_ordinal
        self._entries.clear()
        self._chars = 0
        self.matches.clear()
        if self._view is not None:
            self._view.clear()

    # -- the view -------------------------------------------------------------------------

    @property
    def view_length(self) -> int:
        return len(self._entries) if self._view is None else len(self._view)

    def ordinal_at(self, index: int) -> int:
        """Return the ordinal of the view's ``index``-th line."""
        return self.first_ordinal + index if self._view is None else self._view[index]

    def view_entry(self, index: int) -> LogEntry:
        return self.entry(self.ordinal_at(index))

    def view_index(self, ordinal: int) -> int:
        """Return the view index of ``ordinal``, or of the first line after it when it is hidden."""
        if self._view is None:
            return min(max(ordinal - self.first_ordinal, 0), len(self._entries))
        return bisect_left(self._view, ordinal)

    def view_entries(self) -> Iterator[LogEntry]:
        if self._view is None:
            return iter(self._entries)
        return (self.entry(ordinal) for ordinal in self._view)

    def set_filter(self, log_filter: LogFilter) -> None:
        """Show only the lines ``log_filter`` accepts, and search within them."""
        self.filter = log_filter
        if not log_filter.active:
            self._view = None
        else:
            accepts = log_filter.accepts
            first = self.first_ordinal
            self._view = [first + index for index, entry in enumerate(self._entries) if accepts(entry)]
        self._rescan()

    def index_at_time(self, moment: datetime) -> int:
        """Return the view index of the first line at or after ``moment`` (the end if none)."""
        low, high = 0, self.view_length
        while low < high:
            middle = (low + high) // 2
            stamp = self.view_entry(middle)[TIMESTAMP]
            if stamp is not None and stamp < moment:
                low = middle + 1
            else:
                high = middle
        return low

    # -- search ---------------------------------------------------------------------------

    def set_search(self, pattern: re.Pattern[str] | None) -> None:
        """Highlight ``pattern`` and list the view's lines that contain it (None clears)."""
        self.search = pattern
        self._rescan()

    def _rescan(self) -> None:
        self.matches = []
        if self.search is None:
            return
        search = self.search.search
        if self._view is None:
            first = self.first_ordinal
            self.matches = [first + index for index, entry in enumerate(self._entries) if search(entry[TEXT])]
        else:
            self.matches = [ordinal for ordinal in self._view if search(self.entry(ordinal)[TEXT])]

    def next_match(self, after_index: int, *, backwards: bool = False) -> int | None:
        """Return the view index of the next match after ``after_index`` (or before it), wrapping."""
        if not self.matches:
            return None
        ordinal = self.ordinal_at(after_index) if 0 <= after_index < self.view_length else None
        if backwards:
            position = bisect_left(self.matches, ordinal) - 1 if ordinal is not None else len(self.matches) - 1
        else:
            position = bisect_right(self.matches, ordinal) if ordinal is not None else 0
        target = self.matches[position % len(self.matches)]
        return self.view_index(target)

    def match_number(self, index: int) -> int | None:
        """Return the 1-based number of the match on view line ``index``, or None if it has none."""
        if not 0 <= index < self.view_length:
            return None
        ordinal = self.ordinal_at(index)
        position = bisect_left(self.matches, ordinal)
        if position < len(self.matches) and self.matches[position] == ordinal:
            return position + 1
        return None
