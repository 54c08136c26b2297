"""Request context, replies and the route table type shared by the handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from starlette.datastructures import Headers

    from .credentials import Credential
    from .state import DemoState

# Request kinds each role may make in a namespace.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    "owner": frozenset({"read", "action", "write"}),
    "admin": frozenset({"read", "action", "write"}),
    "maintainer": frozenset({"read", "action", "write"}),
    "contributor": frozenset({"read", "action"}),
    "reader": frozenset({"read"}),
}


@dataclass
class RequestContext:
    """Everything a handler needs: state, caller, path parameters, query and parsed body."""

    state: DemoState
    method: str
    params: dict[str, str]
    query: dict[str, str]
    headers: Headers
    body: Any
    credential: Credential | None
    now: datetime
    request_id: str
    app: Any = None

    @property
    def username(self) -> str:
        """Return the calling user's name."""
        assert self.credential is not None
        return self.credential.username


@dataclass
class Reply:
    """A JSON reply; ``body`` None sends no body (204, 304)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StreamReply:
    """A Server-Sent Events reply produced by ``events()``."""

    events: Callable[[], AsyncIterator[bytes]]


@dataclass(frozen=True)
class Access:
    """Requirements a route places on the caller.

    Attributes:
        level: ``read``, ``action`` or ``write`` in the path's namespace; None for
            account routes.
        scopes: scopes of which a scoped credential needs one; None for no scope.
        unscoped_only: only unscoped credentials may call it.
    """

    level: str | None = None
    scopes: tuple[str, ...] | None = None
    unscoped_only: bool = False


@dataclass(frozen=True)
class Route:
    """One method and path pattern; ``{name}`` segments are parameters."""

    method: str
    pattern: str
    handler: Callable[[RequestContext], Reply | StreamReply]
    access: Access | None = field(default_factory=Access)

    @property
    def segments(self) -> tuple[str, ...]:
        """Return the pattern's path segments."""
        return tuple(self.pattern.strip("/").split("/"))


def split_path(raw_path: bytes) -> list[str]:
    """Return the percent-decoded segments of a raw request path.

    Splitting before decoding keeps an encoded ``/`` (``%2F``) inside its segment,
    so names holding any character still address one resource.
    """
    text = raw_path.decode("latin-1")
    return [unquote(part, errors="strict") for part in text.split("/")[1:]]


def match_route(routes: list[Route], method: str, segments: list[str]) -> tuple[Route, dict[str, str]] | None:
    """Return the route matching ``method`` and ``segments`` with its parameters."""
    for route in routes:
        if route.method != method:
            continue
        pattern = route.segments
        if len(pattern) != len(segments):
            continue
        params: dict[str, str] = {}
        for expected, actual in zip(pattern, segments, strict=True):
            if expected.startswith("{"):
                if not actual:
                    break
                params[expected[1:-1]] = actual
            elif expected != actual:
                break
        else:
            return route, params
    return None
