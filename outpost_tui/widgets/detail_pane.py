"""The detail pane: every field of one resource, known and unknown, as plain text."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..models import Analytics
from .presentation import field_label, value_text
from .sparkline import analytics_table

TWO_COLUMN_WIDTH = 110
AGE_REFRESH_SECONDS = 5.0


class DetailPane(VerticalScroll):
    """Shows one item. Fields the model does not know are listed after the known ones."""

    DEFAULT_CSS = """
    DetailPane { height: 1fr; }
    DetailPane > #detail-body { width: 1fr; }
    DetailPane > #detail-analytics { width: 1fr; margin-top: 1; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.item: Any = None
        # The analytics shown below the fields, and the key of the item they belong to.
        self.analytics: Analytics | None = None
        self.analytics_key: str | None = None

    def on_mount(self) -> None:
        # Timestamps show their age ("3s ago"), so the fields are drawn again while shown.
        self.set_interval(AGE_REFRESH_SECONDS, self._redraw_ages)

    def _redraw_ages(self) -> None:
        if self.item is not None:
            self.show_item(self.item)

    def compose(self):
        yield Static(Text("Nothing selected", style="dim"), id="detail-body")
        yield Static("", id="detail-analytics", classes="hidden", markup=False)

    def show_item(self, item: Any) -> None:
        if item is None or item.key != self.analytics_key:
            self.clear_analytics()
        self.item = item
        body = self.query_one("#detail-body", Static)
        if item is None:
            body.update(Text("Nothing selected", style="dim"))
            return
        rows = [(Text(field_label(name)), value_text(name, value)) for name, value in item.all_fields().items()]
        # A wide pane (under the table on narrow terminals) shows the fields in two halves.
        halves = 2 if self.size.width >= TWO_COLUMN_WIDTH else 1
        table = Table.grid(padding=(0, 2), expand=True)
        for _ in range(halves):
            table.add_column(style="bold", no_wrap=True)
            table.add_column(overflow="fold", ratio=1)
        split = -(-len(rows) // halves)
        for index in range(split):
            cells: list[Text] = []
            for half in range(halves):
                position = index + half * split
                cells.extend(rows[position] if position < len(rows) else (Text(""), Text("")))
            table.add_row(*cells)
        body.update(table)

    def on_resize(self) -> None:
        if self.item is not None:
            self.show_item(self.item)
        if self.analytics is not None and self.analytics_key is not None:
            self.show_analytics(self.analytics_key, self.analytics)

    def show_message(self, message: Text) -> None:
        self.item = None
        self.clear_analytics()
        self.query_one("#detail-body", Static).update(message)

    def show_analytics(self, key: str, analytics: Analytics) -> None:
        """Draw sparklines below the fields, if ``key`` is still the item shown."""
        if self.item is None or self.item.key != key:
            return
        self.analytics, self.analytics_key = analytics, key
        # Room for the metric label and the latest value beside the sparkline.
        width = max(10, self.size.width - 28)
        section = Table.grid(expand=True)
        section.add_column()
        window = analytics.window or "recent"
        section.add_row(Text(f"Analytics, last {window}", style="bold underline"))
        section.add_row(analytics_table(analytics, width))
        panel = self.query_one("#detail-analytics", Static)
        panel.update(section)
        panel.remove_class("hidden")

    def clear_analytics(self) -> None:
        self.analytics, self.analytics_key = None, None
        panel = self.query_one("#detail-analytics", Static)
        panel.update("")
        panel.add_class("hidden")
