"""The Outpost API client: endpoints, authentication, errors and pagination. No Textual here."""

from .auth import Credential, CredentialKind, InvalidCredential
from .client import (
    JOBS,
    MACHINES,
    RESOURCE_KINDS,
    SERVICES,
    OutpostClient,
    ResourceKind,
    is_loopback_host,
    validate_base_url,
)
from .endpoints import ENDPOINTS, Endpoint, Header, Query
from .errors import (
    AlreadyExists,
    APIError,
    AuthenticationFailed,
    BadRequest,
    Conflict,
    InsecureURLError,
    InvalidResponse,
    InvalidState,
    NetworkError,
    NotFound,
    OutpostError,
    PermissionDenied,
    QuotaExceeded,
    RateLimited,
    ReadOnlyError,
    RequestTimedOut,
    ServerError,
    ValidationFailed,
)

__all__ = [
    "APIError", "AlreadyExists", "AuthenticationFailed", "BadRequest", "Conflict", "Credential",
    "CredentialKind", "ENDPOINTS", "Endpoint", "Header", "InsecureURLError", "InvalidCredential",
    "InvalidResponse", "InvalidState", "JOBS", "MACHINES", "NetworkError", "NotFound",
    "OutpostClient", "OutpostError", "PermissionDenied", "Query", "QuotaExceeded",
    "RESOURCE_KINDS", "RateLimited", "ReadOnlyError", "RequestTimedOut", "ResourceKind", "SERVICES",
    "ServerError", "ValidationFailed", "is_loopback_host", "validate_base_url",
]
