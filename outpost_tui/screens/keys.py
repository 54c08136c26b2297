"""The Keys screen: API keys, personal access tokens and SSH keys of the signed-in user.

Lists load when the screen is shown and after each change; keys change rarely, so the
screen does not poll. Creating shows the secret once, revoking asks for the name, and
``R`` starts the rotation wizard for the key this session uses.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from ..api import APIError, Credential, OutpostError, PermissionDenied
from ..api.auth import CredentialKind
from ..api.keys import (
    API_KEYS,
    PATS,
    KeyKind,
    add_ssh_key,
    create_key,
    delete_key,
    delete_ssh_key,
    list_keys,
    list_ssh_keys,
)
from ..clock import utc_now
from ..problems import describe
from ..sanitize import safe_text
from ..widgets.presentation import format_age
from ..widgets.resource_table import Column, ResourceTable
from ..widgets.status_bar import StatusBar
from .modals.keys import AddSshKeyModal, CreateKeyModal, KeyRequest, SshKeyRequest, TypedConfirmModal
from .modals.rotation import RotationWizard
from .modals.secret import SecretModal

if TYPE_CHECKING:
    from ..app import OutpostApp

TABS = {"tab-api-keys": API_KEYS, "tab-pats": PATS}


def _date(moment: datetime | None, never: str = "never") -> Text:
    if moment is None:
        return Text(never, style="dim")
    return Text(moment.strftime("%Y-%m-%d"))


def _ago(moment: datetime | None) -> Text:
    return Text(f"{format_age(moment)} ago") if moment else Text("never", style="dim")


def _scopes(key: Any) -> Text:
    if key.scopes is None:
        return Text("all (unscoped)", style="yellow")
    return safe_text(", ".join(key.scopes) or "-")


def _note(key: Any) -> Text:
    parts = []
    if getattr(key, "active", False):
        parts.append(Text("● in use", style="bold green"))
    warning = key.warning(utc_now())
    if warning:
        parts.append(Text(f"⚠ {warning}", style="bold red" if warning == "expired" or "expires" in warning else "yellow"))
    return Text(" ").join(parts) if parts else Text("")


KEY_COLUMNS = (
    Column("name", "NAME", lambda k: safe_text(k.name)),
    Column("id", "ID", lambda k: safe_text(k.id)),
    Column("hint", "KEY", lambda k: safe_text(k.hint)),
    Column("scopes", "SCOPES", _scopes),
    Column("created", "CREATED", lambda k: _ago(k.created_at)),
    Column("used", "LAST USED", lambda k: _ago(k.last_used_at)),
    Column("expires", "EXPIRES", lambda k: _date(k.expires_at)),
    Column("note", "NOTE", _note),
)

SSH_COLUMNS = (
    Column("name", "NAME", lambda k: safe_text(k.name)),
    Column("id", "ID", lambda k: safe_text(k.id)),
    Column("type", "TYPE", lambda k: safe_text(k.public_key.split(" ", 1)[0] if k.public_key else "-")),
    Column("fingerprint", "FINGERPRINT", lambda k: safe_text(k.fingerprint)),
    Column("added", "ADDED", lambda k: _ago(k.created_at)),
)


def is_active_key(key: Any, credential: Credential | None, kind: KeyKind) -> bool:
    """Whether ``key`` is the one this session signs its requests with."""
    if credential is None:
        return False
    if kind is API_KEYS:
        return credential.kind is CredentialKind.API_KEY and key.name == credential.key_name
    secret = credential.secret.get_secret_value()
    return (
        credential.kind is CredentialKind.TOKEN
        and bool(key.prefix) and secret.startswith(key.prefix)
        and bool(key.last_four) and secret.endswith(key.last_four)
    )


class KeysScreen(Screen):
    """Three tabs: API keys, tokens (PATs) and SSH keys."""

    BINDINGS = [
        Binding("n", "new", "New", id="keys.new"),
        Binding("d", "revoke", "Revoke/delete", id="keys.revoke"),
        Binding("R", "rotate", "Rotate active key", id="keys.rotate"),
        Binding("r", "refresh", "Refresh", id="keys.refresh"),
        Binding("l", "login", "Log in", id="keys.login"),
        Binding("P", "profiles", "Profiles", id="keys.profiles"),
    ]

    app: OutpostApp

    def __init__(self, focus_name: str | None = None) -> None:
        super().__init__(id="keys-screen", classes="keys-screen")
        self.items: dict[str, dict[str, Any]] = {"tab-api-keys": {}, "tab-pats": {}, "tab-ssh-keys": {}}
        self.focus_name = focus_name

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="keys-tabs"):
            with TabPane("API keys", id="tab-api-keys"):
                yield ResourceTable(KEY_COLUMNS, id="api-keys-table")
            with TabPane("Tokens (PATs)", id="tab-pats"):
                yield ResourceTable(KEY_COLUMNS, id="pats-table")
            with TabPane("SSH keys", id="tab-ssh-keys"):
                yield ResourceTable(SSH_COLUMNS, id="ssh-keys-table")
        yield Static("", id="keys-info")
        yield Static("", id="error-banner", classes="hidden", markup=False)
        yield StatusBar(self.app.connection, id="status-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Outpost"
        self.sub_title = "Keys"
        self._show_info()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or "tab-api-keys"

    def table_for(self, tab: str) -> ResourceTable:
        table_id = {"tab-api-keys": "api-keys-table", "tab-pats": "pats-table", "tab-ssh-keys": "ssh-keys-table"}[tab]
        return self.query_one(f"#{table_id}", ResourceTable)

    def _show_info(self) -> None:
        credential = self.app.credential
        used = f"{credential.display} from {credential.source}" if credential else "no credential"
        line = Text.assemble(("Signed in with ", "dim"), safe_text(used),
                             ("   n new · d revoke · R rotate · l log in · P profiles", "dim"))
        self.query_one("#keys-info", Static).update(line)

    # -- loading --------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._load()

    @work(exclusive=True, exit_on_error=False, group="keys-load")
    async def _load(self) -> None:
        client = self.app.client
        problems = []
        for tab, kind in TABS.items():
            try:
                page = await list_keys(client, kind)
            except OutpostError as exc:
                problems.append(self._problem_text(kind.label + "s", exc))
                continue
            for key in page.items:
                key.active = is_active_key(key, self.app.credential, kind)
            self._show(tab, page.items)
        try:
            ssh_page = await list_ssh_keys(client)
            self._show("tab-ssh-keys", ssh_page.items)
        except OutpostError as exc:
            problems.append(self._problem_text("SSH keys", exc))
        self._show_problems(problems)
        self._show_info()
        self.query_one(StatusBar).data_time = utc_now()

    def _problem_text(self, what: str, exc: OutpostError) -> str:
        if isinstance(exc, PermissionDenied):
            return f"{what}: this credential may not list them ({exc.message})"
        problem = describe(exc, credential_source=self.app.credential_source)
        return f"{what}: {problem.message}"

    def _show(self, tab: str, items: list[Any]) -> None:
        self.items[tab] = {item.key: item for item in items}
        self.table_for(tab).show_items(items)

    def _show_problems(self, problems: list[str]) -> None:
        banner = self.query_one("#error-banner", Static)
        if problems:
            banner.update(safe_text("; ".join(problems)))
            banner.remove_class("hidden")
            self.app.connection.record_failure(problems[0])
        else:
            banner.add_class("hidden")
            self.app.connection.record_success()
        self.query_one(StatusBar).redraw()

    def selected(self) -> Any | None:
        tab = self.active_tab
        key = self.table_for(tab).highlighted_key
        return self.items[tab].get(key) if key is not None else None

    # -- changes ----------------------------------------------------------------------------

    def _refuse_when_read_only(self) -> bool:
        if self.app.read_only:
            self.app.notify("This session is read-only; keys are not changed.", title="Read-only", severity="warning")
            return True
        return False

    def action_new(self) -> None:
        if self._refuse_when_read_only():
            return
        tab = self.active_tab
        if tab == "tab-ssh-keys":
            self.app.push_screen(AddSshKeyModal(), self._add_ssh_key)
            return
        kind = TABS[tab]
        self.app.push_screen(CreateKeyModal(kind), lambda request: self._create(kind, request))

    def _create(self, kind: KeyKind, request: KeyRequest | None) -> None:
        if request is not None:
            self._create_worker(kind, request)

    @work(exit_on_error=False, group="keys-change")
    async def _create_worker(self, kind: KeyKind, request: KeyRequest) -> None:
        try:
            created = await create_key(
                self.app.client, kind, request.name,
                expires_in_days=request.expires_in_days, scopes=request.scopes,
            )
        except (OutpostError, ValueError) as exc:
            self._report_failure(f"{kind.label} {request.name} was not created", exc)
            return
        variable = "OUTPOST_API_KEY" if kind is API_KEYS else "OUTPOST_TOKEN"
        note = f"Use it as {variable}, or store it for a profile with 'outpost-tui login'."
        self.app.push_screen(SecretModal(f"{kind.label} {created.key.name} created", created.credential, note))
        self._load()

    def _add_ssh_key(self, request: SshKeyRequest | None) -> None:
        if request is not None:
            self._add_ssh_worker(request)

    @work(exit_on_error=False, group="keys-change")
    async def _add_ssh_worker(self, request: SshKeyRequest) -> None:
        try:
            key = await add_ssh_key(self.app.client, request.name, request.public_key)
        except (OutpostError, ValueError) as exc:
            self._report_failure(f"SSH key {request.name} was not added", exc)
            return
        self.app.notify(f"Added SSH key {key.name} ({key.fingerprint}).", title="SSH key added")
        self._load()

    def action_revoke(self) -> None:
        if self._refuse_when_read_only():
            return
        item = self.selected()
        if item is None:
            self.app.notify("Select a key first.", severity="warning")
            return
        tab = self.active_tab
        if tab == "tab-ssh-keys":
            modal = TypedConfirmModal(
                "Delete SSH key", f"Machines created later will not accept {item.name} ({item.fingerprint}).",
                item.name, "Delete",
            )
            self.app.push_screen(modal, lambda ok: ok and self._delete_ssh_worker(item))
            return
        kind = TABS[tab]
        explanation = f"{kind.label} {item.name} ({item.hint}) stops working at once."
        if getattr(item, "active", False):
            explanation += " This session signs in with it: revoking it signs you out. Rotate (R) instead to replace it safely."
        modal = TypedConfirmModal(f"Revoke {kind.label}", explanation, item.name, "Revoke")
        self.app.push_screen(modal, lambda ok: ok and self._revoke_worker(kind, item.name))

    @work(exit_on_error=False, group="keys-change")
    async def _revoke_worker(self, kind: KeyKind, name: str) -> None:
        try:
            await delete_key(self.app.client, kind, name)
        except OutpostError as exc:
            self._report_failure(f"{kind.label} {name} was not revoked", exc)
            return
        self.app.notify(f"Revoked {kind.label} {name}.", title="Revoked")
        self._load()

    @work(exit_on_error=False, group="keys-change")
    async def _delete_ssh_worker(self, item: Any) -> None:
        try:
            await delete_ssh_key(self.app.client, item.id)
        except OutpostError as exc:
            self._report_failure(f"SSH key {item.name} was not deleted", exc)
            return
        self.app.notify(f"Deleted SSH key {item.name}.", title="Deleted")
        self._load()

    def _report_failure(self, what: str, exc: Exception) -> None:
        if isinstance(exc, APIError):
            field = f" (field {exc.field})" if exc.field else ""
            message = f"{what}: {exc.message}{field}"
        elif isinstance(exc, OutpostError):
            message = f"{what}: {describe(exc).message}"
        else:
            message = f"{what}: {exc}"
        self.app.notify(message, title="Request failed", severity="error")

    # -- rotation, login, profiles ------------------------------------------------------------

    def action_rotate(self) -> None:
        if self._refuse_when_read_only():
            return
        credential = self.app.credential
        if credential is None:
            self.app.request_login()
            return
        self.app.push_screen(RotationWizard(credential.display), lambda _report: self._after_rotation())

    def _after_rotation(self) -> None:
        self._show_info()
        self._load()

    def action_login(self) -> None:
        self.app.request_login()

    def action_profiles(self) -> None:
        self.app.action_choose_profile()
