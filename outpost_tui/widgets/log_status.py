"""The two lines above the log view: where the lines come from, and how they are shown."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..api.logs import StreamState, StreamStatus
from ..sanitize import safe_text
from .log_buffer import Level
from .log_view import LogView
from .presentation import status_text

_STATE_WORDS = {
    StreamState.CONNECTING: ("◌ connecting", "yellow"),
    StreamState.LIVE: ("● live", "bold green"),
    StreamState.RECONNECTING: ("↻ reconnecting", "bold yellow"),
    StreamState.WAITING: ("◌ waiting", "yellow"),
    StreamState.POLLING: ("● refreshed", "green"),
    StreamState.ENDED: ("■ ended", "bold"),
    StreamState.FAILED: ("✖ failed", "bold red"),
}


def source_line(title: str, status: StreamStatus, log_view: LogView, dropped: int) -> Text:
    """Build the first line: the resource, the stream's state, the lines held and lost."""
    word, style = _STATE_WORDS[status.state]
    state = Text(word, style=style)
    if status.state is StreamState.ENDED and status.job_status:
        state.append(": ")
        state.append_text(status_text(status.job_status))
    if status.retry_in is not None:
        state.append(f" in {status.retry_in:.0f} s", style=style)
    if status.detail:
        state.append(" (")
        state.append_text(safe_text(status.detail))
        state.append(")")
    buffer = log_view.buffer
    held = Text(f"{len(buffer):,} lines held")
    if buffer.evicted:
        held.append(f" ({buffer.evicted:,} older discarded, limit {buffer.capacity:,})", style="dim")
    lost = Text(f"{dropped:,} dropped", style="bold red" if dropped else "dim")
    parts = [safe_text(title, "bold"), state, held, lost]
    return Text("  │  ", style="dim").join(parts)


def view_line(log_view: LogView, filter_text: str | None, search_text: str | None) -> Text:
    """Build the second line: following or paused, and the filter, search and toggles."""
    buffer = log_view.buffer
    if log_view.following:
        parts = [Text("▼ following", style="green")]
    else:
        paused = Text("⏸ paused", style="bold yellow")
        if log_view.new_lines:
            paused.append(f" · {log_view.new_lines:,} new lines", style="bold yellow")
        paused.append(" · end or F follows", style="dim")
        parts = [paused]
    log_filter = buffer.filter
    if log_filter.active:
        shown = Text(f"{buffer.view_length:,} shown", style="bold")
        if filter_text:
            shown.append(" · filter ")
            shown.append_text(safe_text(f"/{filter_text}/", "italic"))
            if log_filter.invert:
                shown.append(" inverted", style="bold")
        if log_filter.min_level > Level.INFO:
            shown.append(f" · level ≥ {log_filter.min_level.label}")
        parts.append(shown)
    if buffer.search is not None:
        search = Text("search ")
        search.append_text(safe_text(f"\"{search_text or ''}\"", "italic"))
        current = buffer.match_number(log_view.cursor) if log_view.cursor is not None else None
        count = len(buffer.matches)
        search.append(f" {current} of {count:,}" if current else f" {count:,} matches", style="bold")
        parts.append(search)
    toggles = f"wrap {'on' if log_view.wrap else 'off'} · times {'on (UTC)' if log_view.show_timestamps else 'off'}"
    parts.append(Text(toggles, style="dim"))
    return Text("  │  ", style="dim").join(parts)


class LogStatus(Static):
    """Two lines of state above a :class:`LogView`; updated by its screen."""

    DEFAULT_CSS = """
    LogStatus { height: 2; background: $panel; color: $text; padding: 0 1; }
    """

    def show(self, first: Text, second: Text) -> None:
        # The height is fixed at two lines, so a new text needs no layout pass.
        self.update(Text("\n").join([first, second]), layout=False)
