"""The catalog screen: every GPU type in every region with its price, spot price and availability."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ..api import OutpostError
from ..api.compute import ComputeAPI
from ..clock import utc_now
from ..models import Catalog
from ..problems import describe
from ..sanitize import safe_text
from ..widgets.presentation import format_money
from ..widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from ..app import OutpostApp

COLUMNS = ("GPU", "GPU MEMORY", "REGION", "LOCATION", "$/GPU-HOUR", "SPOT $/GPU-HOUR", "AVAILABLE")


class CatalogScreen(Screen):
    """GPU types by region. The catalog changes rarely, so it loads once and on ``r``."""

    BINDINGS = [Binding("r", "refresh", "Refresh", id="refresh")]

    app: OutpostApp

    def __init__(self, focus_name: str | None = None) -> None:
        super().__init__(id="catalog-screen", classes="catalog-screen")
        # A deep link such as catalog/L4 puts the cursor on that GPU's first row.
        self.focus_name = focus_name
        self.catalog: Catalog | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="catalog-pane"):
            yield DataTable(id="catalog-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="catalog-note", markup=False)
        yield StatusBar(self.app.connection, id="status-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Outpost"
        self.sub_title = "GPU catalog"
        self.query_one("#catalog-pane").border_title = "Catalog"
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)

    def on_screen_resume(self) -> None:
        if self.catalog is None:
            self.load(refresh=False)

    def action_refresh(self) -> None:
        self.load(refresh=True)

    def load(self, *, refresh: bool) -> None:
        self.query_one("#catalog-pane").border_subtitle = "loading…"
        self.run_worker(partial(self._load, refresh), group="catalog", exclusive=True, exit_on_error=False)

    async def _load(self, refresh: bool) -> None:
        try:
            catalog = await ComputeAPI.for_client(self.app.client).catalog(refresh=refresh)
        except OutpostError as exc:
            problem = describe(exc, credential_source=self.app.credential_source)
            self.query_one("#catalog-note", Static).update(safe_text(f"{problem.title}: {problem.message}"))
            self.query_one("#catalog-pane").border_subtitle = "not loaded"
            return
        self.show_catalog(catalog)

    def show_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        table = self.query_one(DataTable)
        table.clear()
        for offer in catalog.gpus:
            regions = offer.regions or []
            for entry in regions:
                available = Text("yes", style="green") if entry.available else Text("no", style="bold red")
                memory = "-" if offer.gpu == "none" else f"{offer.memory_gb} GB"
                table.add_row(
                    safe_text(offer.gpu, "bold"), Text(memory), safe_text(entry.region),
                    safe_text(catalog.location(entry.region) or "-"),
                    Text(format_money(offer.price_per_hour)), Text(format_money(offer.spot_price_per_hour)),
                    available, key=f"{offer.gpu}/{entry.region}",
                )
        rows = table.row_count
        self.query_one("#catalog-pane").border_subtitle = f"{len(catalog.gpus)} GPU types, {rows} offers"
        self.query_one("#catalog-note", Static).update(Text(
            "Prices are USD per GPU hour (per machine for none). Spot capacity is cheaper but may be "
            "interrupted or reclaimed.", style="dim"))
        self.query_one(StatusBar).data_time = utc_now()
        self._focus_deep_link(table)

    def _focus_deep_link(self, table: DataTable) -> None:
        if self.focus_name is None:
            return
        name, self.focus_name = self.focus_name, None
        for index, row in enumerate(table.ordered_rows):
            if str(row.key.value).startswith(f"{name}/"):
                table.move_cursor(row=index, animate=False)
                return
        self.app.notify(f"GPU type {name!r} is not in the catalog.", title="Not found", severity="warning")
