"""The key rotation wizard: the seven steps, their progress, and the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...rotation import Outcome, RotationReport, Step, StepState
from ...sanitize import safe_text

if TYPE_CHECKING:
    from ...app import OutpostApp

_STATE_MARKS = {
    StepState.RUNNING: ("…", "yellow"),
    StepState.DONE: ("✓", "green"),
    StepState.FAILED: ("✗", "bold red"),
    StepState.UNDONE: ("↺", "magenta"),
}


class RotationWizard(ModalScreen[RotationReport | None]):
    """Explain the steps, run them on ``enter``, and show each one's progress and the result.

    The modal cannot be closed while the rotation runs, so its outcome is always seen.
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="rotation.close"),
        Binding("enter", "start", "Start", id="rotation.start"),
    ]

    app: OutpostApp

    def __init__(self, key_label: str) -> None:
        super().__init__(classes="rotation-modal")
        self.key_label = key_label
        self.states: dict[Step, tuple[StepState | None, str]] = {step: (None, "") for step in Step}
        self.running = False
        self.report: RotationReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="rotation-dialog"):
            yield Static(safe_text(f"Rotate {self.key_label}", "bold"), id="rotation-title")
            yield Static(
                Text(
                    "The new key is stored and verified before it replaces the old one, and the old "
                    "key is revoked last, so a failure at any step leaves a working stored key.",
                    style="dim",
                ),
            )
            yield Static(self._steps_text(), id="rotation-steps")
            yield Static("", id="rotation-result")
            with Horizontal(classes="cred-buttons"):
                yield Button("Close (esc)", id="rotation-close")
                yield Button("Start rotation (enter)", id="rotation-start", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#rotation-start", Button).focus()

    def _steps_text(self) -> Text:
        lines = []
        for number, step in enumerate(Step, start=1):
            state, detail = self.states[step]
            mark, style = _STATE_MARKS.get(state, ("·", "dim")) if state else ("·", "dim")
            line = Text.assemble((f" {mark} ", style), f"{number}. {step.title}")
            if detail:
                line.append_text(Text(f"  {detail}", style="dim"))
            lines.append(line)
        return Text("\n").join(lines)

    def progress(self, step: Step, state: StepState, detail: str) -> None:
        self.states[step] = (state, detail)
        self.query_one("#rotation-steps", Static).update(self._steps_text())

    @on(Button.Pressed, "#rotation-start")
    def action_start(self) -> None:
        if self.running or self.report is not None:
            return
        if self.app.credentials is None:
            self.app.notify("This session stores no credentials (demo mode), so there is nothing to rotate.",
                            severity="warning")
            return
        self.running = True
        self.query_one("#rotation-start", Button).disabled = True
        self.query_one("#rotation-close", Button).disabled = True
        self._rotate()

    @work(exclusive=True, exit_on_error=False, group="rotation")
    async def _rotate(self) -> None:
        assert self.app.credential is not None
        rotation = self.app.make_rotation(progress=self.progress)
        try:
            report = await rotation.run(self.app.credential)
        finally:
            self.running = False
            self.query_one("#rotation-close", Button).disabled = False
        self.report = report
        style = "bold green" if report.outcome is Outcome.ROTATED else "bold red"
        self.query_one("#rotation-result", Static).update(safe_text(report.message, style))
        self.app.show_rotation_report(report)

    @on(Button.Pressed, "#rotation-close")
    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.report)
