"""Handlers for job writes: submit, cancel and delete."""

from __future__ import annotations

from . import jobs
from .catalog import GPU_COUNTS, GPU_TYPES, REGIONS, hourly_cost
from .errors import already_exists, unprocessable, wrong_status
from .handlers_machines import check_quota
from .handlers_reads import lookup_job
from .http import Reply, RequestContext
from .machine_bodies import check_gpu_available, parse_gpus
from .validation import (
    MISSING,
    check_choice,
    check_name,
    check_range,
    check_repo,
    read_bool,
    read_int,
    read_string,
    read_string_map,
    require_object,
)

MAX_COMMAND_LENGTH = 10000
MAX_NODES = 64
MAX_TIMEOUT_MINUTES = 10080


def _placement(context: RequestContext, body: dict) -> dict:
    """Return gpu, gpu_count, region and spot, from the named fleet or from the body."""
    fleet_name = read_string(body, "fleet")
    if fleet_name is not MISSING:
        fleet = context.state.get_fleet(context.params["namespace"], fleet_name)
        if fleet is None:
            raise unprocessable(f"fleet {fleet_name!r} not found in namespace {context.params['namespace']!r}", "fleet")
        gpu, gpu_count = parse_gpus(fleet["gpus"]) if fleet.get("gpus") else ("none", 0)
        return {"fleet": fleet_name, "gpu": gpu, "gpu_count": gpu_count, "region": fleet["region"],
                "spot": fleet.get("spot") is True}
    gpu = read_string(body, "gpu", required=True)
    gpu_count, region, spot = read_int(body, "gpu_count"), read_string(body, "region"), read_bool(body, "spot")
    check_choice(gpu, GPU_TYPES, "gpu")
    gpu_count = 1 if gpu_count is MISSING else gpu_count
    if gpu != "none":
        check_choice(gpu_count, GPU_COUNTS, "gpu_count")
    region = "us-east-1" if region is MISSING else region
    check_choice(region, REGIONS, "region")
    check_gpu_available(context.state, gpu, region)
    return {"fleet": None, "gpu": gpu, "gpu_count": 0 if gpu == "none" else gpu_count, "region": region,
            "spot": False if spot is MISSING else spot}


def parse_submit_body(context: RequestContext) -> dict:
    """Return job fields from a submit body, or raise 400/422."""
    body = require_object(context.body)
    name = read_string(body, "name", required=True)
    command = read_string(body, "command", required=True)
    image, repo = read_string(body, "image"), read_string(body, "repo")
    nodes, timeout = read_int(body, "nodes"), read_int(body, "timeout_minutes")
    env = read_string_map(body, "env")
    check_name(name)
    if not 1 <= len(command) <= MAX_COMMAND_LENGTH:
        raise unprocessable(f"invalid command of {len(command)} characters; use 1-{MAX_COMMAND_LENGTH}", "command")
    if image is not MISSING and repo is not MISSING:
        raise unprocessable("send either 'image' or 'repo', not both", "repo")
    if repo is not MISSING:
        check_repo(repo)
    nodes = 1 if nodes is MISSING else nodes
    check_range(nodes, 1, MAX_NODES, "nodes")
    timeout = 1440 if timeout is MISSING else timeout
    check_range(timeout, 1, MAX_TIMEOUT_MINUTES, "timeout_minutes")
    # NOTE: a fleet job occupies one fleet node in the simulation, whatever its ``nodes``.
    fields = _placement(context, body)

    if repo is not MISSING:
        image = None
    elif image is MISSING:
        image = "outpost/base:latest"
    return {
        **fields, "name": name, "command": command, "nodes": nodes, "timeout_minutes": timeout,
        "repo": None if repo is MISSING else repo, "image": image, "_env": {} if env is MISSING else env,
    }


def submit_job(context: RequestContext) -> Reply:
    """Submit a job in ``queued``; a fleet job waits for a node instead of the queue delay."""
    namespace = context.params["namespace"]
    fields = parse_submit_body(context)
    if fields["name"] in context.state.jobs[namespace]:
        raise already_exists(f"job {fields['name']!r} already exists in namespace {namespace!r}; pick another name")
    check_quota(context, "jobs", "job")
    fields["cost_per_hour"] = hourly_cost(fields["gpu"], fields["gpu_count"], spot=fields["spot"], nodes=fields["nodes"])
    if fields["fleet"]:
        # The fleet starts it on a node at the next advance, backdated to the submit time.
        fields["_start_at"] = None
    record = context.state.add_job(namespace, **fields)
    return Reply(201, jobs.to_json(record, detail=True))


def cancel_job(context: RequestContext) -> Reply:
    """Cancel a queued or running job."""
    record = lookup_job(context)
    if record["status"] not in ("queued", "running"):
        raise wrong_status(
            f"job {record['name']!r} is {record['status']}; only a queued or running job can be cancelled"
        )
    jobs.finish(record, "cancelled", context.now, None)
    return Reply(200, jobs.to_json(record, detail=True))


def delete_job(context: RequestContext) -> Reply:
    """Delete a job that has ended."""
    record = lookup_job(context)
    if not jobs.is_terminal(record):
        raise wrong_status(f"job {record['name']!r} is {record['status']}; cancel it first, then delete it")
    del context.state.jobs[context.params["namespace"]][record["name"]]
    return Reply(204)
