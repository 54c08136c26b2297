"""Rate limiting on virtual time: 429 waits, jitter between clients, parsers, ETags."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from outpost_tui.api import JOBS, Credential, OutpostClient
from outpost_tui.api.ratelimit import (
    DEFAULT_429_WAIT,
    MAX_WAIT_SECONDS,
    BudgetRegistry,
    CredentialBudget,
    Lane,
    parse_rate_limit_headers,
    parse_reset,
    parse_retry_after,
)

BASE_URL = "http://127.0.0.1:8900"
PAGE = {"data": [], "pagination": {"page": 1, "per_page": 20, "total": 0, "total_pages": 0}}


class VirtualClock:
    """Monotonic time that moves only when every task is waiting, to the next wake-up."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), future))
        await future

    async def run(self, *coroutines):
        """Run coroutines to completion, jumping the clock whenever all of them wait."""
        tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(20):
                await asyncio.sleep(0)
            if self._sleepers and not all(task.done() for task in tasks):
                wake, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake)
                future.set_result(None)
        return [task.result() for task in tasks]


def _registry(clock: VirtualClock, seed: int = 1) -> BudgetRegistry:
    rng = random.Random(seed)
    return BudgetRegistry(
        lambda: CredentialBudget("enterprise", clock=clock.monotonic, sleep=clock.sleep, rng=rng)
    )


def _client(handler, registry: BudgetRegistry) -> OutpostClient:
    credential = Credential.token("op_pat_" + "a" * 32, source="test")
    return OutpostClient(
        BASE_URL, credential, transport=httpx.MockTransport(handler), budgets=registry, retries=0
    )


class Server429:
    """Answer the first request with 429 and the given headers, then 200, noting times."""

    def __init__(self, clock: VirtualClock, headers: dict[str, str]) -> None:
        self.clock = clock
        self.headers = headers
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.times.append(self.clock.now)
        if len(self.times) == 1:
            body = {"error": {"code": "rate_limit_exceeded", "message": "slow down", "request_id": "req_1"}}
            return httpx.Response(429, json=body, headers=self.headers)
        return httpx.Response(200, json=PAGE)


async def _poll_together(clock, server, clients_count=2, requests_each=2):
    registry = _registry(clock)
    clients = [_client(server, registry) for _ in range(clients_count)]
    coroutines = [
        client.list_page(JOBS, "acme", lane=Lane.BACKGROUND)
        for client in clients
        for _ in range(requests_each)
    ]
    await clock.run(*coroutines)
    for client in clients:
        await client.aclose()


async def test_block_sends_one_request_in_ten_seconds():
    clock = VirtualClock()
    server = Server429(clock, {"Retry-After": "10"})
    await _poll_together(clock, server)
    during_block = [t for t in server.times if t < 10.0]
    assert len(during_block) == 1
    assert len(server.times) == 5


async def test_sharing_clients_retry_at_different_times():
    clock = VirtualClock()
    server = Server429(clock, {"Retry-After": "10"})
    await _poll_together(clock, server)
    after_block = server.times[1:]
    assert all(t >= 10.0 for t in after_block)
    assert len(set(after_block)) == len(after_block)


async def test_retry_after_http_date():
    clock = VirtualClock()
    moment = datetime.now(timezone.utc) + timedelta(seconds=12)
    server = Server429(clock, {"Retry-After": format_datetime(moment, usegmt=True)})
    await _poll_together(clock, server, clients_count=1, requests_each=1)
    assert server.times[1] >= 10.0
    assert server.times[1] <= 14.0


async def test_retry_after_absent_uses_reset():
    clock = VirtualClock()
    server = Server429(clock, {"X-RateLimit-Reset": "20"})
    await _poll_together(clock, server, clients_count=1, requests_each=1)
    assert 20.0 <= server.times[1] <= 21.5


async def test_retry_after_and_reset_absent_wait_default():
    clock = VirtualClock()
    server = Server429(clock, {})
    await _poll_together(clock, server, clients_count=1, requests_each=1)
    assert DEFAULT_429_WAIT <= server.times[1] <= DEFAULT_429_WAIT + 1.5


async def test_not_modified_reuses_cached_body():
    seen_tags = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen_tags.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == 'W/"v1"':
            return httpx.Response(304, headers={"ETag": 'W/"v1"'})
        body = {"data": [{"name": "a", "status": "queued"}], "pagination": PAGE["pagination"] | {"total": 1, "total_pages": 1}}
        return httpx.Response(200, json=body, headers={"ETag": 'W/"v1"'})

    client = _client(handler, BudgetRegistry())
    first = await client.list_page(JOBS, "acme")
    second = await client.list_page(JOBS, "acme")
    await client.aclose()
    assert seen_tags == [None, 'W/"v1"']
    assert [job.name for job in second.items] == [job.name for job in first.items]
    assert client.not_modified_count == 1


async def test_background_lane_keeps_user_reserve():
    clock = VirtualClock()
    budget = CredentialBudget("free", clock=clock.monotonic, sleep=clock.sleep)
    background = 0
    while budget.wait_time(Lane.BACKGROUND) == 0:
        await budget.acquire(Lane.BACKGROUND)
        background += 1
    assert budget.wait_time(Lane.USER) == 0
    assert background < 10


async def test_free_budget_stays_under_limit_for_a_minute():
    clock = VirtualClock()
    budget = CredentialBudget("free", clock=clock.monotonic, sleep=clock.sleep)
    sent = []

    async def hammer():
        while clock.now < 60.0:
            await budget.acquire(Lane.USER)
            sent.append(clock.now)

    await clock.run(hammer())
    assert len([t for t in sent if t < 60.0]) < 60
    for second in range(60):
        assert len([t for t in sent if second <= t < second + 1]) <= 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [("17", 17.0), ("0", 0.0), ("-5", 0.0), ("1.5", 1.5), ("soon", None), ("", None), (None, None)],
)
def test_retry_after_seconds(value, expected):
    assert parse_retry_after(value, now=1_000_000_000.0) == expected


def test_reset_epoch_and_delta():
    assert parse_reset("30", now=1_777_712_400.0) == 30.0
    assert parse_reset("1777712460", now=1_777_712_400.0) == 60.0
    assert parse_reset("1777712000", now=1_777_712_400.0) == 0.0


def test_ietf_header_names_accepted():
    info = parse_rate_limit_headers(
        httpx.Headers({"RateLimit-Limit": "300", "RateLimit-Remaining": "12", "RateLimit-Reset": "9"}),
        now=0.0,
    )
    assert (info.limit, info.remaining, info.reset_after) == (300, 12, 9.0)


@given(st.text())
def test_retry_after_never_raises(value):
    result = parse_retry_after(value, now=1_777_712_400.0)
    assert result is None or 0.0 <= result <= MAX_WAIT_SECONDS


@given(st.text())
def test_reset_never_raises(value):
    result = parse_reset(value, now=1_777_712_400.0)
    assert result is None or 0.0 <= result <= MAX_WAIT_SECONDS


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_numeric_headers_bounded(number):
    retry = parse_retry_after(str(number), now=1_777_712_400.0)
    reset = parse_reset(str(number), now=1_777_712_400.0)
    assert retry is not None and 0.0 <= retry <= MAX_WAIT_SECONDS
    assert reset is None or 0.0 <= reset <= MAX_WAIT_SECONDS


@given(st.dictionaries(st.sampled_from(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Limit"]), st.text(max_size=30)))
def test_garbage_headers_parse_to_none_or_valid(headers):
    info = parse_rate_limit_headers(headers, now=1_777_712_400.0)
    assert info.limit is None or info.limit >= 0
    assert info.remaining is None or info.remaining >= 0
    assert info.reset_after is None or 0.0 <= info.reset_after <= MAX_WAIT_SECONDS
