"""The async Outpost API client. It never imports Textual, so scripts and tests can use it."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from .. import __version__
from ..models import Health, Job, Machine, OutpostModel, Page, Pagination, Service, User
from ..sanitize import clean_text
from .auth import Credential
from .endpoints import (
    ENDPOINTS,
    PER_PAGE_DEFAULT,
    PER_PAGE_MAX,
    Endpoint,
    Header,
    Query,
)
from .errors import (
    InsecureURLError,
    InvalidResponse,
    NetworkError,
    ReadOnlyError,
    RequestTimedOut,
    error_from_response,
)
from .ratelimit import (
    BUDGETS,
    BudgetRegistry,
    CredentialBudget,
    Lane,
    parse_rate_limit_headers,
    parse_retry_after,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=OutpostModel)

USER_AGENT = f"outpost-tui/{__version__}"
# Connect 5 s and read 30 s for JSON requests.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)
MAX_RETRIES = 3
MAX_RATE_LIMIT_RESENDS = 2
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
ETAG_CACHE_SIZE = 512
# An error body of a stream is read only this far, since the server may send anything.
STREAM_ERROR_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class ResourceKind:
    """A namespaced resource the dashboard lists: its endpoints and its model."""

    name: str
    singular: str
    model: type[OutpostModel]

    def operation(self, verb: str) -> str:
        """Return the endpoint-table key of ``verb`` on this resource, such as ``jobs.list``."""
        return f"{self.name}.{verb}"


MACHINES = ResourceKind("machines", "machine", Machine)
JOBS = ResourceKind("jobs", "job", Job)
SERVICES = ResourceKind("services", "service", Service)
RESOURCE_KINDS = {kind.name: kind for kind in (MACHINES, JOBS, SERVICES)}


def is_loopback_host(host: str) -> bool:
    """Return whether ``host`` is this machine (``localhost``, 127.0.0.0/8 or ``::1``)."""
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
        budgets: BudgetRegistry | None = None,
        retries: int = MAX_RETRIES,
        rate_limit_resends: int = MAX_RATE_LIMIT_RESENDS,
    ) -> None:
        self.base_url = validate_base_url(base_url, allow_insecure_http=allow_insecure_http)
        self.credential = credential
        identity = credential.identity if credential else "anonymous"
        self._budget = (budgets or BUDGETS).for_identity(identity)
        self._etags: dict[str, tuple[str, bytes]] = {}
        self._rng = random.Random()
        self.retries = retries
        self.rate_limit_resends = rate_limit_resends
        self.not_modified_count = 0
        # Read-only mode: request() raises ReadOnlyError for every mutating operation, so
        # no write can leave the client even if a screen forgets its own check.
        self.read_only = False
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
        lane: Lane = Lane.USER,
    ) -> httpx.Response:
        """Send one operation from the endpoint table and return its success response.

        The request waits for the credential's budget first. A 429 blocks every request
        of the credential until the server's wait is over. The refused request was not
        processed, so it is sent again, up to twice. A network error or a 5xx is retried
        only for GET, at most three times, with exponential back-off and full jitter,
        so a create that may have reached the server is never sent twice.
        """
        endpoint = ENDPOINTS[operation]
        url = endpoint.format(**(path or {}))
        if self.read_only and endpoint.mutating:
            raise ReadOnlyError(endpoint.method, url)
        query = _query(params)
        headers = {}
        if authenticated and self.credential is not None:
            headers[Header.AUTHORIZATION] = self.credential.authorization()
        # Health counts against no limit, so it skips the budget.
        counted = authenticated and self.credential is not None
        cache_key = self._cache_key(url, query) if endpoint.method == "GET" else None
        cached = self._etags.get(cache_key) if cache_key else None
        if cached is not None:
            headers[Header.IF_NONE_MATCH] = cached[0]

        failures = rate_limited = 0
        while True:
            if counted:
                await self.budget.acquire(lane)
            try:
                response = await self._http.request(
                    endpoint.method, url, params=query, json=json_body, headers=headers
                )
            except httpx.TransportError as exc:
                error = _network_error(exc, endpoint, url, self.host)
                if endpoint.method == "GET" and failures < self.retries:
                    await self._back_off(failures, error)
                    failures += 1
                    continue
                raise error from exc
            now = time.time()
            if counted:
                self.budget.observe(parse_rate_limit_headers(response.headers, now))
            if response.status_code == 304 and cached is not None:
                self.not_modified_count += 1
                return _replay(response, cached[1])
            if response.is_success:
                self._remember_etag(cache_key, response)
                return response
            log.info("%s %s -> %s", endpoint.method, url, response.status_code)
            if response.status_code == 429:
                retry_after = parse_retry_after(response.headers.get(Header.RETRY_AFTER), now)
                info = parse_rate_limit_headers(response.headers, now)
                wait = self.budget.block(retry_after, info.reset_after)
                log.warning("rate limited on %s %s; waiting %.1f s", endpoint.method, url, wait)
                if rate_limited < self.rate_limit_resends:
                    rate_limited += 1
                    continue
                raise error_from_response(response, retry_after=wait)
            if response.status_code >= 500 and endpoint.method == "GET" and failures < self.retries:
                await self._back_off(failures, error_from_response(response))
                failures += 1
                continue
            raise error_from_response(response)

    @property
    def budget(self) -> CredentialBudget:
        """The rate-limit budget of this client's credential."""
        return self._budget

    def _cache_key(self, url: str, query: dict[str, str] | None) -> str:
        identity = self.credential.identity if self.credential else "anonymous"
        suffix = "&".join(f"{k}={v}" for k, v in sorted((query or {}).items()))
        return f"{identity} {url}?{suffix}"

    def _remember_etag(self, cache_key: str | None, response: httpx.Response) -> None:
        etag = response.headers.get(Header.ETAG)
        if cache_key is None or not etag:
            return
        if len(self._etags) >= ETAG_CACHE_SIZE:
            self._etags.pop(next(iter(self._etags)))
        self._etags[cache_key] = (etag, response.content)

    async def _back_off(self, attempt: int, error: Exception) -> None:
        delay = self._rng.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))
        log.warning("retrying in %.2f s after %s", delay, error)
        await asyncio.sleep(delay)

    @asynccontextmanager
    async def stream(
        self,
        operation: str,
        *,
        path: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        lane: Lane = Lane.USER,
    ) -> AsyncIterator[httpx.Response]:
        """Open a streamed GET of one operation and yield its success response, unread.

        The opening counts against the credential's budget like any request, a 429 waits
        and resends as :meth:`request` does, and an error status raises its typed
        exception. Nothing else is retried, because only the caller knows how to resume
        its stream. The response has no read timeout, so the caller must watch for silence.
        """
        endpoint = ENDPOINTS[operation]
        url = endpoint.format(**(path or {}))
        query = _query(params)
        request_headers = dict(headers or {})
        counted = self.credential is not None
        if counted:
            request_headers[Header.AUTHORIZATION] = self.credential.authorization()
        default = self._http.timeout
        timeout = httpx.Timeout(connect=default.connect, read=None, write=default.write, pool=default.pool)

        rate_limited = 0
        while True:
            if counted:
                await self.budget.acquire(lane)
            request = self._http.build_request(
                endpoint.method, url, params=query, headers=request_headers, timeout=timeout
            )
            try:
                response = await self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                raise _network_error(exc, endpoint, url, self.host) from exc
            try:
                now = time.time()
                if counted:
                    self.budget.observe(parse_rate_limit_headers(response.headers, now))
                if response.is_success:
                    yield response
                    return
                log.info("%s %s (stream) -> %s", endpoint.method, url, response.status_code)
                error_response = await _read_error_body(response)
                if response.status_code != 429:
                    raise error_from_response(error_response)
                retry_after = parse_retry_after(response.headers.get(Header.RETRY_AFTER), now)
                info = parse_rate_limit_headers(response.headers, now)
                wait = self.budget.block(retry_after, info.reset_after)
                if rate_limited >= self.rate_limit_resends:
                    raise error_from_response(error_response, retry_after=wait)
                rate_limited += 1
            finally:
                await response.aclose()

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
        user = parse_model(User, body, "current user")
        self.budget.set_plan(user.plan)
        return user

    # -- namespaced resources -----------------------------------------------------------

    async def list_page(
        self,
        kind: ResourceKind,
        namespace: str,
        *,
        page: int = 1,
        per_page: int = PER_PAGE_DEFAULT,
        filters: dict[str, Any] | None = None,
        lane: Lane = Lane.USER,
    ) -> Page[Any]:
        """Fetch one page of a list."""
        if not 1 <= per_page <= PER_PAGE_MAX:
            raise ValueError(f"per_page {per_page} is outside 1-{PER_PAGE_MAX}")
        params = {Query.PAGE: max(page, 1), Query.PER_PAGE: per_page, **(filters or {})}
        body = await self.request_json(
            kind.operation("list"), path={"namespace": namespace}, params=params, lane=lane
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

    async def get_item(
        self, kind: ResourceKind, namespace: str, name: str, *, lane: Lane = Lane.USER
    ) -> Any:
        body = await self.request_json(
            kind.operation("get"), path={"namespace": namespace, "name": name}, lane=lane
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
        if isinstance(value, bool):
            query[name] = "true" if value else "false"
        else:
            query[name] = str(value)
    return query


def _network_error(
    exc: httpx.TransportError, endpoint: Endpoint, url: str, host: str
) -> NetworkError:
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimedOut(f"{endpoint.method} {url} timed out on {host}")
    return NetworkError(f"cannot reach {host}: {_transport_reason(exc)}")


def _replay(not_modified: httpx.Response, content: bytes) -> httpx.Response:
    """Turn a 304 into the cached 200 response, keeping the new headers."""
    response = httpx.Response(
        200, headers=not_modified.headers, content=content, request=not_modified.request
    )
    response.extensions["not_modified"] = True
    return response


async def _read_error_body(response: httpx.Response) -> httpx.Response:
    """Return a copy of a streamed error response holding at most the first 64 KiB of its body."""
    body = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= STREAM_ERROR_BODY_LIMIT:
                break
    except httpx.TransportError:
        pass  # A broken error body still leaves the status, which decides the error.
    # The body is already decoded, so the copy must not claim an encoding or a length.
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=bytes(body[:STREAM_ERROR_BODY_LIMIT]),
        request=response.request,
    )


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
    return Page(
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
