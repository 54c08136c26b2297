"""Compute API calls, prices and sparklines, without the UI."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outpost_tui.api import JOBS, MACHINES, SERVICES, AlreadyExists, Credential, InvalidState, OutpostClient
from outpost_tui.api.compute import FLEETS, ComputeAPI
from outpost_tui.models import GpuOffer
from outpost_tui.models.catalog import parse_gpus
from outpost_tui.widgets.sparkline import BLOCKS, resample, sparkline


def client_for(server) -> OutpostClient:
    return OutpostClient(server.url, Credential.api_key(server.api_key, source="test"))


def test_preview_is_the_sent_request():
    api = ComputeAPI(OutpostClient("http://127.0.0.1:9", None))
    request = api.create_machine("acme", {"name": "a b", "gpu": "L4"})
    assert request.method == "POST"
    assert request.path == "/auth/v1/seed/acme/dev"
    assert request.preview() == 'POST /auth/v1/seed/acme/dev\n{\n  "name": "a b",\n  "gpu": "L4"\n}'
    action = api.item_action(MACHINES, "stop", "acme", "x/y")
    assert action.path == "/auth/v1/seed/acme/dev/x%2Fy/stop"


def test_hourly_cost_rounds_half_up():
    offer = GpuOffer(gpu="X", price_per_hour="0.125", spot_price_per_hour="0.005")
    assert offer.hourly_cost(1) == Decimal("0.13")
    assert offer.hourly_cost(1, spot=True) == Decimal("0.01")
    h100 = GpuOffer(gpu="H100-80GB", price_per_hour="4.50", spot_price_per_hour="1.80")
    assert h100.hourly_cost(2, nodes=2) == Decimal("18.00")


def test_parse_gpus_maps_families():
    assert parse_gpus("H100:2") == ("H100-80GB", 2)
    assert parse_gpus("L4-x") == ("L4-x", 1)
    assert parse_gpus(None) == ("none", 0)


def test_sparkline_scales_and_resamples():
    assert sparkline([0, 100], 10, low=0, high=100) == BLOCKS[0] + BLOCKS[-1]
    assert len(sparkline(list(range(100)), 20)) == 20
    assert resample([1, 3, 5, 7], 2) == [2, 6]
    assert sparkline([], 10) == ""


async def test_machine_lifecycle_calls(fast_server):
    async with client_for(fast_server) as client:
        api = ComputeAPI(client)
        created = await api.send(api.create_machine("acme", {"name": "api-box", "gpu": "T4"}))
        assert created.status == "provisioning"
        with pytest.raises(AlreadyExists):
            await api.send(api.create_machine("acme", {"name": "api-box", "gpu": "T4"}))
        with pytest.raises(InvalidState) as caught:
            await api.send(api.item_action(MACHINES, "start", "acme", "api-box"))
        assert caught.value.request_id.startswith("req_")
        changed = await api.send(api.update_machine("acme", "api-box", {"auto_stop_minutes": 5}))
        assert changed.auto_stop_minutes == 5
        deleted = await api.send(api.item_action(MACHINES, "delete", "acme", "api-box"))
        assert deleted.status == "deleting"


async def test_catalog_keys_and_analytics(fast_server):
    async with client_for(fast_server) as client:
        api = ComputeAPI(client)
        catalog = await api.catalog()
        assert [offer.gpu for offer in catalog.gpus][-1] == "none"
        assert catalog.location("eu-west-1") == "Europe (Ireland)"
        assert await api.catalog() is catalog
        keys = await api.ssh_keys()
        assert all(key.id.startswith("ssh_") for key in keys)
        running = next(name for name, record in fast_server.state.machines["acme"].items()
                       if record["status"] == "running")
        analytics = await api.analytics(MACHINES, "acme", running)
        assert {series.metric for series in analytics.series} >= {"cpu_utilization", "memory_utilization"}
        service = await api.analytics(SERVICES, "acme", "rerank-api", window="15m")
        assert service.step_seconds == 30
        with pytest.raises(ValueError):
            await api.analytics(FLEETS, "acme", "warm-h100")


async def test_fleet_and_job_calls(fast_server):
    async with client_for(fast_server) as client:
        api = ComputeAPI(client)
        fleet = await api.send(api.create_fleet("acme", {"name": "f1", "cloud": "aws", "region": "r",
                                                         "max_nodes": 2}))
        assert fleet.max_nodes == 2
        job = await api.send(api.submit_job("acme", {"name": "j1", "command": "true", "fleet": "f1"}))
        assert job.fleet == "f1"
        cancelled = await api.send(api.item_action(JOBS, "cancel", "acme", "j1"))
        assert cancelled.status == "cancelled"
        assert await api.send(api.item_action(JOBS, "delete", "acme", "j1")) is None
        updated = await api.send(api.update_fleet("acme", "f1", {"min_nodes": 1}))
        assert updated.min_nodes == 1
        page = await client.list_page(FLEETS, "acme")
        assert "f1" in {item.name for item in page.items}
