"""The log screen: one job's, service's or machine's log, live, searchable and savable.

A running job's log streams; other job logs, and service and machine logs, are snapshots
refreshed while the screen is visible. Lines go straight into the :class:`LogView`
queue, which batches them per frame; the stream's state changes come as messages.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label

from ..api import JOBS, AuthenticationFailed, NotFound, OutpostError, PermissionDenied, ResourceKind
from ..api.logs import JobLogFollower, LogPoller, StreamState, StreamStatus
from ..api.ratelimit import Lane
from .. import runtime_tuning
from ..log_files import default_save_path, parse_jump_time, resolve_save_path, write_log_file
from ..problems import describe
from ..widgets.log_buffer import DEFAULT_CAPACITY, TEXT, TIMESTAMP, Level, LogFilter, compile_pattern
from ..widgets.log_status import LogStatus, source_line, view_line
from ..widgets.log_view import LogView
from .modals.log_line import LogLineScreen

if TYPE_CHECKING:
    from ..app import OutpostApp

log = logging.getLogger(__name__)

# Service and machine logs (and ended job logs) are snapshots, fetched again this often
# while the screen is visible.
SNAPSHOT_POLL_SECONDS = 5.0
# Line counts in the status line change with every batch; redrawing it this often is enough.
STATUS_LINES_SECONDS = 0.25
LEVEL_CYCLE = (Level.INFO, Level.WARNING, Level.ERROR)


class StatusChanged(Message):
    """The log source changed state: live, reconnecting, ended, failed."""

    def __init__(self, status: StreamStatus) -> None:
        super().__init__()
        self.status = status


class LogScreen(Screen):
    """The log of one job, service or machine, with search, filters and saving."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="logs.back"),
        Binding("slash", "prompt('search')", "Search", id="logs.search"),
        Binding("n", "next_match", "Next", id="logs.search_next"),
        Binding("N", "previous_match", "Previous", id="logs.search_previous"),
        Binding("f", "prompt('filter')", "Filter", id="logs.filter"),
        Binding("v", "invert_filter", "Invert", id="logs.filter_invert"),
        Binding("e", "cycle_level", "Level", id="logs.level"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("t", "toggle_timestamps", "Times", id="logs.timestamps"),
        Binding("g", "prompt('jump')", "Go to time", id="logs.jump"),
        Binding("s", "prompt('save')", "Save", id="logs.save"),
        Binding("S", "prompt('save_filtered')", "Save shown", id="logs.save_filtered"),
        Binding("c", "copy_line", "Copy line", id="logs.copy"),
        Binding("enter", "show_line", "Whole line", id="logs.show_line"),
        Binding("F", "follow", "Follow", id="logs.follow"),
    ]

    PROMPTS = {
        "search": "Search (text, capitals match case):",
        "filter": "Filter (regular expression; empty clears):",
        "jump": "Go to time (HH:MM[:SS] UTC or ISO 8601):",
        "save": "Save every line held to:",
        "save_filtered": "Save the lines shown to:",
    }

    app: OutpostApp

    def __init__(
        self, kind: ResourceKind, name: str, *, status: str | None = None, capacity: int | None = None
    ) -> None:
        super().__init__(classes="log-screen")
        self.kind = kind
        self.item_name = name
        self.item_status = status
        self._capacity = capacity
        self.status = StreamStatus(StreamState.CONNECTING)
        self.source: JobLogFollower | LogPoller | None = None
        self.filter_text: str | None = None
        self.search_text: str | None = None
        self._prompt_kind: str | None = None
        self._overwrite_path: str | None = None
        self._poll_timer: Timer | None = None
        self._status_timer: Timer | None = None
        self._polling = False

    # -- layout -------------------------------------------------------------------------

    @property
    def capacity(self) -> int:
        """Lines the view holds: the argument, else the app's setting, else 100,000."""
        return self._capacity or getattr(self.app, "log_buffer_lines", None) or DEFAULT_CAPACITY

    def compose(self) -> ComposeResult:
        yield Header()
        yield LogStatus(id="log-status")
        yield LogView(capacity=self.capacity, id="log-view")
        with Horizontal(id="log-prompt-bar", classes="hidden"):
            yield Label("", id="log-prompt-label")
            yield Input(id="log-prompt")
        yield Footer()

    @property
    def log_view(self) -> LogView:
        return self.query_one(LogView)

    @property
    def title_text(self) -> str:
        return f"{self.kind.singular} {self.item_name}"

    def on_mount(self) -> None:
        runtime_tuning.tune_for_streaming()
        self.title = "Outpost"
        self.sub_title = f"Logs · {self.title_text} · {self.app.connection.namespace}"
        self.log_view.focus()
        self._show_status()
        if self.kind is JOBS:
            self._follow_job()
        else:
            self.source = LogPoller(
                self.app.client, self.kind, self.app.connection.namespace, self.item_name, tail=self.capacity
            )
            self._poll_snapshot(Lane.USER)

    def on_unmount(self) -> None:
        runtime_tuning.restore_defaults()

    # -- sources ------------------------------------------------------------------------

    @work(group="log-source", exclusive=True, exit_on_error=False)
    async def _follow_job(self) -> None:
        follower = JobLogFollower(
            self.app.client,
            self.app.connection.namespace,
            self.item_name,
            on_lines=self.log_view.write_lines,
            on_status=lambda status: self.post_message(StatusChanged(status)),
            tail=self.capacity,
            job_status=self.item_status,
        )
        self.source = follower
        try:
            await follower.run()
        except Exception as exc:  # noqa: BLE001 - shown and logged, never lost
            log.exception("following the log of job %s failed", self.item_name)
            self.post_message(StatusChanged(StreamStatus(StreamState.FAILED, f"{type(exc).__name__}: {exc}")))

    @work(group="log-poll", exclusive=True, exit_on_error=False)
    async def _poll_snapshot(self, lane: Lane = Lane.BACKGROUND) -> None:
        """Fetch the snapshot's new lines, then schedule the next fetch while visible."""
        assert isinstance(self.source, LogPoller)
        self._polling = True
        retry = True
        try:
            lines = await self.source.fetch_new(lane)
        except OutpostError as exc:
            problem = describe(exc, credential_source=self.app.credential_source)
            # A rejected credential, a missing permission or a deleted item stays so.
            retry = not isinstance(exc, (AuthenticationFailed, PermissionDenied, NotFound))
            log.info("%s %s log refresh failed: %s", self.kind.singular, self.item_name, exc)
            if retry:
                status = StreamStatus(StreamState.RECONNECTING, problem.message, retry_in=SNAPSHOT_POLL_SECONDS)
            else:
                status = StreamStatus(StreamState.FAILED, problem.message, error=exc)
            self.post_message(StatusChanged(status))
        else:
            self.log_view.write_lines(lines)
            self.post_message(StatusChanged(StreamStatus(StreamState.POLLING, f"every {SNAPSHOT_POLL_SECONDS:.0f} s")))
        finally:
            self._polling = False
            if retry:
                self.call_later(self._schedule_poll)

    def _schedule_poll(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        if self.is_current and getattr(self.app, "polling_halted", None) is None:
            self._poll_timer = self.set_timer(SNAPSHOT_POLL_SECONDS, self._poll_snapshot)

    def on_screen_resume(self) -> None:
        if isinstance(self.source, LogPoller) and self._poll_timer is None and not self._polling:
            self._poll_snapshot()

    def on_screen_suspend(self) -> None:
        # Snapshots are refreshed only while visible. A job's stream keeps running, so
        # no line is missed while a dialog covers the screen.
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None

    @on(StatusChanged)
    def _status_changed(self, message: StatusChanged) -> None:
        previous = self.status
        self.status = message.status
        if message.status.state is StreamState.FAILED and previous.state is not StreamState.FAILED:
            error = message.status.error
            if error is not None:
                problem = describe(error, credential_source=self.app.credential_source)
                self.app.notify(problem.message, title=f"Log: {problem.title}", severity=problem.severity)
            else:
                self.app.notify(message.status.detail, title="Log failed", severity="error")
        self._show_status()

    @on(LogView.Changed)
    def _view_changed(self, message: LogView.Changed) -> None:
        if not message.lines_only:
            self._show_status()
        elif self._status_timer is None:
            self._status_timer = self.set_timer(STATUS_LINES_SECONDS, self._show_status)

    def _show_status(self) -> None:
        if self._status_timer is not None:
            self._status_timer.stop()
            self._status_timer = None
        dropped = self.source.missed if self.source is not None else 0
        status = self.query_one(LogStatus)
        status.show(
            source_line(self.title_text, self.status, self.log_view, dropped),
            view_line(self.log_view, self.filter_text, self.search_text),
        )

    # -- the prompt -----------------------------------------------------------------------

    def action_prompt(self, kind: str) -> None:
        """Open the input line for a search, filter, time or file path."""
        self._prompt_kind = kind
        self._overwrite_path = None
        prompt = self.query_one("#log-prompt", Input)
        self.query_one("#log-prompt-label", Label).update(self.PROMPTS[kind])
        values = {
            "search": self.search_text or "",
            "filter": self.filter_text or "",
            "save": str(default_save_path(self.item_name, filtered=False)),
            "save_filtered": str(default_save_path(self.item_name, filtered=True)),
        }
        prompt.value = values.get(kind, "")
        self.query_one("#log-prompt-bar").remove_class("hidden")
        prompt.focus()
        prompt.cursor_position = len(prompt.value)

    def _close_prompt(self) -> None:
        self._prompt_kind = None
        self.query_one("#log-prompt-bar").add_class("hidden")
        self.log_view.focus()

    @on(Input.Changed, "#log-prompt")
    def _prompt_changed(self, event: Input.Changed) -> None:
        if self._prompt_kind == "search":
            self._apply_search(event.value, jump=False)

    @on(Input.Submitted, "#log-prompt")
    def _prompt_submitted(self, event: Input.Submitted) -> None:
        kind, value = self._prompt_kind, event.value
        if kind == "search":
            self._close_prompt()
            self._apply_search(value, jump=True)
        elif kind == "filter":
            if self._apply_filter(value):
                self._close_prompt()
        elif kind == "jump":
            if self._jump_to_time(value):
                self._close_prompt()
        elif kind in ("save", "save_filtered"):
            if self._save(value, filtered=kind == "save_filtered"):
                self._close_prompt()

    def action_back(self) -> None:
        if self._prompt_kind is not None:
            self._close_prompt()
        elif self.search_text:
            self._apply_search("", jump=False)
        else:
            self.app.pop_screen()

    # -- search and filters ---------------------------------------------------------------

    def _apply_search(self, text: str, *, jump: bool) -> None:
        self.search_text = text or None
        self.log_view.set_search(compile_pattern(text, regex=False) if text else None)
        if jump and text:
            self.action_next_match()

    def action_next_match(self) -> None:
        self._go_to_match(backwards=False)

    def action_previous_match(self) -> None:
        self._go_to_match(backwards=True)

    def _go_to_match(self, *, backwards: bool) -> None:
        view = self.log_view
        if view.buffer.search is None:
            self.app.notify("Press / to search first.", timeout=3)
            return
        start = view.cursor if view.cursor is not None else view.buffer.view_length
        index = view.buffer.next_match(start, backwards=backwards)
        if index is None:
            self.app.notify(f"No line contains {self.search_text!r}.", severity="warning", timeout=3)
            return
        view.move_cursor(index, center=True)

    def _apply_filter(self, text: str) -> bool:
        try:
            pattern = compile_pattern(text, regex=True) if text else None
        except re.error as exc:
            self.app.notify(f"Invalid regular expression {text!r}: {exc}. Fix it and press enter.",
                            title="Filter", severity="error")
            return False
        self.filter_text = text or None
        current = self.log_view.buffer.filter
        self.log_view.set_filter(LogFilter(pattern, current.invert, current.min_level))
        return True

    def action_invert_filter(self) -> None:
        current = self.log_view.buffer.filter
        if current.pattern is None:
            self.app.notify("Press f to set a filter first; v then shows the lines it hides.", timeout=3)
            return
        self.log_view.set_filter(LogFilter(current.pattern, not current.invert, current.min_level))

    def action_cycle_level(self) -> None:
        current = self.log_view.buffer.filter
        level = LEVEL_CYCLE[(LEVEL_CYCLE.index(current.min_level) + 1) % len(LEVEL_CYCLE)]
        self.log_view.set_filter(LogFilter(current.pattern, current.invert, level))

    # -- display ------------------------------------------------------------------------

    def action_toggle_wrap(self) -> None:
        self.log_view.toggle_wrap()

    def action_toggle_timestamps(self) -> None:
        self.log_view.toggle_timestamps()

    def action_follow(self) -> None:
        self.log_view.action_follow()

    def _jump_to_time(self, text: str) -> bool:
        view = self.log_view
        newest = view.buffer.last_entry
        reference = newest[TIMESTAMP] if newest is not None and newest[TIMESTAMP] else datetime.now(timezone.utc)
        moment = parse_jump_time(text, reference)
        if moment is None:
            self.app.notify(f"Invalid time {text!r}: use HH:MM, HH:MM:SS or an ISO 8601 time.",
                            title="Go to time", severity="error")
            return False
        if view.buffer.view_length == 0:
            self.app.notify("No lines to go to yet.", timeout=3)
            return True
        index = view.buffer.index_at_time(moment)
        if index >= view.buffer.view_length:
            self.app.notify("No line at or after that time; showing the newest line.", timeout=4)
            index = view.buffer.view_length - 1
        elif index == 0 and view.buffer.evicted:
            first = view.buffer.view_entry(0)[TIMESTAMP]
            if first is not None and first > moment + timedelta(seconds=1):
                self.app.notify("Older lines are no longer held; showing the oldest held line.", timeout=4)
        view.move_cursor(index, center=True)
        return True

    # -- lines ----------------------------------------------------------------------------

    def action_copy_line(self) -> None:
        entry = self.log_view.cursor_entry
        if entry is None:
            self.app.notify("No line to copy yet.", timeout=3)
            return
        self.app.copy_to_clipboard(entry[TEXT])
        self.app.notify(
            f"Copied {len(entry[TEXT]):,} characters to the clipboard (through the terminal, "
            "which must allow OSC 52).",
            timeout=3,
        )

    def action_show_line(self) -> None:
        entry = self.log_view.cursor_entry
        if entry is not None:
            self.app.push_screen(LogLineScreen(entry))

    def _save(self, text: str, *, filtered: bool) -> bool:
        try:
            path = resolve_save_path(text)
        except ValueError as exc:
            self.app.notify(str(exc), title="Save", severity="error")
            return False
        if path.exists() and self._overwrite_path != str(path):
            self._overwrite_path = str(path)
            self.app.notify(f"{path} already exists. Press enter again to replace it, or edit the path.",
                            title="Save", severity="warning")
            return False
        entries = self.log_view.saved_lines(filtered=filtered)
        self._write_file(path, entries, self.log_view.show_timestamps, self.log_view.buffer.evicted)
        return True

    @work(thread=True, group="log-save", exit_on_error=False)
    def _write_file(self, path: Any, entries: list, timestamps: bool, evicted: int) -> None:
        try:
            write_log_file(path, entries, timestamps=timestamps)
        except OSError as exc:
            log.warning("saving the log to %s failed: %s", path, exc)
            self.app.call_from_thread(
                self.app.notify, f"Could not write {path}: {exc.strerror or exc}. Choose another path.",
                title="Save failed", severity="error",
            )
            return
        note = f" The {evicted:,} oldest lines were no longer held." if evicted else ""
        self.app.call_from_thread(
            self.app.notify, f"Saved {len(entries):,} lines to {path}.{note}", title="Saved", timeout=6
        )
