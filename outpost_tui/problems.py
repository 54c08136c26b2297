"""Turn exceptions into words for people: a title by kind of failure and what to do next.

Every message from the server was sanitized when the exception was built, so these
strings are safe to show. Widgets still receive them as plain text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from .api import (
    APIError,
    AuthenticationFailed,
    InvalidResponse,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ReadOnlyError,
    RequestTimedOut,
    ServerError,
)
from .api.errors import OutpostError


@dataclass(frozen=True)
class Problem:
    """A failure as shown to the user."""

    title: str
    message: str
    severity: str = "error"


def describe(exc: BaseException, *, credential_source: str | None = None) -> Problem:
    """Return the title and message for an exception raised while talking to the API."""
    if isinstance(exc, ReadOnlyError):
        return Problem("Read-only mode", str(exc), "warning")
    if isinstance(exc, RequestTimedOut):
        return Problem("Request timed out", f"{exc}. Retrying automatically.", "warning")
    if isinstance(exc, NetworkError):
        return Problem("Server unreachable", f"{exc}. Showing the last data; retrying automatically.")
    if isinstance(exc, AuthenticationFailed):
        where = f" from {credential_source}" if credential_source else ""
        return Problem(
            "Credential rejected",
            f"The server rejected the credential{where} ({exc.message}). "
            "Check that it is current and not revoked, then restart with a valid one.",
        )
    if isinstance(exc, RateLimited):
        wait = f" for {exc.retry_after:.0f} s" if exc.retry_after else ""
        return Problem("Rate limit reached", f"The server asked to wait{wait}. {exc.message}", "warning")
    if isinstance(exc, PermissionDenied):
        return Problem("Permission denied", _with_request_id(exc))
    if isinstance(exc, NotFound):
        return Problem("Not found", _with_request_id(exc), "warning")
    if isinstance(exc, ServerError):
        return Problem(
            "Server error",
            f"The server failed (HTTP {exc.status}): {_with_request_id(exc)}. Retrying automatically.",
        )
    if isinstance(exc, APIError):
        return Problem(f"Request failed (HTTP {exc.status})", _with_request_id(exc))
    if isinstance(exc, InvalidResponse):
        request_id = f" (request id {exc.request_id})" if exc.request_id else ""
        return Problem("Unreadable response", f"{exc.message}{request_id}. Retrying automatically.")
    if isinstance(exc, OutpostError):
        return Problem("Request failed", str(exc))
    return Problem("Unexpected error", f"{type(exc).__name__}: {exc}")


def _with_request_id(exc: APIError) -> str:
    text = exc.message
    if exc.field:
        text += f" (field {exc.field})"
    if exc.request_id:
        text += f" [request id {exc.request_id}]"
    return text
