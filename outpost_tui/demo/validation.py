"""Readers for JSON body fields and query parameters.

A wrong JSON type or a missing required field is a malformed request (400), while a
well-typed value outside its allowed set or range breaks a rule (422).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import bad_request, unprocessable

NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
REPO_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}/[A-Za-z0-9_.-]{1,100}")
MISSING: Any = object()


def require_object(body: object) -> dict:
    """Return ``body`` if it is a JSON object, else raise 400."""
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object; send Content-Type: application/json")
    return body


def _type_error(field: str, expected: str, value: object) -> Exception:
    return bad_request(f"field '{field}' must be {expected}, got {type(value).__name__}", field)


def read_string(body: Mapping, field: str, *, required: bool = False, nullable: bool = False) -> Any:
    """Return a string field, ``None`` when null is allowed, or MISSING when absent."""
    if field not in body:
        if required:
            raise bad_request(f"missing required field '{field}'", field)
        return MISSING
    value = body[field]
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _type_error(field, "a string", value)
    return value


def read_int(body: Mapping, field: str, *, required: bool = False, nullable: bool = False) -> Any:
    """Return an integer field (booleans rejected), ``None`` when null is allowed, or MISSING."""
    if field not in body:
        if required:
            raise bad_request(f"missing required field '{field}'", field)
        return MISSING
    value = body[field]
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field, "an integer", value)
    return value


def read_bool(body: Mapping, field: str) -> Any:
    """Return a boolean field or MISSING."""
    if field not in body:
        return MISSING
    value = body[field]
    if not isinstance(value, bool):
        raise _type_error(field, "true or false", value)
    return value


def read_string_map(body: Mapping, field: str) -> Any:
    """Return an object field whose values are all strings, or MISSING."""
    if field not in body:
        return MISSING
    value = body[field]
    if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
        raise bad_request(f"field '{field}' must be an object mapping strings to strings", field)
    return dict(value)


def read_string_list(body: Mapping, field: str, *, nullable: bool = False) -> Any:
    """Return an array-of-strings field, ``None`` when null is allowed, or MISSING."""
    if field not in body:
        return MISSING
    value = body[field]
    if value is None and nullable:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise bad_request(f"field '{field}' must be an array of strings", field)
    return list(value)


def read_int_list(body: Mapping, field: str) -> Any:
    """Return an array-of-integers field or MISSING."""
    if field not in body:
        return MISSING
    value = body[field]
    valid = isinstance(value, list) and all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    )
    if not valid:
        raise bad_request(f"field '{field}' must be an array of integers", field)
    return list(value)


def check_choice(value: object, allowed: Iterable, field: str) -> None:
    """Raise 422 unless ``value`` is one of ``allowed``."""
    options = list(allowed)
    if value not in options:
        listed = ", ".join(str(option) for option in options)
        raise unprocessable(f"invalid {field} {value!r}; use one of: {listed}", field)


def check_range(value: int, low: int, high: int, field: str) -> None:
    """Raise 422 unless ``low <= value <= high``."""
    if not low <= value <= high:
        raise unprocessable(f"invalid {field} {value}; use a value from {low} to {high}", field)


def check_name(value: str, field: str = "name") -> None:
    """Raise 422 unless ``value`` follows the name rules (1-64 letters, digits, '-', '_')."""
    if not NAME_PATTERN.fullmatch(value):
        raise unprocessable(
            f"invalid {field} {value!r}; use 1-64 letters, digits, '-' or '_'", field
        )


def check_repo(value: str, field: str = "repo") -> None:
    """Raise 422 unless ``value`` looks like ``namespace/name``."""
    if not REPO_PATTERN.fullmatch(value):
        raise unprocessable(f"invalid {field} {value!r}; use the form 'namespace/name'", field)


def check_scopes(scopes: list[str] | None, allowed: Iterable[str]) -> None:
    """Raise 422 for an empty scope list, an unknown scope or a duplicate."""
    if scopes is None:
        return
    if not scopes:
        raise unprocessable("scopes must not be empty; omit the field or send null for an unscoped credential", "scopes")
    options = list(allowed)
    for scope in scopes:
        check_choice(scope, options, "scopes")
    if len(set(scopes)) != len(scopes):
        raise unprocessable("scopes must not contain duplicates", "scopes")


def reject_fields(body: Mapping, fields: Iterable[str], reason: str) -> None:
    """Raise 422 naming the first of ``fields`` present in ``body``."""
    for field in fields:
        if field in body:
            raise unprocessable(f"field '{field}' {reason}", field)


def query_int(query: Mapping[str, str], field: str, default: int, low: int, high: int | None) -> int:
    """Return an integer query parameter within ``low..high``, else raise 400."""
    raw = query.get(field)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        raise bad_request(f"query parameter '{field}' must be an integer, got {raw!r}", field)
    value = int(raw)
    if value < low or (high is not None and value > high):
        upper = f" to {high}" if high is not None else " or more"
        raise bad_request(f"query parameter '{field}' must be from {low}{upper}, got {value}", field)
    return value


def query_choice(query: Mapping[str, str], field: str, allowed: Iterable[str], default: str | None) -> str | None:
    """Return a query parameter that must be one of ``allowed``, else raise 400."""
    raw = query.get(field)
    if raw is None:
        return default
    options = list(allowed)
    if raw not in options:
        raise bad_request(
            f"query parameter '{field}' must be one of {', '.join(options)}, got {raw!r}", field
        )
    return raw


def query_bool(query: Mapping[str, str], field: str) -> bool:
    """Return a ``true``/``false`` query parameter (default false), else raise 400."""
    raw = query.get(field)
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise bad_request(f"query parameter '{field}' must be true or false, got {raw!r}", field)
    return raw == "true"
