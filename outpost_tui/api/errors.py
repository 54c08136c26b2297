"""Exceptions the client raises, one class per kind of failure.

``OutpostError``
  ``NetworkError`` (the server could not be reached, or the connection broke)
    ``RequestTimedOut``
  ``InvalidResponse`` (a 2xx whose body is not what the API sends)
  ``APIError`` (the server returned an error status)
    ``BadRequest`` 400, ``AuthenticationFailed`` 401, ``PermissionDenied`` 403,
    ``QuotaExceeded`` 403, ``NotFound`` 404, ``Conflict`` 409 (``AlreadyExists``,
    ``InvalidState``), ``ValidationFailed`` 422, ``RateLimited`` 429, ``ServerError`` 5xx
  ``ReadOnlyError`` (a mutating request refused by the client in read-only mode, never sent)
``InsecureURLError`` is a ``ValueError`` raised before any request is sent.

Every message taken from the server is sanitized here, so it is safe to show anywhere.
"""

from __future__ import annotations

import html
import json
import re
from http import HTTPStatus

import httpx

from ..sanitize import clean_text
from .endpoints import Header

MESSAGE_LIMIT = 500


class OutpostError(Exception):
    """Base of every error the client raises."""


class InsecureURLError(ValueError):
    """A base URL that would send the credential in clear text to another machine."""


class ReadOnlyError(OutpostError):
    """A request that could change something, refused before sending because the client is
    read-only (``--read-only`` or the profile's read-only flag)."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        super().__init__(
            f"{method} {path} was not sent because the app is read-only; restart without "
            "--read-only, or clear the profile's read-only flag, to change things"
        )


class NetworkError(OutpostError):
    """The request did not get an HTTP response."""


class RequestTimedOut(NetworkError):
    """The server did not respond in time."""


class InvalidResponse(OutpostError):
    """A success status whose body could not be read as the expected JSON."""

    def __init__(self, message: str, *, status: int, request_id: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        self.message = message


class APIError(OutpostError):
    """An error status from the server, with the fields of its error envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        request_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        text = f"HTTP {self.status}"
        if self.code:
            text += f" {self.code}"
        text += f": {self.message}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text


class BadRequest(APIError):
    pass


class AuthenticationFailed(APIError):
    pass


class PermissionDenied(APIError):
    pass


class QuotaExceeded(PermissionDenied):
    pass


class NotFound(APIError):
    pass


class Conflict(APIError):
    pass


class AlreadyExists(Conflict):
    pass


class InvalidState(Conflict):
    """The resource's current status does not allow the action."""


class ValidationFailed(APIError):
    pass


class RateLimited(APIError):
    """429: the request was not processed and may be sent again after the wait."""

    def __init__(self, *args: object, retry_after: float | None = None, **kwargs: object) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class ServerError(APIError):
    pass


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: AuthenticationFailed,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
    429: RateLimited,
}

_BY_CODE: dict[tuple[int, str], type[APIError]] = {
    (403, "quota_exceeded"): QuotaExceeded,
    (409, "already_exists"): AlreadyExists,
    (409, "invalid_request"): InvalidState,
}

_TAG = re.compile(r"<[^>]*>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _plain_body(response: httpx.Response) -> str:
    """Turn a non-JSON error body into one readable line of at most 500 characters."""
    text = response.text
    if "html" in response.headers.get("content-type", "").lower() or text.lstrip().startswith("<"):
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAG.sub(" ", text)
        text = html.unescape(text)
    text = " ".join(text.split())
    return text[:MESSAGE_LIMIT]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "unknown status"


def error_from_response(response: httpx.Response, retry_after: float | None = None) -> APIError:
    """Build the typed exception for an error response, whatever shape its body has."""
    status = response.status_code
    request_id = response.headers.get(Header.REQUEST_ID)
    code, message, field = "", "", None
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        body = None
    envelope = body.get("error") if isinstance(body, dict) else None
    if isinstance(envelope, dict):
        source = envelope
    elif isinstance(body, dict):
        source = body  # the flat {"message", "code"} shape
    else:
        source = {}
    code = str(source.get("code") or "")
    message = str(source.get("message") or "")
    field = source.get("field") if isinstance(source.get("field"), str) else None
    request_id = str(source.get("request_id") or request_id or "") or None
    if not message:
        message = _plain_body(response) if body is None or not isinstance(body, dict) else ""
    if not message:
        message = _reason(status)

    if status >= 500:
        cls: type[APIError] = ServerError
    else:
        cls = _BY_CODE.get((status, code)) or _BY_STATUS.get(status, APIError)
    args = (status, clean_text(code), clean_text(message[:MESSAGE_LIMIT]))
    kwargs = {"request_id": clean_text(request_id) if request_id else None,
              "field": clean_text(field) if field else None}
    if cls is RateLimited:
        return RateLimited(*args, retry_after=retry_after, **kwargs)
    return cls(*args, **kwargs)
