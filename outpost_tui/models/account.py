"""The current user, health, pages and the error envelope."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import Field

from .base import OutpostModel

T = TypeVar("T")


class NamespaceMembership(OutpostModel):
    """One namespace the user belongs to, with their role in it."""

    name: str
    kind: str = ""
    role: str = ""


class User(OutpostModel):
    """The user behind the credential; ``plan`` sets the rate-limit tier."""

    id: str = ""
    username: str = ""
    email: str = ""
    plan: str = ""
    namespaces: list[NamespaceMembership] = Field(default_factory=list)

    @property
    def default_namespace(self) -> str | None:
        """The personal namespace, which the API lists first."""
        return self.namespaces[0].name if self.namespaces else (self.username or None)


class Health(OutpostModel):
    """The health endpoint's body. Any 200 counts as healthy, whatever it contains."""

    status: str = ""
    version: str = ""


class Pagination(OutpostModel):
    """The ``pagination`` object of a list response."""

    page: int = 1
    per_page: int = 20
    total: int = 0
    total_pages: int | None = None

    def model_post_init(self, __context: object) -> None:
        if self.total_pages is None:
            self.total_pages = math.ceil(self.total / self.per_page) if self.per_page > 0 else 0


@dataclass
class Page(Generic[T]):
    """One page of a list: the items and where it sits in the whole list.

    A plain dataclass, because its items are already validated models.
    """

    items: list[T]
    page: int
    per_page: int
    total: int
    total_pages: int

    @property
    def has_next(self) -> bool:
        return self.page < self.total_pages and bool(self.items)

    @property
    def has_previous(self) -> bool:
        return self.page > 1


class ErrorBody(OutpostModel):
    """The ``error`` object of the error envelope."""

    code: str = ""
    message: str = ""
    request_id: str | None = None
    field: str | None = None
