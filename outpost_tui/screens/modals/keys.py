"""Forms for API keys, PATs and SSH keys: create, add, and revoke by typing the name."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from ...api.keys import SCOPES, InvalidPublicKey, KeyKind, check_key_name, parse_public_key
from ...sanitize import clean_text, safe_text

# Expiry choices offered for API keys; PATs offer exactly the values the server accepts.
API_KEY_EXPIRY_CHOICES = (30, 90, 180, 365)
NEVER = "never"


@dataclass(frozen=True)
class KeyRequest:
    """What the create form collected: a valid name, an expiry and scopes (None: unscoped)."""

    name: str
    expires_in_days: int | None
    scopes: list[str] | None


class CreateKeyModal(ModalScreen[KeyRequest | None]):
    """Create an API key or PAT: name, expiry and scopes, checked before anything is sent."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="create-key.cancel")]

    def __init__(self, kind: KeyKind) -> None:
        super().__init__(classes="key-form-modal")
        self.kind = kind

    def compose(self) -> ComposeResult:
        days = self.kind.expiry_days or API_KEY_EXPIRY_CHOICES
        expiry_options = [(f"{day} days", str(day)) for day in days] + [("never", NEVER)]
        with Vertical(id="key-form"):
            yield Static(Text(f"New {self.kind.label}", style="bold"), id="key-form-title")
            yield Label("Name (1-64 letters, digits, '-' or '_')")
            yield Input(placeholder="ci-deploy", id="key-name", max_length=64)
            yield Static("", id="key-name-error", classes="cred-error")
            yield Label("Expires after")
            yield Select(expiry_options, value=str(days[1] if len(days) > 1 else days[0]), allow_blank=False, id="key-expiry")
            yield Label("Scopes (none selected: unscoped, with all of your rights)")
            yield SelectionList[str](*[(scope, scope) for scope in SCOPES], id="key-scopes")
            yield Static("", id="key-form-error", classes="cred-error")
            with Horizontal(classes="cred-buttons"):
                yield Button("Cancel (esc)", id="key-cancel")
                yield Button("Create", id="key-create", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#key-name", Input).focus()

    @on(Input.Changed, "#key-name")
    def _name_changed(self, event: Input.Changed) -> None:
        self._name_error(event.value)

    def _name_error(self, value: str) -> str | None:
        try:
            check_key_name(value)
            message = None
        except ValueError as exc:
            message = str(exc) if value else None
        self.query_one("#key-name-error", Static).update(safe_text(message or ""))
        return message

    @on(Input.Submitted, "#key-name")
    @on(Button.Pressed, "#key-create")
    def action_create(self) -> None:
        name = self.query_one("#key-name", Input).value
        try:
            check_key_name(name)
        except ValueError as exc:
            self.query_one("#key-name-error", Static).update(safe_text(str(exc)))
            self.query_one("#key-name", Input).focus()
            return
        expiry = self.query_one("#key-expiry", Select).value
        scopes = list(self.query_one("#key-scopes", SelectionList).selected)
        self.dismiss(KeyRequest(name, None if expiry == NEVER else int(str(expiry)), scopes or None))

    @on(Button.Pressed, "#key-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class TypedConfirmModal(ModalScreen[bool]):
    """Confirm a revocation or deletion by typing the item's name exactly."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="typed-confirm.cancel")]

    def __init__(self, title: str, explanation: str, name: str, action_label: str) -> None:
        super().__init__(classes="typed-confirm-modal")
        self.title_text = title
        self.explanation = explanation
        self.expected = clean_text(name)
        self.action_label = action_label

    def compose(self) -> ComposeResult:
        with Vertical(id="typed-confirm"):
            yield Static(safe_text(self.title_text, "bold"))
            yield Static(safe_text(self.explanation))
            yield Static(Text.assemble("Type ", (self.expected, "bold"), " to confirm:"))
            yield Input(placeholder=self.expected, id="typed-confirm-input")
            with Horizontal(classes="cred-buttons"):
                yield Button("Cancel (esc)", id="typed-confirm-cancel")
                yield Button(self.action_label, id="typed-confirm-ok", variant="error", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#typed-confirm-input", Input).focus()

    @on(Input.Changed, "#typed-confirm-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#typed-confirm-ok", Button).disabled = event.value != self.expected

    @on(Input.Submitted, "#typed-confirm-input")
    @on(Button.Pressed, "#typed-confirm-ok")
    def action_confirm(self) -> None:
        if self.query_one("#typed-confirm-input", Input).value == self.expected:
            self.dismiss(True)

    @on(Button.Pressed, "#typed-confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


@dataclass(frozen=True)
class SshKeyRequest:
    name: str
    public_key: str


class AddSshKeyModal(ModalScreen[SshKeyRequest | None]):
    """Add an SSH public key; it is parsed and its fingerprint shown before it is sent."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ssh-key.cancel")]

    def __init__(self) -> None:
        super().__init__(classes="key-form-modal")

    def compose(self) -> ComposeResult:
        with Vertical(id="key-form"):
            yield Static(Text("Add SSH key", style="bold"))
            yield Label("Name (1-64 letters, digits, '-' or '_')")
            yield Input(placeholder="laptop", id="ssh-name", max_length=64)
            yield Label("Public key: one line of your .pub file (ssh-ed25519, ssh-rsa or ecdsa-sha2-*)")
            yield Input(placeholder="ssh-ed25519 AAAA… you@host", id="ssh-public-key")
            yield Static("", id="ssh-fingerprint")
            with Horizontal(classes="cred-buttons"):
                yield Button("Cancel (esc)", id="ssh-cancel")
                yield Button("Add", id="ssh-add", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#ssh-name", Input).focus()

    @on(Input.Changed)
    def _changed(self) -> None:
        self._problem()

    def _problem(self) -> str | None:
        """Check both fields; show the fingerprint or the first problem; return the problem."""
        name = self.query_one("#ssh-name", Input).value
        line = self.query_one("#ssh-public-key", Input).value
        shown = self.query_one("#ssh-fingerprint", Static)
        problem = None
        fingerprint = None
        if line.strip():
            try:
                parsed = parse_public_key(line)
                fingerprint = f"{parsed.key_type}  {parsed.fingerprint}"
            except InvalidPublicKey as exc:
                problem = str(exc)
        else:
            problem = "paste the public key"
        if problem is None:
            try:
                check_key_name(name)
            except ValueError as exc:
                problem = str(exc)
        if fingerprint and problem is None:
            shown.update(Text(f"Fingerprint: {fingerprint}", style="green"))
        elif fingerprint:
            shown.update(Text.assemble(("Fingerprint: ", "green"), (fingerprint, "green"), "\n", (problem or "", "red")))
        else:
            shown.update(safe_text(problem if line.strip() else "", "red"))
        self.query_one("#ssh-add", Button).disabled = problem is not None
        return problem

    @on(Input.Submitted)
    @on(Button.Pressed, "#ssh-add")
    def action_add(self) -> None:
        if self._problem() is not None:
            return
        name = self.query_one("#ssh-name", Input).value
        line = self.query_one("#ssh-public-key", Input).value.strip()
        self.dismiss(SshKeyRequest(name, line))

    @on(Button.Pressed, "#ssh-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
