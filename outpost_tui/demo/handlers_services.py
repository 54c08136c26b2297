"""Handlers for service writes: create, scale, stop, start and delete."""

from __future__ import annotations

from . import services
from .catalog import hourly_cost
from .errors import already_exists, wrong_status
from .handlers_machines import check_quota
from .handlers_reads import lookup_service
from .http import Reply, RequestContext
from .service_bodies import parse_create_body, parse_scale_body


def create_service(context: RequestContext) -> Reply:
    """Create a service in ``deploying``."""
    namespace = context.params["namespace"]
    fields = parse_create_body(context.state, context.body)
    if fields["name"] in context.state.services[namespace]:
        raise already_exists(f"service {fields['name']!r} already exists in namespace {namespace!r}; pick another name")
    check_quota(context, "services", "service")
    fields["cost_per_hour_per_replica"] = hourly_cost(fields["gpu"], fields["gpu_count"])
    fields["endpoint"] = services.endpoint_for(fields["name"], namespace)
    record = context.state.add_service(namespace, **fields)
    record["current_replicas"] = services.initial_replicas(record)
    return Reply(201, services.to_json(record, detail=True))


def scale_service(context: RequestContext) -> Reply:
    """Set a fixed replica count or merge replica policy fields, in any status."""
    record = lookup_service(context)
    settings = parse_scale_body(record, context.body)
    record.update(settings)
    record["updated_at"] = context.now
    record["_written_at"] = context.now
    if record["status"] in ("running", "degraded") and record.get("_traffic"):
        # Restart the traffic model from the current counts under the new bounds.
        target = services.initial_replicas(record) if settings["replicas"] else max(
            settings["min_replicas"], min(settings["max_replicas"], record["current_replicas"])
        )
        services.start_traffic(record, context.now, record["ready_replicas"], target, services.period_seconds(context.state))
        services.advance(context.state, record, context.now)
    elif record["status"] == "deploying":
        record["current_replicas"] = services.initial_replicas(record)
    return Reply(200, services.to_json(record, detail=True))


def stop_service(context: RequestContext) -> Reply:
    """Stop a deploying, running or degraded service at once."""
    record = lookup_service(context)
    if record["status"] not in ("deploying", "running", "degraded"):
        raise wrong_status(
            f"service {record['name']!r} is {record['status']}; only a deploying, running or degraded service can stop"
        )
    services.stop(record, context.now)
    return Reply(200, services.to_json(record, detail=True))


def start_service(context: RequestContext) -> Reply:
    """Start a stopped or failed service; it deploys again."""
    record = lookup_service(context)
    if record["status"] not in ("stopped", "failed"):
        raise wrong_status(
            f"service {record['name']!r} is {record['status']}; only a stopped or failed service can start"
        )
    record["_deploy_fails"] = False
    services.begin_deploy(record, context.now)
    return Reply(202, services.to_json(record, detail=True))


def delete_service(context: RequestContext) -> Reply:
    """Remove a service at once, in any status."""
    record = lookup_service(context)
    del context.state.services[context.params["namespace"]][record["name"]]
    return Reply(204)
