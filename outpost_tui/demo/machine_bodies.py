"""Validation of machine create and update bodies, in the catalog and the cloud shape."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .catalog import (
    CLOUDS,
    CPU_VALUES,
    DISK_TIERS,
    GPU_COUNTS,
    GPU_FAMILIES,
    GPU_TYPES,
    MEMORY_VALUES,
    REGIONS,
)
from .errors import unprocessable, wrong_status
from .validation import (
    MISSING,
    check_choice,
    check_name,
    check_range,
    check_repo,
    read_bool,
    read_int,
    read_int_list,
    read_string,
    read_string_list,
    read_string_map,
    reject_fields,
    require_object,
)

if TYPE_CHECKING:
    from .state import DemoState

DEFAULT_IMAGE = "outpost/base:latest"
DEFAULT_REGION = "us-east-1"
MAX_AUTO_STOP_MINUTES = 10080
SIZE_PATTERN = re.compile(r"([0-9]{1,4})(\+?)")
GPUS_PATTERN = re.compile(r"([A-Za-z0-9-]+):([0-9]{1,2})")

CLOUD_ONLY_FIELDS = (
    "cloud", "zone", "instance_type", "spot", "cpus", "memory", "disk_size_gb", "disk_tier", "gpus",
    "image_id", "tools", "packages", "setup", "ports", "labels",
)
STOPPED_ONLY_FIELDS = ("gpu", "gpu_count", "cpu", "memory_gb", "image", "env", "disk_gb")


def _or(value: object, default: object) -> object:
    return default if value is MISSING else value


def check_memory_fits_cpu(cpu: int, memory_gb: int) -> None:
    """Raise 422 unless memory lies between 2 and 16 GB per vCPU."""
    if not 2 * cpu <= memory_gb <= 16 * cpu:
        raise unprocessable(
            f"invalid combination: memory_gb {memory_gb} with cpu {cpu}; "
            f"use between {2 * cpu} and {16 * cpu} GB for {cpu} vCPUs",
            "memory_gb",
        )


def check_gpu_available(state: DemoState, gpu: str, region: str) -> None:
    """Raise 422 when the catalog marks ``gpu`` unavailable in ``region``."""
    if (gpu, region) in state.unavailable_gpus:
        raise unprocessable(f"gpu {gpu!r} is not available in region {region!r}; pick another region or GPU", "gpu")


def parse_gpus(value: str, field: str = "gpus") -> tuple[str, int]:
    """Map a ``TYPE:COUNT`` value to a catalog GPU and count, else raise 422."""
    match = GPUS_PATTERN.fullmatch(value)
    gpu = None
    if match:
        kind = match.group(1)
        gpu = GPU_FAMILIES.get(kind) or (kind if kind in GPU_TYPES and kind != "none" else None)
    if match is None or gpu is None or int(match.group(2)) not in GPU_COUNTS:
        families = ", ".join(list(GPU_FAMILIES) + [name for name in GPU_TYPES if name != "none"])
        raise unprocessable(
            f"invalid {field} {value!r}; use TYPE:COUNT with TYPE one of {families} and COUNT 1, 2, 4 or 8",
            field,
        )
    return gpu, int(match.group(2))


def parse_size(value: str, allowed: tuple[int, ...], field: str) -> int:
    """Map an exact ``"8"`` or minimum ``"8+"`` size onto an allowed value, else raise 422."""
    match = SIZE_PATTERN.fullmatch(value)
    listed = ", ".join(str(option) for option in allowed)
    if match is None:
        raise unprocessable(f"invalid {field} {value!r}; use a number such as \"8\" or a minimum such as \"8+\"", field)
    wanted = int(match.group(1))
    if match.group(2):
        fitting = [option for option in allowed if option >= wanted]
        if not fitting:
            raise unprocessable(f"invalid {field} {value!r}; no size of at least {wanted} exists (sizes: {listed})", field)
        return fitting[0]
    if wanted not in allowed:
        raise unprocessable(f"invalid {field} {value!r}; use one of: {listed}", field)
    return wanted


def _ssh_key_ids(state: DemoState, username: str, body: dict) -> list[str]:
    keys = read_string_list(body, "ssh_keys")
    known = list(state.ssh_keys.get(username, {}))
    if keys is MISSING:
        return known
    for key_id in keys:
        if key_id not in known:
            raise unprocessable(f"unknown SSH key id {key_id!r}; list your keys at /auth/v1/ssh_keys", "ssh_keys")
    return keys


def parse_catalog_body(state: DemoState, username: str, body: dict) -> dict:
    """Return machine fields from a catalog-shape create body, or raise 400/422."""
    name = read_string(body, "name", required=True)
    gpu = read_string(body, "gpu", required=True)
    gpu_count = read_int(body, "gpu_count")
    cpu, memory_gb = _or(read_int(body, "cpu"), 8), _or(read_int(body, "memory_gb"), 32)
    disk_gb = _or(read_int(body, "disk_gb"), 100)
    image = _or(read_string(body, "image"), DEFAULT_IMAGE)
    region = _or(read_string(body, "region"), DEFAULT_REGION)
    repo, env = read_string(body, "repo"), _or(read_string_map(body, "env"), {})
    auto_stop = _or(read_int(body, "auto_stop_minutes"), 60)

    check_name(name)
    check_choice(gpu, GPU_TYPES, "gpu")
    if gpu != "none":
        gpu_count = _or(gpu_count, 1)
        check_choice(gpu_count, GPU_COUNTS, "gpu_count")
    check_choice(cpu, CPU_VALUES, "cpu")
    check_choice(memory_gb, MEMORY_VALUES, "memory_gb")
    check_memory_fits_cpu(cpu, memory_gb)
    check_range(disk_gb, 10, 2000, "disk_gb")
    if not image:
        raise unprocessable("invalid image ''; give an image reference such as outpost/base:latest", "image")
    check_choice(region, REGIONS, "region")
    if repo is not MISSING:
        check_repo(repo)
    check_range(auto_stop, 0, MAX_AUTO_STOP_MINUTES, "auto_stop_minutes")
    ssh_keys = _ssh_key_ids(state, username, body)
    check_gpu_available(state, gpu, region)
    return {
        "name": name, "gpu": gpu, "gpu_count": 0 if gpu == "none" else gpu_count, "cpu": cpu,
        "memory_gb": memory_gb, "disk_gb": disk_gb, "image": image, "region": region,
        "auto_stop_minutes": auto_stop, "_env": env, "_repo": None if repo is MISSING else repo,
        "_ssh_keys": ssh_keys,
    }


def parse_cloud_body(state: DemoState, username: str, body: dict) -> dict:
    """Return machine fields from a cloud-shape create body (one with ``cloud``), or raise 400/422."""
    name = read_string(body, "name", required=True)
    cloud = read_string(body, "cloud", required=True)
    region = read_string(body, "region", required=True)
    zone, instance_type = read_string(body, "zone"), read_string(body, "instance_type")
    spot = _or(read_bool(body, "spot"), False)
    cpus, memory = read_string(body, "cpus"), read_string(body, "memory")
    disk_gb = _or(read_int(body, "disk_size_gb"), 100)
    disk_tier = _or(read_string(body, "disk_tier"), "standard")
    gpus = read_string(body, "gpus")
    image = _or(read_string(body, "image_id"), DEFAULT_IMAGE)
    tools, packages = _or(read_string_list(body, "tools"), []), _or(read_string_list(body, "packages"), [])
    setup = _or(read_string(body, "setup"), None)
    ports, labels = _or(read_int_list(body, "ports"), []), _or(read_string_map(body, "labels"), {})
    auto_stop = _or(read_int(body, "auto_stop_minutes"), 60)

    check_name(name)
    check_choice(cloud, CLOUDS, "cloud")
    if not region:
        raise unprocessable("invalid region ''; give the provider's region name, such as westus2", "region")
    gpu, gpu_count = parse_gpus(gpus) if gpus is not MISSING else ("none", 0)
    cpu = parse_size(cpus, CPU_VALUES, "cpus") if cpus is not MISSING else 8
    memory_gb = parse_size(memory, MEMORY_VALUES, "memory") if memory is not MISSING else 32
    check_range(disk_gb, 10, 2000, "disk_size_gb")
    check_choice(disk_tier, DISK_TIERS, "disk_tier")
    for port in ports:
        check_range(port, 1, 65535, "ports")
    check_range(auto_stop, 0, MAX_AUTO_STOP_MINUTES, "auto_stop_minutes")
    return {
        "name": name, "gpu": gpu, "gpu_count": gpu_count, "cpu": cpu, "memory_gb": memory_gb,
        "disk_gb": disk_gb, "image": image, "region": region, "auto_stop_minutes": auto_stop,
        "cloud": cloud, "zone": _or(zone, None), "instance_type": _or(instance_type, None), "spot": spot,
        "disk_tier": disk_tier, "ports": ports, "labels": labels,
        "_tools": tools, "_packages": packages, "_setup": setup, "_env": {}, "_repo": None,
        "_ssh_keys": list(state.ssh_keys.get(username, {})),
    }


def parse_create_body(state: DemoState, username: str, body: object) -> dict:
    """Return machine fields from either create shape; a body with ``cloud`` is the cloud shape."""
    body = require_object(body)
    if "cloud" in body:
        return parse_cloud_body(state, username, body)
    return parse_catalog_body(state, username, body)


def parse_update_body(state: DemoState, record: dict, body: object) -> dict:
    """Return the changed machine fields of a PATCH body, or raise 400/409/422."""
    body = require_object(body)
    reject_fields(body, ("name", "region") + CLOUD_ONLY_FIELDS, "cannot change; create a new machine instead")
    if record["status"] == "deleting":
        raise _status_conflict(record, "update")
    changes: dict = {}
    auto_stop = read_int(body, "auto_stop_minutes")
    if auto_stop is not MISSING:
        check_range(auto_stop, 0, MAX_AUTO_STOP_MINUTES, "auto_stop_minutes")
        changes["auto_stop_minutes"] = auto_stop
    sized = _parse_size_changes(state, record, body)
    if sized and record["status"] != "stopped":
        fields = ", ".join(sized)
        raise _status_conflict(record, f"change {fields}; stop it first")
    return {**changes, **sized}


def _parse_size_changes(state: DemoState, record: dict, body: dict) -> dict:
    gpu, gpu_count = read_string(body, "gpu"), read_int(body, "gpu_count")
    cpu, memory_gb, disk_gb = read_int(body, "cpu"), read_int(body, "memory_gb"), read_int(body, "disk_gb")
    image, env = read_string(body, "image"), read_string_map(body, "env")
    changes: dict = {}

    if gpu is not MISSING:
        check_choice(gpu, GPU_TYPES, "gpu")
        if record.get("region") in REGIONS:
            check_gpu_available(state, gpu, record["region"])
        changes["gpu"] = gpu
    new_gpu = changes.get("gpu", record.get("gpu"))
    if gpu_count is not MISSING and new_gpu != "none":
        check_choice(gpu_count, GPU_COUNTS, "gpu_count")
        changes["gpu_count"] = gpu_count
    if new_gpu == "none":
        if gpu is not MISSING or gpu_count is not MISSING:
            changes["gpu_count"] = 0
    elif gpu is not MISSING and gpu_count is MISSING and not record.get("gpu_count"):
        changes["gpu_count"] = 1

    for field, value, allowed in (("cpu", cpu, CPU_VALUES), ("memory_gb", memory_gb, MEMORY_VALUES)):
        if value is not MISSING:
            check_choice(value, allowed, field)
            changes[field] = value
    if cpu is not MISSING or memory_gb is not MISSING:
        check_memory_fits_cpu(changes.get("cpu", record["cpu"]), changes.get("memory_gb", record["memory_gb"]))

    if disk_gb is not MISSING:
        check_range(disk_gb, 10, 2000, "disk_gb")
        if isinstance(record.get("disk_gb"), int) and disk_gb < record["disk_gb"]:
            raise unprocessable(f"invalid disk_gb {disk_gb}; a disk can only grow from {record['disk_gb']} GB", "disk_gb")
        changes["disk_gb"] = disk_gb
    if image is not MISSING:
        if not image:
            raise unprocessable("invalid image ''; give an image reference such as outpost/base:latest", "image")
        changes["image"] = image
    if env is not MISSING:
        changes["_env"] = env
    return changes


def _status_conflict(record: dict, action: str) -> Exception:
    return wrong_status(f"machine {record['name']!r} is {record['status']}; cannot {action}")
