"""Job records: construction, lifecycle advance, progress text and JSON shape."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .catalog import hourly_cost
from .timeutil import format_time

if TYPE_CHECKING:
    from .state import DemoState

STATUSES = ("queued", "running", "succeeded", "failed", "cancelled", "timed_out")
TERMINAL_STATUSES = ("succeeded", "failed", "cancelled", "timed_out")
SORT_FIELDS = ("created_at", "started_at", "completed_at", "name")

LIST_FIELDS = (
    "id", "name", "namespace", "status", "gpu", "gpu_count", "region", "progress",
    "cost_per_hour", "runtime_seconds", "created_at", "started_at", "completed_at",
)
DETAIL_FIELDS = (
    "command", "image", "repo", "nodes", "spot", "timeout_minutes", "exit_code", "fleet",
    "artifacts",
)
TIME_FIELDS = ("created_at", "started_at", "completed_at")

# Base durations in seconds, divided by the speed factor.
QUEUE_SECONDS = 2.0
RUN_SECONDS = 30.0

PROGRESS_STYLES = ("steps", "shards", "epochs", "prompts")


def new_record(state: DemoState, namespace: str, now: datetime, **fields: object) -> dict:
    """Build a ``queued`` job that starts after the queue delay, overridden by ``fields``.

    No validation happens here, so tests can insert any name or status.
    """
    record: dict = {
        "id": state.ids.new("job"),
        "name": fields.get("name") or state.ids.new("job"),
        "namespace": namespace,
        "status": "queued",
        "gpu": "none",
        "gpu_count": 0,
        "region": "us-east-1",
        "progress": "",
        "cost_per_hour": None,
        "runtime_seconds": 0,
        "created_at": now,
        "started_at": None,
        "completed_at": None,
        "command": "python train.py",
        "image": "outpost/base:latest",
        "repo": None,
        "nodes": 1,
        "spot": False,
        "timeout_minutes": 1440,
        "exit_code": None,
        "fleet": None,
        "artifacts": [],
        "_env": {},
        "_start_at": now + state.scaled(QUEUE_SECONDS),
        "_run_seconds": state.scaled(RUN_SECONDS).total_seconds(),
        "_outcome": ("succeeded", 0),
        "_progress_style": PROGRESS_STYLES[state.ids.pick(len(PROGRESS_STYLES))],
        "_progress_total": 3000,
    }
    record.update(fields)
    if "status" in fields:
        # A caller that sets the status owns the lifecycle; only what it passes is scheduled.
        if "_start_at" not in fields:
            record["_start_at"] = None
        if "_run_seconds" not in fields:
            record["_run_seconds"] = None
    if record["cost_per_hour"] is None:
        record["cost_per_hour"] = hourly_cost(
            record["gpu"], record["gpu_count"], spot=record["spot"] is True, nodes=record["nodes"]
        )
    return record


def is_terminal(record: dict) -> bool:
    """Return whether the job has ended."""
    return record.get("status") in TERMINAL_STATUSES


def planned_end(state: DemoState, record: dict) -> tuple[datetime, str, int | None] | None:
    """Return the end time, final status and exit code of a running job, or None if unknown."""
    started = record.get("started_at")
    run_seconds = record.get("_run_seconds")
    if not isinstance(started, datetime) or not isinstance(run_seconds, (int, float)):
        return None
    status, exit_code = record.get("_outcome") or ("succeeded", 0)
    natural_end = started + timedelta(seconds=run_seconds)
    timeout = record.get("timeout_minutes")
    if isinstance(timeout, int) and not record.get("_ignore_timeout"):
        deadline = started + state.scaled(timeout * 60.0)
        if deadline < natural_end:
            return deadline, "timed_out", None
    return natural_end, status, exit_code


def start(record: dict, when: datetime) -> None:
    """Move a queued job into ``running`` at ``when``."""
    record["status"] = "running"
    record["started_at"] = when
    record["_start_at"] = None
    record["progress"] = ""
    record["runtime_seconds"] = 0


def finish(record: dict, status: str, when: datetime, exit_code: int | None) -> None:
    """Move a job into the terminal ``status`` at ``when``, freezing runtime and progress."""
    if record.get("status") == "running":
        update_progress(record, when)
    record["status"] = status
    record["completed_at"] = when
    record["exit_code"] = exit_code
    record["_start_at"] = None


def advance(state: DemoState, record: dict, now: datetime) -> None:
    """Apply the queue start and run end due by ``now`` and refresh progress."""
    if record.get("status") == "queued":
        due = record.get("_start_at")
        if not isinstance(due, datetime) or due > now:
            return
        start(record, due)
    if record.get("status") != "running":
        return
    end = planned_end(state, record)
    if end is None:
        return
    end_at, status, exit_code = end
    if end_at <= now:
        finish(record, status, end_at, exit_code)
        if status == "succeeded":
            record["progress"] = progress_text(record, 1.0)
            if not record.get("artifacts"):
                record["artifacts"] = default_artifacts(record)
        return
    update_progress(record, now)


def run_fraction(record: dict, when: datetime) -> float:
    """Return how far through its planned run the job is at ``when``, from 0 to 1."""
    started = record.get("started_at")
    run_seconds = record.get("_run_seconds")
    if not isinstance(started, datetime) or not run_seconds:
        return 0.0
    elapsed = (when - started).total_seconds()
    return min(1.0, max(0.0, elapsed / float(run_seconds)))


def update_progress(record: dict, when: datetime) -> None:
    """Refresh ``runtime_seconds`` and ``progress`` of a running job as of ``when``."""
    started = record.get("started_at")
    if not isinstance(started, datetime):
        return
    record["runtime_seconds"] = max(0, int((when - started).total_seconds()))
    fraction = run_fraction(record, when)
    # A freshly started job has not reported progress yet.
    record["progress"] = progress_text(record, fraction) if fraction >= 0.01 else ""


def progress_text(record: dict, fraction: float) -> str:
    """Return the job's progress line at ``fraction`` in its own reporting style."""
    total = record.get("_progress_total") or 100
    style = record.get("_progress_style")
    percent = int(fraction * 100)
    if style == "shards":
        shards = max(2, total // 375)
        return f"shard {min(shards, int(fraction * shards) + 1)} of {shards}"
    if style == "epochs":
        epochs = max(2, total // 600)
        epoch = min(epochs, int(fraction * epochs) + 1)
        return f"epoch {epoch}/{epochs} ({percent}%)"
    if style == "prompts":
        return f"evaluated {int(fraction * total)}/{total} prompts"
    return f"step {int(fraction * total)}/{total} ({percent}%)"


def default_artifacts(record: dict) -> list[dict]:
    """Return the files a finished job reports, sized from its id so they stay stable."""
    base = int(str(record.get("id", "0"))[-6:] or "0", 16) if _is_hex_tail(record) else 4096
    return [
        {"name": "metrics.json", "size_bytes": 2048 + base % 4096},
        {"name": "checkpoint-final.safetensors", "size_bytes": 1_200_000_000 + base * 997},
    ]


def _is_hex_tail(record: dict) -> bool:
    tail = str(record.get("id", ""))[-6:]
    return len(tail) == 6 and all(char in "0123456789abcdef" for char in tail)


def to_json(record: dict, *, detail: bool) -> dict:
    """Return the job object; list items omit the get-only fields."""
    names = LIST_FIELDS + DETAIL_FIELDS if detail else LIST_FIELDS
    body = {name: record.get(name) for name in names}
    for name in TIME_FIELDS:
        body[name] = format_time(body[name])
    return body
