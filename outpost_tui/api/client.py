"""The async Outpost API client. It never imports Textual, so scripts and tests can use it."""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from .. import __version__
from ..models import Health, Job, Machine, OutpostModel, Page, Pagination, Service, User
from ..sanitize import clean_text
from .auth import Credential
from .endpoints import ENDPOINTS, PER_PAGE_DEFAULT, PER_PAGE_MAX, Header, Query
from .errors import (
    InsecureURLError,
    InvalidResponse,
    NetworkError,
    RequestTimedOut,
    error_from_response,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=OutpostModel)

USER_AGENT = f"outpost-tui/{__version__}"
# Connect 5 s and read 30 s for JSON requests.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)


@dataclass(frozen=True)
class ResourceKind:
    """A namespaced resource the dashboard lists: its endpoints and its model."""

    name: str
    singular: str
    model: type[OutpostModel]

    def operation(self, verb: str) -> str:
        """The endpoint-table key of ``verb`` on this resource, such as ``jobs.list``."""
        return f"{self.name}.{verb}"


MACHINES = ResourceKind("machines", "machine", Machine)
JOBS = ResourceKind("jobs", "job", Job)
SERVICES = ResourceKind("services", "service", Service)
RESOURCE_KINDS = {kind.name: kind for kind in (MACHINES, JOBS, SERVICES)}


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8 or ``::1``)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_base_url(base_url: str, *, allow_insecure_http: bool = False) -> str:
    """Check a base URL and return it without a trailing slash.

    Plain ``http://`` would send the credential unencrypted, so it is accepted only for
    loopback hosts (the demo server) or with ``allow_insecure_http``.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InsecureURLError(
            f"invalid base URL {base_url!r}: use https://HOST, for example https://outpost.run"
        )
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise InsecureURLError(
            f"invalid base URL {base_url!r}: give only the scheme and host, since every "
            "API path starts at the host"
        )
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback_host(parts.hostname):
        raise InsecureURLError(
            f"refusing plain http:// to {parts.hostname}: the credential would travel "
            "unencrypted; use https:// or pass --allow-insecure-http"
        )
    return f"{parts.scheme}://{parts.netloc}"


class OutpostClient:
    """Talk to one Outpost host with one credential.

    Every request goes through :meth:`request`, which adds the headers, applies the
    timeouts and turns error responses into the exceptions of :mod:`.errors`.
    """

    def __init__(
        self,
        base_url: str,
        credential: Credential | None,
        *,
        allow_insecure_http: bool = False,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = validate_base_url(base_url, allow_insecure_http=allow_insecure_http)
        self.credential = credential
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={Header.USER_AGENT: USER_AGENT, Header.ACCEPT: "application/json"},
            follow_redirects=False,
            # TLS verification stays on; httpx verifies by default and this makes it explicit.
            verify=True,
        )

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> OutpostClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- core ---------------------------------------------------------------------------

    async def request(
        self,
        operation: str,
        *,
        path: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send one operation from the endpoint table and return its success response."""
        endpoint = ENDPOINTS[operation]
        url = endpoint.format(**(path or {}))
        headers = {}
        if authenticated and self.credential is not None:
            headers[Header.AUTHORIZATION] = self.credential.authorization()
        try:
            response = await self._http.request(
                endpoint.method,
                url,
                params=_query(params),
                json=json_body,
                headers=headers,
            )
        except httpx.TimeoutException as exc:
            raise RequestTimedOut(f"{endpoint.method} {url} timed out on {self.host}") from exc
        except httpx.TransportError as exc:
            raise NetworkError(f"cannot reach {self.host}: {_transport_reason(exc)}") from exc
        if response.is_success:
            return response
        log.info("%s %s -> %s", endpoint.method, url, response.status_code)
        raise error_from_response(response)

    async def request_json(self, operation: str, **kwargs: Any) -> Any:
        """Send an operation and decode its JSON body."""
        response = await self.request(operation, **kwargs)
        return decode_json(response)

    # -- account ------------------------------------------------------------------------

    async def health(self) -> Health:
        """Check the server; any 200 counts as healthy, whatever its body."""
        response = await self.request("health", authenticated=False)
        try:
            body = response.json()
        except ValueError:
            body = {}
        return Health.model_validate(body if isinstance(body, dict) else {})

    async def current_user(self) -> User:
        body = await self.request_json("users.current")
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            # Tolerate a list envelope: its first item is the user.
            body = body["data"][0] if body["data"] else {}
        return parse_model(User, body, "current user")

    # -- namespaced resources -----------------------------------------------------------

    async def list_page(
        self,
        kind: ResourceKind,
        namespace: str,
        *,
        page: int = 1,
        per_page: int = PER_PAGE_DEFAULT,
        filters: dict[str, Any] | None = None,
    ) -> Page[Any]:
        """Fetch one page of a list."""
        if not 1 <= per_page <= PER_PAGE_MAX:
            raise ValueError(f"per_page {per_page} is outside 1-{PER_PAGE_MAX}")
        params = {Query.PAGE: max(page, 1), Query.PER_PAGE: per_page, **(filters or {})}
        body = await self.request_json(
            kind.operation("list"), path={"namespace": namespace}, params=params
        )
        return parse_page(kind.model, body, kind.name)

    async def iter_items(
        self, kind: ResourceKind, namespace: str, *, per_page: int = PER_PAGE_MAX, **filters: Any
    ) -> AsyncIterator[Any]:
        """Yield every item of a list, fetching the next page only when it is needed."""
        page_number = 1
        while True:
            page = await self.list_page(
                kind, namespace, page=page_number, per_page=per_page, filters=filters
            )
            for item in page.items:
                yield item
            # Count pages here rather than trusting the echoed page number, so a server
            # that ignores the page parameter cannot make this loop run forever.
            if not page.items or page_number >= page.total_pages:
                return
            page_number += 1

    async def get_item(self, kind: ResourceKind, namespace: str, name: str) -> Any:
        body = await self.request_json(
            kind.operation("get"), path={"namespace": namespace, "name": name}
        )
        return parse_model(kind.model, body, kind.singular)

    async def list_machines(self, namespace: str, **kwargs: Any) -> Page[Machine]:
        return await self.list_page(MACHINES, namespace, **kwargs)

    async def list_jobs(self, namespace: str, **kwargs: Any) -> Page[Job]:
        return await self.list_page(JOBS, namespace, **kwargs)

    async def list_services(self, namespace: str, **kwargs: Any) -> Page[Service]:
        return await self.list_page(SERVICES, namespace, **kwargs)

    async def get_machine(self, namespace: str, name: str) -> Machine:
        return await self.get_item(MACHINES, namespace, name)

    async def get_job(self, namespace: str, name: str) -> Job:
        return await self.get_item(JOBS, namespace, name)

    async def get_service(self, namespace: str, name: str) -> Service:
        return await self.get_item(SERVICES, namespace, name)


# -- parsing helpers ----------------------------------------------------------------------


def _query(params: dict[str, Any] | None) -> dict[str, str] | None:
    """Drop unset parameters and spell booleans as ``true``/``false``."""
    if not params:
        return None
    query = {}
    for name, value in params.items():
        if value is None:
            continue
        query[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return query


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or host unreachable"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection closed before a complete response"
    return type(exc).__name__


def decode_json(response: httpx.Response) -> Any:
    """Decode a success body, raising :class:`InvalidResponse` for anything but JSON."""
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        raise InvalidResponse(
            f"the server sent invalid JSON (HTTP {response.status_code}, "
            f"{len(response.content)} bytes)",
            status=response.status_code,
            request_id=_request_id(response),
        ) from None


def _request_id(response: httpx.Response) -> str | None:
    """Return the ``X-Request-Id`` header sanitized, since it may carry 8-bit control bytes."""
    value = response.headers.get(Header.REQUEST_ID)
    return clean_text(value) if value else None


def parse_model(model: type[M], body: Any, what: str) -> M:
    if not isinstance(body, dict):
        raise InvalidResponse(f"expected a JSON object for the {what}", status=200)
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise InvalidResponse(_validation_summary(exc, what), status=200) from None


def parse_page(model: type[M], body: Any, what: str) -> Page[M]:
    """Read the ``data`` + ``pagination`` envelope; a bare array counts as one whole page."""
    if isinstance(body, list):
        body = {"data": body}
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise InvalidResponse(f"expected a list envelope with 'data' for {what}", status=200)
    items = []
    for index, raw in enumerate(body["data"]):
        items.append(parse_model(model, raw, f"{what} item {index + 1}"))
    raw_pagination = body.get("pagination")
    if isinstance(raw_pagination, dict):
        pagination = Pagination.model_validate(raw_pagination)
    else:
        pagination = Pagination(page=1, per_page=max(len(items), 1), total=len(items))
    return Page[model](  # type: ignore[valid-type]
        items=items,
        page=pagination.page,
        per_page=pagination.per_page,
        total=pagination.total,
        total_pages=pagination.total_pages or 0,
    )


def _validation_summary(exc: ValidationError, what: str) -> str:
    first = exc.errors()[0]
    location = ".".join(str(part) for part in first.get("loc", ())) or "body"
    return f"unexpected {what} from the server: field {location!r}: {first.get('msg', 'invalid')}"
