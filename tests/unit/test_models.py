"""Tolerant pydantic models: unknown fields and statuses, UTC timestamps, Decimal money, nulls."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from outpost_tui.models import (
    ErrorBody,
    Health,
    Job,
    Machine,
    NamespaceMembership,
    Page,
    Pagination,
    ReplicaPolicy,
    Service,
    User,
)

UTC = timezone.utc


# -- unknown fields and statuses --------------------------------------------------------


def test_unknown_fields_kept():
    machine = Machine.model_validate({"name": "m", "gpu": "A100", "zone": "b", "tags": ["x"]})

    assert machine.extra_fields == {"zone": "b", "tags": ["x"]}


def test_all_fields_lists_declared_then_unknown():
    job = Job.model_validate({"name": "j", "priority": 3})
    fields = job.all_fields()

    assert list(fields)[0] == "id"
    assert list(fields)[-1] == "priority"
    assert fields["name"] == "j"


def test_unknown_field_survives_dump():
    service = Service.model_validate({"name": "s", "canary": True})

    assert service.model_dump()["canary"] is True


def test_unknown_null_field_kept():
    job = Job.model_validate({"name": "j", "future_field": None})

    assert job.extra_fields == {"future_field": None}


@pytest.mark.parametrize(
    ("model", "status"),
    [(Machine, "hibernating"), (Job, "preempted"), (Service, "scaling_to_zero")],
)
def test_unknown_status_kept_verbatim(model, status):
    item = model.model_validate({"name": "x", "status": status})

    assert item.status == status
    assert item.status_is_known is False


@pytest.mark.parametrize(("model", "status"), [(Machine, "stopped"), (Job, "queued"), (Service, "degraded")])
def test_known_status_recognised(model, status):
    assert model.model_validate({"name": "x", "status": status}).status_is_known is True


@pytest.mark.parametrize(
    ("status", "terminal"),
    [("succeeded", True), ("failed", True), ("cancelled", True), ("timed_out", True),
     ("running", False), ("queued", False), ("preempted", False)],
)
def test_job_is_terminal(status, terminal):
    assert Job.model_validate({"name": "j", "status": status}).is_terminal is terminal


def test_missing_name_rejected():
    with pytest.raises(ValidationError):
        Job.model_validate({"status": "running"})


def test_resource_key_is_name():
    assert Service.model_validate({"id": "svc_0123456789ab", "name": "api"}).key == "api"


# -- timestamps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-02T10:30:00Z", datetime(2026, 5, 2, 10, 30, tzinfo=UTC)),
        ("2026-05-02T10:30:00z", datetime(2026, 5, 2, 10, 30, tzinfo=UTC)),
        ("2026-05-02T10:30:00", datetime(2026, 5, 2, 10, 30, tzinfo=UTC)),
        ("2026-05-02T10:30:00.250Z", datetime(2026, 5, 2, 10, 30, 0, 250000, tzinfo=UTC)),
        ("2026-05-02T12:30:00+02:00", datetime(2026, 5, 2, 10, 30, tzinfo=UTC)),
        (" 2026-05-02T10:30:00Z ", datetime(2026, 5, 2, 10, 30, tzinfo=UTC)),
    ],
)
def test_timestamp_parsed(text, expected):
    job = Job.model_validate({"name": "j", "started_at": text})

    assert job.started_at == expected
    assert job.started_at.utcoffset() is not None


def test_naive_timestamp_read_as_utc():
    job = Job.model_validate({"name": "j", "created_at": "2026-05-02T10:30:00"})

    assert job.created_at.tzinfo == UTC


def test_offset_timestamp_keeps_offset():
    job = Job.model_validate({"name": "j", "created_at": "2026-05-02T12:30:00+02:00"})

    assert job.created_at.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("value", [None, ""])
def test_empty_timestamp_is_none(value):
    assert Job.model_validate({"name": "j", "completed_at": value}).completed_at is None


def test_invalid_timestamp_rejected():
    with pytest.raises(ValidationError, match="invalid ISO 8601 timestamp"):
        Job.model_validate({"name": "j", "started_at": "yesterday"})


def test_timestamp_serialized_in_utc_with_z():
    job = Job.model_validate({"name": "j", "started_at": "2026-05-02T12:30:00+02:00"})

    assert job.model_dump(mode="json")["started_at"] == "2026-05-02T10:30:00Z"


# -- money ------------------------------------------------------------------------------


def test_money_read_as_decimal():
    machine = Machine.model_validate({"name": "m", "cost_per_hour": "2.40"})

    assert isinstance(machine.cost_per_hour, Decimal)
    assert machine.cost_per_hour == Decimal("2.40")
    assert str(machine.cost_per_hour) == "2.40"


def test_money_from_float_avoids_binary_error():
    job = Job.model_validate({"name": "j", "cost_per_hour": 0.1})

    assert job.cost_per_hour == Decimal("0.1")


def test_money_from_integer():
    service = Service.model_validate({"name": "s", "cost_per_hour_per_replica": 3})

    assert service.cost_per_hour_per_replica == Decimal("3")


def test_money_sums_exactly():
    first = Job.model_validate({"name": "a", "cost_per_hour": "0.10"})
    second = Job.model_validate({"name": "b", "cost_per_hour": "0.20"})

    assert first.cost_per_hour + second.cost_per_hour == Decimal("0.30")


def test_money_serialized_as_string():
    machine = Machine.model_validate({"name": "m", "cost_per_hour": "2.40"})

    assert machine.model_dump(mode="json")["cost_per_hour"] == "2.40"


@pytest.mark.parametrize("value", [None, ""])
def test_empty_money_is_none(value):
    assert Machine.model_validate({"name": "m", "cost_per_hour": value}).cost_per_hour is None


@pytest.mark.parametrize("value", ["two dollars", [0, [2, 4], -1], True, {"amount": "2.40"}])
def test_invalid_money_rejected(value):
    with pytest.raises(ValidationError, match="invalid decimal amount"):
        Machine.model_validate({"name": "m", "cost_per_hour": value})


# -- explicit nulls ---------------------------------------------------------------------


def test_null_keeps_string_default():
    machine = Machine.model_validate({"name": "m", "gpu": None, "region": None, "status": None})

    assert machine.gpu == ""
    assert machine.region == ""
    assert machine.status == ""


def test_null_keeps_integer_default():
    assert Job.model_validate({"name": "j", "gpu_count": None}).gpu_count == 0


def test_null_keeps_list_default():
    assert User.model_validate({"username": "ada", "namespaces": None}).namespaces == []


def test_null_on_optional_field_is_none():
    job = Job.model_validate({"name": "j", "exit_code": None, "artifacts": None})

    assert job.exit_code is None
    assert job.artifacts is None


def test_null_required_field_rejected():
    with pytest.raises(ValidationError):
        Job.model_validate({"name": None})


def test_nested_model_tolerant():
    body = {"name": "s", "replica_policy": {"min_replicas": None, "burst": 4}}

    service = Service.model_validate(body)

    assert isinstance(service.replica_policy, ReplicaPolicy)
    assert service.replica_policy.min_replicas is None
    assert service.replica_policy.extra_fields == {"burst": 4}


def test_nested_membership_null_keeps_default():
    membership = NamespaceMembership.model_validate({"name": "acme", "role": None})

    assert membership.role == ""


# -- account, pages and errors ----------------------------------------------------------


def test_user_default_namespace_is_first():
    user = User.model_validate(
        {"username": "ada", "namespaces": [{"name": "ada"}, {"name": "acme", "kind": "organization"}]}
    )

    assert user.default_namespace == "ada"


def test_user_default_namespace_falls_back_to_username():
    assert User.model_validate({"username": "ada"}).default_namespace == "ada"


def test_user_default_namespace_none_when_unknown():
    assert User.model_validate({}).default_namespace is None


def test_health_tolerates_empty_body():
    assert Health.model_validate({}).status == ""


@pytest.mark.parametrize(
    ("total", "per_page", "expected"),
    [(0, 20, 0), (1, 20, 1), (20, 20, 1), (21, 20, 2), (151, 50, 4), (5, 0, 0)],
)
def test_pagination_computes_total_pages(total, per_page, expected):
    assert Pagination(total=total, per_page=per_page).total_pages == expected


def test_pagination_keeps_sent_total_pages():
    pagination = Pagination.model_validate({"total": 10, "per_page": 5, "total_pages": 7})

    assert pagination.total_pages == 7


def test_pagination_null_total_pages_computed():
    pagination = Pagination.model_validate({"total": 10, "per_page": 5, "total_pages": None})

    assert pagination.total_pages == 2


def test_pagination_null_per_page_keeps_default():
    pagination = Pagination.model_validate({"total": 41, "per_page": None})

    assert pagination.per_page == 20
    assert pagination.total_pages == 3


@pytest.mark.parametrize(
    ("page", "total_pages", "items", "has_next", "has_previous"),
    [
        (1, 3, [1], True, False),
        (2, 3, [1], True, True),
        (3, 3, [1], False, True),
        (1, 3, [], False, False),
        (1, 0, [], False, False),
    ],
)
def test_page_navigation(page, total_pages, items, has_next, has_previous):
    result = Page[int](items=items, page=page, per_page=1, total=3, total_pages=total_pages)

    assert result.has_next is has_next
    assert result.has_previous is has_previous


def test_error_body_defaults():
    body = ErrorBody.model_validate({"code": "not_found", "message": None})

    assert body.message == ""
    assert body.request_id is None
    assert body.field is None


def test_unset_timestamp_and_money_dump_as_null():
    dumped = Machine.model_validate({"name": "m"}).model_dump(mode="json")

    assert dumped["started_at"] is None
    assert dumped["cost_per_hour"] is None
