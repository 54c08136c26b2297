"""Polling on a live demo server: hidden screens stay quiet, a 401 halts every screen."""

from __future__ import annotations

from outpost_tui.connection import ConnectionState

from ..conftest import make_app
from .helpers import fast_polling, screen_text, wait_for

SIZE = (150, 45)


def _record_operations(app) -> list[tuple[str, str]]:
    """Wrap the client's request method to note (visible mode, operation) of each call."""
    calls: list[tuple[str, str]] = []
    original = app.client.request

    async def request(operation, **kwargs):
        calls.append((app.current_mode, operation))
        return await original(operation, **kwargs)

    app.client.request = request
    return calls


async def test_hidden_screens_send_nothing(demo_server, monkeypatch):
    fast_polling(monkeypatch)
    app = make_app(demo_server)
    calls = _record_operations(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.current_mode == "jobs" and app.screen.table.row_count > 0)
        await pilot.press("1")
        calls.clear()
        await pilot.pause(1.5)
        assert calls, "the visible screen stopped polling"
        assert all(operation.startswith("machines.") for _, operation in calls)


async def test_unauthorized_halts_every_screen(demo_server, monkeypatch):
    fast_polling(monkeypatch)
    app = make_app(demo_server)
    calls = _record_operations(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.current_mode == "jobs" and app.screen.table.row_count > 0)
        await pilot.press("1")
        key_record = demo_server.state.api_keys["mara"]["demo-key"]
        demo_server.state.revoke(key_record)
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.UNAUTHORIZED)
        await wait_for(pilot, lambda: "demo server" in screen_text(app))
        calls.clear()
        await pilot.press("2")
        await pilot.pause(0.5)
        await pilot.press("3")
        await pilot.pause(1.0)
        assert calls == []
        await wait_for(pilot, lambda: "Press r to try again" in screen_text(app))


async def test_pause_stops_and_resumes_polling(demo_server, monkeypatch):
    fast_polling(monkeypatch)
    app = make_app(demo_server)
    calls = _record_operations(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        await pilot.press("p")
        await pilot.pause(0.3)
        calls.clear()
        await pilot.pause(1.2)
        assert calls == []
        await wait_for(pilot, lambda: "paused" in screen_text(app))
        await pilot.press("p")
        await wait_for(pilot, lambda: len(calls) > 0)


async def test_interval_keys_change_refresh(demo_server):
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        await pilot.press("plus")
        assert app.screen.policy.base_interval == 10.0
        await pilot.press("minus", "minus")
        assert app.screen.policy.base_interval == 2.0
        await wait_for(pilot, lambda: "every 2s" in screen_text(app))


async def test_degraded_mode_probes_and_recovers(demo_server, monkeypatch):
    fast_polling(monkeypatch)
    app = make_app(demo_server)
    app.client.retries = 0
    calls = _record_operations(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        demo_server.stop()
        await wait_for(pilot, lambda: app.screen.policy.degraded)
        await wait_for(pilot, lambda: "checking again in" in screen_text(app))
        await wait_for(pilot, lambda: ("machines", "health") in calls)
        demo_server.start()
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.CONNECTED, timeout=15)
        assert not app.screen.policy.degraded
