"""Helpers for Pilot tests: wait for a condition instead of sleeping a fixed time."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from textual.pilot import Pilot


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until ``condition()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)


def column_texts(table, column: int = 0) -> list[str]:
    """The plain text of one column, top to bottom."""
    return [table.get_row_at(index)[column].plain for index in range(table.row_count)]


def screen_text(app) -> str:
    """What the terminal shows, read back from an SVG export of the screen."""
    svg = app.export_screenshot()
    return html.unescape(svg).replace("\xa0", " ")


def fast_polling(monkeypatch) -> None:
    """Shorten refresh and probe intervals so outage tests finish in seconds."""
    from outpost_tui import polling

    monkeypatch.setattr(polling, "DEFAULT_INTERVAL", 0.3)
    monkeypatch.setattr(polling, "PROBE_INTERVALS", (0.3, 0.5, 1.0))
