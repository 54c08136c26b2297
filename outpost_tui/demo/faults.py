"""Fault switches that tests flip on a running demo server.

The switches are plain attributes read on every request, so a test changes them
at any time from its own thread. They add no HTTP path. Health requests are
exempt from every fault, so a start-up probe keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .route_faults import RouteFaults

ERROR_BODY_SHAPES = ("flat", "html", "empty", "invalid_json")


@dataclass
class Faults:
    """Switches for injected failures; every one is off by default.

    Attributes:
        latency_seconds: delay added before each response.
        error_rate: fraction of requests (0.0-1.0) that get 500 ``internal_error``.
        burst_429: the next N requests get 429 ``rate_limit_exceeded``; counts down to 0.
        retry_after_seconds: ``Retry-After`` on those 429s. An int is sent as seconds,
            a string verbatim (for example an HTTP date), and None omits the header.
        error_body: body shape ``"flat"``, ``"html"``, ``"empty"`` or ``"invalid_json"``
            instead of the error envelope. Without ``force_status`` it applies to the
            next error response only and then resets to None.
        force_status: every request gets this status. A status of 400 or more sends
            the error envelope (or the ``error_body`` shape); a lower one sends no
            body unless ``error_body`` gives a shape, such as a 200 with invalid JSON.
        drop_streams_after_lines: close each log stream after this many lines, without
            the ``end`` event.
        stall_streams: log streams send nothing more, not even keep-alives, until closed.
        routes: faults aimed at one method and path, such as the next
            ``POST /auth/v1/api_keys``; see :class:`RouteFaults`.
    """

    latency_seconds: float = 0.0
    error_rate: float = 0.0
    burst_429: int = 0
    retry_after_seconds: int | str | None = 1
    error_body: str | None = None
    force_status: int | None = None
    drop_streams_after_lines: int | None = None
    stall_streams: bool = False
    routes: RouteFaults = field(default_factory=RouteFaults)

    def reset(self) -> None:
        """Switch every fault off again."""
        for spec in fields(self):
            if spec.name == "routes":
                self.routes.clear()
            else:
                setattr(self, spec.name, spec.default)
