"""The API client against the demo server over loopback: auth, paging, error shapes."""

from __future__ import annotations

import pytest

from outpost_tui.api import (
    JOBS,
    MACHINES,
    AuthenticationFailed,
    Credential,
    InvalidResponse,
    NotFound,
    OutpostClient,
    ServerError,
)
from outpost_tui.api.ratelimit import BudgetRegistry


def _client(server, credential: Credential | None = None, **kwargs) -> OutpostClient:
    credential = credential or Credential.api_key(server.api_key, source="test")
    options = {"budgets": BudgetRegistry(), "retries": 0, **kwargs}
    return OutpostClient(server.url, credential, **options)


async def test_api_key_scheme_reads_user(demo_server):
    async with _client(demo_server) as client:
        user = await client.current_user()
    assert user.username == "mara"
    assert [ns.name for ns in user.namespaces][:1] == ["mara"]


async def test_token_scheme_reads_user(demo_server):
    token = Credential.token(demo_server.token, source="test")
    async with _client(demo_server, token) as client:
        user = await client.current_user()
    assert user.username == "mara"


async def test_bad_credential_raises_401(demo_server):
    bad = Credential.token("op_pat_" + "x" * 32, source="test")
    async with _client(demo_server, bad) as client:
        with pytest.raises(AuthenticationFailed) as caught:
            await client.list_page(MACHINES, "acme")
    assert caught.value.code == "authentication_failed"
    assert caught.value.request_id.startswith("req_")


async def test_health_needs_no_credential(demo_server):
    async with OutpostClient(demo_server.url, None, budgets=BudgetRegistry()) as client:
        health = await client.health()
    assert health.status == "ok"


async def test_paging_covers_every_job_once(demo_server):
    async with _client(demo_server) as client:
        first = await client.list_page(JOBS, "acme", page=1, per_page=20)
        names = [job.name async for job in client.iter_items(JOBS, "acme", per_page=50)]
    assert first.total >= 150
    assert first.total_pages == -(-first.total // 20)
    assert len(names) == first.total
    assert len(set(names)) == len(names)


async def test_page_past_end_is_empty(demo_server):
    async with _client(demo_server) as client:
        page = await client.list_page(MACHINES, "acme", page=999, per_page=20)
    assert page.items == []
    assert page.total > 0


async def test_unknown_namespace_is_not_found(demo_server):
    async with _client(demo_server) as client:
        with pytest.raises(NotFound):
            await client.list_page(MACHINES, "no-such-namespace")


async def test_unknown_status_is_kept(demo_server):
    demo_server.state.add_machine("acme", name="odd-one", status="hibernating")
    async with _client(demo_server) as client:
        machine = await client.get_machine("acme", "odd-one")
    assert machine.status == "hibernating"
    assert not machine.status_is_known


@pytest.mark.parametrize("shape", [None, "flat", "html", "empty"])
async def test_server_error_shapes(demo_server, shape):
    demo_server.faults.force_status = 500
    demo_server.faults.error_body = shape
    async with _client(demo_server) as client:
        with pytest.raises(ServerError) as caught:
            await client.list_page(MACHINES, "acme")
    error = caught.value
    assert error.status == 500
    assert error.message
    assert "<" not in error.message
    if shape is None:
        assert error.code == "internal_error"
    if shape in (None, "flat", "html", "empty"):
        assert error.request_id is not None and error.request_id.startswith("req_")
    if shape == "empty":
        assert error.message == "Internal Server Error"


async def test_invalid_json_success_raises(demo_server):
    demo_server.faults.force_status = 200
    demo_server.faults.error_body = "invalid_json"
    async with _client(demo_server) as client:
        with pytest.raises(InvalidResponse):
            await client.list_page(MACHINES, "acme")


async def test_get_retries_after_server_error(demo_server):
    demo_server.faults.error_rate = 1.0
    async with _client(demo_server, retries=2) as client:
        with pytest.raises(ServerError):
            await client.list_page(MACHINES, "acme")
        assert client.budget.requests_sent == 3
