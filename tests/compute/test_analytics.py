"""Analytics sparklines in the detail pane, fetched for the highlighted item only."""

from __future__ import annotations

from outpost_tui.app import Target
from outpost_tui.screens import actions
from outpost_tui.widgets.detail_pane import DetailPane

from ..conftest import make_app
from ..ui.helpers import screen_text, wait_for
from .helpers import SIZE, highlight, names_with_status, record, wait_rows


async def test_machine_detail_shows_sparklines(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        name = names_with_status(app, "running")[1]
        await highlight(pilot, name)
        detail = app.screen.query_one(DetailPane)
        await wait_for(pilot, lambda: detail.analytics_key == name)
        text = screen_text(app)
        assert "Analytics, last 1h" in text
        assert "CPU" in text
        assert any(block in text for block in "▁▂▃▄▅▆▇█")


async def test_service_detail_shows_latency(fast_server):
    app = make_app(fast_server, target=Target("services"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        await highlight(pilot, "rerank-api")
        detail = app.screen.query_one(DetailPane)
        await wait_for(pilot, lambda: detail.analytics_key == "rerank-api")
        # The service's many fields push the sparklines below the fold.
        detail.scroll_end(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert "requests/s" in text
        assert "p99 latency" in text


async def test_analytics_not_faster_than_refresh(fast_server, monkeypatch):
    app = make_app(fast_server)
    monkeypatch.setattr(actions, "list_refresh_seconds", lambda screen: 30.0)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        names = list(app.screen.items)[:6]
        for name in names:
            await highlight(pilot, name)
            await pilot.pause(0.2)
        await pilot.pause(0.5)
        fetched = seen.paths("/analytics")
        # One fetch for the first row highlighted; the rest wait for the next refresh interval.
        assert len(fetched) <= 1
        assert all(path.startswith("/acme/machine/") for path in fetched)


async def test_fleets_fetch_no_analytics(fast_server):
    app = make_app(fast_server, target=Target("fleets"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await pilot.press("down")
        await pilot.pause(0.5)
        assert seen.paths("/analytics") == []
