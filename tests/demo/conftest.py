"""Fixtures that run demo servers on 127.0.0.1 and talk to them over real sockets."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from outpost_tui.demo import DemoConfig, DemoServer

REQUEST_ID = re.compile(r"req_[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@pytest.fixture(scope="module")
def shared_server() -> Iterator[DemoServer]:
    """Return one server per module, without rate limits so tests do not starve each other."""
    server = DemoServer(DemoConfig(seed=7, plan="enterprise", rate_limits=False))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(shared_server: DemoServer) -> Iterator[DemoServer]:
    """Return the shared server with every fault switched off before and after the test."""
    shared_server.faults.reset()
    yield shared_server
    shared_server.faults.reset()


@pytest.fixture
def client(server: DemoServer) -> Iterator[httpx.Client]:
    """Return an httpx client authenticated with the server's API key."""
    with httpx.Client(base_url=server.url, headers={"Authorization": f"API-Key {server.api_key}"}, timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def fast_server() -> Iterator[DemoServer]:
    """Return a per-module server whose lifecycles run 20 times faster.

    Tests share it, so each uses its own resource names and undoes state changes.
    """
    server = DemoServer(DemoConfig(seed=11, speed=20.0, plan="enterprise", rate_limits=False))
    server.start()
    yield server
    server.stop()


def api_client(server: DemoServer, credential: str | None = None) -> httpx.Client:
    """Return a client for ``server`` sending ``Authorization`` (the PAT by default)."""
    value = credential if credential is not None else f"Bearer {server.token}"
    return httpx.Client(base_url=server.url, headers={"Authorization": value}, timeout=10)


def assert_error(response: httpx.Response, status: int, code: str, field: str | None = None) -> dict:
    """Check the error envelope and its request id; return the ``error`` object."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert REQUEST_ID.fullmatch(error["request_id"])
    assert response.headers["X-Request-Id"] == error["request_id"]
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error.get("field") == field
    return error
