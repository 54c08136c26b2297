"""The machine create form (catalog shape) and the auto-stop form."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select, SelectionList, TextArea

from ...api.compute import ComputeAPI, PreparedRequest
from ...models import Catalog, Machine, SshKey
from ...sanitize import clean_text
from ...widgets.presentation import format_money
from .form import (
    FormField,
    RequestForm,
    check_name,
    check_repo,
    parse_int,
    parse_pairs,
    select_value,
)

GPU_COUNTS = (1, 2, 4, 8)
CPU_VALUES = (2, 4, 8, 16, 32, 64, 96)
MEMORY_VALUES = (8, 16, 32, 64, 128, 256, 512)
DEFAULT_IMAGE = "outpost/base:latest"
DEFAULT_REGION = "us-east-1"
MAX_AUTO_STOP_MINUTES = 10080
HOURS_PER_DAY = 24


def gpu_options(catalog: Catalog) -> list[tuple[Text, str]]:
    """Select options for the catalog's GPUs, each with its memory and price."""
    options = []
    for offer in catalog.gpus:
        gpu = clean_text(offer.gpu)
        if offer.gpu == "none":
            label = f"none (CPU only) · {format_money(offer.price_per_hour)}/h"
        else:
            label = f"{gpu} · {offer.memory_gb or '?'} GB · {format_money(offer.price_per_hour)}/GPU-h"
        options.append((Text(label), offer.gpu))
    return options


def region_options(catalog: Catalog) -> list[tuple[Text, str]]:
    return [
        (Text(f"{clean_text(region.name)} · {clean_text(region.location)}"), region.name)
        for region in catalog.regions
    ]


def check_availability(catalog: Catalog, gpu: str | None, region: str | None, errors: dict[str, str]) -> None:
    """Record an error on ``gpu`` when the catalog marks it unavailable in ``region``."""
    offer = catalog.offer(gpu) if gpu else None
    if offer is not None and region and offer.available_in(region) is False:
        errors.setdefault("gpu", f"{gpu} is not available in {region}; pick another GPU or region")


class CreateMachineForm(RequestForm):
    """Create a GPU machine from the catalog's values, with its hourly price."""

    FORM_TITLE = "New machine"
    SEND_LABEL = "Create"

    def __init__(self, compute: ComputeAPI, namespace: str, catalog: Catalog, ssh_keys: list[SshKey]) -> None:
        super().__init__(compute, namespace)
        self.catalog = catalog
        self.ssh_keys = ssh_keys

    def compose_fields(self) -> ComposeResult:
        yield FormField("name", "Name", Input(id="f-name", placeholder="vision-dev", compact=True),
                        "1-64 letters, digits, '-' or '_'; unique in the namespace")
        yield FormField("gpu", "GPU", Select(gpu_options(self.catalog), id="f-gpu", prompt="Pick a GPU",
                                             compact=True))
        yield FormField("gpu_count", "GPU count", Select(
            [(str(count), count) for count in GPU_COUNTS], id="f-gpu_count", value=1, allow_blank=False,
            compact=True))
        yield FormField("cpu", "vCPUs", Select(
            [(str(cpu), cpu) for cpu in CPU_VALUES], id="f-cpu", value=8, allow_blank=False, compact=True))
        yield FormField("memory_gb", "Memory (GB)", Select(
            [(str(memory), memory) for memory in MEMORY_VALUES], id="f-memory_gb", value=32,
            allow_blank=False, compact=True), "between 2× and 16× the vCPUs")

        yield FormField("disk_gb", "Disk (GB)", Input("100", id="f-disk_gb", compact=True), "10-2000")
        yield FormField("region", "Region", Select(
            region_options(self.catalog), id="f-region", value=self._default_region(), allow_blank=False,
            compact=True))
        yield FormField("image", "Image", Input(DEFAULT_IMAGE, id="f-image", compact=True))
        yield FormField("repo", "Repository", Input(id="f-repo", placeholder="namespace/repo (optional)",
                                                    compact=True))
        yield FormField("auto_stop_minutes", "Auto-stop (min)", Input("60", id="f-auto_stop_minutes",
                                                                     compact=True),
                        "idle minutes before stopping; 0 = never")
        yield FormField("env", "Environment", TextArea(id="f-env", compact=True), "one KEY=VALUE per line")

        keys = [(Text(f"{clean_text(key.name)} · {clean_text(key.fingerprint)}"), key.id, True)
                for key in self.ssh_keys]
        yield FormField("ssh_keys", "SSH keys", SelectionList(*keys, id="f-ssh_keys", compact=True),
                        "space toggles a key" if keys else "no SSH keys on the account")

    def _default_region(self) -> str:
        names = [region.name for region in self.catalog.regions]
        return DEFAULT_REGION if DEFAULT_REGION in names or not names else names[0]

    def field_changed(self) -> None:
        gpu = select_value(self.query_one("#f-gpu", Select))
        self.query_one("#f-gpu_count", Select).disabled = gpu == "none"

    def build(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        body: dict[str, Any] = {}
        body["name"] = check_name(self.query_one("#f-name", Input).value.strip(), errors)
        gpu = select_value(self.query_one("#f-gpu", Select))
        if gpu is None:
            errors["gpu"] = "gpu is missing; pick a GPU type, or none for a CPU-only machine"
        else:
            body["gpu"] = gpu
        if gpu != "none":
            body["gpu_count"] = select_value(self.query_one("#f-gpu_count", Select))
        cpu = select_value(self.query_one("#f-cpu", Select))
        memory = select_value(self.query_one("#f-memory_gb", Select))
        body["cpu"], body["memory_gb"] = cpu, memory
        if not 2 * cpu <= memory <= 16 * cpu:
            errors["memory_gb"] = (
                f"invalid combination: {memory} GB with {cpu} vCPUs; "
                f"use between {2 * cpu} and {16 * cpu} GB"
            )
        body["disk_gb"] = parse_int(self.query_one("#f-disk_gb", Input).value, "disk_gb", 10, 2000, errors)

        region = select_value(self.query_one("#f-region", Select))
        body["region"] = region
        check_availability(self.catalog, gpu, region, errors)
        image = self.query_one("#f-image", Input).value.strip()
        if not image:
            errors["image"] = f"image is missing; use an image reference such as {DEFAULT_IMAGE}"
        body["image"] = image

        repo = check_repo(self.query_one("#f-repo", Input).value.strip(), errors)
        if repo:
            body["repo"] = repo
        body["auto_stop_minutes"] = parse_int(
            self.query_one("#f-auto_stop_minutes", Input).value, "auto_stop_minutes", 0,
            MAX_AUTO_STOP_MINUTES, errors,
        )
        env = parse_pairs(self.query_one("#f-env", TextArea).text, "env", errors, env_names=True)
        if env:
            body["env"] = env
        if self.ssh_keys:
            body["ssh_keys"] = list(self.query_one("#f-ssh_keys", SelectionList).selected)
        return body, errors

    def prepare(self, body: dict[str, Any]) -> PreparedRequest:
        return self.compute.create_machine(self.namespace, body)

    def price(self, body: dict[str, Any]) -> Text | None:
        gpu = body.get("gpu")
        offer = self.catalog.offer(gpu) if gpu else None
        if offer is None:
            return Text("Pick a GPU to see the price.", style="dim")
        count = body.get("gpu_count") or 1
        hourly = offer.hourly_cost(count if gpu != "none" else 1)
        if hourly is None:
            return Text("The catalog has no price for this GPU.", style="dim")
        if gpu == "none":
            detail = "CPU-only machine"
        else:
            detail = f"{count} × {clean_text(gpu)} at {format_money(offer.price_per_hour)} per GPU hour"
        return Text.assemble(
            (f"{format_money(hourly)}/hour", "bold green"), f" while running\n{detail}\n",
            (f"{format_money(hourly * HOURS_PER_DAY)} per day if it never stops", "dim"),
        )


class AutoStopForm(RequestForm):
    """Change the idle minutes after which a machine stops itself."""

    FORM_TITLE = "Change auto-stop"
    SEND_LABEL = "Save"

    def __init__(self, compute: ComputeAPI, namespace: str, machine: Machine) -> None:
        super().__init__(compute, namespace)
        self.machine = machine

    def heading(self) -> str:
        return f"Change auto-stop of machine {self.machine.name!r}"

    def compose_fields(self) -> ComposeResult:
        current = self.machine.auto_stop_minutes
        yield FormField(
            "auto_stop_minutes", "Auto-stop (min)",
            Input("" if current is None else str(current), id="f-auto_stop_minutes", compact=True),
            f"idle minutes before stopping, 0-{MAX_AUTO_STOP_MINUTES}; 0 = never",
        )

    def build(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        minutes = parse_int(self.query_one("#f-auto_stop_minutes", Input).value, "auto_stop_minutes", 0,
                            MAX_AUTO_STOP_MINUTES, errors)
        return {"auto_stop_minutes": minutes}, errors

    def prepare(self, body: dict[str, Any]) -> PreparedRequest:
        return self.compute.update_machine(self.namespace, self.machine.name, body)

    def price(self, body: dict[str, Any]) -> Text | None:
        cost = self.machine.cost_per_hour
        if cost is None:
            return None
        minutes = body.get("auto_stop_minutes")
        idle_cost = cost * minutes / 60 if isinstance(minutes, int) and minutes > 0 else None
        note = ("never stops by itself" if minutes == 0 else
                f"an idle run costs up to {format_money(idle_cost)} before it stops" if idle_cost is not None else "")
        return Text.assemble((f"{format_money(cost)}/hour", "bold green"), f" while running\n{note}")
