"""API keys, PATs, SSH keys and the catalog."""

from __future__ import annotations

import re

import httpx
import pytest

from outpost_tui.demo import DemoServer
from outpost_tui.demo.sshkeys import InvalidPublicKey, parse_public_key

from .conftest import api_client, assert_error

ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL2lEr5EiMJM38fMsaxF9KT/xSQ5M9dr9QIWzthumGyr mara@workstation"
RSA = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDMHr6tHOohGa/Ox2+0HERkAeTDngFU7imSusAhhKdcVjIjDtpD8HiBfy6N8gX84KT64GDl9dv7"
    "DgwN7fJLrCguorho9EcLAbUBSj0zf+iUfVlmPDD8+D8itWJh/EN0TWTwX6RamQLH4ZfFsbCBB01HpbuZCsKOVcKNml483As9kPdu7HsGD+wo3N7"
    "TIe2FVgryYI4LZZKJDWCeXXT/Vn5hBP5Tle8AT9ooa+1TtODO2WCREXnhrlaMh4KVxBEHL1Pn1U1bxltkuRm274VGtGYkYc0WFo0aa+ZczIKWKX38"
    "kvPhBogYHAqyC23kWDh3TAWDjnwzjBGh2DRFpdIANxiL rsa-test"
)
ECDSA = (
    "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBMCDvPt7zO0RB58YOakIwKZX/SQVFndXVeeVQlTrCCx"
    "ZKpjXyqiUJCEUyW6NtAYbp+HrUsIYStEA5SXCUW9Phl4GhwVKwzEFb6Q62OfqeXmjJwBG/Gu16D7glH6QbXYCow== ec"
)


@pytest.mark.parametrize(
    ("line", "fingerprint"),
    [
        # Expected values printed by `ssh-keygen -lf` for the same keys.
        (ED25519, "SHA256:g6hGw1/oRL1YEi8jX6rNH8wyd43uTHpXBDynBPHIxOE"),
        (RSA, "SHA256:YS8ACOibioAEeRTsLsHRDfx07M7frDidDFNLnpLQ9NQ"),
        (ECDSA, "SHA256:nS2NqPvhgPYCBoY2cYKTq+FRNhwTqYQXLBPFPyona3k"),
    ],
)
def test_fingerprint_matches_openssh(line: str, fingerprint: str) -> None:
    assert parse_public_key(line).fingerprint == fingerprint


@pytest.mark.parametrize(
    "line",
    [
        "",
        "ssh-ed25519",
        "ssh-dss AAAAB3NzaC1kc3M= old",
        "ssh-ed25519 not*base64",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL2lEr5EiMJM38fMsaxF9KT",
        "ssh-rsa " + ED25519.split()[1],
        ED25519 + "\n" + ED25519,
    ],
)
def test_bad_public_keys_rejected(line: str) -> None:
    with pytest.raises(InvalidPublicKey):
        parse_public_key(line)


def test_seeded_account_lists(client: httpx.Client) -> None:
    keys = client.get("/auth/v1/api_keys").json()
    pats = client.get("/auth/v1/pat").json()
    ssh = client.get("/auth/v1/ssh_keys").json()
    assert {"demo-key", "ci-deploy", "grafana-readonly"} <= {key["name"] for key in keys["data"]}
    assert {"demo-token", "nightly-sync", "laptop"} <= {pat["name"] for pat in pats["data"]}
    assert ssh["pagination"]["total"] >= 2
    for key in keys["data"]:
        assert "secret" not in key
        assert key["prefix"].startswith("sk_live_")
        assert len(key["prefix"]) == 12
        assert len(key["last_four"]) == 4


def test_api_key_create_use_revoke(server: DemoServer, client: httpx.Client) -> None:
    created = client.post("/auth/v1/api_keys", json={"name": "temp-key", "expires_in_days": 7})
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert re.fullmatch(r"sk_live_[a-z0-9]{32}", secret)
    assert created.json()["prefix"] == secret[:12]
    assert created.json()["expires_at"] is not None
    with api_client(server, f"API-Key temp-key${secret}") as temp:
        assert temp.get("/auth/v1/users").status_code == 200
        assert client.get("/auth/v1/api_keys/temp-key").json()["last_used_at"] is not None
        assert temp.delete("/auth/v1/api_keys/temp-key").status_code == 204
        assert_error(temp.get("/auth/v1/users"), 401, "authentication_failed")
    assert_error(client.get("/auth/v1/api_keys/temp-key"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 400, "name"),
        ({"name": "demo-key"}, 409, "name"),
        ({"name": "k", "expires_in_days": 0}, 422, "expires_in_days"),
        ({"name": "k", "expires_in_days": 366}, 422, "expires_in_days"),
        ({"name": "k", "scopes": []}, 422, "scopes"),
        ({"name": "k", "scopes": ["job", "job"]}, 422, "scopes"),
        ({"name": "k", "scopes": ["root"]}, 422, "scopes"),
        ({"name": "k$x"}, 422, "name"),
    ],
)
def test_api_key_validation(client: httpx.Client, body: dict, status: int, field: str) -> None:
    code = "already_exists" if status == 409 else "invalid_request"
    assert_error(client.post("/auth/v1/api_keys", json=body), status, code, field)


def test_pat_create_use_revoke(server: DemoServer, client: httpx.Client) -> None:
    body = {"name": "nightly-sync-2", "expires_in_days": 30, "scopes": ["job", "repo:read"]}
    created = client.post("/auth/v1/pat", json=body)
    assert created.status_code == 201
    token = created.json()["token"]
    assert re.fullmatch(r"op_pat_[a-z0-9]{32}", token)
    assert created.json()["scopes"] == ["job", "repo:read"]
    assert "token" not in client.get("/auth/v1/pat/nightly-sync-2").json()
    with api_client(server, f"Bearer {token}") as scoped:
        assert scoped.get("/acme/jobs").status_code == 200
        assert_error(scoped.get("/auth/v1/pat"), 403, "permission_denied")
    assert client.delete("/auth/v1/pat/nightly-sync-2").status_code == 204
    with api_client(server, f"Bearer {token}") as revoked:
        assert_error(revoked.get("/acme/jobs"), 401, "authentication_failed")


def test_pat_expiry_choices(client: httpx.Client) -> None:
    error = assert_error(client.post("/auth/v1/pat", json={"name": "odd", "expires_in_days": 45}), 422, "invalid_request")
    assert error["field"] == "expires_in_days"


def test_ssh_key_add_and_delete(client: httpx.Client) -> None:
    added = client.post("/auth/v1/ssh_keys", json={"name": "ci-rsa", "public_key": f"  {RSA}\n"})
    assert added.status_code == 201
    key = added.json()
    assert key["id"].startswith("ssh_")
    assert key["fingerprint"] == "SHA256:YS8ACOibioAEeRTsLsHRDfx07M7frDidDFNLnpLQ9NQ"
    assert key["public_key"] == RSA
    duplicate = client.post("/auth/v1/ssh_keys", json={"name": "again", "public_key": RSA})
    assert_error(duplicate, 409, "already_exists", "public_key")
    broken = client.post("/auth/v1/ssh_keys", json={"name": "broken", "public_key": "ssh-ed25519 AAAA"})
    assert_error(broken, 422, "invalid_request", "public_key")
    assert client.delete(f"/auth/v1/ssh_keys/{key['id']}").status_code == 204
    assert_error(client.delete(f"/auth/v1/ssh_keys/{key['id']}"), 404, "not_found")


def test_catalog_tables(client: httpx.Client) -> None:
    gpus = {item["gpu"]: item for item in client.get("/auth/v1/catalog/gpus").json()["data"]}
    regions = client.get("/auth/v1/catalog/regions").json()["data"]
    assert set(gpus) == {"A100-40GB", "A100-80GB", "H100-80GB", "L4", "T4", "none"}
    assert gpus["A100-80GB"]["price_per_hour"] == "3.20"
    assert gpus["L4"]["spot_price_per_hour"] == "0.32"
    assert gpus["none"]["memory_gb"] == 0
    assert len(gpus["T4"]["regions"]) == 5
    assert {"name": "eu-central-1", "location": "Europe (Frankfurt)"} in regions
