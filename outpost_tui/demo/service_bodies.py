"""Validation of service create and scale bodies, including the replica policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .catalog import GPU_COUNTS, GPU_TYPES, REGIONS
from .errors import bad_request, unprocessable
from .machine_bodies import check_gpu_available
from .validation import (
    MISSING,
    check_choice,
    check_name,
    check_range,
    check_repo,
    read_int,
    read_string,
    read_string_map,
    require_object,
)

if TYPE_CHECKING:
    from .state import DemoState

POLICY_FIELDS = (
    "min_replicas", "max_replicas", "target_qps_per_replica", "upscale_delay_seconds",
    "downscale_delay_seconds",
)
POLICY_DEFAULTS = {"min_replicas": 1, "upscale_delay_seconds": 300, "downscale_delay_seconds": 1200}
MAX_REPLICAS = 100
MAX_DELAY_SECONDS = 86400


def check_policy(policy: dict, prefix: str = "") -> None:
    """Raise 422 unless 0 <= min <= max <= 100, max >= 1, target >= 1 and delays are 0-86400."""
    check_range(policy["max_replicas"], 1, MAX_REPLICAS, prefix + "max_replicas")
    check_range(policy["min_replicas"], 0, MAX_REPLICAS, prefix + "min_replicas")
    if policy["min_replicas"] > policy["max_replicas"]:
        raise unprocessable(
            f"invalid min_replicas {policy['min_replicas']}; it must not exceed max_replicas {policy['max_replicas']}",
            prefix + "min_replicas",
        )
    if policy["target_qps_per_replica"] < 1:
        raise unprocessable(
            f"invalid target_qps_per_replica {policy['target_qps_per_replica']}; use 1 or more",
            prefix + "target_qps_per_replica",
        )
    for field in ("upscale_delay_seconds", "downscale_delay_seconds"):
        check_range(policy[field], 0, MAX_DELAY_SECONDS, prefix + field)


def _read_policy_fields(body: dict) -> dict:
    """Return the policy fields present in ``body``, type-checked."""
    values = {}
    for field in POLICY_FIELDS:
        value = read_int(body, field)
        if value is not MISSING:
            values[field] = value
    return values


def parse_policy(value: object) -> dict:
    """Return a complete replica policy from a create body's ``replica_policy`` object."""
    if not isinstance(value, dict):
        raise bad_request("field 'replica_policy' must be an object", "replica_policy")
    values = _read_policy_fields(value)
    for field in ("max_replicas", "target_qps_per_replica"):
        if field not in values:
            raise bad_request(f"missing required field 'replica_policy.{field}'", f"replica_policy.{field}")
    policy = {**POLICY_DEFAULTS, **values}
    check_policy(policy, "replica_policy.")
    return {field: policy[field] for field in POLICY_FIELDS}


def parse_create_body(state: DemoState, body: object) -> dict:
    """Return service fields from a create body, or raise 400/422."""
    body = require_object(body)
    name = read_string(body, "name", required=True)
    image, repo = read_string(body, "image"), read_string(body, "repo")
    gpu = read_string(body, "gpu", required=True)
    gpu_count = read_int(body, "gpu_count")
    region = read_string(body, "region")
    port, probe = read_int(body, "port"), read_string(body, "readiness_probe")
    env, replicas = read_string_map(body, "env"), read_int(body, "replicas")

    check_name(name)
    if image is not MISSING and repo is not MISSING:
        raise unprocessable("send either 'image' or 'repo', not both", "repo")
    if image is MISSING and repo is MISSING:
        raise bad_request("missing field 'image' or 'repo'; a service needs one of them", "image")
    if repo is not MISSING:
        check_repo(repo)
    if image is not MISSING and not image:
        raise unprocessable("invalid image ''; give an image reference such as lab/reranker:1.2", "image")
    check_choice(gpu, GPU_TYPES, "gpu")
    gpu_count = 1 if gpu_count is MISSING else gpu_count
    if gpu != "none":
        check_choice(gpu_count, GPU_COUNTS, "gpu_count")
    region = "us-east-1" if region is MISSING else region
    check_choice(region, REGIONS, "region")
    port = 8000 if port is MISSING else port
    check_range(port, 1, 65535, "port")
    probe = "/" if probe is MISSING else probe
    if not probe.startswith("/"):
        raise unprocessable(f"invalid readiness_probe {probe!r}; give an HTTP path starting with '/'", "readiness_probe")
    fields = {
        "name": name, "image": None if image is MISSING else image, "repo": None if repo is MISSING else repo,
        "gpu": gpu, "gpu_count": 0 if gpu == "none" else gpu_count, "region": region, "port": port,
        "readiness_probe": probe, "_env": {} if env is MISSING else env,
    }
    fields.update(_parse_replicas(body, replicas))
    check_gpu_available(state, gpu, region)
    return fields


def _parse_replicas(body: dict, replicas: object) -> dict:
    if replicas is not MISSING and "replica_policy" in body:
        raise unprocessable("send either 'replicas' or 'replica_policy', not both", "replicas")
    if "replica_policy" in body:
        policy = parse_policy(body["replica_policy"])
        return {"replica_policy": policy, "replicas": None, "min_replicas": policy["min_replicas"],
                "max_replicas": policy["max_replicas"]}
    count = 1 if replicas is MISSING else replicas
    check_range(count, 1, MAX_REPLICAS, "replicas")
    return {"replica_policy": None, "replicas": count, "min_replicas": count, "max_replicas": count}


def parse_scale_body(record: dict, body: object) -> dict:
    """Return the new replica settings from a scale body: a fixed count or merged policy fields."""
    body = require_object(body)
    replicas = read_int(body, "replicas")
    values = _read_policy_fields(body)
    if replicas is not MISSING and values:
        raise unprocessable("send either 'replicas' or replica policy fields, not both", "replicas")
    if replicas is not MISSING:
        check_range(replicas, 1, MAX_REPLICAS, "replicas")
        return {"replica_policy": None, "replicas": replicas, "min_replicas": replicas, "max_replicas": replicas}
    if not values:
        raise bad_request("send 'replicas' or at least one replica policy field, such as max_replicas", "replicas")
    current = record.get("replica_policy")
    if not isinstance(current, dict):
        for field in ("max_replicas", "target_qps_per_replica"):
            if field not in values:
                raise unprocessable(
                    f"missing {field}; moving from a fixed count to a replica policy needs max_replicas "
                    "and target_qps_per_replica",
                    field,
                )
        current = POLICY_DEFAULTS
    policy = {**current, **values}
    check_policy(policy)
    policy = {field: policy[field] for field in POLICY_FIELDS}
    return {"replica_policy": policy, "replicas": None, "min_replicas": policy["min_replicas"],
            "max_replicas": policy["max_replicas"]}
