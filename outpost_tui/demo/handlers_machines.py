"""Handlers for machine writes: create, update, start, stop and delete."""

from __future__ import annotations

from . import machines
from .catalog import hourly_cost
from .errors import already_exists, quota_exceeded, wrong_status
from .handlers_reads import lookup_machine
from .http import Reply, RequestContext
from .machine_bodies import parse_create_body, parse_update_body


def check_quota(context: RequestContext, kind: str, singular: str) -> None:
    """Raise 403 ``quota_exceeded`` when the namespace has reached its cap of ``kind``."""
    namespace = context.params["namespace"]
    limit = context.state.quotas.get((namespace, kind))
    if limit is not None and len(getattr(context.state, kind).get(namespace, {})) >= limit:
        raise quota_exceeded(
            f"namespace {namespace!r} reached its quota of {limit} {kind}; delete a {singular} first"
        )


def create_machine(context: RequestContext) -> Reply:
    """Create a machine in ``provisioning`` from either body shape."""
    namespace = context.params["namespace"]
    fields = parse_create_body(context.state, context.username, context.body)
    if fields["name"] in context.state.machines[namespace]:
        raise already_exists(f"machine {fields['name']!r} already exists in namespace {namespace!r}; pick another name")
    check_quota(context, "machines", "machine")
    fields["cost_per_hour"] = hourly_cost(fields["gpu"], fields["gpu_count"], spot=fields.get("spot") is True)
    record = context.state.add_machine(namespace, **fields)
    return Reply(201, machines.to_json(record))


def update_machine(context: RequestContext) -> Reply:
    """Change auto-stop at any time, and sizes or image while stopped."""
    record = lookup_machine(context)
    changes = parse_update_body(context.state, record, context.body)
    changed = {name: value for name, value in changes.items() if record.get(name) != value}
    if changed:
        record.update(changed)
        record["cost_per_hour"] = hourly_cost(record["gpu"], record["gpu_count"], spot=record.get("spot") is True)
        record["updated_at"] = context.now
    return Reply(200, machines.to_json(record))


def _transition(context: RequestContext, allowed: str, target: str, verb: str) -> Reply:
    record = lookup_machine(context)
    if record["status"] != allowed:
        raise wrong_status(
            f"machine {record['name']!r} is {record['status']}; only a {allowed} machine can {verb}"
        )
    machines.enter_status(context.state, record, target, context.now)
    return Reply(202, machines.to_json(record))


def start_machine(context: RequestContext) -> Reply:
    """Start a stopped machine; it is ``starting`` until running."""
    return _transition(context, "stopped", "starting", "start")


def stop_machine(context: RequestContext) -> Reply:
    """Stop a running machine; it is ``stopping`` until stopped."""
    return _transition(context, "running", "stopping", "stop")


def delete_machine(context: RequestContext) -> Reply:
    """Delete a machine in any status but ``deleting``; it disappears after a short while."""
    record = lookup_machine(context)
    if record["status"] == "deleting":
        raise wrong_status(f"machine {record['name']!r} is already deleting; wait until it disappears")
    machines.enter_status(context.state, record, "deleting", context.now)
    return Reply(202, machines.to_json(record))
