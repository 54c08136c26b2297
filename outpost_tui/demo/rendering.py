"""JSON encoding and the error body shapes, including the malformed ones faults ask for."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from .errors import ApiError

REASON_PHRASES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    409: "Conflict", 422: "Unprocessable Content", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


def json_bytes(body: Any) -> bytes:
    """Encode a response body as compact UTF-8 JSON."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_response(error: ApiError, request_id: str, headers: dict[str, str], shape: str | None) -> Response:
    """Render ``error`` as the documented envelope, or in a fault ``shape``.

    Shapes: ``flat`` is ``{"message", "code"}``, ``html`` an HTML page, ``empty`` no
    body, and ``invalid_json`` a JSON body cut off in the middle.
    """
    status = error.status
    if shape == "flat":
        body = json_bytes({"message": error.message, "code": error.code})
        return Response(body, status_code=status, headers=headers, media_type="application/json")
    if shape == "html":
        reason = REASON_PHRASES.get(status, "Error")
        page = (
            f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
            f"<body><h1>{status} {reason}</h1><p>upstream proxy error</p></body></html>"
        )
        return Response(page, status_code=status, headers=headers, media_type="text/html")
    if shape == "empty":
        return Response(b"", status_code=status, headers=headers)
    if shape == "invalid_json":
        cut = json_bytes(_envelope(error, request_id))[:40]
        return Response(cut, status_code=status, headers=headers, media_type="application/json")
    body = json_bytes(_envelope(error, request_id))
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def _envelope(error: ApiError, request_id: str) -> dict:
    payload: dict[str, Any] = {"code": error.code, "message": error.message, "request_id": request_id}
    if error.field is not None:
        payload["field"] = error.field
    return {"error": payload}
