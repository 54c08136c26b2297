"""The app's top-level screens, one mode each, with their keys and CLI target words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from .resources import JobsScreen, MachinesScreen, ServicesScreen


@dataclass(frozen=True)
class ModeSpec:
    """A top-level screen: its mode name (also the CLI target word), key and title.

    ``factory`` builds the screen; it receives the item name of a deep link such as
    ``jobs/NAME`` when the link points at this mode, else None.
    """

    name: str
    key: str
    title: str
    factory: Callable[[str | None], Screen]


# The order here is the order of the number keys and of the command palette entries.
MODE_SPECS: list[ModeSpec] = [
    ModeSpec("machines", "1", "Machines", MachinesScreen),
    ModeSpec("jobs", "2", "Jobs", JobsScreen),
    ModeSpec("services", "3", "Services", ServicesScreen),
]


def mode_names() -> tuple[str, ...]:
    return tuple(spec.name for spec in MODE_SPECS)
