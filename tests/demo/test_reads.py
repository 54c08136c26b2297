"""Health, current user, authentication, routing and the namespace reads."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest

from outpost_tui.demo import DemoServer

from .conftest import REQUEST_ID, TIMESTAMP, api_client, assert_error

ID_PATTERN = re.compile(r"(mch|job|svc|flt)_[0-9a-f]{12}")


def test_health_needs_no_credential(server: DemoServer) -> None:
    response = httpx.get(f"{server.url}/auth/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert REQUEST_ID.fullmatch(response.headers["X-Request-Id"])
    assert "X-RateLimit-Limit" not in response.headers


def test_current_user_with_pat(server: DemoServer) -> None:
    with api_client(server) as http:
        response = http.get("/auth/v1/users")
    assert response.status_code == 200
    user = response.json()
    assert user["username"] == "mara"
    assert user["id"].startswith("usr_")
    assert [item["name"] for item in user["namespaces"]] == ["mara", "acme"]
    assert user["namespaces"][0] == {"name": "mara", "kind": "personal", "role": "owner"}
    assert user["namespaces"][1]["role"] == "admin"


@pytest.mark.parametrize("scheme", ["API-Key", "api-key", "API-KEY"])
def test_api_key_scheme_any_case(server: DemoServer, scheme: str) -> None:
    with api_client(server, f"{scheme} {server.api_key}") as http:
        response = http.get("/auth/v1/users")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Limit"] == "1000"


def test_bearer_scheme_any_case(server: DemoServer) -> None:
    with api_client(server, f"bEaReR {server.token}") as http:
        assert http.get("/auth/v1/users").status_code == 200


def test_credential_formats(server: DemoServer) -> None:
    assert re.fullmatch(r"demo-key\$sk_live_[a-z0-9]{32}", server.api_key)
    assert re.fullmatch(r"op_pat_[a-z0-9]{32}", server.token)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer op_pat_" + "0" * 32,
        "Basic bWFyYTpzZWNyZXQ=",
        "API-Key demo-key",
        "API-Key wrong-name$SECRET",
        "Token abc",
    ],
)
def test_bad_credential_gets_401(server: DemoServer, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = httpx.get(f"{server.url}/auth/v1/users", headers=headers)
    assert_error(response, 401, "authentication_failed")
    assert "X-RateLimit-Limit" not in response.headers


def test_expired_credential_gets_401(server: DemoServer) -> None:
    past = server.state.now() - timedelta(minutes=1)
    token = server.state.issue_pat("mara", "expired-token", expires_at=past)
    with api_client(server, f"Bearer {token}") as http:
        assert_error(http.get("/auth/v1/users"), 401, "authentication_failed")


def test_api_key_wrong_name_gets_401(server: DemoServer) -> None:
    secret = server.api_key.split("$", 1)[1]
    with api_client(server, f"API-Key other-key${secret}") as http:
        assert_error(http.get("/auth/v1/users"), 401, "authentication_failed")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/auth/v1/nothing"),
        ("GET", "/acme/machines/"),
        ("DELETE", "/acme/machines"),
        ("POST", "/auth/v1/health"),
        ("GET", "/acme/jobs/finetune-llama-3-r1"),
        ("GET", "/"),
    ],
)
def test_unknown_route_gets_404(client: httpx.Client, method: str, path: str) -> None:
    assert_error(client.request(method, path), 404, "not_found")


def test_unknown_namespace_gets_404(client: httpx.Client) -> None:
    error = assert_error(client.get("/lab/machines"), 404, "not_found")
    assert "lab" in error["message"]


def test_missing_machine_names_it(client: httpx.Client) -> None:
    error = assert_error(client.get("/acme/machine/nope"), 404, "not_found")
    assert error["message"] == "machine 'nope' not found in namespace 'acme'"


def test_seed_counts_and_statuses(client: httpx.Client) -> None:
    expected = {
        "machines": ({"provisioning", "running", "stopping", "stopped", "starting", "failed", "deleting"}, 40),
        "jobs": ({"queued", "running", "succeeded", "failed", "cancelled", "timed_out"}, 150),
        "services": ({"deploying", "running", "degraded", "stopped", "failed"}, 12),
    }
    for kind, (statuses, minimum) in expected.items():
        items = fetch_all(client, f"/acme/{kind}")
        assert len(items) >= minimum, kind
        assert {item["status"] for item in items} >= statuses, kind
        for item in items:
            assert ID_PATTERN.fullmatch(item["id"]), item["id"]
            assert TIMESTAMP.fullmatch(item["created_at"]), item["created_at"]


def test_seed_known_names(client: httpx.Client) -> None:
    job = client.get("/acme/job/finetune-llama-3-r1").json()
    assert job["status"] == "running"
    assert job["progress"].startswith("step ")
    assert client.get("/acme/machine/vision-dev").json()["gpu"] == "L4"
    assert client.get("/acme/service/rerank-api").json()["port"] == 9000
    assert client.get("/acme/job/eval-sweep-07").status_code == 200


def fetch_all(client: httpx.Client, path: str, **params: object) -> list[dict]:
    """Fetch every page of a list, checking the pagination envelope on the way."""
    items: list[dict] = []
    page = 1
    while True:
        body = client.get(path, params={**params, "page": page, "per_page": 50}).json()
        pagination = body["pagination"]
        assert pagination["page"] == page
        assert pagination["total_pages"] == math.ceil(pagination["total"] / 50)
        items.extend(body["data"])
        if page >= pagination["total_pages"]:
            assert len(items) == pagination["total"]
            return items
        page += 1


def test_pagination_pages_partition(client: httpx.Client) -> None:
    first = client.get("/acme/jobs", params={"per_page": 7}).json()
    total = first["pagination"]["total"]
    assert first["pagination"] == {"page": 1, "per_page": 7, "total": total, "total_pages": math.ceil(total / 7)}
    names = [job["name"] for job in fetch_all(client, "/acme/jobs")]
    assert len(names) == len(set(names)) == total


def test_pagination_defaults(client: httpx.Client) -> None:
    body = client.get("/acme/machines").json()
    assert body["pagination"]["page"] == 1
    assert body["pagination"]["per_page"] == 20
    assert len(body["data"]) == 20


def test_page_past_end_is_empty(client: httpx.Client) -> None:
    response = client.get("/acme/services", params={"page": 99})
    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["pagination"]["page"] == 99


def test_empty_list_has_zero_pages(client: httpx.Client) -> None:
    body = client.get("/mara/services", params={"status": "degraded"}).json()
    assert body["pagination"]["total"] == 0
    assert body["pagination"]["total_pages"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "-1"}, "page"),
        ({"status": "sleeping"}, "status"),
        ({"sort": "cost"}, "sort"),
        ({"order": "up"}, "order"),
    ],
)
def test_bad_list_query_gets_400(client: httpx.Client, params: dict, field: str) -> None:
    assert_error(client.get("/acme/jobs", params=params), 400, "invalid_request", field)


def test_status_filter(client: httpx.Client) -> None:
    items = fetch_all(client, "/acme/jobs", status="failed")
    assert items
    assert {item["status"] for item in items} == {"failed"}


def test_default_order_newest_first(client: httpx.Client) -> None:
    items = fetch_all(client, "/acme/machines")
    created = [item["created_at"] for item in items]
    assert created == sorted(created, reverse=True)


def test_jobs_sort_nulls_last(client: httpx.Client) -> None:
    for order in ("asc", "desc"):
        items = fetch_all(client, "/acme/jobs", sort="completed_at", order=order)
        values = [item["completed_at"] for item in items]
        present = [value for value in values if value is not None]
        assert values[: len(present)] == present
        assert present == sorted(present, reverse=order == "desc")


def test_jobs_sort_by_name(client: httpx.Client) -> None:
    names = [item["name"] for item in fetch_all(client, "/acme/jobs", sort="name", order="asc")]
    assert names == sorted(names)


def test_list_items_omit_detail_fields(client: httpx.Client) -> None:
    job = client.get("/acme/jobs").json()["data"][0]
    assert "command" not in job
    assert "artifacts" not in job
    detail = client.get(f"/acme/job/{job['name']}").json()
    for field in ("command", "image", "repo", "nodes", "spot", "timeout_minutes", "exit_code", "fleet", "artifacts"):
        assert field in detail, field
    service = client.get("/acme/services").json()["data"][0]
    assert "replica_policy" not in service
    detail = client.get(f"/acme/service/{service['name']}").json()
    for field in ("image", "repo", "port", "readiness_probe", "replicas", "replica_policy"):
        assert field in detail, field


def test_costs_follow_catalog(server: DemoServer, client: httpx.Client) -> None:
    server.state.add_job("mara", name="cost-check", gpu="H100-80GB", gpu_count=2, nodes=2, status="queued")
    assert client.get("/mara/job/cost-check").json()["cost_per_hour"] == "18.00"
    for job in client.get("/acme/jobs", params={"per_page": 100}).json()["data"]:
        assert re.fullmatch(r"\d+\.\d{2}", job["cost_per_hour"]), job["cost_per_hour"]
    server.state.remove("jobs", "mara", "cost-check")


def test_hostile_names_round_trip(server: DemoServer, client: httpx.Client) -> None:
    name = "we ird/näme\u202e%2F?#"
    server.state.add_machine("mara", name=name, status="zombie")
    response = client.get("/mara/machine/" + quote(name, safe=""))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "zombie"
    assert response.json()["name"] == name
    assert server.state.remove("machines", "mara", name) is not None
