"""Show a new secret exactly once, masked until revealed, and forget it on close."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...api import Credential
from ...sanitize import safe_text

MASK = "•" * 24


class SecretModal(ModalScreen[None]):
    """The one view of a new key's secret: reveal with ``v``, copy with ``c``.

    Copying uses OSC 52 (``App.copy_to_clipboard``), which the terminal passes to the
    system clipboard. When the modal closes it blanks its text and drops the credential,
    and clears the app's own copy of the clipboard, so the secret is not kept on screen.
    """

    BINDINGS = [
        Binding("v", "toggle_reveal", "Reveal", id="secret.reveal"),
        Binding("c", "copy", "Copy", id="secret.copy"),
        Binding("escape", "close", "Close", id="secret.close"),
    ]

    def __init__(self, title: str, credential: Credential, note: str = "") -> None:
        super().__init__(classes="secret-modal")
        self.title_text = title
        self.credential: Credential | None = credential
        self.note = note
        self.revealed = False
        self.copied = False

    def compose(self) -> ComposeResult:
        with Vertical(id="secret-dialog"):
            yield Static(safe_text(self.title_text, "bold"), id="secret-title")
            yield Static(
                Text("This is the only time the secret is shown. Copy it now and keep it safe.", style="yellow"),
                id="secret-warning",
            )
            yield Static(self._value_text(), id="secret-value")
            if self.note:
                yield Static(safe_text(self.note, "dim"), id="secret-note")
            with Horizontal(id="secret-buttons", classes="cred-buttons"):
                yield Button("Reveal (v)", id="secret-reveal")
                yield Button("Copy (c)", id="secret-copy", variant="primary")
                yield Button("Done (esc)", id="secret-done")

    def _value_text(self) -> Text:
        if self.credential is None:
            return Text("")
        if not self.revealed:
            prefix = f"{self.credential.key_name}$" if self.credential.key_name else ""
            return Text(prefix + MASK)
        return Text(self.credential.reveal(), style="bold")

    def action_toggle_reveal(self) -> None:
        self.revealed = not self.revealed
        self.query_one("#secret-value", Static).update(self._value_text())
        self.query_one("#secret-reveal", Button).label = "Hide (v)" if self.revealed else "Reveal (v)"

    def action_copy(self) -> None:
        if self.credential is None:
            return
        self.app.copy_to_clipboard(self.credential.reveal())
        self.copied = True
        self.app.notify("Copied to the clipboard (OSC 52); paste it where it belongs now.", timeout=4)

    def action_close(self) -> None:
        self._forget()
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"secret-reveal": self.action_toggle_reveal, "secret-copy": self.action_copy,
                   "secret-done": self.action_close}
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def _forget(self) -> None:
        """Blank the widget and drop every reference this modal and the app hold."""
        if self.credential is not None and self.app.clipboard == self.credential.reveal():
            # NOTE: the terminal's clipboard keeps the copy; only the app's own copy is cleared.
            self.app._clipboard = ""
        self.credential = None
        self.revealed = False
        self.query_one("#secret-value", Static).update("")
