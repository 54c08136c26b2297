"""The app's top-level screens, one mode each, with their keys and CLI target words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from textual.screen import Screen


@dataclass(frozen=True)
class ModeSpec:
    """A top-level screen: its mode name (also the CLI target word), key and title.

    ``screen`` is the screen class, or its ``"module:Class"`` path so the module is
    imported only when the user first opens the screen, which keeps start-up fast.
    Its constructor receives the item name of a deep link such as ``jobs/NAME`` when
    the link points at this mode, else None.
    """

    name: str
    key: str
    title: str
    screen: str | Callable[[str | None], Screen]

    def factory(self, focus_name: str | None) -> Screen:
        screen = self.screen
        if isinstance(screen, str):
            module_name, _, class_name = screen.partition(":")
            screen = getattr(import_module(module_name), class_name)
        return screen(focus_name)


def _keys_screen(focus_name: str | None) -> Screen:
    """Build the Keys screen, importing its module only when it is first opened."""
    from .keys import KeysScreen

    return KeysScreen(focus_name)


# The order here is the order of the number keys and of the command palette entries.
MODE_SPECS: list[ModeSpec] = [
    ModeSpec("machines", "1", "Machines", "outpost_tui.screens.resources:MachinesScreen"),
    ModeSpec("jobs", "2", "Jobs", "outpost_tui.screens.resources:JobsScreen"),
    ModeSpec("services", "3", "Services", "outpost_tui.screens.resources:ServicesScreen"),
    ModeSpec("fleets", "4", "Fleets", "outpost_tui.screens.fleets:FleetsScreen"),
    ModeSpec("catalog", "5", "Catalog", "outpost_tui.screens.catalog:CatalogScreen"),
    ModeSpec("keys", "6", "Keys", _keys_screen),
]


def mode_names() -> tuple[str, ...]:
    return tuple(spec.name for spec in MODE_SPECS)
