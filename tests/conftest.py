"""Shared fixtures: a demo server on loopback, and the app built by the CLI's factory."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from outpost_tui.api import Credential
from outpost_tui.app import OutpostApp, Target
from outpost_tui.cli import Options, build_app
from outpost_tui.demo import DemoConfig, DemoServer


@pytest.fixture(autouse=True)
def _isolated_log_file(tmp_path, monkeypatch):
    """Keep the log file of each test in its temporary folder."""
    monkeypatch.setenv("OUTPOST_TUI_LOG", str(tmp_path / "outpost-tui.log"))


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    """A fresh demo server with generous rate limits, so tests are not throttled."""
    server = DemoServer(DemoConfig(seed=7, plan="enterprise"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_app(
    server: DemoServer,
    *,
    namespace: str = "acme",
    target: Target | None = None,
    credential: Credential | None = None,
) -> OutpostApp:
    """Build the app the way ``outpost-tui`` does, pointed at ``server``."""
    options = Options(
        demo=False,
        base_url=server.url,
        namespace=namespace,
        target=target or Target(),
        allow_insecure_http=False,
    )
    credential = credential or Credential.api_key(server.api_key, source="demo server")
    return build_app(options, credential)


def pytest_report_header(config):
    return f"outpost-tui tests; OUTPOST_TUI_LOG overridden per test; pid {os.getpid()}"
