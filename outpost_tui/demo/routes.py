"""The route table: every method and path the demo server serves.

Anything not listed here gets 404 ``not_found``. Account and seed routes come
first, so a namespace pattern never shadows an ``/auth/v1/...`` path.
"""

from __future__ import annotations

from . import analytics
from . import handlers_account as account
from . import handlers_fleets as fleets
from . import handlers_jobs as jobs
from . import handlers_logs as logs
from . import handlers_machines as machines
from . import handlers_reads as reads
from . import handlers_services as services
from .http import Access, Route

MACHINE, JOB, SERVICE = ("machine",), ("job",), ("service",)
FLEET = ("machine", "job")

UNSCOPED = Access(unscoped_only=True)
SSH_KEYS = Access(scopes=("admin:ssh_key",))
SEED = "/auth/v1/seed/{namespace}"


def _account_routes() -> list[Route]:
    return [
        Route("GET", "/auth/v1/health", reads.health, access=None),
        Route("GET", "/auth/v1/users", reads.current_user),
        Route("GET", "/auth/v1/catalog/gpus", account.catalog_gpus),
        Route("GET", "/auth/v1/catalog/regions", account.catalog_regions),
        Route("GET", "/auth/v1/api_keys", account.list_api_keys, UNSCOPED),
        Route("POST", "/auth/v1/api_keys", account.create_api_key, UNSCOPED),
        Route("GET", "/auth/v1/api_keys/{name}", account.get_api_key, UNSCOPED),
        Route("DELETE", "/auth/v1/api_keys/{name}", account.delete_api_key, UNSCOPED),
        Route("GET", "/auth/v1/pat", account.list_pats, UNSCOPED),
        Route("POST", "/auth/v1/pat", account.create_pat, UNSCOPED),
        Route("GET", "/auth/v1/pat/{name}", account.get_pat, UNSCOPED),
        Route("DELETE", "/auth/v1/pat/{name}", account.delete_pat, UNSCOPED),
        Route("GET", "/auth/v1/ssh_keys", account.list_ssh_keys, SSH_KEYS),
        Route("POST", "/auth/v1/ssh_keys", account.add_ssh_key, SSH_KEYS),
        Route("DELETE", "/auth/v1/ssh_keys/{id}", account.delete_ssh_key, SSH_KEYS),
    ]


def _seed_routes() -> list[Route]:
    return [
        Route("POST", f"{SEED}/dev", machines.create_machine, Access("write", MACHINE)),
        Route("PATCH", f"{SEED}/dev/{{name}}", machines.update_machine, Access("write", MACHINE)),
        Route("POST", f"{SEED}/dev/{{name}}/start", machines.start_machine, Access("action", MACHINE)),
        Route("POST", f"{SEED}/dev/{{name}}/stop", machines.stop_machine, Access("action", MACHINE)),
        Route("DELETE", f"{SEED}/dev/{{name}}", machines.delete_machine, Access("write", MACHINE)),
        Route("POST", f"{SEED}/services", services.create_service, Access("write", SERVICE)),
        Route("PATCH", f"{SEED}/services/{{name}}", services.scale_service, Access("write", SERVICE)),
        Route("POST", f"{SEED}/services/{{name}}/stop", services.stop_service, Access("action", SERVICE)),
        Route("POST", f"{SEED}/services/{{name}}/start", services.start_service, Access("action", SERVICE)),
        Route("DELETE", f"{SEED}/services/{{name}}", services.delete_service, Access("write", SERVICE)),
        Route("POST", f"{SEED}/jobs", jobs.submit_job, Access("action", JOB)),
        Route("POST", f"{SEED}/jobs/{{name}}/cancel", jobs.cancel_job, Access("action", JOB)),
        Route("DELETE", f"{SEED}/jobs/{{name}}", jobs.delete_job, Access("write", JOB)),
        Route("GET", f"{SEED}/fleets", fleets.list_fleets, Access("read", FLEET)),
        Route("POST", f"{SEED}/fleets", fleets.create_fleet, Access("write", FLEET)),
        Route("GET", f"{SEED}/fleets/{{name}}", fleets.get_fleet, Access("read", FLEET)),
        Route("PATCH", f"{SEED}/fleets/{{name}}", fleets.update_fleet, Access("write", FLEET)),
        Route("DELETE", f"{SEED}/fleets/{{name}}", fleets.delete_fleet, Access("write", FLEET)),
    ]


def _namespace_routes() -> list[Route]:
    read_machine, read_job, read_service = Access("read", MACHINE), Access("read", JOB), Access("read", SERVICE)
    return [
        Route("GET", "/{namespace}/machines", reads.list_machines, read_machine),
        Route("GET", "/{namespace}/machine/{name}", reads.get_machine, read_machine),
        Route("GET", "/{namespace}/machine/{name}/logs", logs.machine_logs, read_machine),
        Route("GET", "/{namespace}/machine/{name}/analytics", analytics.machine_analytics, read_machine),
        Route("GET", "/{namespace}/jobs", reads.list_jobs, read_job),
        Route("GET", "/{namespace}/job/{name}", reads.get_job, read_job),
        Route("GET", "/{namespace}/job/{name}/logs", logs.job_logs, read_job),
        Route("GET", "/{namespace}/job/{name}/analytics", analytics.job_analytics, read_job),
        Route("GET", "/{namespace}/services", reads.list_services, read_service),
        Route("GET", "/{namespace}/service/{name}", reads.get_service, read_service),
        Route("GET", "/{namespace}/service/{name}/logs", logs.service_logs, read_service),
        Route("GET", "/{namespace}/service/{name}/analytics", analytics.service_analytics, read_service),
    ]


def build_routes() -> list[Route]:
    """Return the route table in matching order."""
    return _account_routes() + _seed_routes() + _namespace_routes()
