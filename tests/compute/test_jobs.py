"""Job actions on the demo server: submit to a fleet, cancel, delete, filter and sort."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from outpost_tui.app import Target
from outpost_tui.screens.modals.confirm import ConfirmModal
from outpost_tui.screens.modals.job_form import SubmitJobForm
from outpost_tui.screens.modals.list_filter import ListFilterModal

from ..conftest import make_app
from ..ui.helpers import column_texts, wait_for
from .helpers import SIZE, highlight, modal_open, names_with_status, record, wait_rows, wait_screen


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_submit_job_to_fleet(fast_server):
    fleet = next(iter(fast_server.state.fleets["acme"].values()))
    app = make_app(fast_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await pilot.press("n")
        form = await wait_screen(pilot, SubmitJobForm)
        await pilot.press(*"fleet-eval", "tab", *"python eval.py", "tab")
        form.query_one("#f-fleet", Select).value = fleet["name"]
        await pilot.pause()
        assert form.query_one("#f-gpu", Select).disabled
        preview = static_text(form, "#form-request")
        assert preview.startswith("POST /auth/v1/seed/acme/jobs")
        assert f'"fleet": "{fleet["name"]}"' in preview
        assert '"gpu"' not in preview
        assert f"from fleet {fleet['name']}" in static_text(form, "#form-price")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not modal_open(app))
        job = fast_server.state.jobs["acme"]["fleet-eval"]
        assert job["fleet"] == fleet["name"]
        assert seen.writes == [("POST", "/auth/v1/seed/acme/jobs")]
        assert "Job submitted" in seen.titles()


async def test_submit_price_uses_spot_and_nodes(fast_server):
    app = make_app(fast_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        await pilot.press("n")
        form = await wait_screen(pilot, SubmitJobForm)
        form.query_one("#f-gpu", Select).value = "H100-80GB"
        form.query_one("#f-gpu_count", Select).value = 2
        form.query_one("#f-nodes", Input).value = "2"
        await pilot.pause()
        assert "$18.00/hour" in static_text(form, "#form-price")
        await pilot.click("#f-spot")
        await pilot.pause()
        assert "$7.20/hour" in static_text(form, "#form-price")
        assert '"spot": true' in static_text(form, "#form-request")


async def test_unknown_fleet_shows_on_fleet_field(fast_server):
    fleet = next(iter(fast_server.state.fleets["acme"].values()))
    app = make_app(fast_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        await pilot.press("n")
        form = await wait_screen(pilot, SubmitJobForm)
        form.query_one("#f-name", Input).value = "orphan"
        form.query_one("#f-command", Input).value = "true"
        form.query_one("#f-fleet", Select).value = fleet["name"]
        # The fleet is deleted on the server after the form listed it.
        del fast_server.state.fleets["acme"][fleet["name"]]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "not found" in static_text(form, "#error-fleet"))
        assert "HTTP 422" in static_text(form, "#form-error")


async def test_cancel_running_job(fast_server):
    app = make_app(fast_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "running", "queued")[0]
        await highlight(pilot, name)
        await pilot.press("x")
        dialog = await wait_screen(pilot, ConfirmModal)
        assert dialog.title_text == f"Cancel job '{name}'?"
        assert "/hour" in static_text(dialog, "#confirm-body")
        await pilot.press("y")
        await wait_for(pilot, lambda: seen.writes == [("POST", f"/auth/v1/seed/acme/jobs/{name}/cancel")])
        await wait_for(pilot, lambda: fast_server.state.jobs["acme"][name]["status"] == "cancelled")


async def test_delete_running_job_is_not_sent(fast_server):
    app = make_app(fast_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "running", "queued")[0]
        await highlight(pilot, name)
        await pilot.press("d")
        await pilot.pause()
        assert not modal_open(app)
        assert "cancel it first" in seen.text()
        assert seen.writes == []


async def test_delete_finished_jobs_in_batch(fast_server):
    for name in ("done-a", "done-b"):
        fast_server.state.add_job("acme", name=name, status="succeeded")
    app = make_app(fast_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        finished = ["done-a", "done-b"]
        running = names_with_status(app, "running", "queued")[:1]
        for name in finished + running:
            await highlight(pilot, name)
            await pilot.press("space")
        await pilot.press("d")
        dialog = await wait_screen(pilot, ConfirmModal)
        assert dialog.title_text == "Delete 2 jobs?"
        body = static_text(dialog, "#confirm-body")
        assert "Skipped" in body
        assert running[0] in body
        await pilot.press("y")
        await wait_for(pilot, lambda: len(seen.writes) == 2)
        await wait_for(pilot, lambda: not any(name in fast_server.state.jobs["acme"] for name in finished))
        assert running[0] in fast_server.state.jobs["acme"]


async def test_filter_by_status_and_sort(fast_server):
    app = make_app(fast_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await pilot.press("f")
        dialog = await wait_screen(pilot, ListFilterModal)
        dialog.query_one("#filter-status", Select).value = "succeeded"
        dialog.query_one("#filter-sort", Select).value = "name"
        dialog.query_one("#filter-order", Select).value = "asc"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("status=succeeded" in query for query in seen.queries))
        expected = sorted(
            name for name, job in fast_server.state.jobs["acme"].items() if job["status"] == "succeeded"
        )[:20]
        await wait_for(pilot, lambda: column_texts(app.screen.table) == expected)
        assert "status succeeded, by name asc" in app.screen.sub_title
