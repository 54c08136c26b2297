"""OutpostClient over httpx.MockTransport: headers, network failures, paging and parsing."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from outpost_tui import __version__
from outpost_tui.api import (
    JOBS,
    MACHINES,
    Credential,
    InsecureURLError,
    InvalidResponse,
    NetworkError,
    OutpostClient,
    RequestTimedOut,
)
from outpost_tui.api.client import decode_json, parse_page
from outpost_tui.models import Job, Machine

TOKEN = "op_pat_0123456789abcdef0123456789abcdef"
API_KEY = "ci-deploy$sk_live_4f9a0123456789abcdef0123456789ab"


def ok(body: Any = None, **kwargs: Any) -> Any:
    """Return a responder that returns 200 with ``body`` as JSON."""
    return lambda request: httpx.Response(200, json=body if body is not None else {}, **kwargs)


def job(name: str, status: str = "running", **fields: Any) -> dict[str, Any]:
    return {"id": f"job_{name}", "name": name, "namespace": "lab", "status": status, **fields}


class PagedJobs:
    """A responder that serves ``total`` jobs in pages, as the list endpoints do."""

    def __init__(self, total: int) -> None:
        self.jobs = [job(f"job-{index:03d}") for index in range(total)]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        per_page = int(request.url.params["per_page"])
        start = (page - 1) * per_page
        total_pages = -(-len(self.jobs) // per_page)
        body = {
            "data": self.jobs[start : start + per_page],
            "pagination": {
                "page": page,
                "per_page": per_page,
                "total": len(self.jobs),
                "total_pages": total_pages,
            },
        }
        return httpx.Response(200, json=body)


def closed_loopback_port() -> int:
    """Return a loopback port that nothing listens on, so connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- headers --------------------------------------------------------------------------


async def test_token_sends_bearer_header(make_client):
    client, recorder = make_client(ok(job("a")), Credential.token(TOKEN))

    await client.get_job("lab", "a")

    assert recorder.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


async def test_api_key_sends_api_key_header(make_client):
    client, recorder = make_client(ok(job("a")), Credential.api_key(API_KEY))

    await client.get_job("lab", "a")

    assert recorder.requests[0].headers["Authorization"] == f"API-Key {API_KEY}"


async def test_api_key_header_keeps_every_dollar(make_client):
    credential = Credential.api_key("ci$sk_live_a$b$c")
    client, recorder = make_client(ok(job("a")), credential)

    await client.get_job("lab", "a")

    assert recorder.requests[0].headers["Authorization"] == "API-Key ci$sk_live_a$b$c"


async def test_request_sends_user_agent(make_client):
    client, recorder = make_client(ok(job("a")))

    await client.get_job("lab", "a")

    assert recorder.requests[0].headers["User-Agent"] == f"outpost-tui/{__version__}"


async def test_request_sends_accept_json(make_client):
    client, recorder = make_client(ok(job("a")))

    await client.get_job("lab", "a")

    assert recorder.requests[0].headers["Accept"] == "application/json"


async def test_health_sends_no_credential(make_client):
    client, recorder = make_client(ok({"status": "ok", "version": "0.3.0"}))

    health = await client.health()

    assert "Authorization" not in recorder.requests[0].headers
    assert health.status == "ok"


async def test_health_accepts_non_json_body(make_client):
    client, _ = make_client(lambda request: httpx.Response(200, text="OK"))

    health = await client.health()

    assert health.status == ""


async def test_client_without_credential_sends_none(make_client):
    client, recorder = make_client(ok(job("a")))
    client.credential = None

    await client.get_job("lab", "a")

    assert "Authorization" not in recorder.requests[0].headers


# -- URLs and query parameters ----------------------------------------------------------


async def test_get_job_uses_singular_read_path(make_client):
    client, recorder = make_client(ok(job("train-1")))

    await client.get_job("lab", "train-1")

    assert recorder.requests[0].url.raw_path == b"/lab/job/train-1"


async def test_get_job_encodes_slash_in_name(make_client):
    client, recorder = make_client(ok(job("a/b")))

    await client.get_job("lab", "a/b")

    assert recorder.requests[0].url.raw_path == b"/lab/job/a%2Fb"


async def test_get_job_encodes_dot_dot_name(make_client):
    client, recorder = make_client(ok(job("..")))

    await client.get_job("lab", "..")

    assert recorder.requests[0].url.raw_path == b"/lab/job/%2E%2E"


async def test_get_job_rejects_empty_namespace(make_client):
    client, recorder = make_client(ok(job("a")))

    with pytest.raises(ValueError, match="namespace"):
        await client.get_job("", "a")

    assert recorder.requests == []


async def test_list_page_sends_page_and_per_page(make_client):
    client, recorder = make_client(ok({"data": []}))

    await client.list_jobs("lab", page=3, per_page=50)

    assert recorder.requests[0].url.params["page"] == "3"
    assert recorder.requests[0].url.params["per_page"] == "50"


async def test_list_page_spells_booleans_and_drops_none(make_client):
    client, recorder = make_client(ok({"data": []}))

    await client.list_jobs("lab", filters={"status": "running", "spot": True, "fleet": None})

    params = recorder.requests[0].url.params
    assert params["status"] == "running"
    assert params["spot"] == "true"
    assert "fleet" not in params


@pytest.mark.parametrize("per_page", [0, 101])
async def test_list_page_rejects_per_page_out_of_range(make_client, per_page):
    client, recorder = make_client(ok({"data": []}))

    with pytest.raises(ValueError, match="per_page"):
        await client.list_jobs("lab", per_page=per_page)

    assert recorder.requests == []


async def test_list_page_raises_page_below_one(make_client):
    client, recorder = make_client(ok({"data": []}))

    await client.list_jobs("lab", page=0)

    assert recorder.requests[0].url.params["page"] == "1"


def test_client_rejects_plain_http_to_remote_host():
    with pytest.raises(InsecureURLError):
        OutpostClient("http://outpost.example", None)


async def test_client_strips_trailing_slash():
    client = OutpostClient("https://outpost.example/", None)

    assert client.base_url == "https://outpost.example"

    await client.aclose()


# -- network failures -------------------------------------------------------------------


async def test_connect_error_raises_network_error(make_client):
    def reject_connection(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client, _ = make_client(reject_connection)

    with pytest.raises(NetworkError, match="cannot reach 127.0.0.1:8900"):
        await client.get_job("lab", "a")


async def test_read_timeout_raises_request_timed_out(make_client):
    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client, _ = make_client(stall)

    with pytest.raises(RequestTimedOut, match="timed out"):
        await client.get_job("lab", "a")


async def test_connect_timeout_raises_request_timed_out(make_client):
    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    client, _ = make_client(stall)

    with pytest.raises(RequestTimedOut):
        await client.get_job("lab", "a")


async def test_request_timed_out_is_network_error():
    assert issubclass(RequestTimedOut, NetworkError)


async def test_refused_loopback_port_raises_network_error():
    port = closed_loopback_port()
    client = OutpostClient(f"http://127.0.0.1:{port}", None, timeout=httpx.Timeout(2.0))

    with pytest.raises(NetworkError, match="connection refused") as caught:
        await client.health()

    assert not isinstance(caught.value, RequestTimedOut)

    await client.aclose()


async def test_silent_loopback_server_times_out(fault_server):
    server = await fault_server(None)
    client = OutpostClient(f"http://127.0.0.1:{server.port}", None, timeout=httpx.Timeout(0.2))

    with pytest.raises(RequestTimedOut):
        await client.health()

    await client.aclose()


async def test_truncated_response_raises_network_error(fault_server):
    reply = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"da'
    server = await fault_server(reply)
    client = OutpostClient(f"http://127.0.0.1:{server.port}", None, timeout=httpx.Timeout(2.0))

    with pytest.raises(NetworkError, match="closed before a complete response"):
        await client.get_job("lab", "a")

    await client.aclose()


# -- invalid bodies on success ----------------------------------------------------------


async def test_invalid_json_on_200_raises_invalid_response(make_client):
    client, _ = make_client(
        lambda request: httpx.Response(
            200, text='{"data": [', headers={"X-Request-Id": "req_0123456789ab"}
        )
    )

    with pytest.raises(InvalidResponse) as caught:
        await client.list_jobs("lab")

    assert caught.value.status == 200
    assert caught.value.request_id == "req_0123456789ab"
    assert "invalid JSON" in caught.value.message


async def test_invalid_response_sanitizes_request_id(make_client):
    client, _ = make_client(
        lambda request: httpx.Response(
            200, text="<html>", headers={"X-Request-Id": "req_1\u009b31m".encode()}
        )
    )

    with pytest.raises(InvalidResponse) as caught:
        await client.list_jobs("lab")

    assert caught.value.request_id == "req_1"


async def test_get_job_rejects_array_body(make_client):
    client, _ = make_client(ok([job("a")]))

    with pytest.raises(InvalidResponse, match="expected a JSON object"):
        await client.get_job("lab", "a")


async def test_get_job_names_missing_field(make_client):
    client, _ = make_client(ok({"status": "running"}))

    with pytest.raises(InvalidResponse, match="'name'"):
        await client.get_job("lab", "a")


async def test_list_rejects_object_without_data(make_client):
    client, _ = make_client(ok({"items": []}))

    with pytest.raises(InvalidResponse, match="'data'"):
        await client.list_jobs("lab")


async def test_list_rejects_non_object_item(make_client):
    client, _ = make_client(ok({"data": [job("a"), "b"]}))

    with pytest.raises(InvalidResponse, match="jobs item 2"):
        await client.list_jobs("lab")


def test_decode_json_returns_none_for_204():
    assert decode_json(httpx.Response(204)) is None


def test_decode_json_returns_none_for_empty_body():
    assert decode_json(httpx.Response(200, content=b"")) is None


def test_decode_json_rejects_invalid_utf8():
    with pytest.raises(InvalidResponse):
        decode_json(httpx.Response(200, content=b"\xff\xfe{"))


# -- parsed resources -------------------------------------------------------------------


async def test_unknown_status_kept_verbatim(make_client):
    client, _ = make_client(ok({"data": [job("a", status="hibernating")]}))

    page = await client.list_jobs("lab")

    assert page.items[0].status == "hibernating"
    assert page.items[0].status_is_known is False


async def test_list_jobs_returns_job_models(make_client):
    client, _ = make_client(ok({"data": [job("a")]}))

    page = await client.list_jobs("lab")

    assert isinstance(page.items[0], Job)


async def test_get_machine_reads_money_as_decimal(make_client):
    body = {"name": "vision-dev", "status": "running", "cost_per_hour": "2.40"}
    client, _ = make_client(ok(body))

    machine = await client.get_machine("lab", "vision-dev")

    assert isinstance(machine, Machine)
    assert str(machine.cost_per_hour) == "2.40"


async def test_current_user_reads_object(make_client):
    body = {"id": "usr_0123456789ab", "username": "ada", "namespaces": [{"name": "ada"}]}
    client, _ = make_client(ok(body))

    user = await client.current_user()

    assert user.username == "ada"
    assert user.default_namespace == "ada"


async def test_current_user_reads_list_envelope(make_client):
    client, _ = make_client(ok({"data": [{"username": "ada"}, {"username": "bob"}]}))

    user = await client.current_user()

    assert user.username == "ada"


# -- paging -----------------------------------------------------------------------------


async def test_bare_array_is_one_whole_page(make_client):
    client, _ = make_client(ok([job("a"), job("b"), job("c")]))

    page = await client.list_jobs("lab")

    assert [item.name for item in page.items] == ["a", "b", "c"]
    assert page.page == 1
    assert page.total == 3
    assert page.total_pages == 1
    assert page.has_next is False


async def test_iter_items_walks_all_pages(make_client):
    server = PagedJobs(total=7)
    client, recorder = make_client(server)

    names = [item.name async for item in client.iter_items(JOBS, "lab", per_page=3)]

    assert names == [entry["name"] for entry in server.jobs]
    assert [request.url.params["page"] for request in recorder.requests] == ["1", "2", "3"]


async def test_iter_items_single_request_for_bare_array(make_client):
    client, recorder = make_client(ok([job("a"), job("b")]))

    names = [item.name async for item in client.iter_items(JOBS, "lab")]

    assert names == ["a", "b"]
    assert len(recorder.requests) == 1


async def test_iter_items_stops_on_empty_data(make_client):
    def respond(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        data = [job(f"p{page}")] if page == 1 else []
        pagination = {"page": page, "per_page": 1, "total": 5, "total_pages": 5}
        return httpx.Response(200, json={"data": data, "pagination": pagination})

    client, recorder = make_client(respond)

    names = [item.name async for item in client.iter_items(JOBS, "lab", per_page=1)]

    assert names == ["p1"]
    assert len(recorder.requests) == 2


async def test_iter_items_fetches_pages_on_demand(make_client):
    client, recorder = make_client(PagedJobs(total=9))
    items = client.iter_items(JOBS, "lab", per_page=3)

    first = await items.__anext__()
    requests_after_first = len(recorder.requests)
    for _ in range(3):
        await items.__anext__()
    requests_after_fourth = len(recorder.requests)
    await items.aclose()

    assert first.name == "job-000"
    assert requests_after_first == 1
    assert requests_after_fourth == 2


async def test_iter_items_bounded_when_page_ignored(make_client):
    def respond(request: httpx.Request) -> httpx.Response:
        if len(recorder.requests) > 10:
            return httpx.Response(500, json={"error": {"code": "internal_error", "message": "loop"}})
        pagination = {"page": 1, "per_page": 1, "total": 3, "total_pages": 3}
        return httpx.Response(200, json={"data": [job("same")], "pagination": pagination})

    client, recorder = make_client(respond)

    names = [item.name async for item in client.iter_items(JOBS, "lab", per_page=1)]

    assert names == ["same", "same", "same"]
    assert len(recorder.requests) == 3


async def test_iter_items_passes_filters(make_client):
    client, recorder = make_client(ok({"data": []}))

    _ = [item async for item in client.iter_items(MACHINES, "lab", status="running")]

    assert recorder.requests[0].url.params["status"] == "running"
    assert recorder.requests[0].url.raw_path.startswith(b"/lab/machines?")


def test_parse_page_empty_bare_array():
    page = parse_page(Job, [], "jobs")

    assert page.items == []
    assert page.total_pages == 0


def test_parse_page_computes_missing_total_pages():
    body = {"data": [job("a")], "pagination": {"page": 1, "per_page": 50, "total": 151}}

    page = parse_page(Job, body, "jobs")

    assert page.total_pages == 4


def test_parse_page_past_the_end():
    body = {"data": [], "pagination": {"page": 5, "per_page": 50, "total": 151, "total_pages": 4}}

    page = parse_page(Job, body, "jobs")

    assert page.items == []
    assert page.has_next is False
    assert page.has_previous is True
