"""The route table: every method and path the demo server serves.

Anything not listed here gets 404 ``not_found``. Account routes come first, so a
namespace pattern never shadows an ``/auth/v1/...`` path.
"""

from __future__ import annotations

from . import handlers_reads as reads
from .http import Access, Route

READ_MACHINES = Access("read", ("machine",))
READ_JOBS = Access("read", ("job",))
READ_SERVICES = Access("read", ("service",))


def build_routes() -> list[Route]:
    """Return the route table in matching order."""
    return [
        Route("GET", "/auth/v1/health", reads.health, access=None),
        Route("GET", "/auth/v1/users", reads.current_user),
        Route("GET", "/{namespace}/machines", reads.list_machines, READ_MACHINES),
        Route("GET", "/{namespace}/machine/{name}", reads.get_machine, READ_MACHINES),
        Route("GET", "/{namespace}/jobs", reads.list_jobs, READ_JOBS),
        Route("GET", "/{namespace}/job/{name}", reads.get_job, READ_JOBS),
        Route("GET", "/{namespace}/services", reads.list_services, READ_SERVICES),
        Route("GET", "/{namespace}/service/{name}", reads.get_service, READ_SERVICES),
    ]
