"""The API error raised by handlers and rendered into the error envelope."""

from __future__ import annotations


class ApiError(Exception):
    """A request failure with its HTTP status, error code and optional field at fault."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}


def bad_request(message: str, field: str | None = None) -> ApiError:
    """Return a 400 for a malformed request: bad JSON, wrong type, missing field, bad query."""
    return ApiError(400, "invalid_request", message, field=field)


def unprocessable(message: str, field: str) -> ApiError:
    """Return a 422 for a well-formed value that breaks a rule."""
    return ApiError(422, "invalid_request", message, field=field)


def not_found(message: str) -> ApiError:
    """Return a 404 for a missing resource, namespace or route."""
    return ApiError(404, "not_found", message)


def already_exists(message: str, field: str = "name") -> ApiError:
    """Return a 409 for a name (or other unique value) that is already taken."""
    return ApiError(409, "already_exists", message, field=field)


def wrong_status(message: str) -> ApiError:
    """Return a 409 for an action that the resource's current status does not allow."""
    return ApiError(409, "invalid_request", message)


def permission_denied(message: str) -> ApiError:
    """Return a 403 for a role or scope that forbids the action."""
    return ApiError(403, "permission_denied", message)


def quota_exceeded(message: str) -> ApiError:
    """Return a 403 for a namespace quota that is already reached."""
    return ApiError(403, "quota_exceeded", message)
