"""The service scale form: a fixed replica count, or autoscaling bounds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select

from ...api.compute import ComputeAPI, PreparedRequest
from ...models import Service
from ...widgets.presentation import format_money
from .form import FormField, RequestForm, parse_int, select_value

MAX_REPLICAS = 100
FIXED, AUTOSCALE = "fixed", "autoscale"


class ScaleServiceForm(RequestForm):
    """Set a service's replicas: a fixed count, or minimum and maximum for autoscaling.

    Moving from a fixed count to autoscaling needs a target of queries per second per
    replica, which the server requires in that case.
    """

    FORM_TITLE = "Scale service"
    SEND_LABEL = "Scale"

    def __init__(self, compute: ComputeAPI, namespace: str, service: Service) -> None:
        super().__init__(compute, namespace)
        self.service = service
        self.policy = service.replica_policy

    def heading(self) -> str:
        return f"Scale service {self.service.name!r}"

    def compose_fields(self) -> ComposeResult:
        service = self.service
        mode = FIXED if self.policy is None and service.replicas is not None else AUTOSCALE
        yield FormField("mode", "Scaling", Select(
            [("fixed count", FIXED), ("autoscale between min and max", AUTOSCALE)], id="f-mode",
            value=mode, allow_blank=False, compact=True))
        fixed = service.replicas if service.replicas is not None else service.min_replicas
        yield FormField("replicas", "Replicas", Input(_text(fixed or 1), id="f-replicas", compact=True),
                        f"1-{MAX_REPLICAS}")
        yield FormField("min_replicas", "Minimum", Input(_text(service.min_replicas), id="f-min_replicas",
                                                         compact=True), "0 scales to zero when idle")
        yield FormField("max_replicas", "Maximum", Input(_text(service.max_replicas), id="f-max_replicas",
                                                         compact=True), f"1-{MAX_REPLICAS}")
        target = self.policy.target_qps_per_replica if self.policy else None
        yield FormField("target_qps_per_replica", "Target QPS", Input(
            _text(target), id="f-target_qps_per_replica", compact=True),
            "queries per second per replica; required when leaving a fixed count")
        yield FormField("current", "Now", Input(self._current_text(), id="f-current", disabled=True,
                                                compact=True))

    def _current_text(self) -> str:
        service = self.service
        return (f"{service.ready_replicas if service.ready_replicas is not None else '-'} ready, "
                f"{service.current_replicas if service.current_replicas is not None else '-'} current, "
                f"min {service.min_replicas}, max {service.max_replicas}")

    def field_changed(self) -> None:
        fixed = select_value(self.query_one("#f-mode", Select)) == FIXED
        self.query_one("#f-replicas", Input).disabled = not fixed
        for name in ("min_replicas", "max_replicas", "target_qps_per_replica"):
            self.query_one(f"#f-{name}", Input).disabled = fixed

    def build(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        if select_value(self.query_one("#f-mode", Select)) == FIXED:
            replicas = parse_int(self.query_one("#f-replicas", Input).value, "replicas", 1, MAX_REPLICAS, errors)
            return {"replicas": replicas}, errors
        body: dict[str, Any] = {}
        low = parse_int(self.query_one("#f-min_replicas", Input).value, "min_replicas", 0, MAX_REPLICAS, errors)
        high = parse_int(self.query_one("#f-max_replicas", Input).value, "max_replicas", 1, MAX_REPLICAS, errors)
        body["min_replicas"], body["max_replicas"] = low, high
        if isinstance(low, int) and isinstance(high, int) and low > high:
            errors["min_replicas"] = f"invalid min_replicas {low}; it must not exceed max_replicas {high}"
        target = parse_int(self.query_one("#f-target_qps_per_replica", Input).value, "target_qps_per_replica",
                           1, 1_000_000, errors, required=self.policy is None)
        if target is not None:
            body["target_qps_per_replica"] = target
        return body, errors

    def prepare(self, body: dict[str, Any]) -> PreparedRequest:
        return self.compute.scale_service(self.namespace, self.service.name, body)

    def price(self, body: dict[str, Any]) -> Text | None:
        unit = self.service.cost_per_hour_per_replica
        if unit is None:
            return None
        if "replicas" in body:
            low = high = body["replicas"]
        else:
            low, high = body.get("min_replicas"), body.get("max_replicas")
        if not isinstance(low, int) or not isinstance(high, int):
            return Text(f"{format_money(unit)} per replica hour", style="dim")
        span = _money_span(unit * low, unit * high)
        return Text.assemble((f"{span}/hour", "bold green"),
                             f"\n{low}-{high} replica(s) at {format_money(unit)} per replica hour")


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def _money_span(low: Decimal, high: Decimal) -> str:
    return format_money(low) if low == high else f"{format_money(low)}-{format_money(high)}"
