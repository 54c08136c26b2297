"""Handlers for health, the current user and the namespace reads of machines, jobs and services."""

from __future__ import annotations

from .. import __version__
from . import jobs, machines, services
from .errors import not_found
from .http import Reply, RequestContext
from .listing import filter_status, newest_first, paginate, sort_records
from .validation import query_choice, query_int


def health(context: RequestContext) -> Reply:
    """Report the server status and version; needs no credential."""
    return Reply(body={"status": "ok", "version": __version__})


def current_user(context: RequestContext) -> Reply:
    """Return the credential's user with its namespaces, personal first."""
    user = context.state.users[context.username]
    namespaces = [
        {"name": name, "kind": context.state.namespaces[name].kind, "role": role}
        for name, role in user.roles.items()
        if name in context.state.namespaces
    ]
    namespaces.sort(key=lambda item: item["kind"] != "personal")
    return Reply(body={
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "plan": user.plan,
        "namespaces": namespaces,
    })


def _validate_paging(context: RequestContext) -> None:
    """Reject bad paging values before any filtering, so the error names them first."""
    query_int(context.query, "page", 1, 1, None)
    query_int(context.query, "per_page", 20, 1, 100)


def list_machines(context: RequestContext) -> Reply:
    """List machines in the namespace, newest first, optionally by status."""
    _validate_paging(context)
    records = list(context.state.machines.get(context.params["namespace"], {}).values())
    records = filter_status(newest_first(records), context.query, machines.STATUSES)
    page = paginate(records, context.query)
    page["data"] = [machines.to_json(record) for record in page["data"]]
    return Reply(body=page)


def lookup_machine(context: RequestContext) -> dict:
    """Return the machine the path names, or raise 404."""
    namespace, name = context.params["namespace"], context.params["name"]
    record = context.state.get_machine(namespace, name)
    if record is None:
        raise not_found(f"machine {name!r} not found in namespace {namespace!r}")
    return record


def get_machine(context: RequestContext) -> Reply:
    """Return one machine."""
    return Reply(body=machines.to_json(lookup_machine(context)))


def list_jobs(context: RequestContext) -> Reply:
    """List jobs, by ``sort`` and ``order`` (default newest first), optionally by status."""
    _validate_paging(context)
    sort = query_choice(context.query, "sort", jobs.SORT_FIELDS, "created_at")
    order = query_choice(context.query, "order", ("asc", "desc"), "desc")
    records = list(context.state.jobs.get(context.params["namespace"], {}).values())
    records = filter_status(sort_records(records, sort, order == "desc"), context.query, jobs.STATUSES)
    page = paginate(records, context.query)
    page["data"] = [jobs.to_json(record, detail=False) for record in page["data"]]
    return Reply(body=page)


def lookup_job(context: RequestContext) -> dict:
    """Return the job the path names, or raise 404."""
    namespace, name = context.params["namespace"], context.params["name"]
    record = context.state.get_job(namespace, name)
    if record is None:
        raise not_found(f"job {name!r} not found in namespace {namespace!r}")
    return record


def get_job(context: RequestContext) -> Reply:
    """Return one job with its get-only fields."""
    return Reply(body=jobs.to_json(lookup_job(context), detail=True))


def list_services(context: RequestContext) -> Reply:
    """List services in the namespace, newest first, optionally by status."""
    _validate_paging(context)
    records = list(context.state.services.get(context.params["namespace"], {}).values())
    records = filter_status(newest_first(records), context.query, services.STATUSES)
    page = paginate(records, context.query)
    page["data"] = [services.to_json(record, detail=False) for record in page["data"]]
    return Reply(body=page)


def lookup_service(context: RequestContext) -> dict:
    """Return the service the path names, or raise 404."""
    namespace, name = context.params["namespace"], context.params["name"]
    record = context.state.get_service(namespace, name)
    if record is None:
        raise not_found(f"service {name!r} not found in namespace {namespace!r}")
    return record


def get_service(context: RequestContext) -> Reply:
    """Return one service with its get-only fields."""
    return Reply(body=services.to_json(lookup_service(context), detail=True))
