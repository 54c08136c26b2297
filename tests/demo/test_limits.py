"""Rate limits per credential, and ETags with conditional GETs."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from outpost_tui.demo import DemoConfig, DemoServer

from .conftest import api_client, assert_error

WINDOW_START = 1_777_712_400.0  # divisible by 60


class FrozenTime:
    """A settable stand-in for time.time() in the rate limiter."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def limited() -> Iterator[tuple[DemoServer, FrozenTime]]:
    """Return a free-plan server whose rate limiter reads a frozen clock."""
    server = DemoServer(DemoConfig(plan="free"))
    frozen = FrozenTime(WINDOW_START + 43.2)
    server.state.rate_limiter.time_source = frozen
    server.start()
    yield server, frozen
    server.stop()


def test_headers_on_each_response(limited: tuple[DemoServer, FrozenTime]) -> None:
    server, _ = limited
    with api_client(server) as http:
        first = http.get("/auth/v1/users")
        second = http.get("/mara/machines")
    assert first.headers["X-RateLimit-Limit"] == "60"
    assert first.headers["X-RateLimit-Remaining"] == "59"
    assert second.headers["X-RateLimit-Remaining"] == "58"
    assert first.headers["X-RateLimit-Reset"] == str(int(WINDOW_START) + 60)


def test_burst_limit_gets_429(limited: tuple[DemoServer, FrozenTime]) -> None:
    server, frozen = limited
    with api_client(server) as http:
        statuses = [http.get("/auth/v1/users").status_code for _ in range(10)]
        rejected = http.get("/auth/v1/users")
        frozen.value += 1
        after_second = http.get("/auth/v1/users")
    assert statuses == [200] * 10
    assert_error(rejected, 429, "rate_limit_exceeded")
    assert rejected.headers["Retry-After"] == "1"
    assert rejected.headers["X-RateLimit-Remaining"] == "50"
    assert after_second.status_code == 200
    assert after_second.headers["X-RateLimit-Remaining"] == "49"


def test_minute_limit_waits_for_window(limited: tuple[DemoServer, FrozenTime]) -> None:
    server, frozen = limited
    with api_client(server) as http:
        for index in range(60):
            frozen.value = WINDOW_START + index * 0.5
            assert http.get("/auth/v1/users").status_code == 200
        frozen.value = WINDOW_START + 42.5
        rejected = http.get("/auth/v1/users")
        frozen.value = WINDOW_START + 60
        next_window = http.get("/auth/v1/users")
    assert_error(rejected, 429, "rate_limit_exceeded")
    assert rejected.headers["Retry-After"] == "18"
    assert rejected.headers["X-RateLimit-Remaining"] == "0"
    assert next_window.status_code == 200
    assert next_window.headers["X-RateLimit-Remaining"] == "59"


def test_limits_are_per_credential(limited: tuple[DemoServer, FrozenTime]) -> None:
    server, _ = limited
    with api_client(server) as pat_client, api_client(server, f"API-Key {server.api_key}") as key_client:
        for _ in range(10):
            pat_client.get("/auth/v1/users")
        assert pat_client.get("/auth/v1/users").status_code == 429
        assert key_client.get("/auth/v1/users").status_code == 200


def test_plan_switch_changes_tier(limited: tuple[DemoServer, FrozenTime]) -> None:
    server, _ = limited
    server.state.set_plan("team")
    with api_client(server) as http:
        response = http.get("/auth/v1/users")
    assert response.headers["X-RateLimit-Limit"] == "300"
    assert response.json()["plan"] == "team"
    with pytest.raises(ValueError, match="invalid plan"):
        server.state.set_plan("platinum")


def test_no_headers_on_health_or_401(limited: tuple[DemoServer, FrozenTime]) -> None:
    server, _ = limited
    health = httpx.get(f"{server.url}/auth/v1/health")
    denied = httpx.get(f"{server.url}/auth/v1/users", headers={"Authorization": "Bearer nope"})
    assert "X-RateLimit-Limit" not in health.headers
    assert "X-RateLimit-Limit" not in denied.headers


def test_disabled_limits_keep_headers() -> None:
    server = DemoServer(DemoConfig(plan="free", rate_limits=False))
    server.state.rate_limiter.time_source = FrozenTime(WINDOW_START)
    with server, api_client(server) as http:
        responses = [http.get("/auth/v1/users") for _ in range(15)]
    assert [response.status_code for response in responses] == [200] * 15
    assert responses[-1].headers["X-RateLimit-Remaining"] == "45"


def test_etag_and_304(client: httpx.Client) -> None:
    first = client.get("/acme/services", params={"per_page": 5})
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/acme/services", params={"per_page": 5}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    assert again.headers["X-Request-Id"].startswith("req_")
    assert "X-RateLimit-Limit" in again.headers


def test_etag_differs_per_body(client: httpx.Client) -> None:
    page_one = client.get("/acme/jobs", params={"page": 1}).headers["ETag"]
    page_two = client.get("/acme/jobs", params={"page": 2}).headers["ETag"]
    assert page_one != page_two
    stale = client.get("/acme/jobs", params={"page": 2}, headers={"If-None-Match": page_one})
    assert stale.status_code == 200


def test_etag_changes_with_data(server: DemoServer, client: httpx.Client) -> None:
    before = client.get("/mara/machine/scratch").headers["ETag"]
    record = server.state.get_machine("mara", "scratch")
    old_value = record["auto_stop_minutes"]
    record["auto_stop_minutes"] = 4321
    try:
        response = client.get("/mara/machine/scratch", headers={"If-None-Match": before})
    finally:
        record["auto_stop_minutes"] = old_value
    assert response.status_code == 200
    assert response.headers["ETag"] != before


def test_no_etag_on_writes(client: httpx.Client) -> None:
    response = client.post("/auth/v1/seed/mara/jobs/unknown/cancel")
    assert "ETag" not in response.headers
