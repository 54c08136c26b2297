"""The fleets screen: warm node pools with their idle, busy and provisioning nodes."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ..api.compute import FLEETS
from ..sanitize import safe_text
from ..widgets.presentation import format_age, status_text
from ..widgets.resource_table import Column
from .actions import MARK_BINDINGS, action_bindings
from .compute_actions import FleetActions
from .resources import ResourceScreen


def _nodes(fleet: Any) -> Text:
    def count(value: int | None) -> str:
        return "-" if value is None else str(value)

    return Text(
        f"{count(fleet.nodes_idle)} idle · {count(fleet.nodes_busy)} busy · "
        f"{count(fleet.nodes_provisioning)} prov"
    )


def _bounds(fleet: Any) -> Text:
    return Text(f"{fleet.min_nodes if fleet.min_nodes is not None else '-'}-"
                f"{fleet.max_nodes if fleet.max_nodes is not None else '-'}")


class FleetsScreen(FleetActions, ResourceScreen):
    KIND = FLEETS
    TITLE_TEXT = "Fleets"
    COLUMNS = (
        Column("name", "NAME", lambda f: safe_text(f.name)),
        Column("status", "STATUS", lambda f: status_text(f.status)),
        Column("gpus", "GPUS/NODE", lambda f: safe_text(f.gpus or "cpu only")),
        Column("nodes", "NODES", _nodes),
        Column("bounds", "MIN-MAX", _bounds),
        Column("where", "CLOUD/REGION", lambda f: safe_text(f"{f.cloud or '-'} {f.region or '-'}")),
        Column("spot", "SPOT", lambda f: Text("spot" if f.spot else "-")),
        Column("age", "AGE", lambda f: Text(format_age(f.created_at))),
    )
    BINDINGS = [*action_bindings("fleets"), *MARK_BINDINGS]
