"""Initial demo data: the user ``mara``, namespaces ``mara`` and ``acme``, and their resources.

Everything comes from one seeded generator, with times relative to the state's
clock, so the same seed and clock give the same data. Seeded running jobs
carry their own end time, and their timeout is not applied. The long ones keep
running for 5-30 real minutes whatever the speed factor, so a dashboard opened
on the demo shows live progress for a while.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from . import fleets, jobs, services
from .catalog import CPU_VALUES, GPU_FAMILIES, MEMORY_VALUES, REGIONS, hourly_cost
from .seed_data import (
    ACME_MACHINES,
    ACME_SERVICES,
    API_KEYS,
    FLEETS,
    IMAGES,
    JOB_FAMILIES,
    MARA_MACHINES,
    MARA_SERVICES,
    PATS,
    SSH_KEYS,
)
from .sshkeys import parse_public_key

if TYPE_CHECKING:
    from .state import DemoState

MACHINE_STATUS_WEIGHTS = {
    "running": 45, "stopped": 30, "provisioning": 4, "starting": 4, "stopping": 4, "failed": 7, "deleting": 4,
}
JOB_STATUS_WEIGHTS = {
    "succeeded": 52, "failed": 12, "cancelled": 8, "timed_out": 4, "running": 14, "queued": 8,
}
GPU_WEIGHTS = {"A100-40GB": 3, "A100-80GB": 3, "H100-80GB": 3, "L4": 4, "T4": 3, "none": 2}


def populate(state: DemoState, rng: random.Random, now: datetime) -> None:
    """Fill ``state`` with the demo user, namespaces and resources."""
    state.add_user("mara", state.config.plan)
    state.users["mara"].email = "mara@acme.example"
    state.set_role("mara", "acme", "admin")
    state.namespaces["acme"].kind = "organization"
    seed_account(state, rng, now)
    for namespace, machine_names, job_count, service_specs in (
        ("acme", ACME_MACHINES, 160, ACME_SERVICES),
        ("mara", MARA_MACHINES, 20, MARA_SERVICES),
    ):
        seed_fleets(state, rng, now, namespace)
        seed_machines(state, rng, now, namespace, machine_names)
        seed_jobs(state, rng, now, namespace, job_count)
        seed_services(state, rng, now, namespace, service_specs)


def _ago(now: datetime, seconds: float) -> datetime:
    """Return ``now`` minus ``seconds``, truncated to whole seconds like wire timestamps."""
    return (now - timedelta(seconds=seconds)).replace(microsecond=0)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _statuses(rng: random.Random, weights: dict[str, int], count: int, *, cover_all: bool) -> list[str]:
    """Return ``count`` statuses; with ``cover_all`` every status is present once.

    The guaranteed statuses come first in the order of ``weights``.
    """
    if not cover_all:
        return [_weighted(rng, weights) for _ in range(count)]
    extra = [_weighted(rng, weights) for _ in range(max(0, count - len(weights)))]
    chosen = (list(weights) + extra)[:count]
    first, rest = chosen[: len(weights)], chosen[len(weights):]
    rng.shuffle(rest)
    return first + rest


# Account ----------------------------------------------------------------


def seed_account(state: DemoState, rng: random.Random, now: datetime) -> None:
    """Add the demo user's seeded API keys, PATs and SSH keys."""
    for name, scopes, age_days, expires_days in API_KEYS:
        secret = "sk_live_" + _display_random(rng)
        state.issue_api_key(
            "mara", name, scopes=scopes, secret=secret, created_at=_ago(now, age_days * 86400),
            expires_at=_ago(now, -expires_days * 86400) if expires_days else None,
        )
        state.api_keys["mara"][name]["last_used_at"] = _ago(now, rng.uniform(600, 86400))
    for name, scopes, age_days, expires_days in PATS:
        token = "op_pat_" + _display_random(rng)
        state.issue_pat(
            "mara", name, scopes=scopes, token=token, created_at=_ago(now, age_days * 86400),
            expires_at=_ago(now, -expires_days * 86400) if expires_days else None,
        )
    for name, public_key, age_days in SSH_KEYS:
        parsed = parse_public_key(public_key)
        key_id = state.ids.new("ssh")
        state.ssh_keys["mara"][key_id] = {
            "id": key_id, "name": name, "fingerprint": parsed.fingerprint,
            "public_key": public_key, "created_at": _ago(now, age_days * 86400),
        }


def _display_random(rng: random.Random) -> str:
    """Return a 32-character secret whose shown parts (the prefix and last four) are seeded.

    The middle comes from the OS generator, so a seeded credential cannot be guessed,
    while lists of keys still look the same on every run.
    """
    from .credentials import random_part

    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    shown_head = "".join(rng.choice(alphabet) for _ in range(4))
    shown_tail = "".join(rng.choice(alphabet) for _ in range(4))
    return shown_head + random_part()[:24] + shown_tail


# Fleets -----------------------------------------------------------------


def seed_fleets(state: DemoState, rng: random.Random, now: datetime, namespace: str) -> None:
    """Add the namespace's fleets, each with its minimum of idle nodes."""
    for name, cloud, region, gpus, min_nodes, max_nodes, spot, labels in FLEETS[namespace]:
        created = _ago(now, rng.uniform(3, 90) * 86400)
        state.add_fleet(
            namespace, name=name, cloud=cloud, region=region, gpus=gpus, min_nodes=min_nodes,
            max_nodes=max_nodes, spot=spot, labels=dict(labels),
            idle_timeout_minutes=rng.choice((15, 20, 30, 60)), created_at=created, updated_at=created,
            _nodes=[fleets.new_node("idle", created) for _ in range(min_nodes)],
        )
        fleets.refresh_counts(state.fleets[namespace][name], created)


def _fleet_gpu(gpus: str | None) -> tuple[str, int]:
    if gpus is None:
        return "none", 0
    family, _, count = gpus.partition(":")
    return GPU_FAMILIES.get(family, family), int(count)


# Machines ---------------------------------------------------------------


def _machine_size(rng: random.Random) -> dict:
    gpu = _weighted(rng, GPU_WEIGHTS)
    cpu = rng.choice(CPU_VALUES[1:5])
    memory = rng.choice([value for value in MEMORY_VALUES if 2 * cpu <= value <= 16 * cpu])
    return {
        "gpu": gpu,
        "gpu_count": 0 if gpu == "none" else rng.choice((1, 1, 1, 2, 2, 4, 8)),
        "cpu": cpu,
        "memory_gb": memory,
        "disk_gb": rng.choice((100, 100, 200, 500, 1000)),
        "image": rng.choice(IMAGES),
        "region": rng.choice(list(REGIONS)),
        "auto_stop_minutes": rng.choice((0, 30, 60, 60, 120, 240)),
    }


def seed_machines(state: DemoState, rng: random.Random, now: datetime, namespace: str, names: list[str]) -> None:
    """Add machines in every status, with histories that fit their status."""
    statuses = _statuses(rng, MACHINE_STATUS_WEIGHTS, len(names), cover_all=namespace == "acme")
    if namespace == "acme":
        statuses[statuses.index("running")], statuses[0] = statuses[0], "running"
    for name, status in zip(names, statuses, strict=True):
        fields = _machine_size(rng)
        if name == "vision-dev":
            fields.update(gpu="L4", gpu_count=2, cpu=16, memory_gb=64, region="eu-west-1", auto_stop_minutes=30)
        fields["created_at"] = _ago(now, rng.uniform(2 * 3600, 60 * 86400))
        fields.update(_machine_history(state, rng, now, status, fields["created_at"], fields["auto_stop_minutes"]))
        fields["cost_per_hour"] = hourly_cost(fields["gpu"], fields["gpu_count"])
        record = state.add_machine(namespace, name=name, status=status, **fields)
        if status == "running":
            record["ssh_host"], record["ssh_port"] = "127.0.0.1", record["_ssh_port"]


def _machine_history(state: DemoState, rng: random.Random, now: datetime, status: str, created: datetime, auto_stop: int) -> dict:
    """Return the timestamps and scheduled transition of a seeded machine in ``status``."""
    # Seeded transitions last longer than new ones, so a freshly opened dashboard shows them.
    soon = now + state.scaled(rng.uniform(5, 180))
    if status == "running":
        window = state.scaled(auto_stop * 60).total_seconds() if auto_stop else 5 * 86400
        started = max(created, _ago(now, rng.uniform(0.05, 0.6) * window))
        return {"started_at": started, "updated_at": started, "_runs": [[started, None]]}
    if status in ("stopped", "starting"):
        stopped = max(created + timedelta(minutes=30), _ago(now, rng.uniform(600, 10 * 86400)))
        started = max(created, stopped - timedelta(seconds=rng.uniform(1800, 8 * 3600)))
        fields = {"started_at": started, "stopped_at": stopped, "updated_at": stopped, "_runs": [[started, stopped]]}
        if status == "starting":
            fields.update(updated_at=_ago(now, 1), _transition_at=soon, _transition_to="running")
        return fields
    if status == "provisioning":
        return {"created_at": _ago(now, 2), "updated_at": _ago(now, 2), "_transition_at": soon, "_transition_to": "running"}
    if status == "stopping":
        started = _ago(now, rng.uniform(3600, 6 * 3600))
        return {"started_at": started, "updated_at": _ago(now, 1), "_runs": [[started, _ago(now, 1)]],
                "_transition_at": soon, "_transition_to": "stopped"}
    if status == "deleting":
        return {"updated_at": _ago(now, 1), "_transition_at": soon, "_transition_to": None}
    return {"updated_at": created + timedelta(seconds=rng.uniform(60, 400))}


# Jobs -------------------------------------------------------------------


def _job_names(rng: random.Random, namespace: str, count: int) -> list[tuple[str, dict]]:
    """Return ``count`` unique job names with their family settings.

    The acme namespace always contains ``finetune-llama-3-r1`` first and the eval sweeps
    up to ``eval-sweep-08``.
    """
    counters: dict[str, int] = {}
    names: list[tuple[str, dict]] = []
    families = {family["pattern"]: family for family in JOB_FAMILIES}

    def take(pattern: str) -> None:
        counters[pattern] = counters.get(pattern, 0) + 1
        names.append((pattern.format(n=counters[pattern]), families[pattern]))

    if namespace == "acme":
        take("finetune-llama-3-r{n}")
        for _ in range(8):
            take("eval-sweep-{n:02d}")
    while len(names) < count:
        take(rng.choice(list(families)))
    return names


def seed_jobs(state: DemoState, rng: random.Random, now: datetime, namespace: str, count: int) -> None:
    """Add jobs in every status; running ones are staggered so some run for minutes."""
    names = _job_names(rng, namespace, count)
    statuses = _statuses(rng, JOB_STATUS_WEIGHTS, count, cover_all=True)
    if namespace == "acme":
        statuses[statuses.index("running")], statuses[0] = statuses[0], "running"
        eval_07 = 7
        statuses[statuses.index("running", 1)], statuses[eval_07] = statuses[eval_07], "running"
    running_seen = 0
    for (name, family), status in zip(names, statuses, strict=True):
        fields = _job_spec(state, rng, namespace, name, family)
        if status == "running":
            running_seen += 1
            long_run = name == "finetune-llama-3-r1" or running_seen % 4 != 0
            fields.update(_running_job(state, rng, now, name, long_run))
        elif status == "queued":
            created = _ago(now, rng.uniform(1, 120))
            fields.update(created_at=created, _start_at=now + state.scaled(rng.uniform(5, 300)),
                          _run_seconds=state.scaled(30).total_seconds())
        else:
            fields.update(_finished_job(rng, now, status, fields["timeout_minutes"]))
        fraction = fields.pop("_fraction", None)
        record = state.add_job(namespace, name=name, status=status, **fields)
        if status == "running":
            jobs.update_progress(record, now)
        elif fraction is not None and record["started_at"] is not None:
            record["progress"] = jobs.progress_text(record, fraction)
    _place_fleet_jobs(state, namespace)


def _job_spec(state: DemoState, rng: random.Random, namespace: str, name: str, family: dict) -> dict:
    shard = name.rsplit("-", 1)[-1]
    fields = {
        "command": family["command"].format(shard=shard),
        "gpu": family["gpu"],
        "gpu_count": family["gpu_count"],
        "nodes": rng.choice(family["nodes"]),
        "region": rng.choice(list(REGIONS)),
        "spot": rng.random() < 0.3,
        "timeout_minutes": rng.choice((120, 240, 720, 1440, 1440)),
        "image": family["image"],
        "repo": family.get("repo"),
        "_env": {"WANDB_PROJECT": name.split("-")[0]},
        "_progress_style": family["progress"],
        "_progress_total": family["total"],
    }
    if fields["repo"]:
        fields["image"] = None
    fleet_names = list(state.fleets.get(namespace, {}))
    if family.get("fleet_ok") and fleet_names and rng.random() < 0.35:
        fleet = state.fleets[namespace][rng.choice(fleet_names)]
        gpu, gpu_count = _fleet_gpu(fleet["gpus"])
        fields.update(fleet=fleet["name"], gpu=gpu, gpu_count=gpu_count, region=fleet["region"],
                      spot=fleet["spot"], nodes=1)
    fields["cost_per_hour"] = hourly_cost(fields["gpu"], fields["gpu_count"], spot=fields["spot"], nodes=fields["nodes"])
    return fields


def _running_job(state: DemoState, rng: random.Random, now: datetime, name: str, long_run: bool) -> dict:
    if name == "finetune-llama-3-r1":
        elapsed, remaining = 2 * 3600 + 14 * 60, 28 * 60.0
    elif long_run:
        elapsed, remaining = rng.uniform(300, 3 * 3600), rng.uniform(5 * 60, 30 * 60)
    else:
        elapsed, remaining = rng.uniform(60, 900), state.scaled(rng.uniform(20, 90)).total_seconds()
    started = _ago(now, elapsed)
    created = started - timedelta(seconds=rng.uniform(2, 300))
    outcome = ("failed", 1) if not long_run and rng.random() < 0.3 else ("succeeded", 0)
    return {
        "created_at": created.replace(microsecond=0), "started_at": started, "timeout_minutes": 1440,
        "_run_seconds": (now - started).total_seconds() + remaining,
        "_outcome": outcome, "_ignore_timeout": True,
    }


def _finished_job(rng: random.Random, now: datetime, status: str, timeout_minutes: int) -> dict:
    created = _ago(now, rng.uniform(1800, 14 * 86400))
    never_started = status in ("failed", "cancelled") and rng.random() < 0.3
    if never_started:
        completed = created + timedelta(seconds=rng.uniform(5, 600))
        return {"created_at": created, "completed_at": completed}
    started = created + timedelta(seconds=rng.uniform(2, 600))
    if status == "timed_out":
        duration = timeout_minutes * 60.0
    else:
        duration = rng.uniform(300, 10 * 3600) if status == "succeeded" else rng.uniform(30, 3 * 3600)
    completed = min(started + timedelta(seconds=duration), _ago(now, 60))
    fields = {
        "created_at": created, "started_at": started, "completed_at": completed,
        "runtime_seconds": max(0, int((completed - started).total_seconds())),
    }
    if status == "succeeded":
        fields["exit_code"] = 0
        fields["artifacts"] = [
            {"name": "metrics.json", "size_bytes": rng.randint(1_000, 90_000)},
            {"name": "checkpoint-final.safetensors", "size_bytes": rng.randint(10**8, 4 * 10**10)},
        ]
    elif status == "failed":
        fields["exit_code"] = rng.choice((1, 1, 2, 137, 139))
    fields["_fraction"] = 1.0 if status == "succeeded" else rng.uniform(0.05, 0.95)
    return fields


def _place_fleet_jobs(state: DemoState, namespace: str) -> None:
    """Put each running fleet job on a busy node; a fleet already full runs it elsewhere."""
    for record in state.jobs[namespace].values():
        fleet = state.fleets[namespace].get(record.get("fleet") or "")
        if fleet is None or record["status"] not in ("running", "queued"):
            continue
        busy = [node for node in fleet["_nodes"] if node["status"] == "busy"]
        if record["status"] == "queued" or len(busy) >= fleet["max_nodes"]:
            # Seeded queued jobs start on their own schedule, so they hold no node.
            record["fleet"] = None
            continue
        idle = [node for node in fleet["_nodes"] if node["status"] == "idle"]
        node = idle[0] if idle else fleets.new_node("busy", record["started_at"])
        if not idle:
            fleet["_nodes"].append(node)
        node.update(status="busy", since=record["started_at"], job=(namespace, record["name"]))
        fleets.refresh_counts(fleet, record["started_at"])


# Services ---------------------------------------------------------------


def seed_services(state: DemoState, rng: random.Random, now: datetime, namespace: str, specs: list[dict]) -> None:
    """Add services in every status, with traffic running on the live ones."""
    for spec in specs:
        spec = dict(spec)
        status = spec.pop("status")
        created = _ago(now, rng.uniform(86400, 120 * 86400))
        policy = spec.pop("policy", None)
        fixed = spec.pop("replicas", None)
        fields = {
            **spec,
            "created_at": created,
            "region": spec.get("region") or rng.choice(list(REGIONS)),
            "replica_policy": _policy(policy) if policy else None,
            "replicas": fixed if not policy else None,
            "min_replicas": policy[0] if policy else fixed,
            "max_replicas": policy[1] if policy else fixed,
        }
        fields["cost_per_hour_per_replica"] = hourly_cost(fields["gpu"], fields["gpu_count"])
        record = state.add_service(namespace, status=status, **fields)
        _service_history(state, rng, now, record, status)


def _policy(values: tuple[int, int, int]) -> dict:
    low, high, target = values
    return {
        "min_replicas": low, "max_replicas": high, "target_qps_per_replica": target,
        "upscale_delay_seconds": 300, "downscale_delay_seconds": 1200,
    }


def _service_history(state: DemoState, rng: random.Random, now: datetime, record: dict, status: str) -> None:
    count = services.initial_replicas(record)
    if status == "running":
        deployed = _ago(now, rng.uniform(3600, 20 * 86400))
        record["_runs"] = [[deployed, None]]
        services.start_traffic(record, deployed, count, count, services.period_seconds(state))
        record["_written_at"] = deployed
    elif status == "degraded":
        since = _ago(now, 20)
        record["_runs"] = [[_ago(now, rng.uniform(3600, 86400)), None]]
        # One replica fails its readiness probe for about five minutes (scaled).
        services.start_traffic(record, since, max(count, 2) - 1, max(count, 2), state.scaled(300).total_seconds())
        record["_written_at"] = since
    elif status == "deploying":
        began = _ago(now, 1)
        record.update(_deploy_at=began, _deploy_seconds=45.0, current_replicas=count, ready_replicas=0, _runs=[[began, None]])
    elif status == "stopped":
        stopped = _ago(now, rng.uniform(3600, 5 * 86400))
        record.update(current_replicas=0, ready_replicas=0, updated_at=stopped,
                      _runs=[[stopped - timedelta(days=2), stopped]])
    else:
        failed = _ago(now, rng.uniform(600, 86400))
        record.update(current_replicas=0, ready_replicas=0, updated_at=failed, _runs=[])
    services.advance(state, record, now)
