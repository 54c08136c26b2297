"""Fault switches: latency, injected 500s and 429s, and malformed error bodies."""

from __future__ import annotations

import time

import httpx
import pytest

from outpost_tui.demo import DemoServer

from .conftest import assert_error


def test_latency_delays_response(server: DemoServer, client: httpx.Client) -> None:
    server.faults.latency_seconds = 0.3
    started = time.monotonic()
    response = client.get("/auth/v1/users")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_error_rate_gives_500(server: DemoServer, client: httpx.Client) -> None:
    server.faults.error_rate = 1.0
    assert_error(client.get("/acme/machines"), 500, "internal_error")
    server.faults.error_rate = 0.0
    assert client.get("/acme/machines").status_code == 200


def test_partial_error_rate(server: DemoServer, client: httpx.Client) -> None:
    server.faults.error_rate = 0.5
    statuses = [client.get("/auth/v1/users").status_code for _ in range(40)]
    assert 500 in statuses
    assert 200 in statuses


def test_burst_429_counts_down(server: DemoServer, client: httpx.Client) -> None:
    server.faults.burst_429 = 2
    server.faults.retry_after_seconds = 3
    first, second, third = (client.get("/auth/v1/users") for _ in range(3))
    assert_error(first, 429, "rate_limit_exceeded")
    assert first.headers["Retry-After"] == "3"
    assert second.status_code == 429
    assert third.status_code == 200
    assert server.faults.burst_429 == 0


def test_burst_429_retry_after_variants(server: DemoServer, client: httpx.Client) -> None:
    server.faults.burst_429 = 2
    server.faults.retry_after_seconds = None
    omitted = client.get("/auth/v1/users")
    server.faults.retry_after_seconds = "Wed, 21 Oct 2015 07:28:00 GMT"
    dated = client.get("/auth/v1/users")
    assert "Retry-After" not in omitted.headers
    assert dated.headers["Retry-After"] == "Wed, 21 Oct 2015 07:28:00 GMT"


def test_error_body_flat_once(server: DemoServer, client: httpx.Client) -> None:
    server.faults.error_body = "flat"
    flat = client.get("/acme/machine/nope")
    again = client.get("/acme/machine/nope")
    assert flat.status_code == 404
    assert flat.json()["code"] == "not_found"
    assert "message" in flat.json()
    assert "error" in again.json()
    assert server.faults.error_body is None


def test_error_body_shapes(server: DemoServer, client: httpx.Client) -> None:
    server.faults.error_body = "html"
    html = client.get("/acme/machine/nope")
    server.faults.error_body = "empty"
    empty = client.get("/acme/machine/nope")
    server.faults.error_body = "invalid_json"
    broken = client.get("/acme/machine/nope")
    assert html.headers["Content-Type"].startswith("text/html")
    assert "<html>" in html.text
    assert empty.content == b""
    assert broken.headers["Content-Type"] == "application/json"
    try:
        broken.json()
        parsed = True
    except ValueError:
        parsed = False
    assert not parsed
    for response in (html, empty, broken):
        assert response.status_code == 404
        assert response.headers["X-Request-Id"].startswith("req_")


def test_force_status_every_request(server: DemoServer, client: httpx.Client) -> None:
    server.faults.force_status = 502
    server.faults.error_body = "html"
    responses = [client.get("/acme/jobs") for _ in range(3)]
    assert [response.status_code for response in responses] == [502] * 3
    assert all("<h1>502 Bad Gateway</h1>" in response.text for response in responses)
    assert server.faults.error_body == "html"


def test_force_status_envelope(server: DemoServer, client: httpx.Client) -> None:
    server.faults.force_status = 503
    assert_error(client.get("/acme/jobs"), 503, "internal_error")


def test_health_exempt_from_faults(server: DemoServer) -> None:
    server.faults.force_status = 500
    server.faults.burst_429 = 5
    assert httpx.get(f"{server.url}/auth/v1/health").status_code == 200
    assert server.faults.burst_429 == 5


def test_reset_clears_faults(server: DemoServer, client: httpx.Client) -> None:
    server.faults.force_status = 500
    server.faults.reset()
    assert server.faults.force_status is None
    assert client.get("/auth/v1/users").status_code == 200


def test_forced_success_with_broken_body(server: DemoServer, client: httpx.Client) -> None:
    server.faults.force_status = 200
    server.faults.error_body = "invalid_json"
    response = client.get("/acme/machines")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    server.faults.error_body = None
    empty = client.get("/acme/machines")
    assert empty.status_code == 200
    assert empty.content == b""


def test_route_fault_before_handler(server: DemoServer, client: httpx.Client) -> None:
    server.faults.routes.add("POST", "/auth/v1/api_keys", status=503)
    failed = client.post("/auth/v1/api_keys", json={"name": "route-fault-a"})
    assert_error(failed, 503, "internal_error")
    assert client.get("/auth/v1/api_keys/route-fault-a").status_code == 404
    assert client.post("/auth/v1/api_keys", json={"name": "route-fault-a"}).status_code == 201


def test_route_fault_after_handler(server: DemoServer, client: httpx.Client) -> None:
    server.faults.routes.add("POST", "/auth/v1/api_keys", status=500, after=True)
    lost = client.post("/auth/v1/api_keys", json={"name": "route-fault-b"})
    assert lost.status_code == 500
    assert client.get("/auth/v1/api_keys/route-fault-b").status_code == 200


def test_route_fault_skip_and_pattern(server: DemoServer, client: httpx.Client) -> None:
    server.faults.routes.add("GET", "/acme/job/*", status=502, skip=1, times=2)
    statuses = [client.get("/acme/job/finetune-llama-3-r1").status_code for _ in range(4)]
    assert statuses == [200, 502, 502, 200]
    assert server.faults.routes.pending == 0
