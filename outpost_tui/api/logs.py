"""Logs of jobs, services and machines: snapshots, and the followed stream of a running job.

A snapshot is one JSON request. A running job's log is also a Server-Sent Events stream,
parsed by httpx-sse. :class:`JobLogFollower` keeps that stream going. After a disconnect
it resumes after the last ``seq`` it received and drops lines it already has. It
reconnects after 45 s without a byte, waits 1 s doubling to 30 s between attempts, and
fetches the remaining lines as a snapshot once the job has ended. No Textual here:
results go to two callbacks, one for batches of lines and one for changes of state.
Turning responses into lines and dropping duplicates lives in :mod:`.log_parsing`.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx
from httpx_sse import ServerSentEvent

# NOTE: httpx-sse 0.4 exports only an async generator that yields one event at a time,
# and at tens of thousands of events a second that costs more than the parsing. So its
# incremental decoders run here once per received chunk. They live in a private module,
# which is why pyproject.toml keeps httpx-sse below 0.5 and tests/logs covers this path.
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from ..models import Job, LogLine
from ..sanitize import clean_text
from .client import JOBS, OutpostClient, ResourceKind
from .endpoints import Header, LogStream, Query
from .errors import (
    APIError,
    Conflict,
    InvalidResponse,
    NetworkError,
    OutpostError,
    RateLimited,
    ServerError,
)
from .log_parsing import (
    SeqTracker,
    end_status,
    format_since,
    line_from_event,
    parse_line_events,
    parse_snapshot,
)
from .ratelimit import Lane

__all__ = [
    "JobLogFollower", "LogPoller", "SeqTracker", "StreamState", "StreamStatus", "fetch_log_snapshot",
    "format_since", "line_from_event", "parse_line_events", "parse_snapshot",
]

log = logging.getLogger(__name__)

# Reconnect when a stream sends no byte for this long. The server sends a keep-alive
# comment after 15 s of silence, so 45 s means three were missed.
IDLE_TIMEOUT_SECONDS = 45.0
BACKOFF_INITIAL_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
# How often a queued job is checked until it starts running.
QUEUED_POLL_SECONDS = 5.0
# The number of events parsed before their lines go out and the event loop gets a turn.
MAX_BATCH_EVENTS = 256
TERMINAL_JOB_STATUSES = frozenset(Job.TERMINAL_STATUSES)



class StreamState(str, enum.Enum):
    """The state of a log source, as the viewer's header shows it."""

    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    WAITING = "waiting"  # the job is queued; following starts when it runs
    POLLING = "polling"  # a snapshot refreshed while visible (service and machine logs)
    ENDED = "ended"
    FAILED = "failed"


@dataclass(frozen=True)
class StreamStatus:
    """A change of a log source's state.

    ``job_status`` is the job's final status once ENDED. ``detail`` is the reason the
    stream is reconnecting or failed, and ``retry_in`` the wait before the next attempt.
    """

    state: StreamState
    detail: str = ""
    retry_in: float | None = None
    job_status: str | None = None
    error: OutpostError | None = None


LinesCallback = Callable[[list[LogLine]], None]
StatusCallback = Callable[[StreamStatus], None]


# -- snapshots ----------------------------------------------------------------------------


async def fetch_log_snapshot(
    client: OutpostClient,
    kind: ResourceKind,
    namespace: str,
    name: str,
    *,
    tail: int | None = None,
    since: str | None = None,
    lane: Lane = Lane.USER,
) -> list[LogLine]:
    """Fetch a log snapshot: the newest ``tail`` lines, of those after ``since`` if given."""
    params = {Query.TAIL: tail, Query.SINCE: since}
    body = await client.request_json(
        kind.operation("logs"), path={"namespace": namespace, "name": name}, params=params, lane=lane
    )
    return parse_snapshot(body)


class LogPoller:
    """The new lines of a snapshot log on each call: the newest ``tail`` first, then
    every line after the last one received."""

    def __init__(
        self, client: OutpostClient, kind: ResourceKind, namespace: str, name: str, *, tail: int
    ) -> None:
        self.client = client
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.tail = max(1, min(tail, LogStream.TAIL_MAX))
        self.tracker = SeqTracker()

    @property
    def missed(self) -> int:
        return self.tracker.missed

    async def fetch_new(self, lane: Lane = Lane.BACKGROUND) -> list[LogLine]:
        """Fetch and return the lines not received before."""
        since = self.tracker.resume_since()
        tail = self.tail if since is None else LogStream.TAIL_MAX
        lines = await fetch_log_snapshot(
            self.client, self.kind, self.namespace, self.name, tail=tail, since=since, lane=lane
        )
        return self.tracker.accept(lines)


# -- the followed job log -----------------------------------------------------------------


class StreamIdle(Exception):
    """The stream sent no byte for the idle timeout."""


@dataclass
class _Connection:
    """The outcome of one connection: new lines passed on, and the final status if any."""

    new_lines: int = 0
    end_status: str | None = None


class JobLogFollower:
    """Follow a job's log until the job ends, losing no line and showing none twice.

    :meth:`run` returns the job's final status, or None when following failed for good
    (the credential was rejected, the job is gone). Cancelling the task stops it.
    """

    def __init__(
        self,
        client: OutpostClient,
        namespace: str,
        name: str,
        *,
        on_lines: LinesCallback,
        on_status: StatusCallback,
        tail: int = LogStream.TAIL_MAX,
        job_status: str | None = None,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        backoff_initial: float = BACKOFF_INITIAL_SECONDS,
        backoff_max: float = BACKOFF_MAX_SECONDS,
        queued_poll_seconds: float = QUEUED_POLL_SECONDS,
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.name = name
        self.tail = max(1, min(tail, LogStream.TAIL_MAX))
        self.idle_timeout = idle_timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.queued_poll_seconds = queued_poll_seconds
        self.tracker = SeqTracker()
        self.connections = 0
        self._on_lines = on_lines
        self._on_status = on_status
        self._known_status = job_status
        self._pending: list[ServerSentEvent] = []

    @property
    def missed(self) -> int:
        """Lines the server skipped and no resume could recover."""
        return self.tracker.missed

    def backoff(self, attempt: int) -> float:
        """Return the wait before reconnect attempt ``attempt`` (0-based): 1 s doubling to 30 s."""
        return min(self.backoff_max, self.backoff_initial * 2 ** min(attempt, 30))

    async def run(self) -> str | None:
        """Follow the log until the job ends or following fails; return the final status."""
        attempt = 0
        while True:
            if self._known_status in TERMINAL_JOB_STATUSES:
                return await self._finish(self._known_status)
            if self._known_status not in (None, "running"):
                # Queued, or a status this client does not know: the log streams only
                # while the job runs, so check again later.
                self._status(StreamStatus(StreamState.WAITING, f"the job is {self._known_status}"))
                await asyncio.sleep(self.queued_poll_seconds)
                if not await self._refresh_job_status():
                    return None
                continue
            retry_after: float | None = None
            try:
                connection = await self._connect(Lane.USER if self.connections == 0 else Lane.BACKGROUND)
            except Conflict:
                # 409 means the job is not running (any more), and its status decides the next step.
                if not await self._refresh_job_status():
                    return None
                if self._known_status != "running":
                    continue
                reason = "the server refused to stream while the job runs"
            except RateLimited as exc:
                retry_after = exc.retry_after
                reason = "rate limited"
            except (NetworkError, ServerError, StreamIdle, httpx.TransportError) as exc:
                reason = _reason(exc)
            except OutpostError as exc:
                self._fail(exc)
                return None
            else:
                if connection.end_status is not None:
                    # One more snapshot catches lines a server flushed after its end event.
                    return await self._finish(connection.end_status, required=False)
                reason = "the stream closed without an end event"
                if connection.new_lines:
                    attempt = 0
            delay = retry_after if retry_after is not None else self.backoff(attempt)
            attempt += 1
            log.info("job %s/%s log stream: %s; reconnecting in %.0f s", self.namespace, self.name, reason, delay)
            self._status(StreamStatus(StreamState.RECONNECTING, reason, retry_in=delay))
            await asyncio.sleep(delay)

    # -- one connection ---------------------------------------------------------------------

    async def _connect(self, lane: Lane) -> _Connection:
        self._status(StreamStatus(StreamState.CONNECTING if self.connections == 0 else StreamState.RECONNECTING))
        headers = {Header.ACCEPT: LogStream.MEDIA_TYPE}
        params: dict[str, Any] = {Query.FOLLOW: True, Query.TAIL: self.tail}
        if self.tracker.last_seq is not None:
            headers[Header.LAST_EVENT_ID] = str(self.tracker.last_seq)
            # ``since`` is the fallback for a server that ignores Last-Event-ID.
            params[Query.SINCE] = self.tracker.resume_since()
        path = {"namespace": self.namespace, "name": self.name}
        async with self.client.stream("jobs.logs", path=path, params=params, headers=headers, lane=lane) as response:
            self.connections += 1
            self._known_status = "running"
            self._status(StreamStatus(StreamState.LIVE))
            return await self._read(response)

    async def _read(self, response: httpx.Response) -> _Connection:
        """Read events until the stream ends, handing over the lines of each chunk at once."""
        content_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
        if content_type != LogStream.MEDIA_TYPE:
            raise InvalidResponse(
                f"the followed log of job {self.name!r} came as {clean_text(content_type) or 'no type'}"
                f" instead of {LogStream.MEDIA_TYPE}; check that the base URL is an Outpost API",
                status=response.status_code,
            )
        connection = _Connection()
        self._pending.clear()
        lines = SSELineDecoder()
        events = SSEDecoder()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.idle_timeout) as deadline:
                async for text in response.aiter_text():
                    # Any byte, a keep-alive comment too, proves the stream alive.
                    deadline.reschedule(loop.time() + self.idle_timeout)
                    for line in lines.decode(text):
                        event = events.decode(line)
                        if event is None:
                            continue
                        if event.event == LogStream.LINE_EVENT:
                            self._pending.append(event)
                            if len(self._pending) >= MAX_BATCH_EVENTS:
                                # A 64 KiB read contains hundreds of events. Handing them over
                                # in slices means a key press waits only a few ms in between.
                                connection.new_lines += self._flush()
                                await asyncio.sleep(0)
                        elif event.event == LogStream.END_EVENT:
                            connection.new_lines += self._flush()
                            connection.end_status = end_status(event)
                            return connection
                    connection.new_lines += self._flush()
                    # A fast stream may never make a read wait, so give the event loop a turn.
                    await asyncio.sleep(0)
        except TimeoutError:
            raise StreamIdle(f"no data for {self.idle_timeout:g} s") from None
        finally:
            connection.new_lines += self._flush()
        return connection

    def _flush(self) -> int:
        if not self._pending:
            return 0
        events, self._pending = self._pending, []
        fresh = self.tracker.accept(parse_line_events(events, datetime.now(timezone.utc)))
        if fresh:
            self._on_lines(fresh)
        return len(fresh)

    # -- after the stream -------------------------------------------------------------------

    async def _refresh_job_status(self) -> bool:
        """Read the job's status; False when that failed for good and was reported."""
        try:
            job = await self.client.get_item(JOBS, self.namespace, self.name, lane=Lane.BACKGROUND)
        except (NetworkError, ServerError, RateLimited) as exc:
            self._status(StreamStatus(StreamState.RECONNECTING, _reason(exc), retry_in=self.backoff_initial))
            await asyncio.sleep(self.backoff_initial)
            return True
        except OutpostError as exc:
            self._fail(exc)
            return False
        self._known_status = job.status or "unknown"
        return True

    async def _finish(self, job_status: str, *, required: bool = True) -> str | None:
        """Fetch the lines written since the last one received, then report the end.

        When the snapshot is only a check after an ``end`` event (not ``required``), its
        failure is logged and the job still counts as ended.
        """
        since = self.tracker.resume_since()
        try:
            lines = await fetch_log_snapshot(
                self.client, JOBS, self.namespace, self.name,
                tail=self.tail if since is None else LogStream.TAIL_MAX, since=since,
                lane=Lane.BACKGROUND,
            )
        except OutpostError as exc:
            if required:
                self._fail(exc)
                return None
            log.warning("job %s/%s: the snapshot after the end event failed: %s", self.namespace, self.name, exc)
            lines = []
        fresh = self.tracker.accept(lines)
        if fresh:
            self._on_lines(fresh)
        self._status(StreamStatus(StreamState.ENDED, job_status=job_status))
        return job_status

    def _status(self, status: StreamStatus) -> None:
        self._on_status(status)

    def _fail(self, exc: OutpostError) -> None:
        log.warning("job %s/%s log: %s", self.namespace, self.name, exc)
        self._status(StreamStatus(StreamState.FAILED, _reason(exc), error=exc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, APIError):
        return exc.describe()
    if isinstance(exc, httpx.TransportError):
        return f"the connection broke ({type(exc).__name__})"
    return str(exc) or type(exc).__name__
