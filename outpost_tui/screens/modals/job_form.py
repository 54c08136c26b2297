"""The job submit form: a command on catalog GPUs or on a warm fleet, with its price."""

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
from .form import FormField, RequestForm, check_name, check_repo, parse_int, parse_pairs, select_value
from .machine_form import DEFAULT_IMAGE, GPU_COUNTS, check_availability, gpu_options, region_options

MAX_COMMAND_LENGTH = 10000
MAX_NODES = 64
MAX_TIMEOUT_MINUTES = 10080
DEFAULT_TIMEOUT_MINUTES = 1440
NO_FLEET = ""
# Fields the job takes from its fleet; the form disables them while a fleet is picked.
FLEET_FIELDS = ("gpu", "gpu_count", "region", "spot")


class SubmitJobForm(RequestForm):
    """Submit a job, optionally to a fleet, which then sets its GPU, region and spot."""

    FORM_TITLE = "Submit a job"
    SEND_LABEL = "Submit"

    def __init__(self, compute: ComputeAPI, namespace: str, catalog: Catalog, fleets: list[Fleet]) -> None:
        super().__init__(compute, namespace)
        self.catalog = catalog
        self.fleets = {fleet.name: fleet for fleet in fleets}

    def compose_fields(self) -> ComposeResult:
        yield FormField("name", "Name", Input(id="f-name", placeholder="eval-sweep-07", compact=True),
                        "1-64 letters, digits, '-' or '_'; unique in the namespace")
        yield FormField("command", "Command", Input(id="f-command", placeholder="python eval.py --shard 7",
                                                     compact=True), "run with /bin/sh -c")
        yield FormField("source", "Run from", Select(
            [("an image", "image"), ("a repository", "repo")], id="f-source", value="image",
            allow_blank=False, compact=True))
        yield FormField("image", "Image", Input(id="f-image", placeholder=f"{DEFAULT_IMAGE} (default)",
                                                compact=True))
        yield FormField("repo", "Repository", Input(id="f-repo", placeholder="namespace/repo", compact=True))
        fleet_options = [(Text("none: catalog GPUs"), NO_FLEET)] + [
            (Text(f"{clean_text(name)} · {clean_text(fleet.gpus or 'CPU only')} · {clean_text(fleet.region)}"), name)
            for name, fleet in self.fleets.items()
        ]
        yield FormField("fleet", "Fleet", Select(fleet_options, id="f-fleet", value=NO_FLEET,
                                                 allow_blank=False, compact=True),
                        "a fleet sets the GPU, region and spot")
        yield FormField("gpu", "GPU", Select(gpu_options(self.catalog), id="f-gpu", prompt="Pick a GPU",
                                             compact=True))
        yield FormField("gpu_count", "GPUs per node", Select(
            [(str(count), count) for count in GPU_COUNTS], id="f-gpu_count", value=1, allow_blank=False,
            compact=True))
        yield FormField("region", "Region", Select(region_options(self.catalog), id="f-region",
                                                   value=self._default_region(), allow_blank=False,
                                                   compact=True))
        yield FormField("spot", "Spot", Checkbox("use spot capacity (cheaper, may be interrupted)",
                                                 id="f-spot"))
        yield FormField("nodes", "Nodes", Input("1", id="f-nodes", compact=True), f"1-{MAX_NODES}")
        yield FormField("timeout_minutes", "Timeout (min)", Input(str(DEFAULT_TIMEOUT_MINUTES),
                                                                  id="f-timeout_minutes", compact=True),
                        f"1-{MAX_TIMEOUT_MINUTES}; a longer run ends as timed_out")
        yield FormField("env", "Environment", TextArea(id="f-env", compact=True), "one KEY=VALUE per line")

    def _default_region(self) -> str:
        names = [region.name for region in self.catalog.regions]
        return "us-east-1" if "us-east-1" in names or not names else names[0]

    def _fleet(self) -> Fleet | None:
        return self.fleets.get(select_value(self.query_one("#f-fleet", Select)) or NO_FLEET)

    def field_changed(self) -> None:
        on_fleet = self._fleet() is not None
        for name in FLEET_FIELDS:
            self.query_one(f"#f-{name}").disabled = on_fleet
        gpu = select_value(self.query_one("#f-gpu", Select))
        if not on_fleet:
            self.query_one("#f-gpu_count", Select).disabled = gpu == "none"
        from_repo = select_value(self.query_one("#f-source", Select)) == "repo"
        self.query_one("#f-image", Input).disabled = from_repo
        self.query_one("#f-repo", Input).disabled = not from_repo

    def build(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        body: dict[str, Any] = {"name": check_name(self.query_one("#f-name", Input).value.strip(), errors)}
        command = self.query_one("#f-command", Input).value
        if not command.strip():
            errors["command"] = "command is missing; enter the shell command line to run"
        elif len(command) > MAX_COMMAND_LENGTH:
            errors["command"] = f"command of {len(command)} characters is too long; use at most {MAX_COMMAND_LENGTH}"
        body["command"] = command
        if select_value(self.query_one("#f-source", Select)) == "repo":
            repo = self.query_one("#f-repo", Input).value.strip()
            if not repo:
                errors["repo"] = "repo is missing; use the form namespace/name"
            body["repo"] = check_repo(repo, errors)
        else:
            image = self.query_one("#f-image", Input).value.strip()
            if image:
                body["image"] = image
        fleet = self._fleet()
        if fleet is not None:
            body["fleet"] = fleet.name
        else:
            self._build_placement(body, errors)
        body["nodes"] = parse_int(self.query_one("#f-nodes", Input).value, "nodes", 1, MAX_NODES, errors)
        body["timeout_minutes"] = parse_int(self.query_one("#f-timeout_minutes", Input).value,
                                            "timeout_minutes", 1, MAX_TIMEOUT_MINUTES, errors)
        env = parse_pairs(self.query_one("#f-env", TextArea).text, "env", errors, env_names=True)
        if env:
            body["env"] = env
        return body, errors

    def _build_placement(self, body: dict[str, Any], errors: dict[str, str]) -> None:
        gpu = select_value(self.query_one("#f-gpu", Select))
        if gpu is None:
            errors["gpu"] = "gpu is missing; pick a GPU type or a fleet"
        else:
            body["gpu"] = gpu
        if gpu != "none":
            body["gpu_count"] = select_value(self.query_one("#f-gpu_count", Select))
        region = select_value(self.query_one("#f-region", Select))
        body["region"] = region
        body["spot"] = self.query_one("#f-spot", Checkbox).value
        check_availability(self.catalog, gpu, region, errors)

    def prepare(self, body: dict[str, Any]) -> PreparedRequest:
        return self.compute.submit_job(self.namespace, body)

    def price(self, body: dict[str, Any]) -> Text | None:
        fleet = self.fleets.get(body.get("fleet") or NO_FLEET)
        if fleet is not None:
            gpu, count = parse_gpus(fleet.gpus)
            spot = bool(fleet.spot)
            source = f"from fleet {clean_text(fleet.name)}"
        else:
            gpu, count, spot = body.get("gpu"), body.get("gpu_count") or 1, bool(body.get("spot"))
            source = "on demand" if not spot else "spot"
        offer = self.catalog.offer(gpu) if gpu else None
        nodes = body.get("nodes") if isinstance(body.get("nodes"), int) else 1
        if offer is None:
            return Text("Pick a GPU or a fleet to see the price.", style="dim")
        hourly = offer.hourly_cost(count, spot=spot, nodes=nodes)
        if hourly is None:
            return Text("The catalog has no price for this GPU.", style="dim")
        unit = offer.unit_price(spot=spot)
        detail = (f"{nodes} node(s) × {max(count, 1)} × {clean_text(offer.gpu)} at {format_money(unit)}"
                  f" ({source})")
        timeout = body.get("timeout_minutes")
        lines = [(f"{format_money(hourly)}/hour", "bold green"), f" while running\n{detail}"]
        if isinstance(timeout, int):
            lines.append((f"\nat most {format_money(hourly * timeout / 60)} if it runs until the timeout", "dim"))
        return Text.assemble(*lines)
