"""The detail pane: every field of one resource, known and unknown, as plain text."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from .presentation import field_label, value_text

TWO_COLUMN_WIDTH = 110


class DetailPane(VerticalScroll):
    """Shows one item. Fields the model does not know are listed after the known ones."""

    DEFAULT_CSS = """
    DetailPane { height: 1fr; }
    DetailPane > #detail-body { width: 1fr; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.item: Any = None

    def compose(self):
        yield Static(Text("Nothing selected", style="dim"), id="detail-body")

    def show_item(self, item: Any) -> None:
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

    def show_message(self, message: Text) -> None:
        self.item = None
        self.query_one("#detail-body", Static).update(message)
