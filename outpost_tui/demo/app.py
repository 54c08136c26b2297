"""The ASGI application: request pipeline, faults, authentication, rate limits and ETags."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import threading
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from .errors import ApiError, bad_request, not_found, permission_denied
from .http import (
    ROLE_LEVELS,
    Access,
    Reply,
    RequestContext,
    Route,
    StreamReply,
    match_route,
    split_path,
)
from .ids import new_request_id
from .ratelimit import RateDecision
from .rendering import error_response, json_bytes

if TYPE_CHECKING:
    from .credentials import Credential
    from .faults import Faults
    from .state import DemoState

logger = logging.getLogger("outpost_tui.demo")

BODY_METHODS = ("POST", "PATCH", "PUT")
# Seconds of silence after which a log stream sends a keep-alive comment; tests lower it.
KEEPALIVE_SECONDS = 15.0


class DemoApp:
    """ASGI application serving the Outpost API from a DemoState."""

    def __init__(self, state: DemoState, faults: Faults, routes: list[Route]) -> None:
        self.state = state
        self.faults = faults
        self.routes = routes
        self.closing = threading.Event()
        self.keepalive_seconds = KEEPALIVE_SECONDS
        self._fault_rng = random.Random(f"faults:{state.config.seed}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        """Handle one request, turning every failure into the error envelope."""
        request_id = new_request_id()
        try:
            segments = split_path(request.scope.get("raw_path") or request.url.path.encode())
        except UnicodeDecodeError:
            segments = []
        matched = match_route(self.routes, request.method, segments)
        route, params = matched if matched else (None, {})
        if route is not None and route.access is None:
            return await self._call(request, route, params, request_id, None, None)

        fault = await self._apply_faults(request_id)
        if fault is not None:
            return fault
        route_fault = self.faults.routes.take(request.method, request.url.path)
        if route_fault is not None and not route_fault.after:
            await asyncio.sleep(route_fault.delay_seconds)
            return self._forced(route_fault.status or 500, request_id)
        response = await self._authenticated(request, route, params, request_id)
        if route_fault is not None:
            # The handler ran, so the change is made; the client gets a late or failed answer.
            await asyncio.sleep(route_fault.delay_seconds)
            if route_fault.status is not None:
                return self._forced(route_fault.status, request_id)
        return response

    async def _authenticated(
        self, request: Request, route: Route | None, params: dict[str, str], request_id: str
    ) -> Response:
        """Authenticate, apply the rate limit and call the handler."""
        credential = self.state.authenticate(request.headers.get("authorization"))
        decision = self._check_rate(credential)
        rate_headers = decision.headers() if decision else {}
        if decision is not None and not decision.allowed:
            error = ApiError(
                429, "rate_limit_exceeded",
                f"rate limit exceeded; retry after {decision.retry_after} s",
                headers=rate_headers,
            )
            return self._error(error, request_id, {})
        if route is None:
            message = f"no route for {request.method} {request.url.path}"
            return self._error(not_found(message), request_id, rate_headers)
        if credential is None:
            return self._error(_unauthenticated(request), request_id, {})
        return await self._call(request, route, params, request_id, credential, rate_headers)

    def _check_rate(self, credential: Credential | None) -> RateDecision | None:
        if credential is None:
            return None
        plan = self.state.users[credential.username].plan
        return self.state.rate_limiter.check(
            credential.id, plan, enforce=self.state.config.rate_limits
        )

    async def _apply_faults(self, request_id: str) -> Response | None:
        faults = self.faults
        if faults.latency_seconds and faults.latency_seconds > 0:
            await asyncio.sleep(faults.latency_seconds)
        if faults.force_status is not None:
            return self._forced(faults.force_status, request_id)
        if faults.burst_429 and faults.burst_429 > 0:
            faults.burst_429 -= 1
            return self._forced(429, request_id)
        if faults.error_rate and self._fault_rng.random() < faults.error_rate:
            return self._error(ApiError(500, "internal_error", "injected server failure"), request_id, {})
        return None

    def _forced(self, status: int, request_id: str) -> Response:
        if status < 400 and self.faults.error_body is None:
            return Response(status_code=status, headers={"X-Request-Id": request_id})
        codes = {400: "invalid_request", 401: "authentication_failed", 403: "permission_denied",
                 404: "not_found", 409: "invalid_request", 422: "invalid_request", 429: "rate_limit_exceeded"}
        headers = {}
        if status == 429 and self.faults.retry_after_seconds is not None:
            headers["Retry-After"] = str(self.faults.retry_after_seconds)
        code = codes.get(status, "internal_error")
        return self._error(ApiError(status, code, f"injected {status} response", headers=headers), request_id, {})

    def _error(self, error: ApiError, request_id: str, rate_headers: dict[str, str]) -> Response:
        faults = self.faults
        shape = faults.error_body
        if shape is not None and faults.force_status is None:
            faults.error_body = None
        headers = {**rate_headers, **error.headers, "X-Request-Id": request_id}
        if error.status == 401:
            headers = {"X-Request-Id": request_id}
        return error_response(error, request_id, headers, shape)

    async def _call(
        self,
        request: Request,
        route: Route,
        params: dict[str, str],
        request_id: str,
        credential: Credential | None,
        rate_headers: dict[str, str] | None,
    ) -> Response:
        headers = {**(rate_headers or {}), "X-Request-Id": request_id}
        try:
            body = await _read_body(request) if request.method in BODY_METHODS else None
            with self.state.lock:
                now = self.state.now()
                self.state.advance(now)
                context = RequestContext(
                    self.state, request.method, params, _first_values(request), request.headers,
                    body, credential, now, request_id, self,
                )
                if route.access is not None:
                    _authorize(context, route.access)
                reply = route.handler(context)
        except ApiError as error:
            return self._error(error, request_id, rate_headers or {})
        except Exception:
            logger.exception("request %s %s failed (request id %s)", request.method, request.url.path, request_id)
            error = ApiError(500, "internal_error", f"unexpected server failure; quote request id {request_id}")
            return self._error(error, request_id, rate_headers or {})
        if isinstance(reply, StreamReply):
            stream_headers = {**headers, "Cache-Control": "no-cache"}
            return StreamingResponse(reply.events(), media_type="text/event-stream", headers=stream_headers)
        return _json_reply(request, reply, headers)


def _first_values(request: Request) -> dict[str, str]:
    """Return each query parameter's first value."""
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        values.setdefault(key, value)
    return values


def _unauthenticated(request: Request) -> ApiError:
    if "authorization" not in request.headers:
        message = "missing credential; send 'Authorization: Bearer <token>' or 'Authorization: API-Key <name>$<secret>'"
    else:
        message = "invalid credential: unknown, expired, revoked or malformed; check the token or API key"
    return ApiError(401, "authentication_failed", message)


async def _read_body(request: Request) -> Any:
    """Return the parsed JSON body, None when empty, or raise 400."""
    raw = await request.body()
    if not raw.strip():
        return None
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        shown = media_type or "none"
        raise bad_request(f"unsupported content type {shown!r}; send the body as application/json")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise bad_request(f"invalid JSON body: {error}") from error


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _authorize(context: RequestContext, access: Access) -> None:
    """Check namespace membership (404 if absent), role and scope (403)."""
    credential = context.credential
    assert credential is not None
    namespace = context.params.get("namespace")
    if namespace is not None:
        role = context.state.role_of(credential.username, namespace)
        if role is None:
            raise not_found(f"namespace {namespace!r} not found")
        if access.level is not None and access.level not in ROLE_LEVELS.get(role, frozenset()):
            raise permission_denied(
                f"role {role!r} in namespace {namespace!r} does not allow this {access.level}; "
                "ask an owner or admin for a higher role"
            )
    if access.unscoped_only and credential.scopes is not None:
        raise permission_denied("managing API keys and PATs needs an unscoped credential; use one without scopes")
    if access.scopes is not None and not credential.allows(access.scopes):
        needed = " or ".join(repr(scope) for scope in access.scopes)
        raise permission_denied(f"this credential lacks the {needed} scope; create one with that scope")


def _json_reply(request: Request, reply: Reply, headers: dict[str, str]) -> Response:
    """Render a JSON reply, adding a weak ETag to GETs and returning 304 when it matches."""
    headers = {**headers, **reply.headers}
    if reply.body is None:
        return Response(status_code=reply.status, headers=headers)
    content = json_bytes(reply.body)
    if request.method == "GET" and reply.status == 200:
        etag = 'W/"' + hashlib.sha256(content).hexdigest()[:24] + '"'
        headers["ETag"] = etag
        if _etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
    return Response(content, status_code=reply.status, headers=headers, media_type="application/json")


def _etag_matches(header: str | None, etag: str) -> bool:
    """Return whether an If-None-Match header names ``etag``, compared weakly."""
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False
