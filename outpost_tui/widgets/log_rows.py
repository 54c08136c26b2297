"""The screen rows of a log view's lines: one each, or, when wrapping, as many as needed.

No Textual here. Row starts are absolute numbers that keep counting from the first line
ever indexed, so evicting lines from the front only drops their starts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable


class RowIndex:
    """The first screen row of each line of a view.

    ``width`` is the wrap width in cells, or 0 when lines do not wrap and each takes one
    row; then nothing is stored.
    """

    def __init__(self) -> None:
        self.width = 0
        self._starts: list[int] = []
        self._end = 0

    @property
    def wrapping(self) -> bool:
        return self.width > 0

    def rows_for(self, cells: int) -> int:
        """Return the rows a line of ``cells`` cells takes."""
        return max(1, -(-cells // self.width)) if self.width else 1

    def rebuild(self, width: int, cells: Iterable[int]) -> None:
        """Index lines of the given widths anew, wrapping at ``width`` (0: no wrap)."""
        self.width = width
        self._starts = []
        self._end = 0
        if width:
            self.extend(cells)

    def extend(self, cells: Iterable[int]) -> None:
        """Add lines of the given widths after the last one."""
        if not self.width:
            return
        starts = self._starts
        total = self._end
        for line_cells in cells:
            starts.append(total)
            total += self.rows_for(line_cells)
        self._end = total

    def evict(self, count: int) -> int:
        """Drop the first ``count`` lines and return how many rows they took."""
        if not self.width:
            return count
        starts = self._starts
        if not count or not starts:
            return 0
        removed = (starts[count] if count < len(starts) else self._end) - starts[0]
        del starts[:count]
        return removed

    def count(self, lines: int) -> int:
        """Return the total rows of ``lines`` lines."""
        if not self.width:
            return lines
        base = self._starts[0] if self._starts else self._end
        return self._end - base

    def row_of(self, index: int) -> int:
        """Return the first row of line ``index``."""
        if not self.width:
            return index
        return self._starts[index] - self._starts[0]

    def locate(self, row: int, lines: int) -> tuple[int | None, int]:
        """Return the line shown on ``row`` and which of its wrapped parts, or None past the end."""
        if row < 0 or row >= self.count(lines):
            return None, 0
        if not self.width:
            return row, 0
        absolute = row + self._starts[0]
        index = bisect_right(self._starts, absolute) - 1
        return index, absolute - self._starts[index]
