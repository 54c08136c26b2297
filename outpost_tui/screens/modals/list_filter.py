"""Pick a status filter, and for lists that allow it, the sort field and order."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

ALL = ""


@dataclass(frozen=True)
class ListFilter:
    """The list request's narrowing and order: a status, and a sort field and order."""

    status: str | None = None
    sort: str | None = None
    order: str | None = None

    def describe(self) -> str:
        """Return a short phrase for the screen title, empty when nothing is set."""
        parts = []
        if self.status:
            parts.append(f"status {self.status}")
        if self.sort:
            parts.append(f"by {self.sort} {self.order or 'desc'}")
        return ", ".join(parts)


class ListFilterModal(ModalScreen[ListFilter | None]):
    """Choose a status and, where the list defines them, a sort field and an order.

    ``enter`` on the Apply button or ``ctrl+s`` applies; escape keeps the current filter.
    """

    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="filter.apply"),
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
    ]

    def __init__(self, title: str, statuses: tuple[str, ...], sort_fields: tuple[str, ...],
                 current: ListFilter) -> None:
        super().__init__(classes="list-filter-modal")
        self.title_text = title
        self.statuses = statuses
        self.sort_fields = sort_fields
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-dialog"):
            yield Static(self.title_text, id="filter-title", markup=False)
            with Horizontal(classes="form-row"):
                yield Label("Status", classes="form-label")
                yield Select([("all", ALL)] + [(status, status) for status in self.statuses],
                             id="filter-status", value=self.current.status or ALL, allow_blank=False,
                             compact=True)
            if self.sort_fields:
                with Horizontal(classes="form-row"):
                    yield Label("Sort by", classes="form-label")
                    yield Select([(field, field) for field in self.sort_fields], id="filter-sort",
                                 value=self.current.sort or self.sort_fields[0], allow_blank=False,
                                 compact=True)
                with Horizontal(classes="form-row"):
                    yield Label("Order", classes="form-label")
                    yield Select([("newest or largest first (desc)", "desc"), ("ascending (asc)", "asc")],
                                 id="filter-order", value=self.current.order or "desc", allow_blank=False,
                                 compact=True)
            with Horizontal(id="filter-buttons"):
                yield Button("Cancel (esc)", id="filter-cancel")
                yield Button("Apply (ctrl+s)", id="filter-apply", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#filter-status", Select).focus()

    def action_apply(self) -> None:
        status = self.query_one("#filter-status", Select).value
        sort = order = None
        if self.sort_fields:
            sort = self.query_one("#filter-sort", Select).value
            order = self.query_one("#filter-order", Select).value
        self.dismiss(ListFilter(status=status or None, sort=sort, order=order))  # type: ignore[arg-type]

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#filter-apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#filter-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)
