"""The result of a rotation: its steps, its outcome and a one-line status message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from ..api.auth import Credential


class Step(str, Enum):
    CHECK = "check"
    CREATE = "create"
    STAGE = "stage"
    VERIFY = "verify"
    ACTIVATE = "activate"
    REVOKE = "revoke"
    CLEANUP = "cleanup"

    @property
    def title(self) -> str:
        return STEP_TITLES[self]


STEP_TITLES = {
    Step.CHECK: "Check that the current key works and may manage keys",
    Step.CREATE: "Create a new key with a unique name",
    Step.STAGE: "Store the new key in a staging slot and read it back",
    Step.VERIFY: "Verify the new key with an authenticated call",
    Step.ACTIVATE: "Make the new key the active credential",
    Step.REVOKE: "Revoke the old key using the new one",
    Step.CLEANUP: "Clean up the staging slot and the journal",
}


class StepState(str, Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    UNDONE = "undone"  # rolled back


class Outcome(str, Enum):
    ROTATED = "rotated"  # the new key is active and stored, the old one revoked
    INCOMPLETE = "incomplete"  # the new key is active and stored, the old one still works
    ROLLED_BACK = "rolled_back"  # the old key stays active; whatever was created is revoked
    REFUSED = "refused"  # nothing was changed: a precondition failed
    PENDING = "pending"  # interrupted in a state the next run resumes; a stored key works


ProgressCallback = Callable[[Step, StepState, str], None]


@dataclass
class RotationReport:
    """The outcome, one status line for people and scripts, and the active credential."""

    outcome: Outcome
    message: str
    old_name: str | None = None
    new_name: str | None = None
    active: Credential | None = None
    steps: list[tuple[Step, StepState, str]] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.outcome is Outcome.ROTATED

    @property
    def exit_status(self) -> int:
        """Return 0 when rotated, else 1. The message names the work that is left."""
        return 0 if self.outcome is Outcome.ROTATED else 1


class RotationRefused(Exception):
    """A precondition failed before anything changed. The message gives the fix."""


class RolledBack(Exception):
    """A step failed and everything it created was undone. The message gives the cause."""


class Pending(Exception):
    """A step failed in a way the next run finishes; a stored key works meanwhile."""
