"""Machine records: construction, lifecycle advance and JSON shape."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .catalog import hourly_cost
from .timeutil import format_time

if TYPE_CHECKING:
    from .state import DemoState

STATUSES = ("provisioning", "running", "stopping", "stopped", "starting", "failed", "deleting")

FIELDS = (
    "id", "name", "namespace", "status", "gpu", "gpu_count", "cpu", "memory_gb", "disk_gb",
    "image", "region", "auto_stop_minutes", "ssh_host", "ssh_port", "ssh_user",
    "cost_per_hour", "created_at", "updated_at", "started_at", "stopped_at",
)
# Present only on machines created with the cloud body shape.
CLOUD_FIELDS = ("cloud", "zone", "instance_type", "spot", "disk_tier", "ports", "labels")
TIME_FIELDS = ("created_at", "updated_at", "started_at", "stopped_at")

# Base durations in seconds, divided by the speed factor.
PROVISION_SECONDS = 3.0
TRANSITION_SECONDS = 2.0
SSH_HOST = "127.0.0.1"
SSH_USER = "outpost"


def new_record(state: DemoState, namespace: str, now: datetime, **fields: object) -> dict:
    """Build a machine in ``provisioning`` with catalog defaults, overridden by ``fields``.

    No validation happens here, so tests can insert any name or status.
    """
    record: dict = {
        "id": state.ids.new("mch"),
        "name": fields.get("name") or state.ids.new("machine"),
        "namespace": namespace,
        "status": "provisioning",
        "gpu": "none",
        "gpu_count": 0,
        "cpu": 8,
        "memory_gb": 32,
        "disk_gb": 100,
        "image": "outpost/base:latest",
        "region": "us-east-1",
        "auto_stop_minutes": 60,
        "ssh_host": None,
        "ssh_port": None,
        "ssh_user": SSH_USER,
        "cost_per_hour": None,
        "created_at": now,
        "updated_at": now,
        "started_at": None,
        "stopped_at": None,
        "_ssh_port": state.next_ssh_port(),
        "_runs": [],
        "_transition_at": now + state.scaled(PROVISION_SECONDS),
        "_transition_to": "running",
    }
    record.update(fields)
    if "status" in fields and "_transition_at" not in fields:
        # A caller that sets the status owns the lifecycle; nothing is scheduled.
        record["_transition_at"] = None
        record["_transition_to"] = None
    if record["cost_per_hour"] is None:
        record["cost_per_hour"] = hourly_cost(
            record["gpu"], record["gpu_count"], spot=record.get("spot") is True
        )
    return record


def enter_status(state: DemoState, record: dict, status: str, when: datetime) -> None:
    """Move ``record`` into ``status`` at time ``when`` and schedule the next transition."""
    was_running = record["status"] == "running"
    record["status"] = status
    record["updated_at"] = when
    record["_transition_at"] = None
    record["_transition_to"] = None
    if was_running and status != "running":
        runs = record.get("_runs") or []
        if runs and runs[-1][1] is None:
            runs[-1][1] = when
    if status == "running":
        record["started_at"] = when
        record["stopped_at"] = None
        record["ssh_host"] = SSH_HOST
        record["ssh_port"] = record.get("_ssh_port")
        record.setdefault("_runs", []).append([when, None])
        return
    record["ssh_host"] = None
    record["ssh_port"] = None
    if status == "stopped":
        record["stopped_at"] = when
    elif status in ("stopping", "starting", "deleting"):
        record["_transition_at"] = when + state.scaled(TRANSITION_SECONDS)
        record["_transition_to"] = {"stopping": "stopped", "starting": "running"}.get(status)


def auto_stop_at(state: DemoState, record: dict) -> datetime | None:
    """Return when a running machine stops itself, or None when auto-stop is off."""
    minutes = record.get("auto_stop_minutes")
    started = record.get("started_at")
    if not isinstance(minutes, int) or minutes <= 0 or not isinstance(started, datetime):
        return None
    return started + state.scaled(minutes * 60.0)


def advance(state: DemoState, record: dict, now: datetime) -> bool:
    """Apply every transition due by ``now``; return False once the machine is deleted."""
    for _ in range(16):
        if record["status"] == "running":
            deadline = auto_stop_at(state, record)
            if deadline is None or deadline > now:
                return True
            enter_status(state, record, "stopping", deadline)
            continue
        due = record.get("_transition_at")
        if not isinstance(due, datetime) or due > now:
            return True
        if record["status"] == "deleting":
            return False
        enter_status(state, record, record["_transition_to"], due)
    return True


def to_json(record: dict) -> dict:
    """Return the machine object, with the cloud-shape fields when it has them."""
    body = {name: record.get(name) for name in FIELDS}
    for name in CLOUD_FIELDS:
        if name in record:
            body[name] = record[name]
    for name in TIME_FIELDS:
        body[name] = format_time(body[name])
    return body
