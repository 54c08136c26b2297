"""Fixtures for the compute action tests: a demo server with fast lifecycles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from outpost_tui.demo import DemoConfig, DemoServer


@pytest.fixture
def fast_server() -> Iterator[DemoServer]:
    """A demo server whose provisioning, stopping and deleting take a fraction of a second."""
    server = DemoServer(DemoConfig(seed=7, plan="enterprise", speed=20))
    server.start()
    try:
        yield server
    finally:
        server.stop()
