"""Every path, query parameter and header name the client uses, in one table.

The public Outpost docs cover only part of the API, so many names here are choices of
the project's API contract that may be corrected later. Keeping them all in this module
makes such a correction a one-line change. Paths are full paths below the host, because
the API uses three path families: account paths under ``/auth/v1``, namespace reads
without it, and writes under ``/auth/v1/seed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from urllib.parse import quote


@dataclass(frozen=True)
class Endpoint:
    """One operation: an HTTP method and a path template with ``{placeholders}``."""

    method: str
    path: str

    @property
    def idempotent(self) -> bool:
        """Whether sending the request twice has the same effect as sending it once."""
        return self.method in {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}

    @property
    def mutating(self) -> bool:
        """Whether the request can change something on the server (any method but GET,
        HEAD and OPTIONS), so read-only mode must not send it."""
        return self.method not in {"GET", "HEAD", "OPTIONS"}

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in Formatter().parse(self.path) if name)

    def format(self, **params: str) -> str:
        """Fill the placeholders, percent-encoding each path segment (``/`` included)."""
        missing = set(self.placeholders) - params.keys()
        if missing:
            raise KeyError(f"path {self.path} needs {', '.join(sorted(missing))}")
        encoded = {name: _encode_segment(name, value) for name, value in params.items()}
        return self.path.format(**encoded)


def _encode_segment(name: str, value: object) -> str:
    """Percent-encode one path segment so that it stays exactly one segment."""
    text = str(value)
    if not text:
        # An empty segment turns "/{namespace}/jobs" into "//jobs", which URL parsers
        # read as a host name, and "/{namespace}/job/{name}" into a path ending in "/".
        raise ValueError(f"path parameter {name!r} is empty")
    encoded = quote(text, safe="")
    if encoded in {".", ".."}:
        # URL normalization removes "." and ".." segments, which would send the request
        # to the parent path (a DELETE of job ".." would hit the namespace's seed path).
        encoded = encoded.replace(".", "%2E")
    return encoded


def _crud(read_plural: str, read_singular: str, seed_collection: str) -> dict[str, Endpoint]:
    """Endpoints of a namespaced resource: reads without ``/auth/v1``, writes under seed."""
    item = f"/{{namespace}}/{read_singular}/{{name}}"
    seed = f"/auth/v1/seed/{{namespace}}/{seed_collection}"
    return {
        "list": Endpoint("GET", f"/{{namespace}}/{read_plural}"),
        "get": Endpoint("GET", item),
        "logs": Endpoint("GET", f"{item}/logs"),
        "analytics": Endpoint("GET", f"{item}/analytics"),
        "create": Endpoint("POST", seed),
        "update": Endpoint("PATCH", f"{seed}/{{name}}"),
        "delete": Endpoint("DELETE", f"{seed}/{{name}}"),
    }


def _action(seed_collection: str, action: str) -> Endpoint:
    return Endpoint("POST", f"/auth/v1/seed/{{namespace}}/{seed_collection}/{{name}}/{action}")


_machines = _crud("machines", "machine", "dev")
_jobs = _crud("jobs", "job", "jobs")
_services = _crud("services", "service", "services")

ENDPOINTS: dict[str, Endpoint] = {
    # Account family.
    "health": Endpoint("GET", "/auth/v1/health"),
    "users.current": Endpoint("GET", "/auth/v1/users"),
    "api_keys.list": Endpoint("GET", "/auth/v1/api_keys"),
    "api_keys.create": Endpoint("POST", "/auth/v1/api_keys"),
    "api_keys.get": Endpoint("GET", "/auth/v1/api_keys/{name}"),
    "api_keys.delete": Endpoint("DELETE", "/auth/v1/api_keys/{name}"),
    "pats.list": Endpoint("GET", "/auth/v1/pat"),
    "pats.create": Endpoint("POST", "/auth/v1/pat"),
    "pats.get": Endpoint("GET", "/auth/v1/pat/{name}"),
    "pats.delete": Endpoint("DELETE", "/auth/v1/pat/{name}"),
    "ssh_keys.list": Endpoint("GET", "/auth/v1/ssh_keys"),
    "ssh_keys.create": Endpoint("POST", "/auth/v1/ssh_keys"),
    "ssh_keys.delete": Endpoint("DELETE", "/auth/v1/ssh_keys/{id}"),
    "catalog.gpus": Endpoint("GET", "/auth/v1/catalog/gpus"),
    "catalog.regions": Endpoint("GET", "/auth/v1/catalog/regions"),
    # Machines: reads under /{namespace}, writes under the seed collection "dev".
    **{f"machines.{op}": endpoint for op, endpoint in _machines.items()},
    "machines.start": _action("dev", "start"),
    "machines.stop": _action("dev", "stop"),
    # Jobs: reads use job/{name}, writes use jobs/{name}.
    **{f"jobs.{op}": endpoint for op, endpoint in _jobs.items() if op != "update"},
    "jobs.cancel": _action("jobs", "cancel"),
    # Services.
    **{f"services.{op}": endpoint for op, endpoint in _services.items()},
    "services.start": _action("services", "start"),
    "services.stop": _action("services", "stop"),
    # Fleets live entirely under the seed family, reads included.
    "fleets.list": Endpoint("GET", "/auth/v1/seed/{namespace}/fleets"),
    "fleets.create": Endpoint("POST", "/auth/v1/seed/{namespace}/fleets"),
    "fleets.get": Endpoint("GET", "/auth/v1/seed/{namespace}/fleets/{name}"),
    "fleets.update": Endpoint("PATCH", "/auth/v1/seed/{namespace}/fleets/{name}"),
    "fleets.delete": Endpoint("DELETE", "/auth/v1/seed/{namespace}/fleets/{name}"),
    # Repositories: the docs show three list paths; the first is the one in use and the
    # other two are kept as alternatives.
    "repositories.list": Endpoint("GET", "/auth/v1/repository/{namespace}"),
    "repositories.list_alt_namespace": Endpoint("GET", "/{namespace}/repositories"),
    "repositories.list_alt_auth": Endpoint("GET", "/auth/v1/{namespace}/repositories"),
    "repositories.get": Endpoint("GET", "/auth/v1/repository/{namespace}/{id}"),
    # Secrets (values are write-only).
    "secrets.list": Endpoint("GET", "/{namespace}/secrets"),
    "secrets.get": Endpoint("GET", "/{namespace}/secret/{name}"),
    "secrets.set": Endpoint("PUT", "/auth/v1/seed/{namespace}/secrets/{name}"),
    "secrets.delete": Endpoint("DELETE", "/auth/v1/seed/{namespace}/secrets/{name}"),
}


class Query:
    """Query parameter names."""

    PAGE = "page"
    PER_PAGE = "per_page"
    SORT = "sort"
    ORDER = "order"
    STATUS = "status"
    TAIL = "tail"
    SINCE = "since"
    FOLLOW = "follow"
    WINDOW = "window"


class Header:
    """Header names. Lookups in httpx are case-insensitive."""

    AUTHORIZATION = "Authorization"
    USER_AGENT = "User-Agent"
    ACCEPT = "Accept"
    REQUEST_ID = "X-Request-Id"
    ETAG = "ETag"
    IF_NONE_MATCH = "If-None-Match"
    LAST_EVENT_ID = "Last-Event-ID"
    RETRY_AFTER = "Retry-After"
    # Rate-limit headers: the X- names first, then the IETF draft names.
    RATE_LIMIT = ("X-RateLimit-Limit", "RateLimit-Limit")
    RATE_REMAINING = ("X-RateLimit-Remaining", "RateLimit-Remaining")
    RATE_RESET = ("X-RateLimit-Reset", "RateLimit-Reset")


class LogStream:
    """Names and limits of log snapshots and the followed job log stream."""

    # The media type of a followed job log (Server-Sent Events).
    MEDIA_TYPE = "text/event-stream"
    # Event names: one log line, and the job's end with its final status.
    LINE_EVENT = "log"
    END_EVENT = "end"
    END_STATUS_FIELD = "status"
    # The largest ``tail`` the server accepts.
    TAIL_MAX = 10000


class AuthScheme:
    """The two ``Authorization`` schemes, as the client spells them."""

    BEARER = "Bearer"
    API_KEY = "API-Key"


PER_PAGE_MAX = 100
PER_PAGE_DEFAULT = 20
