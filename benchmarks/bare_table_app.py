"""The reference for the startup benchmark: a bare Textual app with one DataTable.

It fetches the same first page of machines from the same server with httpx and shows
the same columns as plain strings, with nothing else: no client layer, no models, no
status bar, no polling.
"""

from __future__ import annotations

import os
import sys

import httpx
from textual.app import App, ComposeResult
from textual.widgets import DataTable

COLUMNS = ("name", "status", "gpu", "cpu", "region", "cost_per_hour", "created_at")


class BareTableApp(App):
    def __init__(self, url: str, api_key: str) -> None:
        super().__init__()
        self.url = url
        self.api_key = api_key

    def compose(self) -> ComposeResult:
        yield DataTable()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        async with httpx.AsyncClient() as client:
            response = await client.get(
                f"{self.url}/acme/machines",
                params={"page": 1, "per_page": 20},
                headers={"Authorization": f"API-Key {self.api_key}"},
            )
        for item in response.json()["data"]:
            table.add_row(*(str(item.get(column, "")) for column in COLUMNS))


if __name__ == "__main__":
    BareTableApp(sys.argv[1], os.environ["OUTPOST_API_KEY"]).run()
