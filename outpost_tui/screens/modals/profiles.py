"""Pick another profile from the config file."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...config.context import CredentialContext
from ...sanitize import clean_text


class ProfileChooser(ModalScreen[str | None]):
    """A list of profiles with host, namespace and environment; enter switches."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="profiles.cancel")]

    def __init__(self, context: CredentialContext) -> None:
        super().__init__(classes="profile-modal")
        self.context = context

    def compose(self) -> ComposeResult:
        profiles = self.context.profiles.profiles
        with Vertical(id="profile-dialog"):
            yield Static(Text(f"Profiles in {self.context.paths.config_file}", style="bold"))
            if not profiles:
                yield Static(Text("No profiles yet: log in (command palette) to create one.", style="dim"))
            options = []
            for name, profile in sorted(profiles.items()):
                current = " ●" if name == self.context.profile.name else ""
                label = Text.assemble(
                    (clean_text(name) + current, "bold"),
                    f"  {clean_text(profile.base_url)}  ns {clean_text(profile.namespace or 'personal')}  ",
                    (profile.environment, "bold red" if profile.environment == "prod" else ""),
                    "  read-only" if profile.read_only else "",
                )
                options.append(Option(label, id=name))
            yield OptionList(*options, id="profile-list")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
