"""Synthetic metrics: smooth time series for machines, services and jobs.

Values are a pure function of the resource id, the metric and the time, so
repeated requests agree and series line up across windows. Points exist only
while the resource was active (running, or deployed for a service).
"""

from __future__ import annotations

import math
import zlib
from datetime import datetime

from .handlers_reads import lookup_job, lookup_machine, lookup_service
from .http import Reply, RequestContext
from .timeutil import EPOCH, format_time
from .validation import query_choice

# Window length and point spacing, both in seconds.
WINDOWS = {"15m": (900, 30), "1h": (3600, 60), "6h": (21600, 300), "24h": (86400, 900)}

UTILIZATION = (("gpu_utilization", "percent"), ("cpu_utilization", "percent"), ("memory_utilization", "percent"))
METRICS = {
    "machine": UTILIZATION,
    "job": UTILIZATION,
    "service": (("requests_per_second", "rps"), ("p99_latency_ms", "ms"), ("gpu_utilization", "percent")),
}
# Base level, swing and lower bound of each unit's values.
UNIT_SHAPES = {"percent": (55.0, 30.0, 0.0), "rps": (120.0, 80.0, 0.0), "ms": (180.0, 90.0, 5.0)}


def metric_value(resource_id: str, metric: str, unit: str, timestamp: float) -> float:
    """Return the metric's value at ``timestamp`` (Unix seconds), rounded to one decimal."""
    base, swing, floor = UNIT_SHAPES[unit]
    seed = zlib.crc32(f"{resource_id}:{metric}".encode())
    phase_slow = (seed % 997) / 997 * 2 * math.pi
    phase_fast = (seed % 991) / 991 * 2 * math.pi
    level = base + (seed % 21 - 10)
    value = (
        level
        + swing * 0.7 * math.sin(2 * math.pi * timestamp / 3600 + phase_slow)
        + swing * 0.3 * math.sin(2 * math.pi * timestamp / 420 + phase_fast)
    )
    if unit == "percent":
        value = min(100.0, value)
    return round(max(floor, value), 1)


def active_intervals(kind: str, record: dict, now: datetime) -> list[tuple[datetime, datetime]]:
    """Return the intervals in which the resource produced metrics."""
    if kind == "job":
        started = record.get("started_at")
        if not isinstance(started, datetime):
            return []
        ended = record.get("completed_at")
        return [(started, ended if isinstance(ended, datetime) else now)]
    intervals = []
    for start, end in record.get("_runs") or []:
        intervals.append((start, end if end is not None else now))
    return intervals


def build_series(kind: str, record: dict, window: str, now: datetime) -> dict:
    """Return the analytics body for ``record`` over ``window`` ending at ``now``."""
    length, step = WINDOWS[window]
    newest = int((now - EPOCH).total_seconds()) // step * step
    stamps = [newest - step * index for index in range(length // step - 1, -1, -1)]
    intervals = [
        ((start - EPOCH).total_seconds(), (end - EPOCH).total_seconds())
        for start, end in active_intervals(kind, record, now)
    ]
    active = [stamp for stamp in stamps if any(start <= stamp <= end for start, end in intervals)]
    series = []
    for metric, unit in METRICS[kind]:
        if metric == "gpu_utilization" and record.get("gpu") == "none":
            continue
        points = [
            {"timestamp": format_time(datetime.fromtimestamp(stamp, EPOCH.tzinfo)),
             "value": metric_value(str(record.get("id")), metric, unit, stamp)}
            for stamp in active
        ]
        series.append({"metric": metric, "unit": unit, "points": points})
    return {"window": window, "step_seconds": step, "series": series}


def _window(context: RequestContext) -> str:
    window = query_choice(context.query, "window", WINDOWS, "1h")
    assert window is not None
    return window


def machine_analytics(context: RequestContext) -> Reply:
    """Return a machine's utilization series."""
    window = _window(context)
    return Reply(body=build_series("machine", lookup_machine(context), window, context.now))


def service_analytics(context: RequestContext) -> Reply:
    """Return a service's traffic, latency and GPU series."""
    window = _window(context)
    return Reply(body=build_series("service", lookup_service(context), window, context.now))


def job_analytics(context: RequestContext) -> Reply:
    """Return a job's utilization series."""
    window = _window(context)
    return Reply(body=build_series("job", lookup_job(context), window, context.now))
