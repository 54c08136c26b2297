"""The status bar: host, namespace, credential, connection state and the age of the data."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..connection import ConnectionState, ConnectionStatus
from .presentation import format_age

_STATE_STYLES = {
    ConnectionState.CONNECTING: ("connecting", "yellow"),
    ConnectionState.CONNECTED: ("connected", "green"),
    ConnectionState.FAILING: ("disconnected", "bold red"),
    ConnectionState.UNAUTHORIZED: ("credential rejected", "bold red"),
}


class StatusBar(Static):
    """One line that redraws every second from the shared :class:`ConnectionStatus`."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, status: ConnectionStatus, **kwargs) -> None:
        super().__init__(**kwargs)
        self.status = status
        self.data_time = None

    def on_mount(self) -> None:
        self.redraw()
        self.set_interval(1.0, self.redraw)

    def redraw(self) -> None:
        self.update(self.status_line())

    def status_line(self) -> Text:
        status = self.status
        label, style = _STATE_STYLES[status.state]
        parts: list[Text] = [
            Text(status.host, style="bold"),
            Text(f"ns {status.namespace}"),
            Text(status.credential_label),
            Text(f"● {label}", style=style),
        ]
        if self.data_time is not None:
            parts.append(Text(f"data {format_age(self.data_time)} old"))
        else:
            parts.append(Text("no data yet", style="dim"))
        poll_status = getattr(self.screen, "poll_status", None)
        if poll_status is not None:
            parts.append(Text(poll_status(), style="dim"))
        parts.extend(self._rate_limit_parts())
        return Text("  │  ", style="dim").join(parts)

    def _rate_limit_parts(self) -> list[Text]:
        client = getattr(self.app, "client", None)
        if client is None:
            return []
        budget = client.budget
        parts = []
        blocked = budget.blocked_for()
        if blocked > 0:
            parts.append(Text(f"rate limited: retry in {blocked:.0f}s", style="bold yellow"))
        remaining = budget.remaining_this_minute()
        if remaining is not None:
            style = "yellow" if budget.server_limit and remaining < budget.server_limit * 0.2 else ""
            parts.append(Text(f"{remaining} req left this min", style=style))
        return parts
