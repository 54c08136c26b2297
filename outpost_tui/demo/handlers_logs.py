"""Handlers for log snapshots of jobs, services and machines, and the followed job log stream."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from . import jobs, logs
from .errors import bad_request, wrong_status
from .handlers_reads import lookup_job, lookup_machine, lookup_service
from .http import Reply, RequestContext, StreamReply
from .timeutil import parse_time, to_epoch_ms
from .validation import query_bool, query_int

if TYPE_CHECKING:
    from .app import DemoApp

MAX_TAIL = 10000
DEFAULT_TAIL = 100
# Lines sent per write while a stream catches up, which bounds memory per write.
STREAM_BATCH_LINES = 2000
STREAM_POLL_SECONDS = 0.1


def _snapshot_window(context: RequestContext, source: logs.LogSource) -> tuple[int, int]:
    """Return the first and last ``seq`` that ``since`` and ``tail`` select."""
    tail = query_int(context.query, "tail", DEFAULT_TAIL, 1, MAX_TAIL)
    now_ms = to_epoch_ms(context.now)
    total = source.total(now_ms)
    first = 1
    since = context.query.get("since")
    if since is not None:
        parsed = parse_time(since)
        if parsed is None:
            raise bad_request(f"query parameter 'since' must be an ISO 8601 time, got {since!r}", "since")
        first = source.first_seq_after(to_epoch_ms(parsed), now_ms)
    return max(first, total - tail + 1), total


def _snapshot(context: RequestContext, source: logs.LogSource) -> Reply:
    first, last = _snapshot_window(context, source)
    return Reply(body={"data": source.entries(first, last, to_epoch_ms(context.now))})


def _reject_follow(context: RequestContext, kind: str) -> None:
    if query_bool(context.query, "follow"):
        raise bad_request(f"follow=true works only for job logs; {kind} logs are snapshots", "follow")


def service_logs(context: RequestContext) -> Reply:
    """Return a service's log snapshot."""
    _reject_follow(context, "service")
    return _snapshot(context, logs.service_source(lookup_service(context)))


def machine_logs(context: RequestContext) -> Reply:
    """Return a machine's log snapshot."""
    _reject_follow(context, "machine")
    return _snapshot(context, logs.machine_source(lookup_machine(context)))


def job_logs(context: RequestContext) -> Reply | StreamReply:
    """Return a job's log snapshot, or with ``follow=true`` stream it while the job runs."""
    follow = query_bool(context.query, "follow")
    record = lookup_job(context)
    source = logs.job_source(context.state, record)
    if not follow:
        return _snapshot(context, source)
    first = _backlog_start(context, source)
    if record["status"] != "running":
        raise wrong_status(
            f"job {record['name']!r} is {record['status']}; logs stream only while a job is running, so fetch a snapshot"
        )
    app: DemoApp = context.app
    key = (context.params["namespace"], record["name"])
    return StreamReply(lambda: _stream_job(app, key, first))


def _backlog_start(context: RequestContext, source: logs.LogSource) -> int:
    """Return the first ``seq`` to stream: after Last-Event-ID, else after ``since``, else the newest ``tail``."""
    tail = query_int(context.query, "tail", DEFAULT_TAIL, 1, MAX_TAIL)
    since = context.query.get("since")
    parsed = parse_time(since) if since is not None else None
    if since is not None and parsed is None:
        raise bad_request(f"query parameter 'since' must be an ISO 8601 time, got {since!r}", "since")
    last_event_id = context.headers.get("last-event-id")
    now_ms = to_epoch_ms(context.now)
    if last_event_id is not None:
        if not last_event_id.strip().isdigit():
            raise bad_request(f"header Last-Event-ID must be a log seq number, got {last_event_id!r}")
        return int(last_event_id) + 1
    if parsed is not None:
        return source.first_seq_after(to_epoch_ms(parsed), now_ms)
    return max(1, source.total(now_ms) - tail + 1)


# One encoder for every line: json.dumps with options builds a new encoder per call.
_LINE_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _event(seq: int, entry: dict) -> str:
    """Return one ``log`` event. The JSON is the same as ``json.dumps(entry, ensure_ascii=False)``
    gives, but only the message needs escaping, and encoding the whole dict would make
    the encoder the slowest part of a fast stream."""
    message = _LINE_ENCODER.encode(entry["message"])
    data = f'{{"seq": {entry["seq"]}, "timestamp": "{entry["timestamp"]}", "stream": "{entry["stream"]}", "message": {message}}}'
    return f"event: log\nid: {seq}\ndata: {data}\n\n"


async def _stream_job(app: DemoApp, key: tuple[str, str], next_seq: int) -> AsyncIterator[bytes]:
    """Yield SSE events for one job: new lines as they appear, then ``end`` with its final status."""
    state, faults = app.state, app.faults
    sent = 0
    last_write = time.monotonic()
    while not app.closing.is_set():
        if faults.stall_streams:
            await asyncio.sleep(STREAM_POLL_SECONDS)
            continue
        with state.lock:
            now = state.now()
            state.advance(now)
            record = state.get_job(*key)
            status = record["status"] if record else "cancelled"
            source = logs.job_source(state, record) if record else logs.LogSource([])
            now_ms = to_epoch_ms(now)
            if record is not None and jobs.is_terminal(record):
                # The lines a job writes as it ends are stamped just after its end; count
                # them all, or the end event could overtake them.
                now_ms = max(now_ms, source.final_ms())
            total = source.total(now_ms)
            last = min(total, next_seq + STREAM_BATCH_LINES - 1)
            entries = source.entries(next_seq, last, now_ms) if last >= next_seq else []
        limit = faults.drop_streams_after_lines
        if limit is not None and sent + len(entries) >= limit:
            chunk = "".join(_event(entry["seq"], entry) for entry in entries[: max(0, limit - sent)])
            yield chunk.encode()
            return
        if entries:
            sent += len(entries)
            next_seq = entries[-1]["seq"] + 1
            last_write = time.monotonic()
            yield "".join(_event(entry["seq"], entry) for entry in entries).encode()
            if next_seq <= total:
                # Sending to a client that has gone away returns at once, so without this
                # pause a long backlog would never let the disconnect cancel the stream.
                await asyncio.sleep(0)
                continue
        if jobs.is_terminal({"status": status}) and next_seq > total:
            yield f"event: end\ndata: {json.dumps({'status': status})}\n\n".encode()
            return
        if time.monotonic() - last_write >= app.keepalive_seconds:
            last_write = time.monotonic()
            yield b": keep-alive\n\n"
        await asyncio.sleep(STREAM_POLL_SECONDS)
