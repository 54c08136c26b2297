"""Fleet records: warm node pools that run jobs, with their node lifecycle and JSON shape.

Each fleet keeps a node list. A node is ``provisioning`` until booted, then
``idle`` or ``busy`` with one job, and ``draining`` on its way out once idle past
the timeout while the fleet is above ``min_nodes``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import jobs
from .timeutil import format_time

if TYPE_CHECKING:
    from .state import DemoState

FIELDS = (
    "id", "name", "namespace", "cloud", "region", "gpus", "min_nodes", "max_nodes", "spot",
    "labels", "idle_timeout_minutes", "nodes_idle", "nodes_busy", "nodes_provisioning",
    "status", "created_at", "updated_at",
)
TIME_FIELDS = ("created_at", "updated_at")

# Base durations in seconds, divided by the speed factor.
NODE_BOOT_SECONDS = 3.0
NODE_DRAIN_SECONDS = 2.0


def new_record(state: DemoState, namespace: str, now: datetime, **fields: object) -> dict:
    """Build an ``active`` fleet whose ``min_nodes`` nodes are idle, overridden by ``fields``."""
    record: dict = {
        "id": state.ids.new("flt"),
        "name": fields.get("name") or state.ids.new("fleet"),
        "namespace": namespace,
        "cloud": "aws",
        "region": "us-east-1",
        "gpus": None,
        "min_nodes": 0,
        "max_nodes": 1,
        "spot": False,
        "labels": {},
        "idle_timeout_minutes": 30,
        "nodes_idle": 0,
        "nodes_busy": 0,
        "nodes_provisioning": 0,
        "status": "active",
        "created_at": now,
        "updated_at": now,
        "_nodes": [],
    }
    record.update(fields)
    if "_nodes" not in fields:
        minimum = record["min_nodes"] if isinstance(record["min_nodes"], int) else 0
        record["_nodes"] = [new_node("idle", now) for _ in range(max(minimum, 0))]
    if not any(name in fields for name in ("nodes_idle", "nodes_busy", "nodes_provisioning", "status")):
        refresh_counts(record, now)
    return record


def new_node(status: str, since: datetime, until: datetime | None = None, job: tuple | None = None) -> dict:
    """Return a node in ``status`` since ``since``; ``until`` ends a boot or drain."""
    return {"status": status, "since": since, "until": until, "job": job}


def refresh_counts(record: dict, now: datetime) -> None:
    """Recompute the node counters and fleet status from the node list."""
    nodes = record.get("_nodes")
    if not isinstance(nodes, list):
        return
    counts = {status: sum(1 for node in nodes if node["status"] == status)
              for status in ("idle", "busy", "provisioning", "draining")}
    if counts["provisioning"]:
        status = "scaling"
    elif counts["draining"]:
        status = "draining"
    else:
        status = "active"
    new_values = {
        "nodes_idle": counts["idle"],
        "nodes_busy": counts["busy"],
        "nodes_provisioning": counts["provisioning"],
        "status": status,
    }
    if any(record.get(name) != value for name, value in new_values.items()):
        record.update(new_values)
        record["updated_at"] = now


def _job_for(state: DemoState, key: tuple | None) -> dict | None:
    if key is None:
        return None
    namespace, name = key
    return state.jobs.get(namespace, {}).get(name)


def advance(state: DemoState, record: dict, now: datetime) -> None:
    """Boot, free, assign and drain nodes as of ``now``."""
    nodes = record.get("_nodes")
    if not isinstance(nodes, list):
        return
    _finish_boots_and_drains(state, record, now)
    _release_finished_jobs(state, record, now)
    assign_queued_jobs(state, record, now)
    _drain_idle_nodes(state, record, now)
    refresh_counts(record, now)


def _finish_boots_and_drains(state: DemoState, record: dict, now: datetime) -> None:
    kept = []
    for node in record["_nodes"]:
        until = node["until"]
        if node["status"] == "draining" and until <= now:
            continue
        if node["status"] == "provisioning" and until <= now:
            job = _job_for(state, node["job"])
            if job is not None and job.get("status") == "queued":
                node.update(status="busy", since=until, until=None)
                jobs.start(job, until)
                jobs.advance(state, job, now)
            else:
                node.update(status="idle", since=until, until=None, job=None)
        kept.append(node)
    record["_nodes"] = kept


def _release_finished_jobs(state: DemoState, record: dict, now: datetime) -> None:
    for node in record["_nodes"]:
        if node["status"] != "busy":
            continue
        job = _job_for(state, node["job"])
        if job is None or jobs.is_terminal(job):
            ended = job.get("completed_at") if job else None
            since = ended if isinstance(ended, datetime) else now
            node.update(status="idle", since=since, job=None)


def assign_queued_jobs(state: DemoState, record: dict, now: datetime) -> None:
    """Start queued jobs of this fleet on idle nodes, adding nodes up to ``max_nodes``."""
    waiting = [
        job for job in state.jobs.get(record["namespace"], {}).values()
        if job.get("fleet") == record["name"] and job.get("status") == "queued"
        and job.get("_start_at") is None and not _has_node(record, job)
    ]
    waiting.sort(key=lambda job: job["created_at"])
    for job in waiting:
        idle = [node for node in record["_nodes"] if node["status"] == "idle"]
        if idle:
            node = min(idle, key=lambda item: item["since"])
            began = max(node["since"], job["created_at"])
            node.update(status="busy", since=began, job=(job["namespace"], job["name"]))
            jobs.start(job, began)
            jobs.advance(state, job, now)
            continue
        active = [node for node in record["_nodes"] if node["status"] != "draining"]
        maximum = record.get("max_nodes")
        if isinstance(maximum, int) and len(active) < maximum:
            until = now + state.scaled(NODE_BOOT_SECONDS)
            record["_nodes"].append(new_node("provisioning", now, until, (job["namespace"], job["name"])))


def _has_node(record: dict, job: dict) -> bool:
    key = (job["namespace"], job["name"])
    return any(node["job"] == key for node in record["_nodes"])


def _drain_idle_nodes(state: DemoState, record: dict, now: datetime) -> None:
    minimum = record.get("min_nodes") if isinstance(record.get("min_nodes"), int) else 0
    timeout = record.get("idle_timeout_minutes")
    if not isinstance(timeout, int):
        return
    idle_limit = state.scaled(timeout * 60.0)
    for node in sorted(record["_nodes"], key=lambda item: item["since"]):
        kept = [item for item in record["_nodes"] if item["status"] not in ("draining",)]
        if len(kept) <= minimum:
            return
        if node["status"] == "idle" and node["since"] + idle_limit <= now:
            drain_at = node["since"] + idle_limit
            node.update(status="draining", since=drain_at, until=drain_at + state.scaled(NODE_DRAIN_SECONDS))


def to_json(record: dict) -> dict:
    """Return the fleet object."""
    body = {name: record.get(name) for name in FIELDS}
    for name in TIME_FIELDS:
        body[name] = format_time(body[name])
    if isinstance(body["labels"], dict):
        body["labels"] = dict(body["labels"])
    return body
