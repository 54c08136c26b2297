"""Log lines of jobs, services and machines, as snapshots and streams deliver them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def _assume_utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


# Log lines arrive by the tens of thousands per second, so their time is parsed by
# pydantic's own ISO 8601 parser (fractions, ``Z`` and offsets) rather than by the
# Python validator behind ``Timestamp``. A time without an offset counts as UTC there too.
LogTimestamp = Annotated[datetime | None, AfterValidator(_assume_utc)]


class LogLine(BaseModel):
    """One line of output.

    ``seq`` numbers the lines of one resource from 1 without reuse, so it orders them
    and removes duplicates after a reconnect. It is None only for a plain-text stream
    event that carried no id.

    Unlike the other models this is not an ``OutpostModel``: its null-dropping validator
    runs in Python and would nearly double the cost of a line. Unknown fields are still
    kept, and the client reads lines with nulls or wrong types field by field instead.
    """

    model_config = ConfigDict(extra="allow")

    seq: int | None = None
    timestamp: LogTimestamp = None
    stream: str = "stdout"
    message: str = ""
