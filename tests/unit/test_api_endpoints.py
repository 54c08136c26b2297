"""The endpoint table and Endpoint.format's path encoding."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outpost_tui.api import ENDPOINTS, Endpoint

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@pytest.mark.parametrize("operation", sorted(ENDPOINTS))
def test_endpoint_path_shape(operation):
    endpoint = ENDPOINTS[operation]

    assert endpoint.method in METHODS
    assert endpoint.path.startswith("/")
    assert not endpoint.path.endswith("/")
    assert "//" not in endpoint.path


@pytest.mark.parametrize(
    ("operation", "method", "path"),
    [
        ("health", "GET", "/auth/v1/health"),
        ("users.current", "GET", "/auth/v1/users"),
        ("jobs.list", "GET", "/{namespace}/jobs"),
        ("jobs.get", "GET", "/{namespace}/job/{name}"),
        ("jobs.logs", "GET", "/{namespace}/job/{name}/logs"),
        ("jobs.create", "POST", "/auth/v1/seed/{namespace}/jobs"),
        ("jobs.delete", "DELETE", "/auth/v1/seed/{namespace}/jobs/{name}"),
        ("jobs.cancel", "POST", "/auth/v1/seed/{namespace}/jobs/{name}/cancel"),
        ("machines.list", "GET", "/{namespace}/machines"),
        ("machines.get", "GET", "/{namespace}/machine/{name}"),
        ("machines.create", "POST", "/auth/v1/seed/{namespace}/dev"),
        ("machines.start", "POST", "/auth/v1/seed/{namespace}/dev/{name}/start"),
        ("services.update", "PATCH", "/auth/v1/seed/{namespace}/services/{name}"),
        ("fleets.get", "GET", "/auth/v1/seed/{namespace}/fleets/{name}"),
        ("secrets.set", "PUT", "/auth/v1/seed/{namespace}/secrets/{name}"),
    ],
)
def test_endpoint_table_entry(operation, method, path):
    assert ENDPOINTS[operation] == Endpoint(method, path)


def test_jobs_have_no_update():
    assert "jobs.update" not in ENDPOINTS


def test_placeholders_in_order():
    assert ENDPOINTS["jobs.cancel"].placeholders == ("namespace", "name")


def test_idempotent_methods():
    assert ENDPOINTS["jobs.get"].idempotent is True
    assert ENDPOINTS["jobs.delete"].idempotent is True
    assert ENDPOINTS["secrets.set"].idempotent is True
    assert ENDPOINTS["jobs.create"].idempotent is False
    assert ENDPOINTS["services.update"].idempotent is False


@pytest.mark.parametrize(
    ("name", "segment"),
    [
        ("train-1", "train-1"),
        ("a/b", "a%2Fb"),
        ("a b", "a%20b"),
        ("q?x=1", "q%3Fx%3D1"),
        ("frag#1", "frag%231"),
        ("100%", "100%25"),
        ("é", "%C3%A9"),
        ("v1.2", "v1.2"),
        (".", "%2E"),
        ("..", "%2E%2E"),
        ("...", "..."),
    ],
)
def test_format_encodes_segment(name, segment):
    path = ENDPOINTS["jobs.get"].format(namespace="lab", name=name)

    assert path == f"/lab/job/{segment}"


def test_format_missing_placeholder_raises():
    with pytest.raises(KeyError, match="name"):
        ENDPOINTS["jobs.get"].format(namespace="lab")


@pytest.mark.parametrize("params", [{"namespace": "", "name": "a"}, {"namespace": "lab", "name": ""}])
def test_format_empty_segment_raises(params):
    with pytest.raises(ValueError, match="is empty"):
        ENDPOINTS["jobs.delete"].format(**params)


def test_format_accepts_non_string_id():
    assert ENDPOINTS["ssh_keys.delete"].format(id=42) == "/auth/v1/ssh_keys/42"


@given(st.text(min_size=1, max_size=40))
def test_format_keeps_one_segment(name):
    path = ENDPOINTS["jobs.get"].format(namespace="lab", name=name)
    segment = path.removeprefix("/lab/job/")

    assert path.startswith("/lab/job/")
    assert "/" not in segment
    assert "?" not in segment
    assert "#" not in segment
    assert segment not in {".", ".."}
    assert unquote(segment) == name
