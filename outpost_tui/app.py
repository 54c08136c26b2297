"""The Textual application: modes, global bindings and wiring. Screens do the work."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .api import (
    RESOURCE_KINDS,
    AuthenticationFailed,
    Credential,
    OutpostClient,
    OutpostError,
)
from .api.endpoints import PER_PAGE_DEFAULT
from .app_credentials import CredentialsMixin, credential_label
from .config.context import CredentialContext
from .connection import ConnectionStatus
from .problems import describe
from .resources_path import stylesheet_paths
from .sanitize import clean_multiline, clean_text
from .screens import MODE_SPECS


@dataclass
class Target:
    """The screen to open first: a mode, optionally one item's name and a view of it.

    ``view`` is a sub-view of the item, such as ``logs`` in ``jobs/NAME/logs``.
    """

    kind: str = "machines"
    name: str | None = None
    view: str | None = None


class OutpostApp(CredentialsMixin, App):
    """The dashboard. Each resource kind is a mode, so each keeps its own screen stack."""

    TITLE = "Outpost"
    CSS_PATH = stylesheet_paths()
    # Below 180 columns the detail pane moves under the table, so the table keeps its width.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (180, "-wide")]
    BINDINGS = [
        *(
            Binding(spec.key, f"show_kind('{spec.name}')", spec.title, id=f"show.{spec.name}")
            for spec in MODE_SPECS
        ),
        Binding("question_mark", "toggle_keys", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        client: OutpostClient,
        credential: Credential | None,
        namespace: str | None,
        target: Target | None = None,
        *,
        read_only: bool = False,
        environment: str = "dev",
        credentials: CredentialContext | None = None,
        notices: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        # Profiles and stores for logins, profile switches and rotations; None keeps the
        # credential in memory only. Notices are shown once the app runs.
        self.init_credentials(credentials, notices)
        self.client = client
        self.credential = credential
        self.target = target or Target()
        # Set by --read-only or the profile: every mutating action is refused when True.
        # The property below stores it on the client, which then refuses every write too.
        self.read_only = read_only
        # The profile's environment class: dev, staging or prod.
        self.environment = environment
        self.connection = ConnectionStatus(
            host=client.host,
            namespace=namespace or "",
            credential_label=credential_label(credential, credentials.profile if credentials else None),
        )
        self._prefetch: asyncio.Task | None = None
        # Set when the server rejects the credential: no screen polls until it is cleared.
        self.polling_halted: str | None = None
        # Each mode builds its screen on first use; the deep-link name goes to its kind only.
        self.MODES = {
            spec.name: partial(
                spec.factory, self.target.name if spec.name == self.target.kind else None
            )
            for spec in MODE_SPECS
        }
        super().__init__(**kwargs)

    @property
    def read_only(self) -> bool:
        """Whether every action that changes something is refused, in the screens and in
        the client."""
        return self.client.read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        self.client.read_only = bool(value)

    @property
    def credential_source(self) -> str | None:
        return self.credential.source if self.credential else None

    def on_load(self) -> None:
        # Ask for the first page while the terminal and the first screen are set up, so
        # the request's round trip overlaps start-up work instead of following it.
        kind = RESOURCE_KINDS.get(self.target.kind)
        if kind is None or self.credential is None or self.target.name is not None:
            return
        if self.connection.namespace:
            self._prefetch = asyncio.create_task(
                self.client.list_page(kind, self.connection.namespace, per_page=PER_PAGE_DEFAULT)
            )

    def halt_polling(self, reason: str) -> None:
        """Stop every screen's polling, because retrying cannot succeed (a 401)."""
        self.polling_halted = reason

    def resume_polling(self) -> None:
        self.polling_halted = None

    def take_prefetched_page(self, kind: str) -> asyncio.Task | None:
        """Hand the start-up request for ``kind``'s first page to its screen, once."""
        task, self._prefetch = self._prefetch, None
        if task is not None and kind != self.target.kind:
            task.cancel()
            return None
        return task

    def on_mount(self) -> None:
        if self.credential is None:
            return  # CredentialsMixin.on_mount opens the login screen instead
        if self.connection.namespace:
            self.switch_mode(self.target.kind)
        else:
            self.run_worker(self._resolve_namespace(), exit_on_error=False)

    async def _resolve_namespace(self) -> None:
        """Use the user's personal namespace when none was given, retrying until it loads."""
        while True:
            try:
                user = await self.client.current_user()
            except OutpostError as exc:
                problem = describe(exc, credential_source=self.credential_source)
                self.notify(f"{problem.message} Retrying in 10 s.", title=problem.title, severity="error")
                if isinstance(exc, AuthenticationFailed):
                    return
                await asyncio.sleep(10)
                continue
            namespace = user.default_namespace
            if namespace is None:
                self.notify("The user belongs to no namespace; pass --namespace NS.", severity="error")
                return
            self.connection.namespace = namespace
            self.switch_mode(self.target.kind)
            return

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def action_show_kind(self, kind: str) -> None:
        if kind in self.MODES and self.current_mode != kind:
            self.switch_mode(kind)

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for spec in MODE_SPECS:
            yield SystemCommand(
                f"Show {spec.title.lower()}",
                f"Switch to the {spec.title.lower()} screen (key {spec.key})",
                partial(self.action_show_kind, spec.name),
            )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: str = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a toast. Messages may hold server text, so they are never parsed as markup."""
        super().notify(
            clean_multiline(message),
            title=clean_text(title),
            severity=severity,  # type: ignore[arg-type]
            timeout=timeout,
            markup=False,
        )


def _credential_label(credential: Credential | None) -> str:
    if credential is None:
        return "no credential"
    return f"{credential.display} ({credential.source})"
