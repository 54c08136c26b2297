"""Configuration of the demo server."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .timeutil import utc_now

LOOPBACK_HOST = "127.0.0.1"

# Requests per minute and per second for each plan's rate-limit tier.
PLAN_LIMITS: dict[str, tuple[int, int]] = {
    "free": (60, 10),
    "team": (300, 30),
    "enterprise": (1000, 100),
}

API_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}\$sk_live_[a-z0-9]{32}")
TOKEN_PATTERN = re.compile(r"op_pat_[a-z0-9]{32}")
MAX_LOG_LINES_PER_SECOND = 100_000.0


@dataclass
class DemoConfig:
    """Settings of one demo server.

    Attributes:
        seed: seed of the random generator that builds the initial data.
        speed: factor applied to lifecycle durations; 10 makes them 10 times faster.
        plan: the demo user's plan, which sets the rate-limit tier.
        rate_limits: whether requests over the limit get 429 (headers are sent either way).
        host: bind address; only ``127.0.0.1`` is accepted.
        port: TCP port, 0 for a free one picked by the OS.
        log_lines_per_second: output rate of each running job's log.
        clock: source of the current UTC time; a frozen clock makes screenshots repeatable.
        api_key: fixed ``demo-key$sk_live_...`` value instead of a freshly generated one.
        token: fixed ``op_pat_...`` value instead of a freshly generated one.
    """

    seed: int = 7
    speed: float = 1.0
    plan: str = "free"
    rate_limits: bool = True
    host: str = LOOPBACK_HOST
    port: int = 0
    log_lines_per_second: float = 2.0
    clock: Callable[[], datetime] = field(default=utc_now)
    api_key: str | None = None
    token: str | None = None

    def __post_init__(self) -> None:
        if self.host != LOOPBACK_HOST:
            raise ValueError(
                f"invalid demo server host {self.host!r}: the demo server binds {LOOPBACK_HOST} only"
            )
        if not 0 <= self.port <= 65535:
            raise ValueError(f"invalid port {self.port}; use 0-65535 (0 picks a free port)")
        if not self.speed > 0:
            raise ValueError(f"invalid speed {self.speed}; use a factor above 0, such as 1 or 10")
        if self.plan not in PLAN_LIMITS:
            raise ValueError(f"invalid plan {self.plan!r}; use one of: {', '.join(PLAN_LIMITS)}")
        if not 0 < self.log_lines_per_second <= MAX_LOG_LINES_PER_SECOND:
            raise ValueError(
                f"invalid log rate {self.log_lines_per_second}; use a rate above 0 "
                f"and at most {MAX_LOG_LINES_PER_SECOND:.0f} lines per second"
            )
        if self.api_key is not None and not API_KEY_PATTERN.fullmatch(self.api_key):
            raise ValueError("invalid api_key; use the form 'demo-key$sk_live_' followed by 32 of [a-z0-9]")
        if self.token is not None and not TOKEN_PATTERN.fullmatch(self.token):
            raise ValueError("invalid token; use 'op_pat_' followed by 32 of [a-z0-9]")
