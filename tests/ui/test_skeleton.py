"""The dashboard on a live demo server: lists, switching, details, hostile text, outages."""

from __future__ import annotations

from outpost_tui.app import Target
from outpost_tui.connection import ConnectionState
from outpost_tui.widgets.detail_pane import DetailPane

from ..conftest import make_app
from .helpers import column_texts, fast_polling, screen_text, wait_for

SIZE = (150, 45)


async def test_machines_screen_shows_rows(demo_server):
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        names = column_texts(app.screen.table)
        expected = [m["name"] for m in _first_page(demo_server, "machines")]
        assert names == expected
        await wait_for(pilot, lambda: "page 1 of" in screen_text(app))


async def test_switching_to_jobs_shows_jobs(demo_server):
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.current_mode == "jobs" and app.screen.table.row_count > 0)
        expected = [job["name"] for job in _first_page(demo_server, "jobs")]
        assert column_texts(app.screen.table) == expected


async def test_next_page_key_loads_page_two(demo_server):
    app = make_app(demo_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.screen.page_number == 2 and "page 2 of" in screen_text(app))
        expected = [job["name"] for job in _first_page(demo_server, "jobs", page=2)]
        await wait_for(pilot, lambda: column_texts(app.screen.table) == expected)


async def test_job_detail_shows_progress(demo_server):
    app = make_app(demo_server, target=Target("jobs", "finetune-llama-3-r1"))
    async with app.run_test(size=SIZE) as pilot:
        detail = app.screen.query_one(DetailPane)
        await wait_for(
            pilot,
            lambda: detail.item is not None and detail.item.name == "finetune-llama-3-r1"
            and detail.item.command is not None,
        )
        assert app.screen.table.highlighted_key == "finetune-llama-3-r1"
        assert detail.item.progress
        await wait_for(pilot, lambda: detail.item.progress in screen_text(app))


async def test_hostile_name_renders_literally(demo_server):
    hostile = "x[@click=app.quit]y"
    osc_title = "evil\x1b]0;pwned\x07name"
    demo_server.state.add_machine("acme", name=hostile, status="running")
    demo_server.state.add_machine("acme", name=osc_title, status="hibernating")
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        names = column_texts(app.screen.table)
        assert hostile in names
        assert "evilname" in names
        await wait_for(pilot, lambda: hostile in screen_text(app))
        text = screen_text(app)
        assert hostile in text
        assert "hibernating" in text
        assert "\x1b" not in text
        await pilot.click("#table")
        assert app.is_running


async def test_server_outage_shows_message_and_recovers(demo_server, monkeypatch):
    fast_polling(monkeypatch)
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        rows_before = app.screen.table.row_count
        demo_server.stop()
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.FAILING)
        await wait_for(pilot, lambda: "Server unreachable" in screen_text(app))
        assert app.screen.table.row_count == rows_before
        demo_server.start()
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.CONNECTED)
        assert app.screen.query_one("#error-banner").has_class("hidden")


def _first_page(server, kind: str, page: int = 1) -> list[dict]:
    import httpx

    response = httpx.get(
        f"{server.url}/acme/{kind}",
        params={"page": page, "per_page": 20},
        headers={"Authorization": f"API-Key {server.api_key}"},
    )
    response.raise_for_status()
    return response.json()["data"]


async def test_rejected_credential_names_its_source(demo_server):
    from outpost_tui.api import Credential

    bad = Credential.api_key("demo-key$sk_live_" + "0" * 32, source="environment variable OUTPOST_API_KEY")
    app = make_app(demo_server, credential=bad)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.UNAUTHORIZED)
        await wait_for(pilot, lambda: "Credential rejected" in screen_text(app))
        assert "OUTPOST_API_KEY" in screen_text(app)
        assert app.is_running


async def test_server_error_shows_request_id_and_recovers(demo_server, monkeypatch):
    fast_polling(monkeypatch)
    app = make_app(demo_server)
    app.client.retries = 0
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        demo_server.faults.force_status = 500
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.FAILING)
        await wait_for(pilot, lambda: "Server error" in screen_text(app))
        assert "req_" in screen_text(app)
        demo_server.faults.reset()
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.CONNECTED)


async def test_malformed_json_gives_clear_message(demo_server, monkeypatch):
    fast_polling(monkeypatch)
    app = make_app(demo_server)
    app.client.retries = 0
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        demo_server.faults.force_status = 200
        demo_server.faults.error_body = "invalid_json"
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.FAILING)
        await wait_for(pilot, lambda: "Unreadable response" in screen_text(app))
        assert app.screen.table.row_count > 0
        demo_server.faults.reset()
        await wait_for(pilot, lambda: app.connection.state is ConnectionState.CONNECTED)
