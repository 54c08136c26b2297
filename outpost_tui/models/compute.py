"""Machines, jobs and services: the compute resources a namespace holds."""

from __future__ import annotations

from typing import ClassVar

from .base import Money, OutpostModel, Timestamp


class Resource(OutpostModel):
    """Fields every namespaced resource has. ``status`` is kept verbatim, known or not."""

    KNOWN_STATUSES: ClassVar[tuple[str, ...]] = ()
    TERMINAL_STATUSES: ClassVar[tuple[str, ...]] = ()

    id: str = ""
    name: str
    namespace: str = ""
    status: str = ""
    created_at: Timestamp | None = None

    @property
    def key(self) -> str:
        """The row key in tables: the name, which addresses the item in every path."""
        return self.name

    @property
    def status_is_known(self) -> bool:
        return self.status in self.KNOWN_STATUSES


class Machine(Resource):
    """A GPU development machine reached over SSH."""

    KNOWN_STATUSES = ("provisioning", "running", "stopping", "stopped", "starting", "failed", "deleting")

    gpu: str = ""
    gpu_count: int = 0
    cpu: int | None = None
    memory_gb: int | None = None
    disk_gb: int | None = None
    image: str | None = None
    region: str = ""
    auto_stop_minutes: int | None = None
    ssh_host: str | None = None
    ssh_port: int | None = None
    ssh_user: str | None = None
    cost_per_hour: Money | None = None
    updated_at: Timestamp | None = None
    started_at: Timestamp | None = None
    stopped_at: Timestamp | None = None


class Artifact(OutpostModel):
    """A file a job produced."""

    name: str = ""
    size_bytes: int | None = None


class Job(Resource):
    """A batch job that runs a command to completion."""

    KNOWN_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled", "timed_out")
    TERMINAL_STATUSES = ("succeeded", "failed", "cancelled", "timed_out")

    gpu: str = ""
    gpu_count: int = 0
    region: str = ""
    progress: str = ""
    cost_per_hour: Money | None = None
    runtime_seconds: int | None = None
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    # Present only on a single-job GET.
    command: str | None = None
    image: str | None = None
    repo: str | None = None
    nodes: int | None = None
    spot: bool | None = None
    timeout_minutes: int | None = None
    exit_code: int | None = None
    fleet: str | None = None
    artifacts: list[Artifact] | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL_STATUSES


class ReplicaPolicy(OutpostModel):
    """Autoscaling bounds of a service."""

    min_replicas: int | None = None
    max_replicas: int | None = None
    target_qps_per_replica: int | None = None
    upscale_delay_seconds: int | None = None
    downscale_delay_seconds: int | None = None


class Service(Resource):
    """An autoscaled HTTP endpoint."""

    KNOWN_STATUSES = ("deploying", "running", "degraded", "stopped", "failed")

    gpu: str = ""
    gpu_count: int = 0
    current_replicas: int | None = None
    ready_replicas: int | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    endpoint: str | None = None
    region: str = ""
    cost_per_hour_per_replica: Money | None = None
    updated_at: Timestamp | None = None
    # Present only on a single-service GET.
    image: str | None = None
    repo: str | None = None
    port: int | None = None
    readiness_probe: str | None = None
    replicas: int | None = None
    replica_policy: ReplicaPolicy | None = None

