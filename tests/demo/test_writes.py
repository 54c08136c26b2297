"""Machine, service, job and fleet writes, with validation, roles, scopes and quotas."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from outpost_tui.demo import DemoConfig, DemoServer

from .conftest import api_client, assert_error
from .test_lifecycle import wait_for

SEED = "/auth/v1/seed"
MACHINE = {"name": "vision-dev", "gpu": "L4", "gpu_count": 2, "cpu": 16, "memory_gb": 64,
           "region": "eu-west-1", "auto_stop_minutes": 30}
SERVICE = {"name": "rerank-api", "image": "lab/reranker:1.2", "gpu": "T4", "port": 9000,
           "replica_policy": {"min_replicas": 0, "max_replicas": 3, "target_qps_per_replica": 20}}
JOB = {"name": "eval-sweep-07", "command": "python eval.py --shard 7", "gpu": "A100-40GB",
       "gpu_count": 2, "spot": True, "timeout_minutes": 120}


@pytest.fixture
def http(fast_server: DemoServer) -> Iterator[httpx.Client]:
    """Return a PAT client for a private fast server."""
    with api_client(fast_server) as client:
        yield client


def test_machine_create_and_cost(http: httpx.Client) -> None:
    response = http.post(f"{SEED}/mara/dev", json=MACHINE)
    assert response.status_code == 201
    machine = response.json()
    assert machine["status"] == "provisioning"
    assert machine["id"].startswith("mch_")
    assert machine["cost_per_hour"] == "1.60"
    assert machine["ssh_host"] is None
    assert_error(http.post(f"{SEED}/mara/dev", json=MACHINE), 409, "already_exists", "name")


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"name": None}, 400, "name"),
        ({"gpu": None}, 400, "gpu"),
        ({"gpu_count": "2"}, 400, "gpu_count"),
        ({"gpu_count": 3}, 422, "gpu_count"),
        ({"gpu": "V100"}, 422, "gpu"),
        ({"cpu": 2, "memory_gb": 64}, 422, "memory_gb"),
        ({"disk_gb": 5}, 422, "disk_gb"),
        ({"region": "mars-1"}, 422, "region"),
        ({"name": "bad name"}, 422, "name"),
        ({"name": "x" * 65}, 422, "name"),
        ({"auto_stop_minutes": 10081}, 422, "auto_stop_minutes"),
        ({"repo": "no-slash"}, 422, "repo"),
        ({"ssh_keys": ["ssh_000000000000"]}, 422, "ssh_keys"),
        ({"env": {"A": 1}}, 400, "env"),
    ],
)
def test_machine_create_validation(http: httpx.Client, change: dict, status: int, field: str) -> None:
    body = {**MACHINE, "name": "checked"}
    body.update(change)
    body = {key: value for key, value in body.items() if value is not None}
    assert_error(http.post(f"{SEED}/mara/dev", json=body), status, "invalid_request", field)


def test_bad_json_body(http: httpx.Client) -> None:
    broken = http.post(f"{SEED}/mara/dev", content=b"{", headers={"Content-Type": "application/json"})
    text = http.post(f"{SEED}/mara/dev", content=b"name=x", headers={"Content-Type": "text/plain"})
    array = http.post(f"{SEED}/mara/dev", json=[MACHINE])
    assert_error(broken, 400, "invalid_request")
    assert_error(text, 400, "invalid_request")
    assert_error(array, 400, "invalid_request")


def test_machine_cloud_shape(http: httpx.Client) -> None:
    body = {"name": "cloudy", "cloud": "azure", "region": "westus2", "gpus": "H100:2", "cpus": "10+",
            "memory": "64", "spot": True, "ports": [8888], "labels": {"team": "vision"}}
    machine = http.post(f"{SEED}/mara/dev", json=body).json()
    assert machine["gpu"] == "H100-80GB"
    assert machine["gpu_count"] == 2
    assert machine["cpu"] == 16
    assert machine["memory_gb"] == 64
    assert machine["region"] == "westus2"
    assert machine["cost_per_hour"] == "3.60"
    assert machine["labels"] == {"team": "vision"}
    bad = {**body, "name": "cloudy-2", "gpus": "H100:3"}
    assert_error(http.post(f"{SEED}/mara/dev", json=bad), 422, "invalid_request", "gpus")


def test_machine_stop_patch_start_delete(http: httpx.Client) -> None:
    body = {**MACHINE, "name": "cycled"}
    http.post(f"{SEED}/mara/dev", json=body)
    wait_for(http, "/mara/machine/cycled", "status", "running")
    early = http.patch(f"{SEED}/mara/dev/cycled", json={"gpu": "H100-80GB"})
    assert "running" in assert_error(early, 409, "invalid_request")["message"]
    assert http.post(f"{SEED}/mara/dev/cycled/stop").json()["status"] == "stopping"
    assert_error(http.post(f"{SEED}/mara/dev/cycled/stop"), 409, "invalid_request")
    wait_for(http, "/mara/machine/cycled", "status", "stopped")
    shrink = http.patch(f"{SEED}/mara/dev/cycled", json={"disk_gb": 50})
    assert_error(shrink, 422, "invalid_request", "disk_gb")
    renamed = http.patch(f"{SEED}/mara/dev/cycled", json={"name": "other"})
    assert_error(renamed, 422, "invalid_request", "name")
    updated = http.patch(f"{SEED}/mara/dev/cycled", json={"gpu": "H100-80GB", "disk_gb": 500}).json()
    assert updated["cost_per_hour"] == "9.00"
    assert updated["disk_gb"] == 500
    assert http.post(f"{SEED}/mara/dev/cycled/start").status_code == 202
    wait_for(http, "/mara/machine/cycled", "status", "running")
    deleting = http.delete(f"{SEED}/mara/dev/cycled")
    assert deleting.status_code == 202
    assert deleting.json()["status"] == "deleting"
    assert_error(http.delete(f"{SEED}/mara/dev/cycled"), 409, "invalid_request")
    assert_error(http.post(f"{SEED}/mara/dev", json=body), 409, "already_exists")
    gone = wait_for(http, "/mara/machine/cycled", "status", None)
    assert gone["error"]["code"] == "not_found"


def test_unavailable_gpu_rejected(fast_server: DemoServer, http: httpx.Client) -> None:
    fast_server.state.set_gpu_available("H100-80GB", "ap-northeast-1", False)
    body = {"name": "tokyo", "gpu": "H100-80GB", "region": "ap-northeast-1"}
    try:
        rejected = http.post(f"{SEED}/mara/dev", json=body)
        catalog = http.get("/auth/v1/catalog/gpus").json()["data"]
    finally:
        fast_server.state.set_gpu_available("H100-80GB", "ap-northeast-1", True)
    assert_error(rejected, 422, "invalid_request", "gpu")
    h100 = next(item for item in catalog if item["gpu"] == "H100-80GB")
    tokyo = next(item for item in h100["regions"] if item["region"] == "ap-northeast-1")
    assert tokyo["available"] is False


def test_service_lifecycle(http: httpx.Client) -> None:
    created = http.post(f"{SEED}/mara/services", json=SERVICE)
    assert created.status_code == 201
    assert created.json()["status"] == "deploying"
    assert created.json()["replica_policy"]["upscale_delay_seconds"] == 300
    running = wait_for(http, "/mara/service/rerank-api", "status", "running")
    assert running["ready_replicas"] == running["current_replicas"] == 1
    scaled = http.patch(f"{SEED}/mara/services/rerank-api", json={"max_replicas": 5}).json()
    assert scaled["max_replicas"] == 5
    assert scaled["replica_policy"]["target_qps_per_replica"] == 20
    fixed = http.patch(f"{SEED}/mara/services/rerank-api", json={"replicas": 2}).json()
    assert fixed["replica_policy"] is None
    assert fixed["min_replicas"] == fixed["max_replicas"] == 2
    stopped = http.post(f"{SEED}/mara/services/rerank-api/stop")
    assert stopped.status_code == 200
    assert stopped.json()["current_replicas"] == 0
    assert_error(http.post(f"{SEED}/mara/services/rerank-api/stop"), 409, "invalid_request")
    assert http.post(f"{SEED}/mara/services/rerank-api/start").status_code == 202
    assert http.delete(f"{SEED}/mara/services/rerank-api").status_code == 204
    assert http.get("/mara/service/rerank-api").status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"repo": "acme/reranker"}, 422, "repo"),
        ({"image": None}, 400, "image"),
        ({"replicas": 2}, 422, "replicas"),
        ({"replica_policy": {"max_replicas": 3}}, 400, "replica_policy.target_qps_per_replica"),
        ({"replica_policy": {"min_replicas": 4, "max_replicas": 3, "target_qps_per_replica": 1}}, 422,
         "replica_policy.min_replicas"),
        ({"port": 70000}, 422, "port"),
    ],
)
def test_service_create_validation(http: httpx.Client, change: dict, status: int, field: str) -> None:
    body = {**SERVICE, "name": "checked-api", **change}
    body = {key: value for key, value in body.items() if value is not None}
    assert_error(http.post(f"{SEED}/mara/services", json=body), status, "invalid_request", field)


def test_scale_to_policy_needs_fields(http: httpx.Client) -> None:
    http.post(f"{SEED}/mara/services", json={"name": "fixed-api", "image": "x/y:1", "gpu": "none", "replicas": 2})
    missing = http.patch(f"{SEED}/mara/services/fixed-api", json={"max_replicas": 4})
    both = http.patch(f"{SEED}/mara/services/fixed-api", json={"replicas": 3, "max_replicas": 4})
    assert_error(missing, 422, "invalid_request", "target_qps_per_replica")
    assert_error(both, 422, "invalid_request", "replicas")


def test_job_submit_cancel_delete(http: httpx.Client) -> None:
    submitted = http.post(f"{SEED}/mara/jobs", json=JOB)
    assert submitted.status_code == 201
    job = submitted.json()
    assert job["status"] == "queued"
    assert job["cost_per_hour"] == "1.92"
    assert job["timeout_minutes"] == 120
    assert_error(http.post(f"{SEED}/mara/jobs", json=JOB), 409, "already_exists")
    assert "cancel" in assert_error(http.delete(f"{SEED}/mara/jobs/eval-sweep-07"), 409, "invalid_request")["message"]
    cancelled = http.post(f"{SEED}/mara/jobs/eval-sweep-07/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["completed_at"] is not None
    assert cancelled["exit_code"] is None
    assert_error(http.post(f"{SEED}/mara/jobs/eval-sweep-07/cancel"), 409, "invalid_request")
    assert http.delete(f"{SEED}/mara/jobs/eval-sweep-07").status_code == 204


def test_job_timeout() -> None:
    # At speed 300 a one-minute timeout passes in 0.2 s; the run is made longer than that.
    with DemoServer(DemoConfig(speed=300.0, rate_limits=False)) as server, api_client(server) as http:
        body = {"name": "slow", "command": "sleep 99", "gpu": "T4", "timeout_minutes": 1}
        http.post(f"{SEED}/mara/jobs", json=body)
        server.state.get_job("mara", "slow")["_run_seconds"] = 600.0
        ended = wait_for(http, "/mara/job/slow", "status", "timed_out")
    assert ended["status"] == "timed_out"
    assert ended["exit_code"] is None
    assert ended["completed_at"] is not None


def test_job_validation(http: httpx.Client) -> None:
    no_command = {key: value for key, value in JOB.items() if key != "command"}
    assert_error(http.post(f"{SEED}/mara/jobs", json=no_command), 400, "invalid_request", "command")
    both = {**JOB, "name": "both", "image": "a/b:1", "repo": "acme/x"}
    assert_error(http.post(f"{SEED}/mara/jobs", json=both), 422, "invalid_request", "repo")
    fleet = {**JOB, "name": "fleetless", "fleet": "nope"}
    assert_error(http.post(f"{SEED}/mara/jobs", json=fleet), 422, "invalid_request", "fleet")
    nodes = {**JOB, "name": "many", "nodes": 65}
    assert_error(http.post(f"{SEED}/mara/jobs", json=nodes), 422, "invalid_request", "nodes")


def test_fleet_job_starts_on_node(http: httpx.Client) -> None:
    body = {"name": "on-fleet", "command": "python run.py", "fleet": "cpu-small", "gpu": "H100-80GB"}
    job = http.post(f"{SEED}/mara/jobs", json=body).json()
    assert job["gpu"] == "none"
    started = wait_for(http, "/mara/job/on-fleet", "status", "running")
    assert started["started_at"] == job["created_at"]
    fleet = http.get(f"{SEED}/mara/fleets/cpu-small").json()
    assert fleet["nodes_busy"] >= 1
    assert_error(http.delete(f"{SEED}/mara/fleets/cpu-small"), 409, "invalid_request")


def test_fleet_crud(http: httpx.Client) -> None:
    body = {"name": "warm-h100", "cloud": "gcp", "region": "us-central1", "gpus": "H100:2", "min_nodes": 1,
            "max_nodes": 4, "spot": True, "idle_timeout_minutes": 20}
    created = http.post(f"{SEED}/mara/fleets", json=body)
    assert created.status_code == 201
    assert created.json()["status"] == "scaling"
    assert created.json()["nodes_provisioning"] == 1
    assert wait_for(http, f"{SEED}/mara/fleets/warm-h100", "status", "active")["nodes_idle"] == 1
    updated = http.patch(f"{SEED}/mara/fleets/warm-h100", json={"labels": {"a": "b"}, "max_nodes": 6}).json()
    assert updated["labels"] == {"a": "b"}
    assert updated["max_nodes"] == 6
    assert_error(http.patch(f"{SEED}/mara/fleets/warm-h100", json={"cloud": "aws"}), 422, "invalid_request", "cloud")
    bad_bounds = http.patch(f"{SEED}/mara/fleets/warm-h100", json={"min_nodes": 7})
    assert_error(bad_bounds, 422, "invalid_request", "max_nodes")
    listed = http.get(f"{SEED}/mara/fleets").json()
    assert "warm-h100" in [fleet["name"] for fleet in listed["data"]]
    assert http.delete(f"{SEED}/mara/fleets/warm-h100").status_code == 204
    assert http.get(f"{SEED}/mara/fleets/warm-h100").status_code == 404


def test_roles_limit_writes(fast_server: DemoServer) -> None:
    state = fast_server.state
    state.add_user("rin", roles={"acme": "reader"})
    state.add_user("sol", roles={"acme": "contributor"})
    reader = api_client(fast_server, f"Bearer {state.issue_pat('rin', 'rin-token')}")
    contributor = api_client(fast_server, f"Bearer {state.issue_pat('sol', 'sol-token')}")
    with reader, contributor:
        assert reader.get("/acme/machines").status_code == 200
        assert_error(reader.post(f"{SEED}/acme/dev/vision-dev/stop"), 403, "permission_denied")
        assert contributor.post(f"{SEED}/acme/dev/vision-dev/stop").status_code == 202
        assert_error(contributor.delete(f"{SEED}/acme/dev/vision-dev"), 403, "permission_denied")
        assert_error(reader.get("/mara/machines"), 404, "not_found")
        assert contributor.get("/sol/machines").json()["data"] == []


def test_scopes_limit_access(fast_server: DemoServer) -> None:
    token = fast_server.state.issue_pat("mara", "jobs-only", scopes=["job"])
    with api_client(fast_server, f"Bearer {token}") as scoped:
        assert scoped.get("/acme/jobs").status_code == 200
        assert_error(scoped.get("/acme/machines"), 403, "permission_denied")
        assert scoped.get(f"{SEED}/acme/fleets").status_code == 200
        assert scoped.get("/auth/v1/catalog/regions").status_code == 200
        assert_error(scoped.get("/auth/v1/api_keys"), 403, "permission_denied")


def test_quota_exceeded(fast_server: DemoServer, http: httpx.Client) -> None:
    count = len(fast_server.state.fleets["mara"])
    fast_server.state.set_quota("mara", "fleets", count)
    body = {"name": "one-more", "cloud": "aws", "region": "us-east-1", "max_nodes": 1}
    try:
        response = http.post(f"{SEED}/mara/fleets", json=body)
    finally:
        fast_server.state.set_quota("mara", "fleets", None)
    assert_error(response, 403, "quota_exceeded")
    assert http.post(f"{SEED}/mara/fleets", json=body).status_code == 201


def test_analytics_series(http: httpx.Client) -> None:
    body = http.get("/acme/service/rerank-api/analytics", params={"window": "6h"}).json()
    assert body["window"] == "6h"
    assert body["step_seconds"] == 300
    metrics = {series["metric"]: series for series in body["series"]}
    assert set(metrics) == {"requests_per_second", "p99_latency_ms", "gpu_utilization"}
    points = metrics["requests_per_second"]["points"]
    assert len(points) == 72
    assert [point["timestamp"] for point in points] == sorted(point["timestamp"] for point in points)
    assert all(0 <= point["value"] <= 100 for point in metrics["gpu_utilization"]["points"])
    stopped = http.get("/acme/service/tts-stream/analytics", params={"window": "15m"}).json()
    assert all(series["points"] == [] for series in stopped["series"])
    assert_error(http.get("/acme/job/finetune-llama-3-r1/analytics", params={"window": "2h"}), 400, "invalid_request", "window")
