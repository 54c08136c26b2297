"""The whole text of one log line, however long, in a dialog over the log screen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Log, Static

from ...log_files import format_saved
from ...widgets.log_buffer import LEVEL, SEQ, TEXT, TIMESTAMP, Level, LogEntry, entry_stream

# Text is cut into rows of this many characters. ``Log`` renders only the rows on screen,
# so even a megabyte line opens at once, which wrapping it as one paragraph would not.
ROW_CHARACTERS = 120


class LogLineScreen(ModalScreen[None]):
    """Show a log line whole: its number, time, stream and level, then every character."""

    BINDINGS = [
        Binding("escape,enter,q", "dismiss", "Close", id="log_line.close"),
        Binding("c", "copy", "Copy line", id="log_line.copy"),
    ]

    def __init__(self, entry: LogEntry) -> None:
        super().__init__(classes="log-line-screen")
        self.entry = entry

    def compose(self) -> ComposeResult:
        entry = self.entry
        seq = f"line {entry[SEQ]:,}" if entry[SEQ] is not None else "line without a number"
        facts = [seq, entry_stream(entry), Level(entry[LEVEL]).label, f"{len(entry[TEXT]):,} characters"]
        if entry[TIMESTAMP] is not None:
            facts.insert(1, format_saved(entry, timestamps=True).split(" ", 1)[0])
        with Vertical(id="log-line-dialog"):
            yield Static(Text(" · ".join(facts), style="bold"), id="log-line-facts")
            yield Log(id="log-line-text")
            yield Static(Text("c copies the line · escape closes", style="dim"), id="log-line-help")

    def on_mount(self) -> None:
        text = self.entry[TEXT]
        rows = [text[start : start + ROW_CHARACTERS] for start in range(0, len(text), ROW_CHARACTERS)]
        log = self.query_one(Log)
        log.auto_scroll = False
        log.write_lines(rows or [""])
        log.scroll_home(animate=False)
        log.focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.entry[TEXT])
        self.app.notify(f"Copied {len(self.entry[TEXT]):,} characters to the clipboard.", timeout=3)
