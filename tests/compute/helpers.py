"""Helpers for driving compute actions in Pilot tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from textual.pilot import Pilot

from outpost_tui.screens.modals.confirm import MutationModal

from ..ui.helpers import wait_for

SIZE = (150, 45)


@dataclass
class Recorder:
    """What the app sent and showed: requests by method and path, and notifications."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    notices: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.requests if method != "GET"]

    def paths(self, suffix: str) -> list[str]:
        return [path for _, path in self.requests if path.endswith(suffix)]

    def titles(self) -> list[str]:
        return [title for title, _, _ in self.notices]

    def text(self) -> str:
        return "\n".join(f"{title}: {message}" for title, message, _ in self.notices)


def record(app: Any) -> Recorder:
    """Record every request the app's client sends and every notification it shows."""
    recorder = Recorder()

    async def on_request(request: httpx.Request) -> None:
        recorder.requests.append((request.method, request.url.path))
        recorder.queries.append(request.url.query.decode())

    app.client._http.event_hooks["request"].append(on_request)
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        recorder.notices.append((kwargs.get("title", ""), message, kwargs.get("severity", "")))
        original(message, **kwargs)

    app.notify = notify
    return recorder


async def wait_rows(pilot: Pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.screen.table.row_count > 0)


async def highlight(pilot: Pilot, name: str) -> None:
    """Put the cursor on the row named ``name`` and wait until the detail pane shows it."""
    screen = pilot.app.screen
    assert screen.table.move_to_key(name), f"{name!r} is not on the current page"
    await pilot.pause()


async def wait_screen(pilot: Pilot, kind: type) -> Any:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


def modal_open(app: Any) -> bool:
    return any(isinstance(screen, MutationModal) for screen in app.screen_stack)


def names_with_status(app: Any, *statuses: str) -> list[str]:
    """Names on the current page whose status is one of ``statuses``, in table order."""
    return [key for key, item in app.screen.items.items() if item.status in statuses]
