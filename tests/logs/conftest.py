"""Fixtures for the log tests: a demo server whose jobs write 200 lines a second."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from outpost_tui.api import Credential, OutpostClient
from outpost_tui.api.ratelimit import BudgetRegistry
from outpost_tui.demo import DemoConfig, DemoServer
from outpost_tui.models import LogLine

LOG_RATE = 200.0


@pytest.fixture(scope="module")
def shared_log_server() -> Iterator[DemoServer]:
    """One server per module, without rate limits, so tests do not starve each other."""
    server = DemoServer(
        DemoConfig(seed=7, plan="enterprise", rate_limits=False, log_lines_per_second=LOG_RATE)
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def log_server(shared_log_server: DemoServer) -> Iterator[DemoServer]:
    """The shared server with every fault switched off before and after the test."""
    shared_log_server.faults.reset()
    yield shared_log_server
    shared_log_server.faults.reset()


@pytest.fixture
async def client(log_server: DemoServer) -> OutpostClient:
    """A client of the log server with a budget of its own."""
    client = OutpostClient(
        log_server.url, Credential.api_key(log_server.api_key, source="test"), budgets=BudgetRegistry()
    )
    client.budget.set_plan("enterprise")
    yield client
    await client.aclose()


def make_lines(count: int, *, first_seq: int = 1, message: str = "line {seq}") -> list[LogLine]:
    """Lines ``first_seq`` onwards, one millisecond apart, on stdout."""
    start = datetime(2026, 5, 2, 9, 0, tzinfo=timezone.utc).timestamp()
    return [
        LogLine(
            seq=seq,
            timestamp=datetime.fromtimestamp(start + seq / 1000, tz=timezone.utc),
            stream="stdout",
            message=message.format(seq=seq),
        )
        for seq in range(first_seq, first_seq + count)
    ]


def assert_contiguous(seqs: list[int]) -> None:
    """Check that ``seqs`` has no gap and no duplicate."""
    assert seqs, "no lines received"
    assert len(seqs) == len(set(seqs)), "duplicate seq"
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "gap or reordering in seq"
