"""Client-side rate limiting: header parsing, a per-credential budget, and 429 back-off.

Outpost limits each credential per minute and per second, by plan. The client keeps a
token bucket per credential at about 80 % of the plan's limits, so it stays under the
server's limit even when clocks and windows do not line up. Requests come in two lanes:
``USER`` requests (a key press) may use the whole budget, while ``BACKGROUND`` requests
(polling) also draw from a second bucket at 40 % of the plan. That is half of the client's
budget, so the user always has a reserve.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import Enum

from .endpoints import Header

# Plan name -> (requests per minute, burst per second).
PLAN_LIMITS: dict[str, tuple[int, int]] = {
    "free": (60, 10),
    "team": (300, 30),
    "enterprise": (1000, 100),
}
DEFAULT_PLAN = "free"
BUDGET_SHARE = 0.8
BACKGROUND_SHARE = 0.4
# A reset header below this value is a delay in seconds; at or above it, a Unix time.
EPOCH_THRESHOLD = 1_000_000_000
# Waits the server requests are capped, so a garbled header cannot freeze the app for days.
MAX_WAIT_SECONDS = 3600.0
DEFAULT_429_WAIT = 60.0
JITTER_SECONDS = 1.0


class Lane(Enum):
    USER = "user"
    BACKGROUND = "background"


@dataclass(frozen=True)
class RateLimitInfo:
    """The rate-limit headers of one response, each part None when it was missing."""

    limit: int | None = None
    remaining: int | None = None
    reset_after: float | None = None  # seconds from the response until the window ends


def _first_header(headers: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            return value
    return None


def _parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip().split(",")[0].split(";")[0].strip()
    try:
        number = int(text)
    except ValueError:
        try:
            number = math.floor(float(text))
        except (ValueError, OverflowError):
            return None
    if number < 0:
        return None
    return number


def parse_reset(value: str | None, now: float) -> float | None:
    """Seconds until a ``Reset`` header's time: a delay below 10⁹, else a Unix time."""
    number = _parse_int(value)
    if number is None:
        return None
    seconds = float(number) if number < EPOCH_THRESHOLD else number - now
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay seconds or an HTTP date."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.lstrip("+-").replace(".", "", 1).isdigit():
        try:
            seconds = float(text)
        except ValueError:
            return None
        if not math.isfinite(seconds):
            return None
        return min(max(seconds, 0.0), MAX_WAIT_SECONDS)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return min(max(moment.timestamp() - now, 0.0), MAX_WAIT_SECONDS)


def parse_rate_limit_headers(headers: Mapping[str, str], now: float) -> RateLimitInfo:
    """Read ``X-RateLimit-*`` or the IETF ``RateLimit-*`` names; missing parts stay None."""
    return RateLimitInfo(
        limit=_parse_int(_first_header(headers, Header.RATE_LIMIT)),
        remaining=_parse_int(_first_header(headers, Header.RATE_REMAINING)),
        reset_after=parse_reset(_first_header(headers, Header.RATE_RESET), now),
    )


def plan_for_limit(per_minute: int) -> str | None:
    for plan, (limit, _burst) in PLAN_LIMITS.items():
        if limit == per_minute:
            return plan
    return None


class TokenBucket:
    """A bucket of ``capacity`` tokens refilled at ``rate`` tokens per second."""

    def __init__(self, capacity: float, rate: float, clock: Callable[[], float]) -> None:
        self.capacity = capacity
        self.rate = rate
        self._clock = clock
        self._tokens = capacity
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def wait_time(self) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self._refill()
        if self._tokens >= 1:
            return 0.0
        return (1 - self._tokens) / self.rate

    def take(self) -> None:
        self._refill()
        self._tokens -= 1

    def reconfigure(self, capacity: float, rate: float, *, fill: bool = False) -> None:
        """Change the size and rate; ``fill`` starts full, else the tokens left are kept."""
        self._refill()
        self.capacity = capacity
        self.rate = rate
        self._tokens = capacity if fill else min(self._tokens, capacity)


class CredentialBudget:
    """The request budget of one credential, shared by every client that uses it."""

    def __init__(
        self,
        plan: str = DEFAULT_PLAN,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], object] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.plan = plan
        self.minute = TokenBucket(1, 1, clock)
        self.second = TokenBucket(1, 1, clock)
        self.background = TokenBucket(1, 1, clock)
        self._configure(plan, fill=True)
        self.blocked_until = 0.0  # monotonic time before which nothing is sent
        self.server_limit: int | None = None
        self.server_remaining: int | None = None
        self.server_reset_at: float | None = None  # monotonic time the server's window ends
        self.requests_sent = 0
        self.rate_limited_count = 0

    def _configure(self, plan: str, *, fill: bool = False) -> None:
        per_minute, burst = PLAN_LIMITS.get(plan, PLAN_LIMITS[DEFAULT_PLAN])
        minute_tokens = per_minute * BUDGET_SHARE
        # The minute bucket contains a burst, not a whole minute, so a fresh start cannot
        # spend a minute's budget in its first second.
        self.minute.reconfigure(max(burst * BUDGET_SHARE, 1), minute_tokens / 60, fill=fill)
        self.second.reconfigure(
            max(math.floor(burst * BUDGET_SHARE), 1), burst * BUDGET_SHARE, fill=fill
        )
        background_per_minute = per_minute * BACKGROUND_SHARE
        self.background.reconfigure(
            max(burst * BACKGROUND_SHARE, 1), background_per_minute / 60, fill=fill
        )
        self.plan = plan

    def set_plan(self, plan: str) -> None:
        """Adopt the plan learned from the user object or the rate-limit headers."""
        if plan in PLAN_LIMITS and plan != self.plan:
            self._configure(plan)

    # -- waiting ------------------------------------------------------------------------

    def wait_time(self, lane: Lane) -> float:
        """Seconds a request in ``lane`` must wait before it may be sent."""
        now = self._clock()
        waits = [self.blocked_until - now, self.minute.wait_time(), self.second.wait_time()]
        if lane is Lane.BACKGROUND:
            waits.append(self.background.wait_time())
            # Polling pauses while the server reports the window spent, until it ends.
            if self.server_remaining == 0 and self.server_reset_at is not None:
                waits.append(self.server_reset_at - now)
        return max(0.0, *waits)

    async def acquire(self, lane: Lane) -> None:
        """Wait until a request in ``lane`` may be sent, then spend its tokens.

        A request that waits out a 429 block adds its own random jitter, so requests
        sharing the credential do not all go out the moment the block ends.
        """
        jitter = 0.0
        while True:
            wait = self.wait_time(lane)
            if wait <= 0:
                break
            if self.blocked_until > self._clock() and not jitter:
                jitter = self._rng.uniform(0.05, JITTER_SECONDS)
                wait += jitter
            await self._sleep(wait)
        self.minute.take()
        self.second.take()
        if lane is Lane.BACKGROUND:
            self.background.take()
        self.requests_sent += 1

    # -- learning from responses ----------------------------------------------------------

    def observe(self, info: RateLimitInfo) -> None:
        """Record what the server reported about the current window."""
        now = self._clock()
        if info.limit is not None:
            self.server_limit = info.limit
            plan = plan_for_limit(info.limit)
            if plan is not None:
                self.set_plan(plan)
        if info.remaining is not None:
            self.server_remaining = info.remaining
        if info.reset_after is not None:
            self.server_reset_at = now + info.reset_after

    def block(self, retry_after: float | None, reset_after: float | None) -> float:
        """Stop every request of the credential after a 429 until the server's wait is over.

        The wait is ``Retry-After``, else the time until the window resets, else 60 s.
        Each waiting request adds its own jitter in :meth:`acquire`. Returns the wait.
        """
        self.rate_limited_count += 1
        base = retry_after if retry_after is not None else reset_after
        if base is None:
            base = DEFAULT_429_WAIT
        wait = min(base, MAX_WAIT_SECONDS)
        self.blocked_until = max(self.blocked_until, self._clock() + wait)
        return wait

    # -- status for the UI ----------------------------------------------------------------

    def blocked_for(self) -> float:
        """Seconds left of a 429 wait, 0 when not blocked."""
        return max(0.0, self.blocked_until - self._clock())

    def remaining_this_minute(self) -> int | None:
        """Return the requests left in the server's current window, if its headers reported them."""
        if self.server_reset_at is not None and self._clock() >= self.server_reset_at:
            return self.server_limit
        return self.server_remaining


class BudgetRegistry:
    """One :class:`CredentialBudget` per credential identity, shared by all its clients."""

    def __init__(self, factory: Callable[[], CredentialBudget] = CredentialBudget) -> None:
        self._factory = factory
        self._budgets: dict[str, CredentialBudget] = {}

    def for_identity(self, identity: str) -> CredentialBudget:
        budget = self._budgets.get(identity)
        if budget is None:
            budget = self._budgets[identity] = self._factory()
        return budget


BUDGETS = BudgetRegistry()
