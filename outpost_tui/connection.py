"""The app-wide connection state, shared by every screen's status bar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from .clock import utc_now


class ConnectionState(Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILING = "failing"
    UNAUTHORIZED = "unauthorized"


@dataclass
class ConnectionStatus:
    """The host, namespace and credential in use, and the outcome of the last requests."""

    host: str
    namespace: str
    credential_label: str
    state: ConnectionState = ConnectionState.CONNECTING
    last_success: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    def record_success(self) -> None:
        self.state = ConnectionState.CONNECTED
        self.last_success = utc_now()
        self.last_error = None
        self.consecutive_failures = 0

    def record_failure(self, message: str, *, unauthorized: bool = False) -> None:
        self.state = ConnectionState.UNAUTHORIZED if unauthorized else ConnectionState.FAILING
        self.last_error = message
        self.consecutive_failures += 1
