"""Machine actions on the demo server: create with a price preview, stop, start, delete, auto-stop."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from outpost_tui.screens.modals.confirm import ConfirmModal
from outpost_tui.screens.modals.machine_form import AutoStopForm, CreateMachineForm

from ..conftest import make_app
from ..ui.helpers import wait_for
from .helpers import SIZE, highlight, modal_open, names_with_status, record, wait_rows, wait_screen


def field_error(form, name: str) -> str:
    return str(form.query_one(f"#error-{name}", Static).render())


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_create_machine_from_keyboard(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await pilot.press("n")
        form = await wait_screen(pilot, CreateMachineForm)
        await pilot.press(*"gpu-box", "tab")
        await pilot.press("enter", *"L4", "enter", "tab")
        await pilot.press("enter", "2", "enter", "tab")
        await pilot.press("enter", *"16", "enter", "tab")
        await pilot.press("enter", *"64", "enter")
        await pilot.pause()
        price = static_text(form, "#form-price")
        assert "$1.60/hour" in price
        assert "2 × L4 at $0.80" in price
        preview = static_text(form, "#form-request")
        assert preview.startswith("POST /auth/v1/seed/acme/dev")
        assert '"gpu": "L4"' in preview
        assert '"gpu_count": 2' in preview
        assert '"memory_gb": 64' in preview
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not modal_open(app))
        assert ("POST", "/auth/v1/seed/acme/dev") in seen.writes
        machine = fast_server.state.machines["acme"]["gpu-box"]
        assert (machine["gpu"], machine["gpu_count"], machine["cpu"], machine["memory_gb"]) == ("L4", 2, 16, 64)
        assert "Machine created" in seen.titles()


async def test_create_form_validates_before_sending(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await pilot.press("n")
        form = await wait_screen(pilot, CreateMachineForm)
        form.query_one("#f-name", Input).value = "bad name!"
        form.query_one("#f-gpu", Select).value = "T4"
        form.query_one("#f-cpu", Select).value = 2
        form.query_one("#f-memory_gb", Select).value = 64
        form.query_one("#f-disk_gb", Input).value = "5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "invalid name 'bad name!'" in field_error(form, "name")
        assert "use between 4 and 32 GB" in field_error(form, "memory_gb")
        assert "use a value from 10 to 2000" in field_error(form, "disk_gb")
        assert "nothing was sent" in static_text(form, "#form-error")
        assert seen.writes == []
        assert modal_open(app)


async def test_taken_name_shows_on_name_field(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        await pilot.press("n")
        form = await wait_screen(pilot, CreateMachineForm)
        form.query_one("#f-name", Input).value = "vision-dev"
        form.query_one("#f-gpu", Select).value = "T4"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "already exists" in field_error(form, "name"))
        assert "request id req_" in field_error(form, "name")
        assert "HTTP 409" in static_text(form, "#form-error")
        assert "vision-dev" in fast_server.state.machines["acme"]


async def test_server_422_shows_on_gpu_field(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        await pilot.press("n")
        form = await wait_screen(pilot, CreateMachineForm)
        # The catalog was read when the form opened; the server changes its mind after.
        fast_server.state.set_gpu_available("H100-80GB", "us-east-1", False)
        form.query_one("#f-name", Input).value = "late-h100"
        form.query_one("#f-gpu", Select).value = "H100-80GB"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "not available" in field_error(form, "gpu"))
        assert "HTTP 422" in static_text(form, "#form-error")
        assert "late-h100" not in fast_server.state.machines["acme"]


async def test_stop_three_machines_in_one_confirmation(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        running = names_with_status(app, "running")[:3]
        assert len(running) == 3
        expected_cost = sum(app.screen.items[name].cost_per_hour for name in running)
        for name in running:
            await highlight(pilot, name)
            await pilot.press("space")
        assert set(app.screen.marked) == set(running)
        await pilot.press("s")
        dialog = await wait_screen(pilot, ConfirmModal)
        assert dialog.title_text == "Stop 3 machines?"
        body = static_text(dialog, "#confirm-body")
        assert f"${expected_cost:,.2f}/hour" in body
        for name in running:
            assert name in body
        await pilot.press("y")
        await wait_for(pilot, lambda: len(seen.writes) == 3)
        assert sorted(path for _, path in seen.writes) == sorted(
            f"/auth/v1/seed/acme/dev/{name}/stop" for name in running
        )
        await wait_for(pilot, lambda: all(
            fast_server.state.machines["acme"][name]["status"] in ("stopping", "stopped") for name in running
        ))
        assert app.screen.marked == {}


async def test_stop_cancelled_sends_nothing(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "running")[0]
        await highlight(pilot, name)
        await pilot.press("s")
        dialog = await wait_screen(pilot, ConfirmModal)
        assert name in dialog.title_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not modal_open(app))
        await pilot.pause(0.2)
        assert seen.writes == []
        assert fast_server.state.machines["acme"][name]["status"] == "running"


async def test_stop_of_stopped_machine_is_not_sent(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "stopped")[0]
        await highlight(pilot, name)
        await pilot.press("s")
        await pilot.pause()
        assert not modal_open(app)
        assert "only a running machine can stop" in seen.text()
        assert seen.writes == []


async def test_conflict_from_server_shows_request_id(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "running")[0]
        await highlight(pilot, name)
        # The machine stops on the server after the list was read.
        fast_server.state.machines["acme"][name]["status"] = "stopped"
        await pilot.press("s")
        await wait_screen(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_for(pilot, lambda: "Stop failed for 1 of 1" in seen.titles())
        assert "HTTP 409" in seen.text()
        assert "request id req_" in seen.text()


async def test_start_stopped_machine(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "stopped")[0]
        await highlight(pilot, name)
        await pilot.press("t")
        await wait_for(pilot, lambda: seen.writes == [("POST", f"/auth/v1/seed/acme/dev/{name}/start")])
        await wait_for(pilot, lambda: fast_server.state.machines["acme"][name]["status"] in ("starting", "running"))


async def test_delete_in_prod_needs_typed_name(fast_server):
    app = make_app(fast_server)
    app.environment = "prod"
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "stopped")[0]
        await highlight(pilot, name)
        await pilot.press("d")
        dialog = await wait_screen(pilot, ConfirmModal)
        assert dialog.typed_confirmation == name
        await pilot.press("y", "enter")
        await pilot.pause()
        assert "does not match" in static_text(dialog, "#confirm-mismatch")
        assert seen.writes == []
        dialog.query_one("#confirm-input", Input).value = name
        await pilot.press("enter")
        await wait_for(pilot, lambda: seen.writes == [("DELETE", f"/auth/v1/seed/acme/dev/{name}")])
        await wait_for(pilot, lambda: name not in fast_server.state.machines["acme"])


async def test_delete_outside_prod_confirms_with_y(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "failed", "stopped")[0]
        await highlight(pilot, name)
        await pilot.press("d")
        dialog = await wait_screen(pilot, ConfirmModal)
        assert dialog.typed_confirmation is None
        assert "cannot be undone" in static_text(dialog, "#confirm-body")
        await pilot.press("y")
        await wait_for(pilot, lambda: seen.writes == [("DELETE", f"/auth/v1/seed/acme/dev/{name}")])


async def test_change_auto_stop(fast_server):
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "running")[0]
        await highlight(pilot, name)
        await pilot.press("e")
        form = await wait_screen(pilot, AutoStopForm)
        field = form.query_one("#f-auto_stop_minutes", Input)
        field.value = ""
        await pilot.press(*"45")
        assert '"auto_stop_minutes": 45' in static_text(form, "#form-request")
        assert f"PATCH /auth/v1/seed/acme/dev/{name}" in static_text(form, "#form-request")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not modal_open(app))
        assert fast_server.state.machines["acme"][name]["auto_stop_minutes"] == 45
        assert seen.writes == [("PATCH", f"/auth/v1/seed/acme/dev/{name}")]


async def test_batch_delete_in_prod_needs_typed_count(fast_server):
    app = make_app(fast_server)
    app.environment = "prod"
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        names = names_with_status(app, "stopped", "failed")[:2]
        for name in names:
            await highlight(pilot, name)
            await pilot.press("space")
        await pilot.press("d")
        dialog = await wait_screen(pilot, ConfirmModal)
        assert dialog.typed_confirmation == "2 machines"
        dialog.query_one("#confirm-input", Input).value = "2 machines"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(seen.writes) == 2)
        assert all(method == "DELETE" for method, _ in seen.writes)
