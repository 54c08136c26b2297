"""A DataTable of one page of resources, updated by row key so the cursor survives refreshes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist


MARKER = ("● ", "bold magenta")


@dataclass(frozen=True)
class Column:
    """One table column: a header and a function that renders a cell from an item."""

    key: str
    label: str
    render: Callable[[Any], Text]
    width: int | None = None


class ResourceTable(DataTable[Text]):
    """Rows keyed by resource name. ``show_items`` replaces the rows in place."""

    def __init__(self, columns: Sequence[Column], **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.resource_columns = tuple(columns)
        # Keys of the rows marked for a batch action; their first cell starts with a marker.
        self.marked_keys: set[str] = set()

    def on_mount(self) -> None:
        for column in self.resource_columns:
            self.add_column(column.label, key=column.key, width=column.width)

    @property
    def highlighted_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except CellDoesNotExist:
            return None
        return row_key.value

    def show_items(self, items: Sequence[Any], keep_key: str | None = None) -> None:
        """Show ``items``, updating cells in place when the same rows are present.

        The cursor stays on the row with the same key (``keep_key`` if given, else the
        highlighted one), so a refresh never moves the user's selection.
        """
        target = keep_key or self.highlighted_key
        new_keys = [item.key for item in items]
        current_keys = [row.key.value for row in self.ordered_rows]
        if new_keys == current_keys:
            for item in items:
                self._update_row(item)
            return
        self.clear()
        for item in items:
            self.add_row(*self._cells(item), key=item.key)
        self.move_to_key(target)

    def move_to_key(self, key: str | None) -> bool:
        """Put the cursor on the row with ``key``; return whether that row is shown."""
        if key is None:
            return False
        try:
            index = self.get_row_index(key)
        except RowDoesNotExist:
            return False
        self.move_cursor(row=index, animate=False)
        return True

    def set_marked(self, item: Any, marked: bool) -> None:
        """Mark or unmark the row of ``item`` and redraw its cells."""
        if marked:
            self.marked_keys.add(item.key)
        else:
            self.marked_keys.discard(item.key)
        try:
            self._update_row(item)
        except (CellDoesNotExist, RowDoesNotExist):
            pass  # the row is on another page; the marker shows when it is drawn again

    def _cells(self, item: Any) -> list[Text]:
        cells = [column.render(item) for column in self.resource_columns]
        if cells and item.key in self.marked_keys:
            cells[0] = Text.assemble(MARKER, cells[0])
        return cells

    def _update_row(self, item: Any) -> None:
        for column, cell in zip(self.resource_columns, self._cells(item)):
            if self.get_cell(item.key, column.key) != cell:
                self.update_cell(item.key, column.key, cell, update_width=True)
