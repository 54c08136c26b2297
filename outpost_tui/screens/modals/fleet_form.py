"""The fleet create form and the form that changes a fleet's node bounds."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, TextArea

from ...api.compute import ComputeAPI, PreparedRequest
from ...models import Catalog, Fleet
from ...models.catalog import parse_gpus
from ...sanitize import clean_text
from ...widgets.presentation import format_money
from .form import FormField, RequestForm, check_name, parse_int, parse_pairs, select_value
from .machine_form import GPU_COUNTS, gpu_options

CLOUDS = ("aws", "azure", "gcp")
MAX_NODES = 100
MAX_IDLE_TIMEOUT_MINUTES = 1440
DEFAULT_IDLE_TIMEOUT_MINUTES = 30


def node_price(catalog: Catalog, gpus: str | None, spot: bool) -> tuple[Any, str]:
    """Return the hourly price of one node and a description of it."""
    gpu, count = parse_gpus(gpus)
    offer = catalog.offer(gpu)
    if offer is None:
        return None, f"no catalog price for {clean_text(gpus or 'CPU-only')} nodes"
    kind = "spot" if spot else "on demand"
    what = "CPU-only node" if gpu == "none" else f"{max(count, 1)} × {clean_text(offer.gpu)} per node"
    return offer.hourly_cost(count, spot=spot), f"{what}, {kind}"


def fleet_price(catalog: Catalog, gpus: str | None, spot: bool, low: Any, high: Any) -> Text:
    """Describe what the warm minimum and the full fleet cost per hour."""
    per_node, description = node_price(catalog, gpus, spot)
    if per_node is None:
        return Text(description, style="dim")
    parts: list[Any] = [(f"{format_money(per_node)}/hour per node", "bold"), f"\n{description}"]
    if isinstance(low, int):
        parts += ["\nwarm minimum: ", (f"{format_money(per_node * low)}/hour", "bold green"),
                  f" ({low} idle node(s) always on)"]
    if isinstance(high, int):
        parts += [f"\nat {high} node(s): {format_money(per_node * high)}/hour"]
    return Text.assemble(*parts)


class CreateFleetForm(RequestForm):
    """Create a warm node pool that jobs can name in their ``fleet`` field."""

    FORM_TITLE = "New fleet"
    SEND_LABEL = "Create"

    def __init__(self, compute: ComputeAPI, namespace: str, catalog: Catalog) -> None:
        super().__init__(compute, namespace)
        self.catalog = catalog

    def compose_fields(self) -> ComposeResult:
        yield FormField("name", "Name", Input(id="f-name", placeholder="warm-h100", compact=True),
                        "1-64 letters, digits, '-' or '_'; unique in the namespace")
        yield FormField("cloud", "Cloud", Select([(cloud, cloud) for cloud in CLOUDS], id="f-cloud",
                                                 value="aws", allow_blank=False, compact=True))
        yield FormField("region", "Region", Input("us-east-1", id="f-region", compact=True),
                        "the provider's region name, such as us-central1")
        yield FormField("gpus", "GPU", Select(gpu_options(self.catalog), id="f-gpus", value="none",
                                              allow_blank=False, compact=True))
        yield FormField("gpu_count", "GPUs per node", Select(
            [(str(count), count) for count in GPU_COUNTS], id="f-gpu_count", value=1, allow_blank=False,
            compact=True))
        yield FormField("min_nodes", "Minimum nodes", Input("0", id="f-min_nodes", compact=True),
                        f"0-{MAX_NODES}; these stay booted and idle")
        yield FormField("max_nodes", "Maximum nodes", Input(id="f-max_nodes", placeholder="4", compact=True),
                        f"1-{MAX_NODES}, at least the minimum")
        yield FormField("spot", "Spot", Checkbox("keep spot nodes warm (cheaper, may be reclaimed)", id="f-spot"))
        yield FormField("idle_timeout_minutes", "Idle timeout (min)", Input(
            str(DEFAULT_IDLE_TIMEOUT_MINUTES), id="f-idle_timeout_minutes", compact=True),
            f"1-{MAX_IDLE_TIMEOUT_MINUTES}; nodes above the minimum go after this")
        yield FormField("labels", "Labels", TextArea(id="f-labels", compact=True), "one KEY=VALUE per line")

    def field_changed(self) -> None:
        gpu = select_value(self.query_one("#f-gpus", Select))
        self.query_one("#f-gpu_count", Select).disabled = gpu == "none"

    def build(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        body: dict[str, Any] = {"name": check_name(self.query_one("#f-name", Input).value.strip(), errors)}
        body["cloud"] = select_value(self.query_one("#f-cloud", Select))
        region = self.query_one("#f-region", Input).value.strip()
        if not region:
            errors["region"] = "region is missing; give the provider's region name, such as us-central1"
        body["region"] = region
        gpu = select_value(self.query_one("#f-gpus", Select))
        count = select_value(self.query_one("#f-gpu_count", Select))
        body["gpus"] = None if gpu in (None, "none") else f"{gpu}:{count}"
        low = parse_int(self.query_one("#f-min_nodes", Input).value, "min_nodes", 0, MAX_NODES, errors)
        high = parse_int(self.query_one("#f-max_nodes", Input).value, "max_nodes", 1, MAX_NODES, errors)
        if isinstance(low, int) and isinstance(high, int) and high < low:
            errors["max_nodes"] = f"invalid max_nodes {high}; it must be at least min_nodes {low}"
        body["min_nodes"], body["max_nodes"] = low, high
        body["spot"] = self.query_one("#f-spot", Checkbox).value
        body["idle_timeout_minutes"] = parse_int(
            self.query_one("#f-idle_timeout_minutes", Input).value, "idle_timeout_minutes", 1,
            MAX_IDLE_TIMEOUT_MINUTES, errors,
        )
        labels = parse_pairs(self.query_one("#f-labels", TextArea).text, "labels", errors, env_names=False)
        if labels:
            body["labels"] = labels
        return body, errors

    def prepare(self, body: dict[str, Any]) -> PreparedRequest:
        return self.compute.create_fleet(self.namespace, body)

    def price(self, body: dict[str, Any]) -> Text | None:
        return fleet_price(self.catalog, body.get("gpus"), bool(body.get("spot")),
                           body.get("min_nodes"), body.get("max_nodes"))


class EditFleetForm(RequestForm):
    """Change a fleet's minimum and maximum nodes and its idle timeout."""

    FORM_TITLE = "Change fleet nodes"
    SEND_LABEL = "Save"

    def __init__(self, compute: ComputeAPI, namespace: str, fleet: Fleet, catalog: Catalog | None) -> None:
        super().__init__(compute, namespace)
        self.fleet = fleet
        self.catalog = catalog

    def heading(self) -> str:
        return f"Change nodes of fleet {self.fleet.name!r}"

    def compose_fields(self) -> ComposeResult:
        fleet = self.fleet
        yield FormField("min_nodes", "Minimum nodes", Input(_text(fleet.min_nodes), id="f-min_nodes",
                                                            compact=True), f"0-{MAX_NODES}; these stay booted")
        yield FormField("max_nodes", "Maximum nodes", Input(_text(fleet.max_nodes), id="f-max_nodes",
                                                            compact=True), f"1-{MAX_NODES}")
        yield FormField("idle_timeout_minutes", "Idle timeout (min)", Input(
            _text(fleet.idle_timeout_minutes), id="f-idle_timeout_minutes", compact=True),
            f"1-{MAX_IDLE_TIMEOUT_MINUTES}")

    def build(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        low = parse_int(self.query_one("#f-min_nodes", Input).value, "min_nodes", 0, MAX_NODES, errors)
        high = parse_int(self.query_one("#f-max_nodes", Input).value, "max_nodes", 1, MAX_NODES, errors)
        if isinstance(low, int) and isinstance(high, int) and high < low:
            errors["max_nodes"] = f"invalid max_nodes {high}; it must be at least min_nodes {low}"
        timeout = parse_int(self.query_one("#f-idle_timeout_minutes", Input).value, "idle_timeout_minutes",
                            1, MAX_IDLE_TIMEOUT_MINUTES, errors)
        # Only changed values are sent, so the request shows exactly what changes.
        body: dict[str, Any] = {}
        for name, value in (("min_nodes", low), ("max_nodes", high), ("idle_timeout_minutes", timeout)):
            if value != getattr(self.fleet, name):
                body[name] = value
        if not body and not errors:
            errors["min_nodes"] = "nothing changed; edit the minimum, maximum or idle timeout"
        return body, errors

    def prepare(self, body: dict[str, Any]) -> PreparedRequest:
        return self.compute.update_fleet(self.namespace, self.fleet.name, body)

    def price(self, body: dict[str, Any]) -> Text | None:
        if self.catalog is None:
            return None
        low = body.get("min_nodes", self.fleet.min_nodes)
        high = body.get("max_nodes", self.fleet.max_nodes)
        return fleet_price(self.catalog, self.fleet.gpus, bool(self.fleet.spot), low, high)


def _text(value: int | None) -> str:
    return "" if value is None else str(value)
