"""Formatting of API values for the screen: status colours, ages, money and field values.

Everything here returns ``rich.text.Text`` built from sanitized strings, never markup.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from rich.text import Text

from ..clock import utc_now
from ..sanitize import clean_text, safe_text

# Statuses are grouped by meaning so one colour scheme covers every resource type.
_STATUS_STYLES = {
    "good": ("running", "succeeded", "active", "ok", "live", "connected", "available", "attached"),
    "busy": (
        "provisioning", "starting", "stopping", "deploying", "queued", "scaling",
        "draining", "deleting", "creating", "building", "verifying", "connecting",
    ),
    "bad": ("failed", "timed_out", "error", "degraded"),
    "idle": ("stopped", "cancelled", "superseded", "rolled_back", "paused"),
}
_STYLE_BY_GROUP = {
    "good": "bold green",
    "busy": "bold yellow",
    "bad": "bold red",
    "idle": "dim",
}
_STYLE_BY_STATUS = {
    status: _STYLE_BY_GROUP[group] for group, names in _STATUS_STYLES.items() for status in names
}
UNKNOWN_STATUS_STYLE = "bold magenta"


def status_text(status: str) -> Text:
    """Return the status as its word in its colour; an unknown status is kept as it came."""
    if not status:
        return Text("-", style="dim")
    return safe_text(status, _STYLE_BY_STATUS.get(status, UNKNOWN_STATUS_STYLE))


def format_age(moment: datetime | None, now: datetime | None = None) -> str:
    """Format an age in its largest unit, such as ``42s``, ``5m``, ``3h`` or ``12d``."""
    if moment is None:
        return "-"
    seconds = max(int(((now or utc_now()) - moment).total_seconds()), 0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s" if seconds < 600 else f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"
    return f"{seconds // 86400}d{(seconds % 86400) // 3600:02d}h"


def format_money(amount: Decimal | None, suffix: str = "") -> str:
    if amount is None:
        return "-"
    return f"${amount:,.2f}{suffix}"


def format_gpu(gpu: str, count: int | None) -> str:
    if not gpu or gpu == "none":
        return "cpu only"
    return f"{count or 1}× {clean_text(gpu)}"


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def value_text(name: str, value: Any) -> Text:
    """Render one field value for the detail pane."""
    if name == "status" and isinstance(value, str):
        return status_text(value)
    if value is None:
        return Text("-", style="dim")
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, datetime):
        return Text(f"{format_timestamp(value)} ({format_age(value)} ago)")
    if isinstance(value, Decimal):
        return Text(format_money(value))
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        if not value:
            return Text("{}", style="dim")
        return safe_text(", ".join(f"{clean_text(k)}={clean_text(v)}" for k, v in value.items()))
    if isinstance(value, list):
        if not value:
            return Text("none", style="dim")
        parts = []
        for item in value:
            if isinstance(item, BaseModel):
                item = item.model_dump(mode="json", exclude_none=True)
            parts.append(
                " ".join(f"{k}={v}" for k, v in item.items()) if isinstance(item, dict) else str(item)
            )
        return safe_text("; ".join(parts))
    return safe_text(value)


def field_label(name: str) -> str:
    return clean_text(name).replace("_", " ")
