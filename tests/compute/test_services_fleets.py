"""Service, fleet and catalog screens on the demo server."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static

from outpost_tui.app import Target
from outpost_tui.demo import fleets
from outpost_tui.screens.modals.confirm import ConfirmModal
from outpost_tui.screens.modals.fleet_form import CreateFleetForm, EditFleetForm
from outpost_tui.screens.modals.service_form import ScaleServiceForm
from outpost_tui.widgets.detail_pane import DetailPane

from ..conftest import make_app
from ..ui.helpers import screen_text, wait_for
from .helpers import SIZE, highlight, modal_open, names_with_status, record, wait_rows, wait_screen


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_scale_service_to_fixed_count(fast_server):
    app = make_app(fast_server, target=Target("services"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await highlight(pilot, "rerank-api")
        await pilot.press("e")
        form = await wait_screen(pilot, ScaleServiceForm)
        form.query_one("#f-mode", Select).value = "fixed"
        form.query_one("#f-replicas", Input).value = "3"
        await pilot.pause()
        assert '"replicas": 3' in static_text(form, "#form-request")
        assert "$1.20/hour" in static_text(form, "#form-price")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not modal_open(app))
        service = fast_server.state.services["acme"]["rerank-api"]
        assert service["replicas"] == 3
        assert seen.writes == [("PATCH", "/auth/v1/seed/acme/services/rerank-api")]


async def test_scale_service_bounds(fast_server):
    app = make_app(fast_server, target=Target("services"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        await highlight(pilot, "rerank-api")
        await pilot.press("e")
        form = await wait_screen(pilot, ScaleServiceForm)
        form.query_one("#f-min_replicas", Input).value = "1"
        form.query_one("#f-max_replicas", Input).value = "5"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not modal_open(app))
        service = fast_server.state.services["acme"]["rerank-api"]
        assert (service["min_replicas"], service["max_replicas"]) == (1, 5)


async def test_fixed_to_autoscale_needs_target(fast_server):
    app = make_app(fast_server, target=Target("services"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await highlight(pilot, "chat-gateway")
        await pilot.press("e")
        form = await wait_screen(pilot, ScaleServiceForm)
        form.query_one("#f-mode", Select).value = "autoscale"
        form.query_one("#f-max_replicas", Input).value = "4"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "target_qps_per_replica is missing" in static_text(form, "#error-target_qps_per_replica")
        assert seen.writes == []


async def test_replicas_column_shows_counts(fast_server):
    app = make_app(fast_server, target=Target("services"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        assert "READY/CUR (MIN-MAX)" in screen_text(app)


async def test_stop_and_start_service(fast_server):
    app = make_app(fast_server, target=Target("services"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = names_with_status(app, "running")[0]
        await highlight(pilot, name)
        await pilot.press("s")
        dialog = await wait_screen(pilot, ConfirmModal)
        assert name in dialog.title_text
        await pilot.press("y")
        await wait_for(pilot, lambda: fast_server.state.services["acme"][name]["status"] == "stopped")
        await wait_for(pilot, lambda: app.screen.items[name].status == "stopped")
        await pilot.press("t")
        await wait_for(pilot, lambda: fast_server.state.services["acme"][name]["status"] in ("deploying", "running"))
        assert seen.writes == [
            ("POST", f"/auth/v1/seed/acme/services/{name}/stop"),
            ("POST", f"/auth/v1/seed/acme/services/{name}/start"),
        ]


async def test_delete_service(fast_server):
    app = make_app(fast_server, target=Target("services"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        await highlight(pilot, "sdxl-turbo")
        await pilot.press("d")
        await wait_screen(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_for(pilot, lambda: "sdxl-turbo" not in fast_server.state.services["acme"])


async def test_fleets_screen_lists_nodes(fast_server):
    app = make_app(fast_server, target=Target("fleets"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        fleet = next(iter(fast_server.state.fleets["acme"].values()))
        assert fleet["name"] in app.screen.items
        assert "idle ·" in screen_text(app)
        await highlight(pilot, fleet["name"])
        detail = app.screen.query_one(DetailPane)
        await wait_for(pilot, lambda: detail.item is not None and detail.item.name == fleet["name"])
        text = screen_text(app)
        for label in ("nodes idle", "nodes busy", "nodes provisioning"):
            assert label in text


async def test_create_fleet_with_price(fast_server):
    app = make_app(fast_server, target=Target("fleets"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await pilot.press("n")
        form = await wait_screen(pilot, CreateFleetForm)
        form.query_one("#f-name", Input).value = "warm-h100-b"
        form.query_one("#f-gpus", Select).value = "H100-80GB"
        form.query_one("#f-gpu_count", Select).value = 2
        form.query_one("#f-min_nodes", Input).value = "1"
        form.query_one("#f-max_nodes", Input).value = "4"
        await pilot.pause()
        price = static_text(form, "#form-price")
        assert "$9.00/hour per node" in price
        assert "warm minimum: $9.00/hour" in price
        assert '"gpus": "H100-80GB:2"' in static_text(form, "#form-request")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not modal_open(app))
        assert fast_server.state.fleets["acme"]["warm-h100-b"]["max_nodes"] == 4
        assert seen.writes == [("POST", "/auth/v1/seed/acme/fleets")]


async def test_edit_fleet_nodes(fast_server):
    app = make_app(fast_server, target=Target("fleets"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        name = next(iter(app.screen.items))
        await highlight(pilot, name)
        await pilot.press("e")
        form = await wait_screen(pilot, EditFleetForm)
        form.query_one("#f-max_nodes", Input).value = "9"
        await pilot.pause()
        assert static_text(form, "#form-request").endswith('{\n  "max_nodes": 9\n}')
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not modal_open(app))
        assert fast_server.state.fleets["acme"][name]["max_nodes"] == 9


async def test_delete_busy_fleet_conflict(fast_server):
    app = make_app(fast_server, target=Target("fleets"))
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        name = next(key for key, fleet in app.screen.items.items() if not fleet.nodes_busy)
        await highlight(pilot, name)
        # A job lands on the fleet after the list was read, so the server rejects the delete.
        state = fast_server.state
        state.add_job("acme", name="holds-a-node", status="running", fleet=name, started_at=state.now())
        state.fleets["acme"][name]["_nodes"].append(fleets.new_node("busy", state.now(), job=("acme", "holds-a-node")))
        await pilot.press("d")
        await wait_screen(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_for(pilot, lambda: any("Delete failed" in title for title in seen.titles()))
        assert "busy nodes" in seen.text()
        assert name in fast_server.state.fleets["acme"]


async def test_catalog_screen_shows_prices(fast_server):
    fast_server.state.set_gpu_available("T4", "ap-northeast-1", False)
    app = make_app(fast_server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_rows(pilot)
        await pilot.press("5")
        await wait_for(pilot, lambda: app.current_mode == "catalog")
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 30)
        row = table.get_row("L4/eu-west-1")
        assert [cell.plain for cell in row] == [
            "L4", "24 GB", "eu-west-1", "Europe (Ireland)", "$0.80", "$0.32", "yes",
        ]
        assert table.get_row("T4/ap-northeast-1")[-1].plain == "no"
