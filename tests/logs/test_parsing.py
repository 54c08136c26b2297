"""The log client with scripted responses: odd event data, resume headers, silence."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import httpx
import pytest
from httpx_sse import ServerSentEvent

from outpost_tui.api import Credential, InvalidResponse, OutpostClient
from outpost_tui.api.logs import (
    JobLogFollower,
    SeqTracker,
    StreamState,
    parse_line_events,
    parse_snapshot,
)
from outpost_tui.api.ratelimit import BudgetRegistry

from .conftest import make_lines

RECEIVED = datetime(2026, 5, 2, 12, 0, tzinfo=timezone.utc)


def line_event(seq: int, message: str = "x") -> str:
    data = json.dumps({"seq": seq, "timestamp": "2026-05-02T09:14:07.250Z", "stream": "stdout", "message": message})
    return f"event: log\nid: {seq}\ndata: {data}\n\n"


def sse_response(body: str | bytes, status: int = 200) -> httpx.Response:
    content = body.encode() if isinstance(body, str) else body
    return httpx.Response(status, headers={"content-type": "text/event-stream; charset=utf-8"}, content=content)


def scripted_client(responses: list) -> tuple[OutpostClient, list[httpx.Request]]:
    """A client whose requests get ``responses`` in order; each is a response or a callable."""
    requests: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        answer = responses.pop(0)
        return answer(request) if callable(answer) else answer

    client = OutpostClient(
        "http://127.0.0.1:9", Credential.api_key("k$sk_live_" + "a" * 32, source="test"),
        transport=httpx.MockTransport(handler), budgets=BudgetRegistry(),
    )
    client.budget.set_plan("enterprise")
    return client, requests


def test_plain_text_data_becomes_line():
    events = [ServerSentEvent("log", "GPU 0: temperature 81 C", "7"), ServerSentEvent("log", "[1, 2]", "")]
    lines = parse_line_events(events, RECEIVED)

    assert (lines[0].seq, lines[0].message, lines[0].stream) == (7, "GPU 0: temperature 81 C", "stdout")
    assert lines[0].timestamp == RECEIVED
    assert (lines[1].seq, lines[1].message) == (None, "[1, 2]")


def test_odd_item_spares_the_batch():
    good = json.dumps({"seq": 1, "timestamp": "2026-05-02T09:14:07Z", "message": "a"})
    odd = json.dumps({"seq": 2, "timestamp": "not a time", "stream": None, "message": 42})
    events = [ServerSentEvent("log", good, "1"), ServerSentEvent("log", odd, "2"),
              ServerSentEvent("log", '{"message": "no seq"}', "3")]
    lines = parse_line_events(events, RECEIVED)

    assert [line.seq for line in lines] == [1, 2, 3]
    assert (lines[1].message, lines[1].stream, lines[1].timestamp) == ("42", "stdout", RECEIVED)
    assert lines[2].message == "no seq"


def test_joined_data_cannot_add_lines():
    two_in_one = json.dumps({"seq": 1, "message": "a"}) + ", " + json.dumps({"seq": 99, "message": "b"})
    lines = parse_line_events([ServerSentEvent("log", two_in_one, "1")], RECEIVED)

    assert len(lines) == 1
    assert lines[0].seq == 1
    assert lines[0].message == two_in_one


def test_snapshot_shapes():
    body = {"data": [{"seq": 1, "timestamp": "2026-05-02T09:14:07.250+02:00", "message": "a", "extra": 1}]}
    line = parse_snapshot(body)[0]

    assert line.timestamp == datetime(2026, 5, 2, 7, 14, 7, 250000, tzinfo=timezone.utc)
    assert line.stream == "stdout"
    assert parse_snapshot([{"seq": 2, "message": "bare list"}])[0].seq == 2
    with pytest.raises(InvalidResponse):
        parse_snapshot({"lines": []})


def test_tracker_drops_duplicates_counts_gaps():
    tracker = SeqTracker()
    first = tracker.accept(make_lines(5, first_seq=10))
    again = tracker.accept(make_lines(8, first_seq=12))
    later = tracker.accept(make_lines(2, first_seq=25))

    assert [line.seq for line in first + again + later] == [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 25, 26]
    assert tracker.duplicates == 3
    assert tracker.missed == 5
    assert tracker.resume_since() == "2026-05-02T09:00:00.025Z"


async def test_events_comments_and_multiline_data():
    body = (
        ": keep-alive\n\n"
        "event: progress\ndata: ignored\n\n"
        "event: log\nid: 1\ndata: first part\ndata: second part\n\n"
        + line_event(2)
        + 'event: end\ndata: {"status": "failed"}\n\n'
    )
    client, _ = scripted_client([sse_response(body), httpx.Response(200, json={"data": []})])
    lines = []
    status = await JobLogFollower(client, "acme", "job", on_lines=lines.extend, on_status=lambda s: None).run()

    assert status == "failed"
    assert [line.message for line in lines] == ["first part\nsecond part", "x"]


async def test_reconnect_sends_last_event_id():
    client, requests = scripted_client([
        sse_response(line_event(41) + line_event(42)),
        sse_response(line_event(42) + line_event(43) + 'event: end\ndata: {"status": "succeeded"}\n\n'),
        httpx.Response(200, json={"data": []}),
    ])
    lines = []
    follower = JobLogFollower(client, "acme", "job", on_lines=lines.extend, on_status=lambda s: None,
                              backoff_initial=0.01)

    assert await follower.run() == "succeeded"
    assert [line.seq for line in lines] == [41, 42, 43]
    assert "last-event-id" not in requests[0].headers
    assert requests[1].headers["last-event-id"] == "42"
    assert requests[1].url.params["since"] == "2026-05-02T09:14:07.249Z"
    assert requests[0].headers["accept"] == "text/event-stream"
    assert requests[1].url.params["follow"] == "true"


class Silent(httpx.AsyncByteStream):
    """A response body that sends one event and then nothing, like a dead connection."""

    async def __aiter__(self):
        yield line_event(1).encode()
        await asyncio.sleep(3600)


async def test_silence_triggers_reconnect():
    client, requests = scripted_client([
        httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Silent()),
        sse_response(line_event(2) + 'event: end\ndata: {"status": "succeeded"}\n\n'),
        httpx.Response(200, json={"data": []}),
    ])
    statuses = []
    follower = JobLogFollower(client, "acme", "job", on_lines=lambda lines: None, on_status=statuses.append,
                              idle_timeout=0.2, backoff_initial=0.01)

    assert await asyncio.wait_for(follower.run(), 10) == "succeeded"
    assert any(status.state is StreamState.RECONNECTING and "no data" in status.detail for status in statuses)
    assert requests[1].headers["last-event-id"] == "1"


async def test_server_error_backs_off_then_resumes():
    error = httpx.Response(503, json={"error": {"code": "internal_error", "message": "busy", "request_id": "req_1"}})
    client, _ = scripted_client([error, error, sse_response('event: end\ndata: {"status": "succeeded"}\n\n'),
                                 httpx.Response(200, json={"data": []})])
    statuses = []
    follower = JobLogFollower(client, "acme", "job", on_lines=lambda lines: None, on_status=statuses.append,
                              backoff_initial=0.01)

    assert await follower.run() == "succeeded"
    waits = [status.retry_in for status in statuses if status.retry_in is not None]
    assert waits == [0.01, 0.02]


async def test_not_an_event_stream_fails():
    client, _ = scripted_client([httpx.Response(200, json={"data": []})])
    statuses = []
    follower = JobLogFollower(client, "acme", "job", on_lines=lambda lines: None, on_status=statuses.append)

    assert await follower.run() is None
    assert statuses[-1].state is StreamState.FAILED
    assert "application/json" in statuses[-1].detail
