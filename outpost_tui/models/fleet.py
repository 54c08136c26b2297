"""Fleets: named pools of warm nodes that jobs run on without cold starts."""

from __future__ import annotations

from pydantic import Field

from .base import Timestamp
from .compute import Resource


class Fleet(Resource):
    """A pool of nodes: ``min_nodes`` stay booted, and it grows on demand up to ``max_nodes``."""

    KNOWN_STATUSES = ("active", "scaling", "draining")

    cloud: str = ""
    region: str = ""
    # "TYPE:COUNT" per node, such as "H100:2"; None means CPU-only nodes.
    gpus: str | None = None
    min_nodes: int | None = None
    max_nodes: int | None = None
    spot: bool | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    idle_timeout_minutes: int | None = None
    nodes_idle: int | None = None
    nodes_busy: int | None = None
    nodes_provisioning: int | None = None
    updated_at: Timestamp | None = None
