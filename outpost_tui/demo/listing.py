"""List ordering, filtering and the pagination envelope."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

from .timeutil import sort_time
from .validation import query_choice, query_int

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def newest_first(records: Iterable[dict]) -> list[dict]:
    """Order records by ``created_at``, newest first, ties by name."""
    by_name = sorted(records, key=lambda record: str(record.get("name", "")))
    return sorted(by_name, key=lambda record: sort_time(record.get("created_at")), reverse=True)


def sort_records(records: Iterable[dict], field: str, descending: bool) -> list[dict]:
    """Order records by ``field``, ties by name; null values go last in both orders."""
    by_name = sorted(records, key=lambda record: str(record.get("name", "")))
    present = [record for record in by_name if record.get(field) is not None]
    missing = [record for record in by_name if record.get(field) is None]
    if field == "name":
        key: Callable[[dict], object] = lambda record: str(record.get("name"))  # noqa: E731
    else:
        key = lambda record: sort_time(record.get(field))  # noqa: E731
    return sorted(present, key=key, reverse=descending) + missing


def filter_status(records: list[dict], query: Mapping[str, str], statuses: Iterable[str]) -> list[dict]:
    """Keep records whose status equals the ``status`` query parameter, if given."""
    wanted = query_choice(query, "status", statuses, None)
    if wanted is None:
        return records
    return [record for record in records if record.get("status") == wanted]


def paginate(items: list, query: Mapping[str, str]) -> dict:
    """Return the page that ``page`` and ``per_page`` select, in the list envelope.

    A page past the end is empty rather than an error.
    """
    page = query_int(query, "page", 1, 1, None)
    per_page = query_int(query, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    start = (page - 1) * per_page
    return {
        "data": items[start : start + per_page],
        "pagination": {
            "page": page,
            "per_page": per_page,
            "total": len(items),
            "total_pages": math.ceil(len(items) / per_page),
        },
    }
