"""The list screens: one page of machines, jobs or services with a detail pane.

Only the visible screen polls. Its timer starts when the screen is shown and stops when it
is hidden, and a tick is skipped while the previous request is still running.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker

from ..api import (
    JOBS,
    MACHINES,
    SERVICES,
    AuthenticationFailed,
    OutpostError,
    ResourceKind,
)
from ..api.endpoints import PER_PAGE_DEFAULT
from ..api.ratelimit import Lane
from ..clock import utc_now
from ..models import Page
from ..polling import PollPolicy
from ..problems import describe
from ..sanitize import safe_text
from ..widgets.detail_pane import DetailPane
from ..widgets.presentation import (
    format_age,
    format_duration,
    format_gpu,
    format_money,
    status_text,
)
from ..widgets.resource_table import Column, ResourceTable
from ..widgets.status_bar import StatusBar
from .actions import FILTER_BINDING, MARK_BINDINGS, action_bindings
from .compute_actions import JobActions, MachineActions, ServiceActions

if TYPE_CHECKING:
    from ..app import OutpostApp

# Rows per page: the API's default page size, which the start-up prefetch also uses.
PER_PAGE = PER_PAGE_DEFAULT
# Pause before loading the highlighted row's detail, so scrolling costs no requests.
DETAIL_DEBOUNCE_SECONDS = 0.2
# How many list pages a deep link may read to find the page that contains its item.
DEEP_LINK_PAGE_BUDGET = 5


class PageLoaded(Message):
    def __init__(self, page: Page[Any], changed: bool = True) -> None:
        super().__init__()
        self.page = page
        self.changed = changed


class DetailLoaded(Message):
    def __init__(self, item: Any) -> None:
        super().__init__()
        self.item = item


class RequestFailed(Message):
    def __init__(self, error: OutpostError, probe: bool = False) -> None:
        super().__init__()
        self.error = error
        self.probe = probe


class ResourceScreen(Screen):
    """A paged table of one resource kind, its detail pane and the status bar."""

    KIND: ClassVar[ResourceKind]
    TITLE_TEXT: ClassVar[str]
    COLUMNS: ClassVar[tuple[Column, ...]]

    BINDINGS = [
        Binding("right_square_bracket", "next_page", "Next page", id="page.next"),
        Binding("left_square_bracket", "previous_page", "Prev page", id="page.previous"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("l", "open_logs", "Logs", id="logs.open"),
        Binding("p", "toggle_pause", "Pause", id="poll.pause"),
        Binding("plus,equals_sign", "slower", "Slower", show=False, id="poll.slower"),
        Binding("minus", "faster", "Faster", show=False, id="poll.faster"),
    ]

    app: OutpostApp

    def __init__(self, focus_name: str | None = None) -> None:
        super().__init__(id=f"{self.KIND.name}-screen", classes="resource-screen")
        self.page_number = 1
        self.total_pages = 0
        self.total = 0
        self.items: dict[str, Any] = {}
        self.focus_name = focus_name
        self._focus_searched = False
        self.policy = PollPolicy()
        self._visible = False
        self._poll_timer: Timer | None = None
        self._poll_worker: Worker[None] | None = None
        self._reload_requested = False
        self._last_problem: str | None = None

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="list-pane"):
                yield ResourceTable(self.COLUMNS, id="table")
            yield DetailPane(id="detail")
        yield Static("", id="error-banner", classes="hidden", markup=False)
        yield StatusBar(self.app.connection, id="status-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Outpost"
        self.sub_title = f"{self.TITLE_TEXT} · {self.app.connection.namespace}"
        self.query_one("#list-pane").border_title = self.TITLE_TEXT
        self.query_one(DetailPane).border_title = "Details"
        self._show_page_info()

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    # -- polling ------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self._visible = True
        self._update_banner_for_halt()
        age = self._data_age()
        if age is None or age >= self.policy.next_delay():
            self.poll()
        else:
            self._schedule(self.policy.next_delay() - age)

    def on_screen_suspend(self) -> None:
        # A hidden screen sends nothing: its timer stops, and a refresh in flight finishes
        # without scheduling another.
        self._visible = False
        self._cancel_timer()

    def _schedule(self, delay: float) -> None:
        self._cancel_timer()
        if self._visible and not self.policy.paused and self.app.polling_halted is None:
            self._poll_timer = self.set_timer(delay, self._tick, name=f"poll {self.KIND.name}")

    def _cancel_timer(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None

    def _tick(self) -> None:
        self._poll_timer = None
        self.poll(probe=self.policy.degraded)

    def poll(self, *, user: bool = False, probe: bool = False) -> None:
        """Start a refresh unless one is running; a running refresh is never cancelled.

        Timer ticks use the background lane of the rate-limit budget, key presses the user
        lane. In degraded mode a tick first probes the health endpoint, which counts
        against no limit, and requests the list only when the probe succeeds.
        """
        if self.app.polling_halted is not None and not user:
            return
        if self._poll_worker is not None and self._poll_worker.is_running:
            self._reload_requested = self._reload_requested or user
            return
        lane = Lane.USER if user else Lane.BACKGROUND
        self._poll_worker = self.run_worker(
            self._refresh(lane, probe=probe),
            group="poll",
            exit_on_error=False,
            name=f"poll {self.KIND.name}",
        )

    def request_reload(self) -> None:
        """Reload now for a user action, or right after the refresh in flight."""
        self.policy.user_acted()
        self.poll(user=True)

    async def _refresh(self, lane: Lane, *, probe: bool = False) -> None:
        client = self.app.client
        namespace = self.app.connection.namespace
        try:
            if probe:
                await client.health()
            if self.focus_name is not None and not self._focus_searched:
                self._focus_searched = True
                await self._find_focus_page()
            prefetched = self.app.take_prefetched_page(self.KIND.name)
            if prefetched is not None and self.page_number == 1:
                page = await prefetched
            else:
                page = await client.list_page(
                    self.KIND, namespace, page=self.page_number, per_page=PER_PAGE,
                    filters=self.list_filters(), lane=lane,
                )
            changed_rows = self._changed_keys(page)
            self.post_message(PageLoaded(page, changed=bool(changed_rows)))
            key = self.table.highlighted_key
            # The detail is fetched again only when its row changed, to spare the budget.
            if key is not None and key in changed_rows:
                item = await client.get_item(self.KIND, namespace, key, lane=lane)
                self.post_message(DetailLoaded(item))
        except OutpostError as exc:
            self.post_message(RequestFailed(exc, probe=probe))
        finally:
            self.call_later(self._after_refresh)

    def _after_refresh(self) -> None:
        if self._reload_requested:
            self._reload_requested = False
            self.poll(user=True)
            return
        self._schedule(self.policy.next_delay())

    def _changed_keys(self, page: Page[Any]) -> set[str]:
        """Keys of rows that are new or differ from what the table shows."""
        changed = set()
        for item in page.items:
            shown = self.items.get(item.key)
            if shown is None or shown.model_dump() != item.model_dump():
                changed.add(item.key)
        if page.total != self.total or set(self.items) - {item.key for item in page.items}:
            changed.add("")
        return changed

    def _data_age(self) -> float | None:
        loaded = self.query_one(StatusBar).data_time
        if loaded is None:
            return None
        return (utc_now() - loaded).total_seconds()

    def poll_status(self) -> str:
        """Return the screen's refresh state for the status bar."""
        if self.app.polling_halted is not None:
            return "polling stopped"
        if self.policy.paused:
            return "paused"
        if self.policy.degraded:
            return "degraded, probing"
        return f"every {self.policy.interval:.0f}s"

    def list_filters(self) -> dict[str, str]:
        """Query parameters that narrow or order the list, such as a status filter."""
        return {}

    async def _find_focus_page(self) -> None:
        """Set the page that contains the deep-linked item, reading at most a few pages."""
        name = self.focus_name
        index = 0
        per_page = 100
        async for item in self.app.client.iter_items(
            self.KIND, self.app.connection.namespace, per_page=per_page
        ):
            if item.key == name:
                self.page_number = index // PER_PAGE + 1
                return
            index += 1
            if index >= DEEP_LINK_PAGE_BUDGET * per_page:
                break

    # -- results ------------------------------------------------------------------------

    @on(PageLoaded)
    def show_page(self, message: PageLoaded) -> None:
        page = message.page
        self.items = {item.key: item for item in page.items}
        self.total_pages = page.total_pages
        self.total = page.total
        focus = self.focus_name
        self.table.show_items(page.items, keep_key=focus)
        if focus is not None:
            self.focus_name = None
            if focus not in self.items:
                self.app.notify(
                    f"{self.KIND.singular} {focus!r} was not found in namespace "
                    f"{self.app.connection.namespace!r}.",
                    title="Not found",
                    severity="warning",
                )
            elif self.app.target.view == "logs" and self.app.target.kind == self.KIND.name:
                self.open_logs(focus)
        self.query_one(StatusBar).data_time = utc_now()
        self.policy.record_data(message.changed)
        self._record_success()
        self._show_page_info()
        if not page.items:
            self.query_one(DetailPane).show_message(Text("No items on this page", style="dim"))

    @on(DetailLoaded)
    def show_detail(self, message: DetailLoaded) -> None:
        if message.item.key == self.table.highlighted_key:
            self.query_one(DetailPane).show_item(message.item)

    @on(RequestFailed)
    def show_failure(self, message: RequestFailed) -> None:
        error = message.error
        connection = self.app.connection
        problem = describe(error, credential_source=self.app.credential_source)
        unauthorized = isinstance(error, AuthenticationFailed)
        connection.record_failure(problem.message, unauthorized=unauthorized)
        if message.probe:
            self.policy.record_probe_failure()
        self.policy.record_failure()
        if unauthorized:
            # Retrying a rejected credential cannot succeed: every screen stops polling
            # until the user refreshes by hand.
            self.app.halt_polling(f"{problem.title}: {problem.message}")
        text = f"{problem.title}: {problem.message}"
        if self.policy.degraded and not unauthorized:
            text += (
                f" Showing the last data; checking again in {self.policy.next_delay():.0f} s,"
                " or press r to retry now."
            )
        banner = self.query_one("#error-banner", Static)
        banner.update(safe_text(text))
        banner.remove_class("hidden")
        if problem.message != self._last_problem:
            self.app.notify(problem.message, title=problem.title, severity=problem.severity)
        self._last_problem = problem.message
        self.query_one(StatusBar).redraw()

    def _record_success(self) -> None:
        self.app.connection.record_success()
        self._last_problem = None
        self.query_one("#error-banner", Static).add_class("hidden")
        self.query_one(StatusBar).redraw()

    def _show_page_info(self) -> None:
        if self.total_pages:
            text = f"page {self.page_number} of {self.total_pages}, {self.total} total"
        elif self.app.connection.last_success is None:
            text = "loading…"
        else:
            text = f"page {self.page_number} of {max(self.total_pages, 1)}, {self.total} total"
        self.query_one("#list-pane").border_subtitle = text

    # -- user actions -------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        item = self.items.get(key)
        if item is None:
            return
        detail = self.query_one(DetailPane)
        if detail.item is None or detail.item.key != key:
            detail.show_item(item)
        # The worker gets a callable rather than a coroutine, so a worker replaced before
        # it starts leaves no coroutine behind that was never awaited.
        self.run_worker(
            partial(self._load_detail, key), group="detail", exclusive=True, exit_on_error=False
        )

    async def _load_detail(self, key: str) -> None:
        # Moving through rows quickly replaces this worker, so only the row the cursor
        # stops on costs a request.
        await asyncio.sleep(DETAIL_DEBOUNCE_SECONDS)
        try:
            item = await self.app.client.get_item(self.KIND, self.app.connection.namespace, key)
        except OutpostError as exc:
            self.post_message(RequestFailed(exc))
            return
        self.post_message(DetailLoaded(item))

    def action_next_page(self) -> None:
        if self.page_number < self.total_pages:
            self.page_number += 1
            self.request_reload()
        else:
            self.app.notify("This is the last page.", timeout=2)

    def action_previous_page(self) -> None:
        if self.page_number > 1:
            self.page_number -= 1
            self.request_reload()
        else:
            self.app.notify("This is the first page.", timeout=2)

    def action_refresh(self) -> None:
        self.app.resume_polling()
        self.policy.user_acted()
        self.poll(user=True, probe=self.policy.degraded)

    def action_open_logs(self) -> None:
        key = self.table.highlighted_key
        if key is None:
            self.app.notify("Highlight a row first; l opens its log.", timeout=3)
            return
        self.open_logs(key)

    def open_logs(self, name: str) -> None:
        """Open the log screen of item ``name``; a job's listed status saves a request."""
        item = self.items.get(name)
        from .logs import LogScreen  # imported on first use, to keep start-up fast

        self.app.push_screen(LogScreen(self.KIND, name, status=getattr(item, "status", None)))

    def action_toggle_pause(self) -> None:
        self.policy.paused = not self.policy.paused
        if self.policy.paused:
            self._cancel_timer()
            self.app.notify(f"{self.TITLE_TEXT}: refreshing paused; press p to resume.", timeout=3)
        else:
            self.app.notify(f"{self.TITLE_TEXT}: refreshing resumed.", timeout=2)
            self.poll(user=True)
        self.query_one(StatusBar).redraw()

    def action_slower(self) -> None:
        self._set_interval(+1)

    def action_faster(self) -> None:
        self._set_interval(-1)

    def _set_interval(self, direction: int) -> None:
        seconds = self.policy.step_interval(direction)
        self.app.notify(f"{self.TITLE_TEXT}: refreshing every {seconds:.0f} s.", timeout=2)
        if not self.policy.paused and not (self._poll_worker and self._poll_worker.is_running):
            self._schedule(seconds)
        self.query_one(StatusBar).redraw()

    def _update_banner_for_halt(self) -> None:
        if self.app.polling_halted is None:
            return
        banner = self.query_one("#error-banner", Static)
        banner.update(safe_text(f"{self.app.polling_halted} Press r to try again."))
        banner.remove_class("hidden")


# -- the three screens --------------------------------------------------------------------


def _shortened(text: str, width: int) -> Text:
    """Text cut to ``width`` cells with an ellipsis, so a cut is visible."""
    cell = safe_text(text)
    cell.truncate(width, overflow="ellipsis")
    return cell


def _name(item: Any) -> Text:
    return safe_text(item.name)


def _age(item: Any) -> Text:
    return Text(format_age(item.created_at))


def _region(item: Any) -> Text:
    return safe_text(item.region or "-")


def _gpu(item: Any) -> Text:
    return Text(format_gpu(item.gpu, item.gpu_count))


class MachinesScreen(MachineActions, ResourceScreen):
    KIND = MACHINES
    TITLE_TEXT = "Machines"
    BINDINGS = [*action_bindings("machines"), *MARK_BINDINGS, FILTER_BINDING]
    COLUMNS = (
        Column("name", "NAME", _name),
        Column("status", "STATUS", lambda m: status_text(m.status)),
        Column("gpu", "GPU", _gpu),
        Column("size", "CPU/MEM", lambda m: Text(f"{m.cpu or '-'} / {m.memory_gb or '-'} GB")),
        Column("region", "REGION", _region),
        Column("cost", "$/HOUR", lambda m: Text(format_money(m.cost_per_hour))),
        Column("age", "AGE", _age),
    )


class JobsScreen(JobActions, ResourceScreen):
    KIND = JOBS
    TITLE_TEXT = "Jobs"
    BINDINGS = [*action_bindings("jobs"), *MARK_BINDINGS, FILTER_BINDING]
    COLUMNS = (
        Column("name", "NAME", _name),
        Column("status", "STATUS", lambda j: status_text(j.status)),
        Column("progress", "PROGRESS", lambda j: _shortened(j.progress or "-", 24), width=24),
        Column("gpu", "GPU", _gpu),
        Column("region", "REGION", _region),
        Column("runtime", "RUNTIME", lambda j: Text(format_duration(j.runtime_seconds))),
        Column("cost", "$/HOUR", lambda j: Text(format_money(j.cost_per_hour))),
        Column("age", "AGE", _age),
    )


def _replicas(service: Any) -> Text:
    ready = service.ready_replicas if service.ready_replicas is not None else "-"
    current = service.current_replicas if service.current_replicas is not None else "-"
    return Text(f"{ready}/{current} ({service.min_replicas}-{service.max_replicas})")


class ServicesScreen(ServiceActions, ResourceScreen):
    KIND = SERVICES
    TITLE_TEXT = "Services"
    BINDINGS = [*action_bindings("services"), *MARK_BINDINGS, FILTER_BINDING]
    COLUMNS = (
        Column("name", "NAME", _name),
        Column("status", "STATUS", lambda s: status_text(s.status)),
        Column("replicas", "READY/CUR (MIN-MAX)", _replicas),
        Column("gpu", "GPU", _gpu),
        Column("region", "REGION", _region),
        Column("cost", "$/HOUR/REPLICA", lambda s: Text(format_money(s.cost_per_hour_per_replica))),
        Column("age", "AGE", _age),
    )


SCREENS_BY_KIND: dict[str, type[ResourceScreen]] = {
    screen.KIND.name: screen for screen in (MachinesScreen, JobsScreen, ServicesScreen)
}
