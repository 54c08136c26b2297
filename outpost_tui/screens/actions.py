"""Shared item actions of the list screens: marks, confirmations, batch actions, the
list filter and analytics sparklines.

:class:`ResourceActions` is a mixin for ``ResourceScreen`` subclasses. It hooks into the
screen's messages by handler name (``on_page_loaded``), so the screen's own handlers keep
running. Per-kind actions live in :mod:`.compute_actions`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding

from ..api import OutpostError
from ..api.compute import ANALYTICS_KINDS, ComputeAPI
from ..guard import actions_for
from ..models import Analytics
from ..polling import DEFAULT_INTERVAL
from ..problems import describe
from ..sanitize import clean_text
from ..widgets.detail_pane import DetailPane
from ..widgets.presentation import format_money
from .modals.confirm import ConfirmModal
from .modals.list_filter import ListFilter, ListFilterModal

if TYPE_CHECKING:
    from ..api import ResourceKind
    from ..app import OutpostApp
    from ..widgets.resource_table import ResourceTable

log = logging.getLogger(__name__)

# The 1 h window has one point a minute, so analytics newer than a minute cannot exist yet.
ANALYTICS_WINDOW = "1h"
ANALYTICS_MAX_AGE_SECONDS = 60.0
ANALYTICS_CACHE_SIZE = 32
# A confirmation lists at most this many names, then the count of the rest.
NAMES_SHOWN = 8

MARK_BINDINGS = [
    Binding("space", "toggle_mark", "Mark", id="marks.toggle"),
    Binding("u", "clear_marks", "Unmark all", show=False, id="marks.clear"),
]
FILTER_BINDING = Binding("f", "filter_list", "Filter", id="list.filter")


def action_bindings(screen: str) -> list[Binding]:
    """Return the bindings of the mutating actions the guard registry lists for ``screen``."""
    return [
        Binding(action.key, action.action, action.label, id=action.id) for action in actions_for(screen)
    ]


def list_refresh_seconds(screen: Any) -> float:
    """Return the screen's current list refresh interval, which analytics never outpace."""
    policy = getattr(screen, "policy", None)
    interval = getattr(policy, "interval", None)
    return float(interval) if isinstance(interval, (int, float)) else DEFAULT_INTERVAL


@dataclass(frozen=True)
class Verb:
    """A body-less action on items: its operation verb and the words messages use."""

    operation: str  # the endpoint-table verb, such as "stop" or "delete"
    label: str  # "Stop"
    done: str  # "Stopped"
    rule: str  # why an item in the wrong status is skipped
    allowed: Callable[[Any], bool]
    cost: Callable[[Any], Decimal | None] | None = None
    irreversible: bool = False


def status_in(*statuses: str) -> Callable[[Any], bool]:
    """Allow items in ``statuses``; an unknown status is left for the server to judge."""

    def allowed(item: Any) -> bool:
        return item.status in statuses or not item.status_is_known

    return allowed


def status_not_in(*statuses: str) -> Callable[[Any], bool]:
    def allowed(item: Any) -> bool:
        return item.status not in statuses

    return allowed


class ResourceActions:
    """Marks, confirmations, batch actions, the list filter and analytics for a list screen."""

    # Sort fields the list endpoint accepts; empty when the list has no sort.
    SORT_FIELDS: ClassVar[tuple[str, ...]] = ()

    if TYPE_CHECKING:
        # Provided by ResourceScreen, which this mixin is combined with.
        app: OutpostApp
        KIND: ResourceKind
        TITLE_TEXT: str
        items: dict[str, Any]
        page_number: int
        sub_title: str
        is_current: bool

        @property
        def table(self) -> ResourceTable: ...

        def request_reload(self) -> None: ...

        def run_worker(self, *args: Any, **kwargs: Any) -> Any: ...

        def set_timer(self, *args: Any, **kwargs: Any) -> Any: ...

        def query_one(self, *args: Any, **kwargs: Any) -> Any: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marked: dict[str, Any] = {}
        self.list_filter = ListFilter()
        self._analytics_cache: dict[str, tuple[float, Analytics]] = {}
        self._analytics_sent_at = float("-inf")
        self._analytics_timer: Any = None

    @property
    def compute(self) -> ComputeAPI:
        return ComputeAPI.for_client(self.app.client)

    @property
    def namespace(self) -> str:
        return self.app.connection.namespace

    def highlighted_item(self) -> Any:
        key = self.table.highlighted_key
        return self.items.get(key) if key is not None else None

    def show_problem(self, exc: BaseException, action: str) -> None:
        problem = describe(exc, credential_source=self.app.credential_source)
        self.app.notify(problem.message, title=f"{action}: {problem.title}", severity=problem.severity)

    # -- title --------------------------------------------------------------------------

    def show_title(self) -> None:
        parts = [self.TITLE_TEXT, self.namespace]
        described = self.list_filter.describe()
        if described:
            parts.append(described)
        if self.marked:
            parts.append(f"{len(self.marked)} marked")
        self.sub_title = " · ".join(parts)

    # -- marks --------------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        item = self.highlighted_item()
        if item is None:
            return
        marked = item.key not in self.marked
        if marked:
            self.marked[item.key] = item
        else:
            del self.marked[item.key]
        self.table.set_marked(item, marked)
        self.table.action_cursor_down()
        self.show_title()

    def action_clear_marks(self) -> None:
        for item in list(self.marked.values()):
            self.table.set_marked(item, False)
        self.marked.clear()
        self.show_title()

    def on_page_loaded(self, message: Any) -> None:
        # Keep the marked items current, so confirmations show today's status and cost.
        for item in message.page.items:
            if item.key in self.marked:
                self.marked[item.key] = item
        self.show_title()
        self.call_later(self.request_analytics)

    def targets(self) -> list[Any]:
        """Return the marked items, or else the highlighted one."""
        if self.marked:
            return list(self.marked.values())
        item = self.highlighted_item()
        return [item] if item is not None else []

    # -- confirm and run ------------------------------------------------------------------

    def confirm_and_run(self, verb: Verb) -> None:
        """Ask before ``verb`` on the targets, naming them, then run it on the eligible ones."""
        targets = self.targets()
        singular, plural = self.KIND.singular, self.KIND.name
        if not targets:
            self.app.notify(f"No {singular} is highlighted; move to a row first.", severity="warning")
            return
        eligible = [item for item in targets if verb.allowed(item)]
        skipped = [item for item in targets if not verb.allowed(item)]
        if not eligible:
            self._notify_none_eligible(verb, targets)
            return
        many = bool(self.marked)
        lines = self._confirm_lines(verb, eligible, skipped, many)
        counted = f"{len(eligible)} {plural if len(eligible) != 1 else singular}"
        typed = None
        if verb.irreversible and self.app.environment == "prod":
            typed = counted if many else eligible[0].name
        target = counted if many else f"{singular} {clean_text(eligible[0].name)!r}"
        title = f"{verb.label} {target}?"

        def run(confirmed: bool | None) -> None:
            if confirmed:
                self.run_verb(verb, eligible)

        self.app.push_screen(
            ConfirmModal(title, lines, confirm_label=verb.label, typed_confirmation=typed), run
        )

    def _notify_none_eligible(self, verb: Verb, targets: list[Any]) -> None:
        if len(targets) == 1:
            item = targets[0]
            message = f"{self.KIND.singular.capitalize()} {clean_text(item.name)!r} is {item.status}; {verb.rule}."
        else:
            message = f"None of the {len(targets)} marked {self.KIND.name} can {verb.operation}; {verb.rule}."
        self.app.notify(message, title=f"{verb.label}: nothing to do", severity="warning")

    def _confirm_lines(self, verb: Verb, eligible: list[Any], skipped: list[Any], many: bool) -> list[Text]:
        lines = []
        names = ", ".join(f"{clean_text(item.name)} ({clean_text(item.status)})" for item in eligible[:NAMES_SHOWN])
        if len(eligible) > NAMES_SHOWN:
            names += f" and {len(eligible) - NAMES_SHOWN} more"
        lines.append(Text(f"{'Targets' if many else 'Target'} in namespace {clean_text(self.namespace)!r}: {names}"))
        if verb.cost is not None:
            total = sum((verb.cost(item) or Decimal(0) for item in eligible), Decimal(0))
            lines.append(Text.assemble("Hourly cost this ends: ", (f"{format_money(total)}/hour", "bold")))
        if skipped:
            skipped_names = ", ".join(f"{clean_text(item.name)} ({clean_text(item.status)})" for item in skipped)
            lines.append(Text(f"Skipped, because {verb.rule}: {skipped_names}", style="yellow"))
        if verb.irreversible:
            lines.append(Text("This cannot be undone.", style="bold red"))
        return lines

    def run_verb(self, verb: Verb, items: list[Any]) -> None:
        """Send ``verb`` for each item in turn, in a worker, and report the outcome once."""
        self.run_worker(self._run_verb(verb, items), group="actions", exit_on_error=False,
                        name=f"{verb.operation} {len(items)} {self.KIND.name}")

    async def _run_verb(self, verb: Verb, items: list[Any]) -> None:
        failures: list[str] = []
        for item in items:
            request = self.compute.item_action(self.KIND, verb.operation, self.namespace, item.name)
            try:
                await self.compute.send(request)
            except OutpostError as exc:
                log.info("%s %s failed: %s", request.method, request.path, exc)
                problem = describe(exc, credential_source=self.app.credential_source)
                failures.append(f"{clean_text(item.name)}: {problem.title}: {problem.message}")
                continue
            if item.key in self.marked:
                del self.marked[item.key]
                self.table.set_marked(item, False)
        self._report(verb, items, failures)
        self.show_title()
        self.request_reload()

    def _report(self, verb: Verb, items: list[Any], failures: list[str]) -> None:
        done = len(items) - len(failures)
        kind = self.KIND
        if done:
            what = f"{kind.singular} {clean_text(items[0].name)!r}" if len(items) == 1 else f"{done} {kind.name}"
            self.app.notify(f"{verb.done} {what}.", title=verb.label)
        if failures:
            self.app.notify("\n".join(failures), title=f"{verb.label} failed for {len(failures)} of {len(items)}",
                            severity="error", timeout=15)

    # -- list filter --------------------------------------------------------------------

    def action_filter_list(self) -> None:
        statuses = self.KIND.model.KNOWN_STATUSES

        def apply(chosen: ListFilter | None) -> None:
            if chosen is None or chosen == self.list_filter:
                return
            self.list_filter = chosen
            self.page_number = 1
            self.show_title()
            self.request_reload()

        title = f"Filter {self.KIND.name}"
        self.app.push_screen(ListFilterModal(title, statuses, self.SORT_FIELDS, self.list_filter), apply)

    def list_filters(self) -> dict[str, str]:
        """Return the query parameters of the current filter, for the list request."""
        values = {"status": self.list_filter.status, "sort": self.list_filter.sort,
                  "order": self.list_filter.order}
        return {name: value for name, value in values.items() if value}

    # -- analytics ----------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: Any) -> None:
        # After the screen's own handler has shown the new item in the detail pane.
        self.call_later(self.request_analytics)

    def on_screen_suspend(self) -> None:
        if self._analytics_timer is not None:
            self._analytics_timer.stop()
            self._analytics_timer = None

    def request_analytics(self) -> None:
        """Show the highlighted item's sparklines, fetching them at most once per list refresh.

        Only the visible screen fetches, only for the highlighted item, on the background
        lane, and a fetch waits until a full refresh interval has passed since the last one.
        """
        if self.KIND.name not in ANALYTICS_KINDS or not self.is_current:
            return
        item = self.highlighted_item()
        if item is None:
            return
        now = time.monotonic()
        cached = self._analytics_cache.get(item.key)
        if cached is not None:
            self.query_one(DetailPane).show_analytics(item.key, cached[1])
            if now - cached[0] < ANALYTICS_MAX_AGE_SECONDS:
                return
        if getattr(getattr(self, "policy", None), "paused", False):
            return  # a paused list sends nothing, and neither do its sparklines
        if self.app.polling_halted is not None:
            return  # after a 401 no background request can succeed
        wait = self._analytics_sent_at + list_refresh_seconds(self) - now
        if wait > 0:
            if self._analytics_timer is not None:
                self._analytics_timer.stop()
            self._analytics_timer = self.set_timer(wait, self.request_analytics)
            return
        self._analytics_sent_at = now
        self.run_worker(partial(self._load_analytics, item.key), group="analytics", exclusive=True,
                        exit_on_error=False)

    async def _load_analytics(self, key: str) -> None:
        try:
            analytics = await self.compute.analytics(self.KIND, self.namespace, key, window=ANALYTICS_WINDOW)
        except OutpostError as exc:
            # The list's own refresh reports connection problems; this only logs.
            log.info("analytics of %s %s failed: %s", self.KIND.singular, key, exc)
            return
        self._analytics_cache[key] = (time.monotonic(), analytics)
        while len(self._analytics_cache) > ANALYTICS_CACHE_SIZE:
            self._analytics_cache.pop(next(iter(self._analytics_cache)))
        self.query_one(DetailPane).show_analytics(key, analytics)
