"""Error responses: every body shape, the status-to-exception mapping and sanitized text."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from outpost_tui.api import (
    AlreadyExists,
    APIError,
    AuthenticationFailed,
    BadRequest,
    Conflict,
    InvalidState,
    NotFound,
    OutpostError,
    PermissionDenied,
    QuotaExceeded,
    RateLimited,
    ServerError,
    ValidationFailed,
)
from outpost_tui.api.errors import MESSAGE_LIMIT, error_from_response


def envelope(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def respond_with(status: int, **kwargs: Any) -> Any:
    """Return a responder that always returns ``status``."""
    return lambda request: httpx.Response(status, **kwargs)


async def raised_by(make_client, status: int, **kwargs: Any) -> APIError:
    """Send one GET to a server that returns ``status`` and return the raised exception."""
    client, _ = make_client(respond_with(status, **kwargs))
    with pytest.raises(APIError) as caught:
        await client.get_job("lab", "train-1")
    return caught.value


# -- status to exception ----------------------------------------------------------------

STATUS_CASES = [
    (400, "invalid_request", BadRequest),
    (401, "authentication_failed", AuthenticationFailed),
    (403, "permission_denied", PermissionDenied),
    (403, "quota_exceeded", QuotaExceeded),
    (404, "not_found", NotFound),
    (409, "already_exists", AlreadyExists),
    (409, "invalid_request", InvalidState),
    (409, "", Conflict),
    (422, "invalid_request", ValidationFailed),
    (429, "rate_limit_exceeded", RateLimited),
    (500, "internal_error", ServerError),
    (503, "", ServerError),
    (418, "teapot", APIError),
]


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    STATUS_CASES,
    ids=[f"{status}-{code or 'no_code'}" for status, code, _ in STATUS_CASES],
)
async def test_status_maps_to_exception(make_client, status, code, expected):
    error = await raised_by(make_client, status, json=envelope(code, "failed"))

    assert type(error) is expected
    assert error.status == status
    assert error.code == code


def test_quota_exceeded_is_permission_denied():
    assert issubclass(QuotaExceeded, PermissionDenied)


def test_conflict_subclasses():
    assert issubclass(AlreadyExists, Conflict)
    assert issubclass(InvalidState, Conflict)


def test_api_error_is_outpost_error():
    assert issubclass(APIError, OutpostError)


async def test_unknown_code_falls_back_to_status(make_client):
    error = await raised_by(make_client, 403, json=envelope("brand_new_code", "denied"))

    assert type(error) is PermissionDenied


async def test_server_error_code_ignored_for_5xx(make_client):
    error = await raised_by(make_client, 502, json=envelope("already_exists", "upstream"))

    assert type(error) is ServerError


# -- body shapes ------------------------------------------------------------------------


async def test_envelope_fields_read(make_client):
    body = envelope(
        "invalid_request",
        "gpu_count must be between 1 and 8",
        request_id="req_5b0c9e1d2a47",
        field="gpu_count",
    )

    error = await raised_by(make_client, 422, json=body)

    assert type(error) is ValidationFailed
    assert error.message == "gpu_count must be between 1 and 8"
    assert error.request_id == "req_5b0c9e1d2a47"
    assert error.field == "gpu_count"


async def test_envelope_describes_status_code_and_request_id(make_client):
    body = envelope("internal_error", "orchestration failed", request_id="req_0123456789ab")

    error = await raised_by(make_client, 500, json=body)

    assert str(error) == "HTTP 500 internal_error: orchestration failed (request id req_0123456789ab)"


async def test_request_id_header_used_without_envelope_id(make_client):
    error = await raised_by(
        make_client,
        404,
        json=envelope("not_found", "job 'train-1' not found"),
        headers={"X-Request-Id": "req_aaaaaaaaaaaa"},
    )

    assert error.request_id == "req_aaaaaaaaaaaa"


async def test_envelope_request_id_wins_over_header(make_client):
    error = await raised_by(
        make_client,
        404,
        json=envelope("not_found", "gone", request_id="req_bbbbbbbbbbbb"),
        headers={"X-Request-Id": "req_aaaaaaaaaaaa"},
    )

    assert error.request_id == "req_bbbbbbbbbbbb"


async def test_non_string_field_dropped(make_client):
    error = await raised_by(make_client, 400, json=envelope("invalid_request", "bad", field=["a"]))

    assert error.field is None


async def test_flat_body_read(make_client):
    error = await raised_by(make_client, 404, json={"message": "no such job", "code": "not_found"})

    assert type(error) is NotFound
    assert error.message == "no such job"
    assert error.code == "not_found"


async def test_flat_body_code_refines_status(make_client):
    error = await raised_by(make_client, 409, json={"message": "taken", "code": "already_exists"})

    assert type(error) is AlreadyExists


async def test_html_title_becomes_message(make_client):
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>"

    error = await raised_by(
        make_client, 502, text=page, headers={"Content-Type": "text/html; charset=utf-8"}
    )

    assert type(error) is ServerError
    assert error.message == "502 Bad Gateway"


async def test_html_without_title_becomes_text(make_client):
    page = "<html><body><h1>Service&nbsp;down</h1>\n<p>Try   again &amp; wait.</p></body></html>"

    error = await raised_by(make_client, 503, text=page, headers={"Content-Type": "text/html"})

    assert error.message == "Service down Try again & wait."


async def test_long_html_trimmed_to_limit(make_client):
    page = "<html><body>" + "<p>lorem ipsum dolor</p>" * 200 + "</body></html>"

    error = await raised_by(make_client, 500, text=page, headers={"Content-Type": "text/html"})

    assert len(error.message) <= MESSAGE_LIMIT
    assert error.message.startswith("lorem ipsum dolor lorem")
    assert "<" not in error.message


async def test_long_plain_text_trimmed_to_limit(make_client):
    error = await raised_by(make_client, 500, text="x" * 5000)

    assert len(error.message) == MESSAGE_LIMIT


async def test_long_envelope_message_trimmed_to_limit(make_client):
    error = await raised_by(make_client, 400, json=envelope("invalid_request", "y" * 5000))

    assert len(error.message) == MESSAGE_LIMIT


@pytest.mark.parametrize(
    ("status", "phrase"),
    [(404, "Not Found"), (500, "Internal Server Error"), (503, "Service Unavailable")],
)
async def test_empty_body_uses_reason_phrase(make_client, status, phrase):
    error = await raised_by(make_client, status, content=b"")

    assert error.message == phrase


async def test_whitespace_body_uses_reason_phrase(make_client):
    error = await raised_by(make_client, 429, text="  \n ")

    assert error.message == "Too Many Requests"


async def test_object_without_message_uses_reason_phrase(make_client):
    error = await raised_by(make_client, 401, json={"detail": {"nested": True}})

    assert error.message == "Unauthorized"


async def test_unknown_status_without_body(make_client):
    error = await raised_by(make_client, 499, content=b"")

    assert type(error) is APIError
    assert error.message == "unknown status"


async def test_invalid_json_on_error_keeps_status_class(make_client):
    # A body that is not JSON is shown as text, and the status still picks the class.
    error = await raised_by(
        make_client,
        404,
        text='{"error": {"code": "not_fo',
        headers={"Content-Type": "application/json"},
    )

    assert type(error) is NotFound
    assert error.status == 404
    assert error.message == '{"error": {"code": "not_fo'


async def test_invalid_json_on_5xx_keeps_status_class(make_client):
    error = await raised_by(
        make_client, 500, text="{oops", headers={"Content-Type": "application/json"}
    )

    assert type(error) is ServerError
    assert error.message == "{oops"


async def test_json_string_body_becomes_message(make_client):
    error = await raised_by(make_client, 400, json="bad page number")

    assert error.message == '"bad page number"'


# -- sanitized text ---------------------------------------------------------------------

HOSTILE_MESSAGE = (
    "\x1b]8;;https://example.invalid\x07click\x1b]8;;\x07 "  # OSC 8 link, BEL-terminated
    "\x1b]0;owned\x1b\\"  # window title, ST-terminated
    "\x1b[2J\x1b[31mred\x1b[0m "  # 7-bit CSI
    "\x9b1mbold\x9b0m "  # 8-bit CSI
    "abc\u202edcba"  # right-to-left override
)


async def test_envelope_message_sanitized(make_client):
    error = await raised_by(make_client, 400, json=envelope("invalid_request", HOSTILE_MESSAGE))

    assert error.message == "click red bold abc\ufffddcba"


async def test_flat_message_sanitized(make_client):
    error = await raised_by(make_client, 404, json={"message": HOSTILE_MESSAGE, "code": "not_found"})

    assert error.message == "click red bold abc\ufffddcba"


async def test_plain_body_sanitized(make_client):
    error = await raised_by(make_client, 500, text=HOSTILE_MESSAGE)

    assert "\x1b" not in error.message
    assert "\x9b" not in error.message
    assert "\u202e" not in error.message


async def test_html_title_sanitized(make_client):
    page = "<html><title>\x1b[5mblink\x1b[0m</title></html>"

    error = await raised_by(make_client, 502, text=page, headers={"Content-Type": "text/html"})

    assert error.message == "blink"


async def test_code_field_and_request_id_sanitized(make_client):
    body = envelope(
        "invalid\x1b[31m_request",
        "bad",
        field="gpu\x07_count",
        request_id="req_\u202e1",
    )

    error = await raised_by(make_client, 400, json=body)

    assert error.code == "invalid_request"
    assert error.field == "gpu\ufffd_count"
    assert error.request_id == "req_\ufffd1"


async def test_str_of_error_has_no_escape(make_client):
    error = await raised_by(make_client, 500, json=envelope("internal_error", HOSTILE_MESSAGE))

    assert "\x1b" not in str(error)


# -- error_from_response directly -------------------------------------------------------


def test_rate_limited_keeps_retry_after():
    response = httpx.Response(429, json=envelope("rate_limit_exceeded", "slow down"))

    error = error_from_response(response, retry_after=17.0)

    assert isinstance(error, RateLimited)
    assert error.retry_after == 17.0


def test_rate_limited_retry_after_defaults_to_none():
    response = httpx.Response(429, json=envelope("rate_limit_exceeded", "slow down"))

    error = error_from_response(response)

    assert isinstance(error, RateLimited)
    assert error.retry_after is None


def test_non_utf8_body_read_as_text():
    response = httpx.Response(500, content=b"broken \xff\xfe body")

    error = error_from_response(response)

    assert error.message.startswith("broken")
