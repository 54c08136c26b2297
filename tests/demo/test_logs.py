"""Log snapshots and the followed job log stream, with its faults."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from outpost_tui.demo import DemoConfig, DemoServer

from .conftest import api_client, assert_error

SEED = "/auth/v1/seed"


@pytest.fixture(scope="module")
def log_server() -> Iterator[DemoServer]:
    """Return a server with fast lifecycles and 50 log lines per second per job."""
    server = DemoServer(DemoConfig(speed=20.0, rate_limits=False, log_lines_per_second=50.0))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def http(log_server: DemoServer) -> Iterator[httpx.Client]:
    """Return a client for the log server, with faults reset around the test."""
    log_server.faults.reset()
    log_server.app.keepalive_seconds = 15.0
    with api_client(log_server) as client:
        yield client
    log_server.faults.reset()


def read_events(response: httpx.Response, seconds: float = 5.0) -> list[tuple[str, str | None, str]]:
    """Parse SSE events as (event, id, data) until the stream ends or ``seconds`` pass."""
    events: list[tuple[str, str | None, str]] = []
    name, event_id, data = "message", None, []
    deadline = time.monotonic() + seconds
    for line in response.iter_lines():
        if line == "":
            if data or name != "message":
                events.append((name, event_id, "\n".join(data)))
            name, event_id, data = "message", None, []
        elif line.startswith(":"):
            events.append(("comment", None, line))
        elif line.startswith("event: "):
            name = line[7:]
        elif line.startswith("id: "):
            event_id = line[4:]
        elif line.startswith("data: "):
            data.append(line[6:])
        if time.monotonic() > deadline:
            break
    return events


def test_snapshot_tail_and_order(http: httpx.Client) -> None:
    lines = http.get("/acme/job/finetune-llama-3-r1/logs", params={"tail": 250}).json()["data"]
    assert len(lines) == 250
    seqs = [line["seq"] for line in lines]
    assert seqs == list(range(seqs[0], seqs[0] + 250))
    assert [line["timestamp"] for line in lines] == sorted(line["timestamp"] for line in lines)
    assert all(line["stream"] in ("stdout", "stderr") for line in lines)
    assert len(http.get("/acme/job/finetune-llama-3-r1/logs").json()["data"]) == 100


def test_snapshot_since_is_exclusive(http: httpx.Client) -> None:
    lines = http.get("/acme/job/finetune-llama-3-r1/logs", params={"tail": 50}).json()["data"]
    pivot = lines[20]
    after = http.get("/acme/job/finetune-llama-3-r1/logs", params={"since": pivot["timestamp"], "tail": 10000}).json()["data"]
    assert after
    assert all(line["timestamp"] > pivot["timestamp"] for line in after)
    assert after[0]["seq"] > pivot["seq"]


def test_snapshot_variety(log_server: DemoServer, http: httpx.Client) -> None:
    lines = http.get("/acme/job/finetune-llama-3-r1/logs", params={"tail": 10000}).json()["data"]
    messages = [line["message"] for line in lines]
    assert any(line["stream"] == "stderr" for line in lines)
    assert any(message.startswith("Traceback") for message in messages)
    assert any(len(message) > 2000 for message in messages)
    assert any("\x1b[" in message for message in messages)
    assert any(any(ord(char) > 0x2000 for char in message) for message in messages)


def test_snapshot_empty_for_queued(log_server: DemoServer, http: httpx.Client) -> None:
    log_server.state.add_job("mara", name="waiting", status="queued")
    assert http.get("/mara/job/waiting/logs").json() == {"data": []}


def test_snapshot_bad_params(http: httpx.Client) -> None:
    path = "/acme/job/finetune-llama-3-r1/logs"
    assert_error(http.get(path, params={"tail": 10001}), 400, "invalid_request", "tail")
    assert_error(http.get(path, params={"since": "last tuesday"}), 400, "invalid_request", "since")
    assert_error(http.get(path, params={"follow": "yes"}), 400, "invalid_request", "follow")
    assert_error(http.get("/acme/service/rerank-api/logs", params={"follow": "true"}), 400, "invalid_request", "follow")
    assert_error(http.get("/acme/machine/vision-dev/logs", params={"follow": "true"}), 400, "invalid_request", "follow")


def test_service_and_machine_snapshots(http: httpx.Client) -> None:
    service = http.get("/acme/service/rerank-api/logs", params={"tail": 5}).json()["data"]
    machine = http.get("/acme/machine/vision-dev/logs").json()["data"]
    assert len(service) == 5
    assert "HTTP/1.1" in service[-1]["message"]
    assert machine[0]["message"] == "cloud-init: starting"


def test_follow_finished_job_409(http: httpx.Client) -> None:
    finished = http.get("/acme/jobs", params={"status": "succeeded", "per_page": 1}).json()["data"][0]
    response = http.get(f"/acme/job/{finished['name']}/logs", params={"follow": "true"})
    assert "succeeded" in assert_error(response, 409, "invalid_request")["message"]


def test_follow_until_end(http: httpx.Client) -> None:
    http.post(f"{SEED}/mara/jobs", json={"name": "followed", "command": "python run.py", "gpu": "T4"})
    time.sleep(0.2)
    with http.stream("GET", "/mara/job/followed/logs", params={"follow": "true"}) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["Cache-Control"] == "no-cache"
        assert "ETag" not in response.headers
        events = read_events(response)
    logs = [event for event in events if event[0] == "log"]
    assert events[-1][0] == "end"
    assert json.loads(events[-1][2]) == {"status": "succeeded"}
    seqs = [int(event[1]) for event in logs]
    assert seqs == list(range(1, len(seqs) + 1))
    assert json.loads(logs[0][2])["seq"] == 1
    assert json.loads(logs[-2][2])["message"] == "saving final checkpoint"


def test_follow_resumes_after_last_event_id(http: httpx.Client) -> None:
    path = "/acme/job/finetune-llama-3-r1/logs"
    newest = http.get(path, params={"tail": 1}).json()["data"][0]["seq"]
    headers = {"Last-Event-ID": str(newest - 30)}
    with http.stream("GET", path, params={"follow": "true"}, headers=headers) as response:
        events = read_events(response, seconds=0.5)
    ids = [int(event[1]) for event in events if event[0] == "log"]
    assert ids[0] == newest - 29
    assert ids == list(range(ids[0], ids[0] + len(ids)))


def test_follow_sends_keepalive(log_server: DemoServer, http: httpx.Client) -> None:
    log_server.state.add_job("mara", name="silent", status="running", started_at=None)
    log_server.app.keepalive_seconds = 0.2
    with http.stream("GET", "/mara/job/silent/logs", params={"follow": "true"}) as response:
        events = read_events(response, seconds=0.6)
    assert ("comment", None, ": keep-alive") in events


def test_drop_stream_fault(log_server: DemoServer, http: httpx.Client) -> None:
    log_server.faults.drop_streams_after_lines = 25
    with http.stream("GET", "/acme/job/finetune-llama-3-r1/logs", params={"follow": "true"}) as response:
        events = read_events(response, seconds=3)
    assert len([event for event in events if event[0] == "log"]) == 25
    assert all(event[0] != "end" for event in events)


def test_stall_stream_fault(log_server: DemoServer) -> None:
    log_server.faults.stall_streams = True
    timeout = httpx.Timeout(5.0, read=0.4)
    try:
        with api_client(log_server) as client, client.stream(
            "GET", "/acme/job/finetune-llama-3-r1/logs", params={"follow": "true"}, timeout=timeout
        ) as response:
            assert response.status_code == 200
            with pytest.raises(httpx.ReadTimeout):
                next(response.iter_bytes())
    finally:
        log_server.faults.stall_streams = False


def test_high_rate_stream() -> None:
    config = DemoConfig(rate_limits=False, log_lines_per_second=20000.0)
    with DemoServer(config) as server, api_client(server) as http:
        with http.stream("GET", "/acme/job/finetune-llama-3-r1/logs", params={"follow": "true", "tail": 1}) as response:
            started = time.monotonic()
            count = 0
            for line in response.iter_lines():
                count += line.startswith("id: ")
                if time.monotonic() - started > 1.0:
                    break
        snapshot = http.get("/acme/job/finetune-llama-3-r1/logs", params={"tail": 10000}).json()["data"]
    assert count > 5000
    assert len(snapshot) == 10000
