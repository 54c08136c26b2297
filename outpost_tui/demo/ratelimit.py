"""Fixed-window rate limiting per credential: a minute window and a one-second burst window."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .config import PLAN_LIMITS


@dataclass
class RateDecision:
    """Outcome of one check: the header values and, when rejected, the Retry-After seconds."""

    limit: int
    remaining: int
    reset: int
    retry_after: int | None = None

    @property
    def allowed(self) -> bool:
        """Return whether the request may proceed."""
        return self.retry_after is None

    def headers(self) -> dict[str, str]:
        """Return the rate-limit response headers."""
        values = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }
        if self.retry_after is not None:
            values["Retry-After"] = str(self.retry_after)
        return values


@dataclass
class _Counters:
    minute: int = 0
    minute_count: int = 0
    second: int = 0
    second_count: int = 0


class RateLimiter:
    """Counts requests per credential in windows aligned to Unix time.

    Minute windows start at Unix times divisible by 60 and burst windows at whole
    seconds. It reads wall-clock time by default, not the state's clock, so a
    frozen demo clock does not freeze the windows; tests may swap ``time_source``.
    """

    def __init__(self, time_source: Callable[[], float] = time.time) -> None:
        self.time_source = time_source
        self._counters: dict[str, _Counters] = {}
        self._lock = threading.Lock()

    def check(self, key: str, plan: str, *, enforce: bool = True, count: bool = True) -> RateDecision:
        """Count one request for ``key`` under ``plan`` unless it is over a limit.

        A rejected request is not counted. With ``enforce`` off, nothing is rejected
        but the headers still report the counts. With ``count`` off, the counters
        are only read.
        """
        per_minute, per_second = PLAN_LIMITS.get(plan, PLAN_LIMITS["free"])
        now = self.time_source()
        minute = int(now // 60) * 60
        second = int(now)
        with self._lock:
            counters = self._counters.setdefault(key, _Counters())
            if counters.minute != minute:
                counters.minute, counters.minute_count = minute, 0
            if counters.second != second:
                counters.second, counters.second_count = second, 0
            reset = minute + 60
            retry_after = None
            if enforce and counters.minute_count >= per_minute:
                retry_after = max(1, math.ceil(reset - now))
            elif enforce and counters.second_count >= per_second:
                retry_after = 1
            elif count:
                counters.minute_count += 1
                counters.second_count += 1
            remaining = max(0, per_minute - counters.minute_count)
        return RateDecision(per_minute, remaining, reset, retry_after)

    def reset(self) -> None:
        """Forget every counter."""
        with self._lock:
            self._counters.clear()
