"""The read-only guard and the one registry of actions that change something on the server.

Every mutating action of every screen is listed in :data:`MUTATING_ACTIONS`, and its
action method is wrapped by :func:`mutating`, which blocks it in read-only mode before any
form or confirmation opens. The client enforces the same rule again: in read-only mode
``OutpostClient.request`` raises ``ReadOnlyError`` for every non-GET operation.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

READ_ONLY_TITLE = "Read-only mode"


@dataclass(frozen=True)
class MutatingAction:
    """One action that changes something: its stable id (also the binding id), the mode of
    the screen that binds it, its key, the action method name and a phrase for messages."""

    id: str
    screen: str
    key: str
    action: str
    label: str
    description: str


MUTATING_ACTIONS: tuple[MutatingAction, ...] = (
    MutatingAction("machines.create", "machines", "n", "create_machine", "New", "create a machine"),
    MutatingAction("machines.start", "machines", "t", "start_machine", "Start", "start a machine"),
    MutatingAction("machines.stop", "machines", "s", "stop_machines", "Stop", "stop machines"),
    MutatingAction("machines.delete", "machines", "d", "delete_machines", "Delete", "delete machines"),
    MutatingAction("machines.auto_stop", "machines", "e", "edit_auto_stop", "Auto-stop", "change auto-stop"),
    MutatingAction("jobs.submit", "jobs", "n", "submit_job", "Submit", "submit a job"),
    MutatingAction("jobs.cancel", "jobs", "x", "cancel_jobs", "Cancel", "cancel jobs"),
    MutatingAction("jobs.delete", "jobs", "d", "delete_jobs", "Delete", "delete jobs"),
    MutatingAction("services.scale", "services", "e", "scale_service", "Scale", "scale a service"),
    MutatingAction("services.start", "services", "t", "start_service", "Start", "start a service"),
    MutatingAction("services.stop", "services", "s", "stop_services", "Stop", "stop services"),
    MutatingAction("services.delete", "services", "d", "delete_services", "Delete", "delete services"),
    MutatingAction("fleets.create", "fleets", "n", "create_fleet", "New", "create a fleet"),
    MutatingAction("fleets.update", "fleets", "e", "edit_fleet", "Nodes", "change a fleet's nodes"),
    MutatingAction("fleets.delete", "fleets", "d", "delete_fleets", "Delete", "delete fleets"),
)
ACTIONS_BY_ID = {action.id: action for action in MUTATING_ACTIONS}


def actions_for(screen: str) -> list[MutatingAction]:
    """Return the mutating actions bound on the screen of mode ``screen``."""
    return [action for action in MUTATING_ACTIONS if action.screen == screen]


def is_read_only(app: Any) -> bool:
    """Return whether the app or its client is in read-only mode; either one is enough."""
    client = getattr(app, "client", None)
    return bool(getattr(app, "read_only", False) or getattr(client, "read_only", False))


def blocked_reason(app: Any, action_id: str) -> str | None:
    """Return why ``action_id`` may not run now, or None when it may."""
    action = ACTIONS_BY_ID[action_id]
    if is_read_only(app):
        return (
            f"Cannot {action.description}: the app is read-only. Restart without --read-only, "
            "or clear the profile's read-only flag, to change things."
        )
    return None


def mutating(action_id: str) -> Callable[[F], F]:
    """Wrap a screen's action method so that read-only mode blocks it with a message.

    The check runs before the method body, so no form or confirmation opens. The wrapped
    method carries ``mutating_action_id`` so tests can match bindings to the registry.
    """
    if action_id not in ACTIONS_BY_ID:
        raise KeyError(f"unknown mutating action {action_id!r}; add it to MUTATING_ACTIONS first")

    def decorate(method: F) -> F:
        def refuse(screen: Any) -> bool:
            reason = blocked_reason(screen.app, action_id)
            if reason is None:
                return False
            log.info("blocked %s because the app is read-only", action_id)
            screen.app.notify(reason, title=READ_ONLY_TITLE, severity="warning")
            return True

        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def async_wrapper(screen: Any, *args: Any, **kwargs: Any) -> Any:
                if refuse(screen):
                    return None
                return await method(screen, *args, **kwargs)

            wrapper: Any = async_wrapper
        else:

            @functools.wraps(method)
            def wrapper(screen: Any, *args: Any, **kwargs: Any) -> Any:
                if refuse(screen):
                    return None
                return method(screen, *args, **kwargs)

        wrapper.mutating_action_id = action_id
        return wrapper  # type: ignore[return-value]

    return decorate
