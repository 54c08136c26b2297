"""The log view: one line-API widget for job, service and machine logs.

It renders only the rows on screen, from a bounded :class:`LogBuffer`. Lines handed to
:meth:`LogView.write_lines` wait in a queue that is drained at most 10 times a second,
so a fast stream costs one append and one repaint per frame, not one per line. The view
follows the end until the user scrolls up or moves the cursor; it then stays put and
counts the lines that arrive below.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..models import LogLine
from .log_buffer import (
    DEFAULT_CAPACITY,
    DEFAULT_MAX_CHARS,
    LEVEL,
    STDERR,
    TEXT,
    TIMESTAMP,
    EntryMaker,
    Level,
    LogBuffer,
    LogEntry,
    LogFilter,
)
from .log_rows import RowIndex

# Longer lines are cut for display with a marker; the whole line stays in the buffer
# for search, copy, save and the full-line view.
MAX_DISPLAY_CHARS = 2000
_LEVEL_COMPONENTS = {Level.ERROR: "log-view--error", Level.WARNING: "log-view--warning"}
# Appends, and so repaints of a following view, happen at most 10 times a second. At
# thousands of lines a second no one reads faster, and each repaint of a screen of new
# lines costs about 10 ms on a 2-core machine, which a key press may have to wait for.
FLUSH_INTERVAL_SECONDS = 1 / 10
TIMESTAMP_WIDTH = len("00:00:00.000 ")


def _cut_marker(hidden: int) -> str:
    return f" … [{hidden:,} more characters; enter shows the whole line]"


def format_clock(moment: datetime | None) -> str:
    """Format a line's time as ``HH:MM:SS.mmm`` in UTC, or blanks when it is unknown."""
    if moment is None:
        return " " * (TIMESTAMP_WIDTH - 1)
    moment = moment.astimezone(timezone.utc)
    return f"{moment:%H:%M:%S}.{moment.microsecond // 1000:03d}"


class LogView(ScrollView, can_focus=True):
    """A scrollable, searchable, filterable log that stays responsive at any line rate."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="log.cursor_up"),
        Binding("down", "cursor_down", "Down", show=False, id="log.cursor_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="log.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="log.page_down"),
        Binding("home", "first_line", "First line", show=False, id="log.home"),
        Binding("end", "follow", "Follow", show=False, id="log.end"),
        Binding("left", "scroll_left", "Left", show=False, id="log.left"),
        Binding("right", "scroll_right", "Right", show=False, id="log.right"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-view--cursor",
        "log-view--error",
        "log-view--warning",
        "log-view--stderr",
        "log-view--timestamp",
        "log-view--match",
        "log-view--marker",
    }

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $text;
        overflow: auto auto;
        & > .log-view--cursor { background: $accent 40%; }
        & > .log-view--error { color: $text-error; }
        & > .log-view--warning { color: $text-warning; }
        & > .log-view--stderr { color: $text-warning; text-style: italic; }
        & > .log-view--timestamp { color: $text-muted; }
        & > .log-view--match { background: $warning 60%; color: $text; text-style: bold; }
        & > .log-view--marker { color: $text-muted; text-style: italic; }
    }
    """

    class Changed(Message):
        """The view's state changed. ``lines_only`` means only lines arrived or left, which
        a status line may show a little later; any other change should show at once."""

        def __init__(self, log_view: LogView, *, lines_only: bool = False) -> None:
            super().__init__()
            self.log_view = log_view
            self.lines_only = lines_only

        def can_replace(self, message: Message) -> bool:
            # Only the latest state matters, so a queued message is dropped, unless that
            # would turn a change to show at once into one that may wait.
            return (
                isinstance(message, LogView.Changed)
                and message.log_view is self.log_view
                and (message.lines_only or not self.lines_only)
            )

    def __init__(
        self,
        *,
        capacity: int = DEFAULT_CAPACITY,
        max_chars: int = DEFAULT_MAX_CHARS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.buffer = LogBuffer(capacity, max_chars)
        self.following = True
        self.cursor: int | None = None
        self.new_lines = 0
        self.wrap = False
        self.show_timestamps = False
        self.received = 0
        self._entry_maker = EntryMaker()
        self._pending: list[LogEntry] = []
        self._flush_scheduled = False
        self._last_flush = 0.0
        self._max_cells = 0
        self._row_index = RowIndex()
        self._adjusting = False
        self._strips: LRUCache[int, Strip] = LRUCache(256)
        # Resolving a style walks the DOM, so each is resolved once per style change.
        self._style_cache: dict[str, Style] = {}

    # -- feeding ----------------------------------------------------------------------------

    def write_lines(self, lines: list[LogLine]) -> None:
        """Queue lines for the next frame; many calls between frames cost one append.

        Lines become sanitized entries at once, so the models can be freed before the
        frame and the queue holds only values the garbage collector does not track.
        """
        if not lines:
            return
        self._pending.extend(self._entry_maker.make(lines))
        self.received += len(lines)
        overflow = len(self._pending) - self.buffer.capacity
        if overflow > 0:
            # The append would evict them at once, so they are never rendered.
            del self._pending[:overflow]
            self.buffer.evicted += overflow
        if not self._flush_scheduled:
            self._flush_scheduled = True
            delay = self._last_flush + FLUSH_INTERVAL_SECONDS - time.monotonic()
            if delay > 0:
                self.set_timer(delay, self.flush)
            else:
                self.call_later(self.flush)

    def flush(self) -> None:
        """Move every queued line into the buffer and repaint once."""
        self._flush_scheduled = False
        self._last_flush = time.monotonic()
        if not self._pending:
            return
        entries, self._pending = self._pending, []
        first_new = self.buffer.view_length
        shown_before = self._row_count() < self.scroll_y + self.scrollable_content_region.height
        result = self.buffer.append(entries)
        first_new -= result.evicted
        self._max_cells = max(self._max_cells, *(self._text_cells(entry) for entry in entries))
        removed_rows = self._update_rows(first_new, result.evicted)
        if self.cursor is not None:
            self.cursor = max(0, self.cursor - result.evicted)
        if not self.following:
            self.new_lines += result.added
        self._update_virtual_size()
        if self.following:
            self._scroll_to_end()
            self.refresh()
        else:
            # A paused view keeps its lines on screen: it scrolls up by the rows evicted,
            # and repaints only when it cannot (at the top) or new lines fall in view.
            at_top = removed_rows > self.scroll_y
            if removed_rows:
                self._move_scroll(self.scroll_y - removed_rows)
            if at_top or shown_before:
                self.refresh()
        self.post_message(self.Changed(self, lines_only=True))

    def clear(self) -> None:
        """Drop every line held, for example before reloading the log."""
        self._pending.clear()
        self._entry_maker = EntryMaker()
        self.buffer.clear()
        self.cursor = None
        self.new_lines = 0
        self._max_cells = 0
        self._reset_rendering()

    # -- settings -----------------------------------------------------------------------------

    def set_filter(self, log_filter: LogFilter) -> None:
        """Show only matching lines; the cursor stays on its line, or the next one shown."""
        ordinal = self._cursor_ordinal()
        self.buffer.set_filter(log_filter)
        self._max_cells = max((self._text_cells(entry) for entry in self.buffer.view_entries()), default=0)
        self._restore_cursor(ordinal)

    def set_search(self, pattern: re.Pattern[str] | None) -> None:
        """Highlight ``pattern`` in every line; None clears the search."""
        self.buffer.set_search(pattern)
        self._strips.clear()
        self.refresh()
        self.post_message(self.Changed(self))

    def toggle_wrap(self) -> None:
        self.wrap = not self.wrap
        self._restore_cursor(self._cursor_ordinal())

    def toggle_timestamps(self) -> None:
        self.show_timestamps = not self.show_timestamps
        self._restore_cursor(self._cursor_ordinal())

    # -- moving -------------------------------------------------------------------------------

    def action_follow(self) -> None:
        """Jump to the newest line and keep following."""
        self.following = True
        self.cursor = None
        self.new_lines = 0
        self._scroll_to_end()
        self.refresh()
        self.post_message(self.Changed(self))

    def pause(self) -> None:
        if self.following:
            self.following = False
            self.new_lines = 0
            self.post_message(self.Changed(self))

    def move_cursor(self, index: int, *, center: bool = False) -> None:
        """Put the cursor on view line ``index``, pause following and scroll it into view."""
        length = self.buffer.view_length
        if length == 0:
            return
        self.pause()
        self.cursor = min(max(index, 0), length - 1)
        self._scroll_to_cursor(center=center)
        self.refresh()
        self.post_message(self.Changed(self))

    def action_cursor_up(self) -> None:
        if self.cursor is None:
            self.move_cursor(self._last_visible_index())
        else:
            self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        if self.cursor is None:
            if not self.following:
                self.move_cursor(self._first_visible_index())
            return
        if self.cursor >= self.buffer.view_length - 1:
            self.action_follow()
        else:
            self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        start = self.cursor if self.cursor is not None else self._last_visible_index()
        self.move_cursor(start - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        if self.cursor is None and self.following:
            return
        start = self.cursor if self.cursor is not None else self._first_visible_index()
        target = start + max(1, self.scrollable_content_region.height - 1)
        if target >= self.buffer.view_length:
            self.action_follow()
        else:
            self.move_cursor(target)

    def action_first_line(self) -> None:
        self.move_cursor(0)

    def on_click(self, event: events.Click) -> None:
        index, _ = self._locate(int(self.scroll_y) + event.y)
        if index is not None:
            self.move_cursor(index)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._adjusting:
            return
        # The wheel, the scroll bar and scroll keys all move scroll_y: moving up pauses,
        # and reaching the end again resumes following.
        if self.following and new_value < old_value and new_value < self.max_scroll_y:
            self.pause()
        elif not self.following and self.cursor is None and new_value > old_value and new_value >= self.max_scroll_y:
            self.action_follow()

    # -- reading ------------------------------------------------------------------------------

    @property
    def cursor_entry(self) -> LogEntry | None:
        """The line under the cursor, or the newest line when there is no cursor."""
        if self.buffer.view_length == 0:
            return None
        index = self.cursor if self.cursor is not None else self.buffer.view_length - 1
        return self.buffer.view_entry(index)

    @property
    def first_visible_index(self) -> int:
        return self._first_visible_index()

    def saved_lines(self, *, filtered: bool) -> list[LogEntry]:
        """Return the entries a save writes: the lines shown, or every line held."""
        return list(self.buffer.view_entries() if filtered else self.buffer.entries())

    def display_text(self, entry: LogEntry) -> str:
        """Return the text of a line as rendered, without styles."""
        return "".join(segment.text for segment in self._entry_segments(entry))

    # -- rendering ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index, part = self._locate(scroll_y + y)
        if index is None:
            return Strip.blank(width, self._style())
        strip = self._entry_strip(index)
        start = part * self._row_index.width if self.wrap else scroll_x
        strip = strip.crop_extend(start, start + width, self._style())
        if index == self.cursor:
            strip = strip.apply_style(self._style("log-view--cursor"))
        return strip

    def _entry_strip(self, index: int) -> Strip:
        ordinal = self.buffer.ordinal_at(index)
        strip = self._strips.get(ordinal)
        if strip is None:
            entry = self.buffer.entry(ordinal)
            strip = Strip(self._entry_segments(entry), self._line_cells(entry))
            self._strips[ordinal] = strip
        return strip

    def _entry_segments(self, entry: LogEntry) -> list[Segment]:
        """Build a line's segments directly. While a fast log is followed, every row on
        screen is new in each frame, and building a rich ``Text`` first took most of it."""
        segments = []
        if self.show_timestamps:
            stamp_style = "log-view--stderr" if entry[STDERR] else "log-view--timestamp"
            segments.append(Segment(format_clock(entry[TIMESTAMP]) + " ", self._style(stamp_style)))
        body = entry[TEXT][:MAX_DISPLAY_CHARS]
        body_style = self._style(_LEVEL_COMPONENTS.get(entry[LEVEL], ""))
        pattern = self.buffer.search
        position = 0
        if pattern is not None:
            match_style = body_style + self._style("log-view--match")
            for match in pattern.finditer(body):
                start, end = match.span()
                if end == start:
                    continue
                if start > position:
                    segments.append(Segment(body[position:start], body_style))
                segments.append(Segment(body[start:end], match_style))
                position = end
        if position < len(body) or not body:
            segments.append(Segment(body[position:], body_style))
        hidden = len(entry[TEXT]) - len(body)
        if hidden > 0:
            segments.append(Segment(_cut_marker(hidden), self._style("log-view--marker")))
        return segments

    def _style(self, component: str = "") -> Style:
        """Return the widget's own style (no name) or a component class's, resolved once."""
        style = self._style_cache.get(component)
        if style is None:
            style = self.get_component_rich_style(component) if component else self.rich_style
            self._style_cache[component] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache.clear()
        self._strips.clear()

    def on_resize(self, event: events.Resize) -> None:
        if self.wrap and self.scrollable_content_region.width != self._row_index.width:
            self._restore_cursor(self._cursor_ordinal())

    # -- geometry -----------------------------------------------------------------------------

    def _text_cells(self, entry: LogEntry) -> int:
        shown = entry[TEXT][:MAX_DISPLAY_CHARS]
        cells = len(shown) if shown.isascii() else cell_len(shown)
        hidden = len(entry[TEXT]) - len(shown)
        if hidden > 0:
            cells += cell_len(_cut_marker(hidden))
        return cells

    def _line_cells(self, entry: LogEntry) -> int:
        return self._text_cells(entry) + (TIMESTAMP_WIDTH if self.show_timestamps else 0)

    def _rows(self, entry: LogEntry) -> int:
        return self._row_index.rows_for(self._line_cells(entry))

    def _update_rows(self, first_new: int, evicted: int) -> int:
        """Index the new view lines after dropping the evicted ones; return rows evicted."""
        rows = self._row_index
        removed = rows.evict(evicted)
        if rows.wrapping:
            new_lines = range(max(first_new, 0), self.buffer.view_length)
            rows.extend(self._line_cells(self.buffer.view_entry(line)) for line in new_lines)
        return removed

    def _rebuild_rows(self) -> None:
        width = max(1, self.scrollable_content_region.width) if self.wrap else 0
        cells = (self._line_cells(entry) for entry in self.buffer.view_entries()) if width else ()
        self._row_index.rebuild(width, cells)

    def _row_count(self) -> int:
        return self._row_index.count(self.buffer.view_length)

    def _row_of(self, index: int) -> int:
        return self._row_index.row_of(index)

    def _locate(self, row: int) -> tuple[int | None, int]:
        """Return the view index and wrapped part shown on ``row``, or None past the end."""
        return self._row_index.locate(row, self.buffer.view_length)

    def _update_virtual_size(self) -> None:
        if self.wrap:
            size = Size(self._row_index.width, self._row_count())
        else:
            extra = TIMESTAMP_WIDTH if self.show_timestamps else 0
            size = Size(self._max_cells + extra, self.buffer.view_length)
        if size == self.virtual_size:
            return
        # Assigning virtual_size lays out the whole screen, which at 10 appends a second
        # costs more than the lines. The size moves only this widget's scroll bars, so it
        # is set quietly and the scroll bars and offsets are updated as a layout would.
        # A scroll bar that appears or hides still triggers a layout of its own.
        # NOTE: _scroll_update is Textual's private method; Textual is pinned exactly.
        self._adjusting = True
        try:
            self.set_reactive(LogView.virtual_size, size)
            self._scroll_update(size)
        finally:
            self._adjusting = False
        self.refresh()

    def _first_visible_index(self) -> int:
        index, _ = self._locate(int(self.scroll_y))
        return index if index is not None else max(0, self.buffer.view_length - 1)

    def _last_visible_index(self) -> int:
        bottom = int(self.scroll_y) + self.scrollable_content_region.height - 1
        index, _ = self._locate(min(bottom, self._row_count() - 1))
        return index if index is not None else max(0, self.buffer.view_length - 1)

    # -- scrolling ----------------------------------------------------------------------------

    def _move_scroll(self, y: float) -> None:
        self._adjusting = True
        try:
            self.scroll_to(y=max(0.0, y), animate=False, immediate=True)
        finally:
            self._adjusting = False

    def _scroll_to_end(self) -> None:
        self._adjusting = True
        try:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        finally:
            self._adjusting = False

    def _scroll_to_cursor(self, *, center: bool) -> None:
        if self.cursor is None:
            return
        top = self._row_of(self.cursor)
        height = self.scrollable_content_region.height
        rows = self._rows(self.buffer.view_entry(self.cursor)) if self.wrap else 1
        if center:
            self._move_scroll(top - max(0, (height - rows) // 2))
        elif top < self.scroll_y:
            self._move_scroll(top)
        elif top + rows > self.scroll_y + height:
            self._move_scroll(top + rows - height)

    def _cursor_ordinal(self) -> int | None:
        if self.cursor is None or self.cursor >= self.buffer.view_length:
            return None
        return self.buffer.ordinal_at(self.cursor)

    def _restore_cursor(self, ordinal: int | None) -> None:
        """Rebuild the rows after a change of view or geometry, keeping the cursor's line."""
        self._reset_rendering()
        if ordinal is not None and self.buffer.view_length:
            self.cursor = min(self.buffer.view_index(ordinal), self.buffer.view_length - 1)
            self._scroll_to_cursor(center=True)
        elif self.cursor is not None:
            self.cursor = None
        if self.following:
            self._scroll_to_end()
        self.post_message(self.Changed(self))

    def _reset_rendering(self) -> None:
        self._strips.clear()
        self._rebuild_rows()
        self._update_virtual_size()
        self.refresh()

    def iter_matches(self) -> Iterator[int]:
        """View indexes of the lines that contain the search, oldest first."""
        return (self.buffer.view_index(ordinal) for ordinal in self.buffer.matches)
