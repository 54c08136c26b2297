"""Dialogs that lead to a change on the server, and the confirmation asked before one."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ...sanitize import clean_text, safe_text

ResultType = TypeVar("ResultType")


class MutationModal(ModalScreen[ResultType]):
    """Base of every form and confirmation that ends in a write.

    Read-only mode must never open one; the read-only tests look for this class.
    """


class ConfirmModal(MutationModal[bool]):
    """Ask before a destructive action, naming its target.

    With ``typed_confirmation`` the user must type that exact text (an item's name, for
    example) before the action runs; otherwise ``y`` confirms. ``n`` and escape cancel.
    Dismisses with True only when confirmed.
    """

    BINDINGS = [
        Binding("y", "confirm", "Confirm", id="confirm.yes"),
        Binding("n", "cancel", "Cancel", show=False, id="confirm.no"),
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
    ]

    def __init__(
        self,
        title: str,
        lines: list[Text],
        *,
        confirm_label: str,
        typed_confirmation: str | None = None,
    ) -> None:
        super().__init__(classes="confirm-modal")
        self.title_text = title
        self.lines = lines
        self.confirm_label = confirm_label
        # Cleaned, so what the dialog shows is exactly what the user can type.
        self.typed_confirmation = clean_text(typed_confirmation) if typed_confirmation is not None else None

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(safe_text(self.title_text, "bold"), id="confirm-title")
            yield Static(Text("\n").join(self.lines), id="confirm-body")
            if self.typed_confirmation is not None:
                prompt = Text.assemble("Type ", (self.typed_confirmation, "bold"), " to confirm:")
                yield Static(prompt, id="confirm-prompt")
                yield Input(placeholder=self.typed_confirmation, id="confirm-input")
                yield Static("", id="confirm-mismatch", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel (esc)", id="confirm-cancel")
                hint = "" if self.typed_confirmation is not None else " (y)"
                yield Button(f"{self.confirm_label}{hint}", id="confirm-ok", variant="error")

    def on_mount(self) -> None:
        if self.typed_confirmation is not None:
            self.query_one("#confirm-input", Input).focus()
        else:
            # Enter on the focused button cancels; confirming takes a deliberate "y".
            self.query_one("#confirm-cancel", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # With a typed confirmation, "y" and "n" are letters of the name, not commands.
        if self.typed_confirmation is not None and action == "confirm":
            return False
        return True

    def action_confirm(self) -> None:
        self._try_confirm()

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm-ok")
    def _confirm_pressed(self) -> None:
        self._try_confirm()

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted, "#confirm-input")
    def _input_submitted(self) -> None:
        self._try_confirm()

    def _try_confirm(self) -> None:
        if self.typed_confirmation is not None:
            typed = self.query_one("#confirm-input", Input).value
            if typed != self.typed_confirmation:
                self.query_one("#confirm-mismatch", Static).update(
                    Text.assemble(
                        ("The text does not match; type ", "red"),
                        (self.typed_confirmation, "bold red"),
                        (" exactly, or press escape to cancel.", "red"),
                    )
                )
                return
        self.dismiss(True)
