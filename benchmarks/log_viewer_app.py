"""The programs that ``benchmarks/logs.py`` runs in a pseudo-terminal.

``ours`` is outpost-tui itself, opened on ``jobs/NAME/logs``. ``log`` is the reference:
a bare Textual app with the plain ``Log`` widget, fed the same followed stream by the
same client, with each line cleaned by the same sanitizer. Both write their counters to
a JSON file twice a second, from a thread, so the parent can read them without touching
the terminal. The ``t`` key changes what both show (times in ours, highlighting in the
reference), so the parent can time a key press until the repaint reaches the terminal.

    python benchmarks/log_viewer_app.py ours|log URL API_KEY JOB STATS_FILE
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Label, Log

from outpost_tui.api import Credential, OutpostClient
from outpost_tui.api.logs import JobLogFollower
from outpost_tui.app import Target
from outpost_tui.cli import Options, build_app
from outpost_tui.models import LogLine
from outpost_tui.sanitize import clean_text
from outpost_tui.screens.logs import LogScreen

NAMESPACE = "acme"
BUFFER_LINES = 100_000
STATS_SECONDS = 0.5


def peak_rss_bytes() -> int:
    """Return the peak resident set size of this process (Linux ``VmHWM``), 0 elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def write_stats_forever(app: App, path: Path, read: Callable[[], dict]) -> None:
    """Write ``read()`` plus the time and peak RSS to ``path`` every half second.

    ``read`` runs on the app's event loop, between two of its steps, so the counters it
    reads agree with each other.
    """

    def loop() -> None:
        while True:
            try:
                counters = app.call_from_thread(read) if app.is_running else {"received": 0}
            except RuntimeError:  # the app is not running yet, or any more
                counters = {"received": 0}
            stats = {"time": time.monotonic(), "peak_rss": peak_rss_bytes(), **counters}
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(stats))
            os.replace(temporary, path)
            time.sleep(STATS_SECONDS)

    threading.Thread(target=loop, daemon=True, name="stats").start()


def run_ours(url: str, api_key: str, job: str, stats: Path) -> None:
    options = Options(
        demo=False, base_url=url, namespace=NAMESPACE, target=Target("jobs", job, "logs"),
        allow_insecure_http=False, log_buffer_lines=BUFFER_LINES,
    )
    app = build_app(options, Credential.api_key(api_key, source="benchmark"))

    def read() -> dict:
        screen = next((screen for screen in list(app.screen_stack) if isinstance(screen, LogScreen)), None)
        source = screen.source if screen is not None else None
        if screen is None or source is None:
            return {"received": 0}
        return {
            "received": screen.log_view.received,
            "held": len(screen.log_view.buffer),
            "first_seq": source.tracker.first_seq,
            "last_seq": source.tracker.last_seq,
            "missed": source.missed,
            "connections": getattr(source, "connections", 0),
        }

    write_stats_forever(app, stats, read)
    app.run()


class ReferenceLogApp(App):
    """Textual's ``Log`` fed the followed stream; ``t`` toggles its highlighting."""

    BINDINGS = [("t", "toggle_highlight", "Highlight"), ("q", "quit", "Quit")]

    def __init__(self, url: str, api_key: str, job: str) -> None:
        super().__init__()
        self.url = url
        self.api_key = api_key
        self.job = job
        self.received = 0
        self.follower: JobLogFollower | None = None
        self.log_widget: Log | None = None

    def compose(self) -> ComposeResult:
        yield Label("highlight off", id="mark")
        yield Log(max_lines=BUFFER_LINES, id="log")

    def on_mount(self) -> None:
        self.log_widget = self.query_one(Log)
        self.run_worker(self.follow(), exit_on_error=False)

    async def follow(self) -> None:
        client = OutpostClient(self.url, Credential.api_key(self.api_key, source="benchmark"))
        self.follower = JobLogFollower(
            client, NAMESPACE, self.job, on_lines=self.write, on_status=lambda status: None, tail=10_000
        )
        await self.follower.run()

    def write(self, lines: list[LogLine]) -> None:
        self.received += len(lines)
        self.query_one(Log).write_lines([clean_text(line.message) for line in lines])

    def action_toggle_highlight(self) -> None:
        log = self.query_one(Log)
        log.highlight = not log.highlight
        log._render_line_cache.clear()  # Log caches rendered lines and has no public reset.
        log.refresh()
        self.query_one("#mark", Label).update(f"highlight {'on' if log.highlight else 'off'}")


def run_reference(url: str, api_key: str, job: str, stats: Path) -> None:
    app = ReferenceLogApp(url, api_key, job)

    def read() -> dict:
        follower, log = app.follower, app.log_widget
        if follower is None or log is None:
            return {"received": 0}
        return {
            "received": app.received,
            "held": len(log.lines),
            "first_seq": follower.tracker.first_seq,
            "last_seq": follower.tracker.last_seq,
            "missed": follower.missed,
            "connections": follower.connections,
        }

    write_stats_forever(app, stats, read)
    app.run()


def main() -> int:
    widget, url, api_key, job, stats = sys.argv[1:6]
    runner = run_ours if widget == "ours" else run_reference
    runner(url, api_key, job, Path(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
