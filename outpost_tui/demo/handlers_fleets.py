"""Handlers for fleets: list, create, get, update and delete under the seed path."""

from __future__ import annotations

from . import fleets
from .catalog import CLOUDS
from .errors import already_exists, not_found, unprocessable, wrong_status
from .handlers_machines import check_quota
from .http import Reply, RequestContext
from .listing import newest_first, paginate
from .machine_bodies import parse_gpus
from .validation import (
    MISSING,
    check_choice,
    check_name,
    check_range,
    query_choice,
    read_bool,
    read_int,
    read_string,
    read_string_map,
    reject_fields,
    require_object,
)

FLEET_STATUSES = ("active", "scaling", "draining")
MAX_NODES = 100
MAX_IDLE_TIMEOUT_MINUTES = 1440


def list_fleets(context: RequestContext) -> Reply:
    """List the namespace's fleets, newest first, optionally by status."""
    records = newest_first(context.state.fleets.get(context.params["namespace"], {}).values())
    status = query_choice(context.query, "status", FLEET_STATUSES, None)
    if status is not None:
        records = [record for record in records if record.get("status") == status]
    page = paginate(records, context.query)
    page["data"] = [fleets.to_json(record) for record in page["data"]]
    return Reply(body=page)


def lookup_fleet(context: RequestContext) -> dict:
    """Return the fleet the path names, or raise 404."""
    namespace, name = context.params["namespace"], context.params["name"]
    record = context.state.get_fleet(namespace, name)
    if record is None:
        raise not_found(f"fleet {name!r} not found in namespace {namespace!r}")
    return record


def get_fleet(context: RequestContext) -> Reply:
    """Return one fleet."""
    return Reply(body=fleets.to_json(lookup_fleet(context)))


def _check_node_bounds(min_nodes: int, max_nodes: int) -> None:
    check_range(min_nodes, 0, MAX_NODES, "min_nodes")
    check_range(max_nodes, 1, MAX_NODES, "max_nodes")
    if max_nodes < min_nodes:
        raise unprocessable(f"invalid max_nodes {max_nodes}; it must be at least min_nodes {min_nodes}", "max_nodes")


def create_fleet(context: RequestContext) -> Reply:
    """Create a fleet; its ``min_nodes`` nodes start provisioning at once."""
    namespace = context.params["namespace"]
    body = require_object(context.body)
    name = read_string(body, "name", required=True)
    cloud = read_string(body, "cloud", required=True)
    region = read_string(body, "region", required=True)
    gpus = read_string(body, "gpus", nullable=True)
    min_nodes, max_nodes = read_int(body, "min_nodes"), read_int(body, "max_nodes", required=True)
    spot, labels = read_bool(body, "spot"), read_string_map(body, "labels")
    idle_timeout = read_int(body, "idle_timeout_minutes")

    check_name(name)
    check_choice(cloud, CLOUDS, "cloud")
    if not region:
        raise unprocessable("invalid region ''; give the provider's region name, such as us-central1", "region")
    if gpus not in (MISSING, None):
        parse_gpus(gpus)
    min_nodes = 0 if min_nodes is MISSING else min_nodes
    _check_node_bounds(min_nodes, max_nodes)
    idle_timeout = 30 if idle_timeout is MISSING else idle_timeout
    check_range(idle_timeout, 1, MAX_IDLE_TIMEOUT_MINUTES, "idle_timeout_minutes")
    if name in context.state.fleets[namespace]:
        raise already_exists(f"fleet {name!r} already exists in namespace {namespace!r}; pick another name")
    check_quota(context, "fleets", "fleet")

    boot_done = context.now + context.state.scaled(fleets.NODE_BOOT_SECONDS)
    record = context.state.add_fleet(
        namespace, name=name, cloud=cloud, region=region, gpus=None if gpus is MISSING else gpus,
        min_nodes=min_nodes, max_nodes=max_nodes, spot=False if spot is MISSING else spot,
        labels={} if labels is MISSING else labels, idle_timeout_minutes=idle_timeout,
        _nodes=[fleets.new_node("provisioning", context.now, boot_done) for _ in range(min_nodes)],
    )
    return Reply(201, fleets.to_json(record))


def update_fleet(context: RequestContext) -> Reply:
    """Change node bounds, idle timeout or labels (which replace the whole map)."""
    record = lookup_fleet(context)
    body = require_object(context.body)
    reject_fields(body, ("name", "cloud", "region", "gpus", "spot"), "cannot change; create a new fleet instead")
    min_nodes, max_nodes = read_int(body, "min_nodes"), read_int(body, "max_nodes")
    idle_timeout, labels = read_int(body, "idle_timeout_minutes"), read_string_map(body, "labels")
    new_min = record["min_nodes"] if min_nodes is MISSING else min_nodes
    new_max = record["max_nodes"] if max_nodes is MISSING else max_nodes
    _check_node_bounds(new_min, new_max)
    if idle_timeout is not MISSING:
        check_range(idle_timeout, 1, MAX_IDLE_TIMEOUT_MINUTES, "idle_timeout_minutes")
        record["idle_timeout_minutes"] = idle_timeout
    if labels is not MISSING:
        record["labels"] = labels
    record["min_nodes"], record["max_nodes"] = new_min, new_max
    _boot_up_to_minimum(context, record)
    record["updated_at"] = context.now
    fleets.refresh_counts(record, context.now)
    return Reply(200, fleets.to_json(record))


def _boot_up_to_minimum(context: RequestContext, record: dict) -> None:
    # NOTE: lowering max_nodes below the current node count leaves the extra nodes
    # in place until they idle out; only the minimum is enforced at once.
    nodes = record["_nodes"]
    active = [node for node in nodes if node["status"] != "draining"]
    boot_done = context.now + context.state.scaled(fleets.NODE_BOOT_SECONDS)
    for _ in range(record["min_nodes"] - len(active)):
        nodes.append(fleets.new_node("provisioning", context.now, boot_done))


def delete_fleet(context: RequestContext) -> Reply:
    """Delete a fleet without busy nodes."""
    record = lookup_fleet(context)
    if record.get("nodes_busy"):
        raise wrong_status(
            f"fleet {record['name']!r} has {record['nodes_busy']} busy nodes; cancel or wait for its jobs first"
        )
    del context.state.fleets[context.params["namespace"]][record["name"]]
    return Reply(204)
