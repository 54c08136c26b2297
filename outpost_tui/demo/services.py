"""Service records: construction, deploy and synthetic-traffic lifecycle, JSON shape.

Replica counts are a pure function of time: after a deploy, time is cut into
traffic periods, each with a desired replica count between the minimum and the
maximum. When a period adds replicas, they become ready a little later, and
until then the service is ``degraded``.
"""

from __future__ import annotations

import math
import zlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .catalog import hourly_cost
from .timeutil import format_time

if TYPE_CHECKING:
    from .state import DemoState

STATUSES = ("deploying", "running", "degraded", "stopped", "failed")

LIST_FIELDS = (
    "id", "name", "namespace", "status", "gpu", "gpu_count", "current_replicas",
    "ready_replicas", "min_replicas", "max_replicas", "endpoint", "region",
    "cost_per_hour_per_replica", "created_at", "updated_at",
)
DETAIL_FIELDS = ("image", "repo", "port", "readiness_probe", "replicas", "replica_policy")
TIME_FIELDS = ("created_at", "updated_at")

# Base durations in seconds, divided by the speed factor.
DEPLOY_SECONDS = 3.0
TRAFFIC_PERIOD_SECONDS = 20.0
READY_DELAY_SECONDS = 6.0
# How many traffic periods to look back for the time of the last replica change.
CHANGE_LOOKBACK_PERIODS = 64


def new_record(state: DemoState, namespace: str, now: datetime, **fields: object) -> dict:
    """Build a service in ``deploying`` with defaults, overridden by ``fields``.

    No validation happens here, so tests can insert any name or status.
    """
    name = fields.get("name") or state.ids.new("service")
    record: dict = {
        "id": state.ids.new("svc"),
        "name": name,
        "namespace": namespace,
        "status": "deploying",
        "gpu": "none",
        "gpu_count": 0,
        "current_replicas": 0,
        "ready_replicas": 0,
        "min_replicas": 1,
        "max_replicas": 1,
        "endpoint": endpoint_for(name, namespace),
        "region": "us-east-1",
        "cost_per_hour_per_replica": None,
        "created_at": now,
        "updated_at": now,
        "image": "outpost/base:latest",
        "repo": None,
        "port": 8000,
        "readiness_probe": "/",
        "replicas": 1,
        "replica_policy": None,
        "_env": {},
        "_deploy_at": now,
        "_deploy_fails": False,
        "_traffic": None,
        "_written_at": now,
        "_runs": [[now, None]],
    }
    record.update(fields)
    if "status" in fields and "_deploy_at" not in fields:
        # A caller that sets the status owns the lifecycle; nothing is scheduled.
        record["_deploy_at"] = None
    if "status" in fields and "_runs" not in fields and fields["status"] not in ("running", "degraded"):
        record["_runs"] = []
    if record["cost_per_hour_per_replica"] is None:
        record["cost_per_hour_per_replica"] = hourly_cost(record["gpu"], record["gpu_count"])
    return record


def endpoint_for(name: object, namespace: str) -> str:
    """Return the service's public URL on its own subdomain (nothing serves it)."""
    label = "".join(char if char.isalnum() else "-" for char in f"{name}--{namespace}".lower())
    return f"https://{label[:63].strip('-') or 'service'}.outpost.run"


def initial_replicas(record: dict) -> int:
    """Return how many replicas a deploy brings up: the fixed count, else max(min, 1)."""
    fixed = record.get("replicas")
    if isinstance(fixed, int):
        return max(fixed, 0)
    low = record.get("min_replicas")
    return max(low if isinstance(low, int) else 1, 1)


def begin_deploy(record: dict, when: datetime) -> None:
    """Move the service into ``deploying`` at ``when``."""
    record["status"] = "deploying"
    record["_deploy_at"] = when
    record["_traffic"] = None
    record["current_replicas"] = initial_replicas(record)
    record["ready_replicas"] = 0
    record["updated_at"] = when
    record["_written_at"] = when
    record.setdefault("_runs", []).append([when, None])


def stop(record: dict, when: datetime) -> None:
    """Stop the service at once: both replica counts drop to 0."""
    record["status"] = "stopped"
    record["current_replicas"] = 0
    record["ready_replicas"] = 0
    record["_traffic"] = None
    record["_deploy_at"] = None
    record["updated_at"] = when
    record["_written_at"] = when
    _close_run(record, when)


def _close_run(record: dict, when: datetime) -> None:
    runs = record.get("_runs") or []
    if runs and runs[-1][1] is None:
        runs[-1][1] = when


def start_traffic(record: dict, when: datetime, previous: int, first: int, first_seconds: float) -> None:
    """Begin the traffic model at ``when`` with ``first`` replicas, ``previous`` of them ready.

    The first period lasts ``first_seconds``; replicas added in it stay unready throughout,
    which is how a persistently degraded service is seeded.
    """
    record["_traffic"] = {
        "start": when,
        "from": previous,
        "first": first,
        "first_seconds": first_seconds,
    }


def advance(state: DemoState, record: dict, now: datetime) -> None:
    """Apply the deploy progress and the traffic model as of ``now``."""
    if record.get("status") == "deploying":
        _advance_deploy(state, record, now)
    if record.get("status") in ("running", "degraded") and record.get("_traffic"):
        _apply_traffic(state, record, now)


def _advance_deploy(state: DemoState, record: dict, now: datetime) -> None:
    began = record.get("_deploy_at")
    if not isinstance(began, datetime):
        return
    duration = state.scaled(record.get("_deploy_seconds") or DEPLOY_SECONDS)
    count = initial_replicas(record)
    done_at = began + duration
    if record.get("_deploy_fails"):
        if done_at <= now:
            record.update(status="failed", current_replicas=0, ready_replicas=0, updated_at=done_at)
            record["_deploy_at"] = None
            _close_run(record, done_at)
        return
    if done_at <= now:
        record.update(status="running", current_replicas=count, ready_replicas=count)
        record["updated_at"] = done_at
        record["_deploy_at"] = None
        record.pop("_deploy_seconds", None)
        start_traffic(record, done_at, count, count, period_seconds(state))
        return
    # Replicas become ready one at a time across the deploy.
    elapsed = (now - began) / duration
    ready = min(count, int(elapsed * count))
    record["current_replicas"] = count
    record["ready_replicas"] = ready
    if ready:
        record["updated_at"] = began + duration * (ready / count)


def period_seconds(state: DemoState) -> float:
    """Return the length of one traffic period in seconds at the state's speed."""
    return state.scaled(TRAFFIC_PERIOD_SECONDS).total_seconds()


def desired_replicas(record: dict, period: int) -> int:
    """Return the replica count that traffic requests in ``period`` (period 0 is the start)."""
    traffic = record["_traffic"]
    if period <= 0:
        return traffic["first"]
    fixed = record.get("replicas")
    if isinstance(fixed, int):
        return fixed
    low, high = record.get("min_replicas"), record.get("max_replicas")
    if not isinstance(low, int) or not isinstance(high, int) or high <= low:
        return low if isinstance(low, int) else 0
    phase = (zlib.crc32(str(record.get("id")).encode()) % 1000) / 1000 * 2 * math.pi
    wave = 0.5 + 0.5 * math.sin(period * 2 * math.pi / 12 + phase)
    noise = (zlib.crc32(f"{record.get('id')}:{period}".encode()) % 1000) / 1000 - 0.5
    return max(low, min(high, round(low + (high - low) * wave + noise)))


def _period_bounds(state: DemoState, record: dict, period: int) -> tuple[datetime, float]:
    """Return the start of ``period`` and how long its new replicas take to become ready."""
    traffic = record["_traffic"]
    first = traffic["first_seconds"]
    if period == 0:
        return traffic["start"], first
    length = period_seconds(state)
    start = traffic["start"] + timedelta(seconds=first + (period - 1) * length)
    return start, state.scaled(READY_DELAY_SECONDS).total_seconds()


def _period_at(state: DemoState, record: dict, now: datetime) -> int:
    traffic = record["_traffic"]
    elapsed = (now - traffic["start"]).total_seconds()
    if elapsed < traffic["first_seconds"]:
        return 0
    return 1 + int((elapsed - traffic["first_seconds"]) // period_seconds(state))


def _previous(record: dict, period: int) -> int:
    return record["_traffic"]["from"] if period == 0 else desired_replicas(record, period - 1)


def _apply_traffic(state: DemoState, record: dict, now: datetime) -> None:
    period = _period_at(state, record, now)
    target = desired_replicas(record, period)
    previous = _previous(record, period)
    start, ready_delay = _period_bounds(state, record, period)
    warming = target > previous and (now - start).total_seconds() < ready_delay
    record["status"] = "degraded" if warming else "running"
    record["current_replicas"] = target
    record["ready_replicas"] = previous if warming else target
    changed = _last_change(state, record, period, now)
    written = record.get("_written_at")
    if isinstance(written, datetime) and written > changed:
        changed = written
    record["updated_at"] = changed


def _autoscales(record: dict) -> bool:
    low, high = record.get("min_replicas"), record.get("max_replicas")
    fixed = isinstance(record.get("replicas"), int)
    return not fixed and isinstance(low, int) and isinstance(high, int) and high > low


def _last_change(state: DemoState, record: dict, period: int, now: datetime) -> datetime:
    """Return when the replica counts or the status last changed, at or before ``now``."""
    # Without autoscaling only the first period can change anything.
    oldest = max(-1, period - CHANGE_LOOKBACK_PERIODS) if _autoscales(record) else -1
    newest = period if _autoscales(record) else min(period, 1)
    for candidate in range(newest, oldest, -1):
        target = desired_replicas(record, candidate)
        previous = _previous(record, candidate)
        if target == previous:
            continue
        start, ready_delay = _period_bounds(state, record, candidate)
        ready_at = start + timedelta(seconds=ready_delay)
        if target > previous and ready_at <= now:
            return ready_at
        return start
    return record["_traffic"]["start"]


def to_json(record: dict, *, detail: bool) -> dict:
    """Return the service object; list items omit the get-only fields."""
    names = LIST_FIELDS + DETAIL_FIELDS if detail else LIST_FIELDS
    body = {name: record.get(name) for name in names}
    for name in TIME_FIELDS:
        body[name] = format_time(body[name])
    if detail and isinstance(body["replica_policy"], dict):
        body["replica_policy"] = dict(body["replica_policy"])
    return body
