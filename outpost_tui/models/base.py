"""Shared pieces of the pydantic models: tolerant parsing, UTC timestamps and money."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    model_validator,
)


def _as_utc(value: Any) -> Any:
    """Read an ISO 8601 string and treat a timestamp without an offset as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"invalid ISO 8601 timestamp {value!r}") from None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def _as_decimal(value: Any) -> Any:
    """Read money as ``Decimal`` from its JSON string; a float is converted via ``str``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        # Decimal() would turn true into 1 and [0, [2, 4], -1] into 2.4.
        raise ValueError(f"invalid decimal amount {value!r}")
    if isinstance(value, float):
        value = str(value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(f"invalid decimal amount {value!r}") from None


# Both types admit None so that the validators can map "" to None. With a plain
# ``datetime`` inside, pydantic would reject the None that the validator returns.
Timestamp = Annotated[
    datetime | None,
    BeforeValidator(_as_utc),
    PlainSerializer(
        lambda dt: dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
        when_used="unless-none",
    ),
]
Money = Annotated[
    Decimal | None, BeforeValidator(_as_decimal), PlainSerializer(str, when_used="unless-none")
]


class OutpostModel(BaseModel):
    """Base for every API object: unknown fields are kept, missing optional ones are None."""

    # defer_build: a model's validator is built on first use, so start-up pays only for
    # the models the first screen needs.
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls_for_defaults(cls, data: Any) -> Any:
        # A null where the model has a non-null default means "not set": keep the default
        # instead of rejecting the whole object.
        if not isinstance(data, dict):
            return data
        return {
            key: value
            for key, value in data.items()
            if value is not None or key not in cls.model_fields or cls.model_fields[key].default is None
        }

    @property
    def extra_fields(self) -> dict[str, Any]:
        """Fields the server sent that this version of the model does not declare."""
        return dict(self.__pydantic_extra__ or {})

    def all_fields(self) -> dict[str, Any]:
        """Return declared and unknown fields in one mapping, in declaration order."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(self.extra_fields)
        return values
