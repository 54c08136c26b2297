"""The login screen: paste a token or API key, check it with one call, choose where it lives."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from ..api import AuthenticationFailed, Credential, InsecureURLError, InvalidCredential, OutpostClient, OutpostError
from ..api.auth import CredentialKind, CredentialOrigin
from ..config.profiles import DEFAULT_BASE_URL, ConfigError, Profile, check_profile_name
from ..config.stores import StoreError
from ..sanitize import safe_text

if TYPE_CHECKING:
    from ..app import OutpostApp

MEMORY_SOURCE = "entered in the app (memory only)"


def parse_pasted(value: str) -> Credential:
    """Read a pasted credential: ``NAME$SECRET`` is an API key, anything else a token."""
    kind = CredentialKind.API_KEY if "$" in value else CredentialKind.TOKEN
    return Credential.parse(kind, value, source=MEMORY_SOURCE, origin=CredentialOrigin.PROMPT)


class LoginScreen(ModalScreen[bool]):
    """Paste a credential, validate it, then keep it in memory, the keyring or the file.

    Nothing is written to the plaintext file unless the user picks it here; the keyring
    choice is disabled, with the reason shown, when no OS keyring works.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="login.cancel")]

    app: OutpostApp

    def __init__(self, *, profile: Profile | None = None, first: bool = False) -> None:
        super().__init__(classes="login-screen")
        self.profile = profile
        self.first = first
        self.validated: Credential | None = None

    def compose(self) -> ComposeResult:
        context = self.app.credentials
        profile = self.profile or Profile()
        keyring_problem = context.keyring.problem if context else "this session keeps no credentials"
        with Vertical(id="login-dialog"):
            yield Static(Text("Log in to Outpost", style="bold"), id="login-title")
            if self.first:
                yield Static(Text("No credential was found in flags, the environment, the keyring or "
                                  "the credentials file.", style="dim"))
            yield Label("Profile")
            yield Input(profile.name, id="login-profile", disabled=context is None)
            yield Label("API host")
            yield Input(profile.base_url or DEFAULT_BASE_URL, id="login-base-url")
            yield Label("PAT or access token (op_pat_…), or API key as NAME$SECRET")
            yield Input(password=True, placeholder="paste here; it stays masked", id="login-secret")
            yield Label("Keep it")
            with RadioSet(id="login-store"):
                yield RadioButton("in memory, for this session only", value=True, id="store-memory")
                yield RadioButton("in the OS keyring", id="store-keyring", disabled=keyring_problem is not None)
                file_label = f"in a plaintext file, {context.file.path} (mode 0600)" if context else "in a plaintext file"
                yield RadioButton(file_label, id="store-file", disabled=context is None)
            if keyring_problem:
                yield Static(safe_text(f"keyring unavailable: {keyring_problem}", "yellow"), id="login-keyring")
            yield Static("", id="login-error", classes="cred-error")
            with Horizontal(classes="cred-buttons"):
                yield Button("Quit" if self.first else "Cancel (esc)", id="login-cancel")
                yield Button("Log in", id="login-submit", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#login-secret", Input).focus()

    def _show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(safe_text(message, "red"))

    def _store_choice(self) -> str:
        pressed = self.query_one("#login-store", RadioSet).pressed_button
        return (pressed.id if pressed else "store-memory").removeprefix("store-")

    @on(Input.Submitted, "#login-secret")
    @on(Button.Pressed, "#login-submit")
    def action_submit(self) -> None:
        self._show_error("")
        self._login()

    @work(exclusive=True, exit_on_error=False, group="login")
    async def _login(self) -> None:
        try:
            profile = self._profile_from_form()
            credential = self.validated or parse_pasted(self.query_one("#login-secret", Input).value)
        except (ConfigError, InvalidCredential, InsecureURLError) as exc:
            self._show_error(str(exc))
            return
        button = self.query_one("#login-submit", Button)
        button.disabled = True
        try:
            if self.validated is None:
                if not await self._validate(profile, credential):
                    return
                self.validated = credential
            stored = await self._store(profile, credential)
            if stored is None:
                return
            await self.app.use_credential(stored, profile=profile if self.app.credentials else None)
        except OutpostError as exc:
            self._show_error(f"Could not switch to the new credential: {exc}")
            return
        finally:
            button.disabled = False
        self.app.notify(f"Logged in; {stored.display} is kept {_where(stored)}.", title="Logged in")
        self._forget()
        self.dismiss(True)

    def _profile_from_form(self) -> Profile:
        name = self.query_one("#login-profile", Input).value.strip()
        check_profile_name(name)
        base_url = self.query_one("#login-base-url", Input).value.strip()
        context = self.app.credentials
        existing = context.profiles.profiles.get(name) if context else None
        profile = existing or replace(self.profile or Profile(), name=name)
        from ..api.client import validate_base_url

        validate_base_url(base_url, allow_insecure_http=profile.allow_insecure_http)
        return replace(profile, base_url=base_url)

    async def _validate(self, profile: Profile, credential: Credential) -> bool:
        """One authenticated call decides whether the credential is accepted."""
        async with OutpostClient(
            profile.base_url, credential, allow_insecure_http=profile.allow_insecure_http
        ) as client:
            try:
                await client.current_user()
            except AuthenticationFailed as exc:
                self._show_error(f"The server rejected this {credential.kind.label} ({exc.message}).")
                return False
            except OutpostError as exc:
                self._show_error(f"Could not check the credential with {profile.base_url}: {exc}")
                return False
        return True

    async def _store(self, profile: Profile, credential: Credential) -> Credential | None:
        choice = self._store_choice()
        context = self.app.credentials
        if choice == "memory" or context is None:
            return credential
        try:
            return await asyncio.to_thread(context.save_login, credential, choice, profile=profile)
        except StoreError as exc:
            self._show_error(f"Not stored: {exc}. Pick another place, or keep it in memory.")
            return None
        except OSError as exc:
            self._show_error(f"Could not save profile {profile.name}: {exc}")
            return None

    def _forget(self) -> None:
        self.validated = None
        self.query_one("#login-secret", Input).value = ""

    @on(Input.Changed, "#login-secret")
    def _secret_changed(self) -> None:
        self.validated = None

    @on(Button.Pressed, "#login-cancel")
    def action_cancel(self) -> None:
        self._forget()
        if self.first and self.app.credential is None:
            self.app.exit(message="No credential given; nothing was stored.")
            return
        self.dismiss(False)


def _where(credential: Credential) -> str:
    if credential.origin is CredentialOrigin.PROMPT:
        return "in memory for this session"
    return f"in {credential.source}"
