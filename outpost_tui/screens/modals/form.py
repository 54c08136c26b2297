"""The base of every create and change form: fields, validation, a price and the request.

A form shows the exact request it will send (method, path and JSON body) and updates it
on every change. ``ctrl+s`` validates the fields and sends. When the server names a field
in an error (409 or 422), the error appears under that field. Any other error appears at
the bottom with its request id. The form closes only when the server accepted the request.
"""

from __future__ import annotations

import logging
import re
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from ...api import AlreadyExists, APIError, OutpostError
from ...api.compute import ComputeAPI, PreparedRequest
from ...problems import describe
from ...sanitize import safe_text
from .confirm import MutationModal

log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
REPO_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}/[A-Za-z0-9_.-]{1,100}")
ENV_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NAME_RULE = "use 1-64 letters, digits, '-' or '_'"


class FormField(Vertical):
    """One labelled field with a hint and a line for its error."""

    def __init__(self, name: str, label: str, widget: Widget, hint: str = "") -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.field_name = name
        self.label_text = label
        self.editor = widget
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(self.label_text, classes="form-label")
            yield self.editor
        if self.hint:
            yield Static(Text(self.hint, style="dim"), classes="form-hint")
        yield Static("", id=f"error-{self.field_name}", classes="field-error hidden", markup=False)

    def show_error(self, message: str | None) -> None:
        error = self.query_one(f"#error-{self.field_name}", Static)
        error.update(safe_text(message or ""))
        error.set_class(not message, "hidden")


class RequestForm(MutationModal[Any]):
    """A form that builds one write, previews it, and sends it when asked."""

    FORM_TITLE: ClassVar[str] = "Request"
    SEND_LABEL: ClassVar[str] = "Send"

    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="form.send"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, compute: ComputeAPI, namespace: str) -> None:
        super().__init__(classes="request-form")
        self.compute = compute
        self.namespace = namespace
        # Errors are shown only after the first send attempt, then kept current.
        self.attempted = False
        self.sending = False
        self.last_request: PreparedRequest | None = None

    # -- to implement -------------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def build(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Return the request body and the errors found in the fields, by field name."""
        raise NotImplementedError

    def prepare(self, body: dict[str, Any]) -> PreparedRequest:
        raise NotImplementedError

    def price(self, body: dict[str, Any]) -> Text | None:
        """Return the price preview for ``body``, or None when the form has none."""
        return None

    def field_changed(self) -> None:
        """Hook run before the preview updates, such as to enable or disable fields."""

    def heading(self) -> str:
        """Return the form's title; forms about one item override it to name the item."""
        return self.FORM_TITLE

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog"):
            yield Static(safe_text(self.heading(), "bold"), id="form-title")
            with Horizontal(id="form-columns"):
                with VerticalScroll(id="form-fields"):
                    yield from self.compose_fields()
                with Vertical(id="form-side"):
                    yield Static(Text("Price", style="bold underline"), classes="form-heading")
                    yield Static("", id="form-price", markup=False)
                    yield Static(Text("Request to send", style="bold underline"), classes="form-heading")
                    with VerticalScroll(id="form-request-scroll"):
                        yield Static("", id="form-request", markup=False)
            yield Static("", id="form-error", classes="hidden", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Cancel (esc)", id="form-cancel")
                yield Button(f"{self.SEND_LABEL} (ctrl+s)", id="form-send", variant="primary")

    def on_mount(self) -> None:
        self.field_changed()
        self.refresh_preview()
        first = self.query(".form-field Input, .form-field Select")
        if first:
            first.first().focus()

    # -- live preview -------------------------------------------------------------------

    def refresh_preview(self) -> None:
        body, errors = self.build()
        request = self.prepare(body)
        self.last_request = request
        self.query_one("#form-request", Static).update(safe_text_block(request.preview()))
        price = self.price(body)
        self.query_one("#form-price", Static).update(price if price is not None else Text("-", style="dim"))
        if self.attempted:
            self.show_errors(errors)

    def _changed(self) -> None:
        if not self.is_mounted:
            return
        self.field_changed()
        self.refresh_preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._changed()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._changed()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._changed()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        self._changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves to the next field; sending takes ctrl+s, so it is never an accident.
        event.stop()
        self.focus_next()

    # -- errors -------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> None:
        for form_field in self.query(FormField):
            form_field.show_error(errors.get(form_field.field_name))

    def show_form_error(self, message: str | None) -> None:
        banner = self.query_one("#form-error", Static)
        banner.update(safe_text(message or ""))
        banner.set_class(not message, "hidden")

    def focus_field(self, name: str) -> None:
        for widget in self.query(f"#field-{name} Input, #field-{name} Select, #field-{name} SelectionList, "
                                 f"#field-{name} TextArea, #field-{name} Checkbox"):
            if not widget.disabled:
                widget.focus()
                return

    def field_for_error(self, error: APIError) -> str | None:
        """Return the form field a server error names, if the form has it."""
        names = {form_field.field_name for form_field in self.query(FormField)}
        candidates = []
        if error.field:
            candidates += [error.field, error.field.split(".")[-1]]
        if isinstance(error, AlreadyExists):
            candidates.append("name")
        for candidate in candidates:
            if candidate in names:
                return candidate
        return None

    # -- sending ------------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#form-send")
    def _send_pressed(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        if self.sending:
            return
        self.attempted = True
        body, errors = self.build()
        self.show_errors(errors)
        if errors:
            self.show_form_error(f"Fix the {len(errors)} marked field(s) first; nothing was sent.")
            self.focus_field(next(iter(errors)))
            return
        request = self.prepare(body)
        self.sending = True
        self.query_one("#form-send", Button).disabled = True
        self.show_form_error(None)
        self.run_worker(self._send(request), group="form-send", exit_on_error=False)

    async def _send(self, request: PreparedRequest) -> None:
        try:
            result = await self.compute.send(request)
        except APIError as exc:
            log.info("%s %s rejected: %s", request.method, request.path, exc)
            self._show_server_error(exc)
        except OutpostError as exc:
            log.info("%s %s failed: %s", request.method, request.path, exc)
            problem = describe(exc)
            self.show_form_error(f"{problem.title}: {problem.message}")
        else:
            self.dismiss(result)
            return
        self.sending = False
        self.query_one("#form-send", Button).disabled = False

    def _show_server_error(self, error: APIError) -> None:
        request_id = f" (request id {error.request_id})" if error.request_id else ""
        name = self.field_for_error(error)
        if name is not None:
            self.query_one(f"#field-{name}", FormField).show_error(f"{error.message}{request_id}")
            self.show_form_error(
                f"The server rejected the request (HTTP {error.status}); see the {name} field."
            )
            self.focus_field(name)
            return
        problem = describe(error)
        self.show_form_error(f"{problem.title}: {problem.message}")


def safe_text_block(text: str) -> Text:
    """Return multi-line text with each line sanitized, so a preview cannot hold escapes."""
    return Text("\n").join(safe_text(line) for line in text.splitlines())


# -- field readers ------------------------------------------------------------------------


def select_value(select: Select) -> Any:
    """Return a Select's value, or None when nothing is selected."""
    value = select.value
    return None if value is Select.NULL else value


def parse_int(text: str, name: str, low: int, high: int, errors: dict[str, str],
              *, required: bool = True) -> int | None:
    """Read an integer from ``low`` to ``high``; record an error under ``name`` otherwise."""
    text = text.strip()
    if not text:
        if required:
            errors[name] = f"{name} is missing; enter a whole number from {low} to {high}"
        return None
    try:
        value = int(text)
    except ValueError:
        errors[name] = f"invalid {name} {text!r}; enter a whole number from {low} to {high}"
        return None
    if not low <= value <= high:
        errors[name] = f"invalid {name} {value}; use a value from {low} to {high}"
    return value


def check_name(text: str, errors: dict[str, str], name: str = "name") -> str:
    """Check the name rules shared by machines, jobs, services and fleets."""
    if not text:
        errors[name] = f"{name} is missing; {NAME_RULE}"
    elif not NAME_PATTERN.fullmatch(text):
        errors[name] = f"invalid {name} {text!r}; {NAME_RULE}"
    return text


def check_repo(text: str, errors: dict[str, str], name: str = "repo") -> str:
    if text and not REPO_PATTERN.fullmatch(text):
        errors[name] = f"invalid {name} {text!r}; use the form namespace/name"
    return text


def parse_pairs(text: str, name: str, errors: dict[str, str], *, env_names: bool) -> dict[str, str]:
    """Read ``KEY=VALUE`` lines; blank lines are skipped.

    With ``env_names`` a key must be a valid environment variable name.
    """
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, separator, value = line.partition("=")
        key = key.strip()
        if not separator or not key:
            errors[name] = f"invalid {name} line {number} {line!r}; write KEY=VALUE"
            continue
        if env_names and not ENV_NAME_PATTERN.fullmatch(key):
            errors[name] = (
                f"invalid variable name {key!r} on line {number}; use letters, digits and '_', "
                "not starting with a digit"
            )
            continue
        pairs[key] = value
    return pairs
