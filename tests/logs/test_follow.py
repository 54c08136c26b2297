"""The log client against the demo server over loopback: snapshots, the followed stream,
resuming after drops and stalls, the end event and the 409 after a job ended."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from outpost_tui.api import JOBS, SERVICES, AuthenticationFailed, Credential, OutpostClient
from outpost_tui.api.logs import (
    JobLogFollower,
    LogPoller,
    StreamState,
    StreamStatus,
    fetch_log_snapshot,
)
from outpost_tui.api.ratelimit import BudgetRegistry
from outpost_tui.models import LogLine

from .conftest import assert_contiguous

LONG_JOB = "finetune-llama-3-r1"


class Recorder:
    """Collects what a follower hands over."""

    def __init__(self) -> None:
        self.lines: list[LogLine] = []
        self.statuses: list[StreamStatus] = []

    def on_lines(self, lines: list[LogLine]) -> None:
        self.lines.extend(lines)

    def on_status(self, status: StreamStatus) -> None:
        self.statuses.append(status)

    @property
    def seqs(self) -> list[int]:
        return [line.seq for line in self.lines]

    def states(self) -> list[StreamState]:
        return [status.state for status in self.statuses]


async def wait_until(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.02)


def follower(client: OutpostClient, recorder: Recorder, name: str = LONG_JOB, **kwargs) -> JobLogFollower:
    kwargs.setdefault("backoff_initial", 0.05)
    kwargs.setdefault("tail", 50)
    return JobLogFollower(
        client, "acme", name, on_lines=recorder.on_lines, on_status=recorder.on_status, **kwargs
    )


def short_job(server, name: str, run_seconds: float, **fields) -> dict:
    """Insert a job that runs now and ends by itself after ``run_seconds``."""
    now = server.state.now()
    return server.state.add_job(
        "acme", name=name, status="running", started_at=now - timedelta(seconds=0.05),
        _run_seconds=run_seconds, _outcome=("succeeded", 0), **fields,
    )


async def test_snapshot_tail_oldest_first(client):
    lines = await fetch_log_snapshot(client, JOBS, "acme", LONG_JOB, tail=25)

    assert len(lines) == 25
    assert_contiguous([line.seq for line in lines])
    assert all(line.timestamp is not None and line.timestamp.tzinfo is not None for line in lines)


async def test_stream_delivers_contiguous_lines(client):
    recorder = Recorder()
    task = asyncio.create_task(follower(client, recorder).run())
    try:
        await wait_until(lambda: len(recorder.lines) >= 300)
    finally:
        task.cancel()

    assert_contiguous(recorder.seqs)
    assert StreamState.LIVE in recorder.states()


async def test_dropped_streams_resume_without_gap(log_server, client):
    log_server.faults.drop_streams_after_lines = 120
    recorder = Recorder()
    watcher = follower(client, recorder)
    task = asyncio.create_task(watcher.run())
    try:
        await wait_until(lambda: watcher.connections >= 4 and len(recorder.lines) >= 400)
    finally:
        task.cancel()

    assert_contiguous(recorder.seqs)
    assert watcher.missed == 0
    assert StreamState.RECONNECTING in recorder.states()


async def test_stalled_stream_reconnects(log_server, client):
    recorder = Recorder()
    watcher = follower(client, recorder, idle_timeout=0.3)
    task = asyncio.create_task(watcher.run())
    try:
        await wait_until(lambda: len(recorder.lines) >= 50)
        log_server.faults.stall_streams = True
        await wait_until(lambda: any("no data" in status.detail for status in recorder.statuses))
        stalled_at = len(recorder.lines)
        log_server.faults.stall_streams = False
        await wait_until(lambda: len(recorder.lines) >= stalled_at + 100)
    finally:
        task.cancel()

    assert_contiguous(recorder.seqs)
    assert watcher.connections >= 2


async def test_keepalive_keeps_stream_open(log_server, client):
    # A job whose output starts later sends only keep-alives, and they count as data.
    log_server.state.add_job("acme", name="quiet-job", status="running",
                             started_at=log_server.state.now() + timedelta(seconds=30), _run_seconds=None)
    log_server.app.keepalive_seconds = 0.1
    recorder = Recorder()
    watcher = follower(client, recorder, name="quiet-job", idle_timeout=0.5)
    task = asyncio.create_task(watcher.run())
    try:
        await asyncio.sleep(1.5)
    finally:
        task.cancel()
        log_server.app.keepalive_seconds = 15.0

    assert watcher.connections == 1
    assert StreamState.RECONNECTING not in recorder.states()


async def test_end_event_closes_with_status(log_server, client):
    short_job(log_server, "ends-soon", 1.5)
    recorder = Recorder()

    status = await asyncio.wait_for(follower(client, recorder, name="ends-soon").run(), 15)

    assert status == "succeeded"
    assert recorder.statuses[-1] == StreamStatus(StreamState.ENDED, job_status="succeeded")
    assert_contiguous(recorder.seqs)
    assert recorder.lines[-1].message == "process exited with status 0"


async def test_conflict_on_reconnect_fetches_rest(log_server, client):
    record = short_job(log_server, "ends-while-away", 2.0)
    log_server.faults.drop_streams_after_lines = 30
    recorder = Recorder()
    # The stream drops about 1.2 s in and the job ends at 2 s, before the reconnect.
    watcher = follower(client, recorder, name="ends-while-away", backoff_initial=1.5)

    status = await asyncio.wait_for(watcher.run(), 20)

    assert status == "succeeded"
    assert watcher.connections == 1
    assert_contiguous(recorder.seqs)
    assert recorder.seqs[0] == 1
    assert recorder.lines[-1].message == "process exited with status 0"
    assert record["status"] == "succeeded"


async def test_finished_job_gives_snapshot(client):
    recorder = Recorder()
    page = await client.list_jobs("acme", per_page=100, filters={"status": "failed"})
    job = next(job for job in page.items if job.started_at is not None)

    status = await asyncio.wait_for(
        follower(client, recorder, name=job.name, job_status=job.status).run(), 15
    )

    assert status == "failed"
    assert 0 < len(recorder.lines) <= 50
    assert_contiguous(recorder.seqs)


async def test_queued_job_waits_then_follows(log_server, client):
    now = log_server.state.now()
    log_server.state.add_job("acme", name="starts-soon", status="queued",
                             _start_at=now + timedelta(seconds=0.5), _run_seconds=60.0)
    recorder = Recorder()
    task = asyncio.create_task(follower(client, recorder, name="starts-soon", queued_poll_seconds=0.2).run())
    try:
        await wait_until(lambda: len(recorder.lines) >= 20)
    finally:
        task.cancel()

    states = recorder.states()
    assert states.index(StreamState.WAITING) < states.index(StreamState.LIVE)
    assert recorder.seqs[0] == 1


async def test_rejected_credential_fails(log_server):
    bad = OutpostClient(log_server.url, Credential.token("op_pat_" + "0" * 32, source="test"),
                        budgets=BudgetRegistry())
    recorder = Recorder()
    try:
        status = await asyncio.wait_for(follower(bad, recorder).run(), 10)
    finally:
        await bad.aclose()

    assert status is None
    assert recorder.statuses[-1].state is StreamState.FAILED
    assert isinstance(recorder.statuses[-1].error, AuthenticationFailed)


async def test_stream_opening_counts_and_waits_on_429(log_server, client):
    log_server.faults.burst_429 = 1
    log_server.faults.retry_after_seconds = 1
    sent = client.budget.requests_sent
    recorder = Recorder()
    task = asyncio.create_task(follower(client, recorder).run())
    try:
        await wait_until(lambda: len(recorder.lines) >= 10)
    finally:
        task.cancel()

    assert client.budget.rate_limited_count == 1
    assert client.budget.requests_sent - sent == 2


def test_backoff_doubles_to_thirty_seconds():
    watcher = JobLogFollower(None, "acme", "job", on_lines=print, on_status=print)  # type: ignore[arg-type]

    assert [watcher.backoff(attempt) for attempt in range(7)] == [1, 2, 4, 8, 16, 30, 30]


async def test_poller_returns_only_new_lines(log_server, client):
    page = await client.list_services("acme", per_page=100, filters={"status": "running"})
    name = page.items[0].name
    poller = LogPoller(client, SERVICES, "acme", name, tail=100)

    first = await poller.fetch_new()
    await asyncio.sleep(1.2)
    second = await poller.fetch_new()

    assert first
    seqs = [line.seq for line in first + second]
    assert_contiguous(seqs)
    assert poller.missed == 0
