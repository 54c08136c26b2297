"""The rotation journal: which step a rotation reached, without any secret.

It is written before each step that changes something, so a rotation cut short by a
crash, a kill or a lost connection is resumed or rolled back on the next start.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

from ..config.securefile import UnsafeFileError, read_private_file, remove_private_file, write_private_file

log = logging.getLogger(__name__)

JOURNAL_VERSION = 1


class Phase(str, Enum):
    """The last point a rotation reached, in order."""

    CHECKED = "checked"  # the old key works; nothing created yet
    CREATING = "creating"  # the create request was sent; its outcome may be unknown
    CREATED = "created"  # the new secret is in memory only
    STAGED = "staged"  # the new key is in the staging slot
    VERIFIED = "verified"  # the new key passed an authenticated call
    ACTIVATING = "activating"  # the active slot is being overwritten
    ACTIVATED = "activated"  # the active slot contains the new key
    REVOKED = "revoked"  # the old key is revoked; only clean-up is left


class JournalError(Exception):
    """Reading or writing the journal failed. The message names the file and the cause."""


@dataclass
class Journal:
    """One profile's rotation in progress. Names only: secrets stay in the stores."""

    profile: str
    store: str
    kind: str  # "api_key" or "token"
    old_name: str
    new_name: str | None = None
    phase: Phase = Phase.CHECKED
    started_at: str = field(default_factory=lambda: _now())
    updated_at: str = field(default_factory=lambda: _now())
    abandoned: list[str] = field(default_factory=list)  # created keys whose secret was lost

    def to_json(self) -> bytes:
        data = asdict(self)
        data["phase"] = self.phase.value
        data["version"] = JOURNAL_VERSION
        return json.dumps(data, indent=2).encode()


def journal_path(folder: Path, profile: str) -> Path:
    return folder / f"rotation-{profile}.json"


def save_journal(path: Path, journal: Journal) -> None:
    journal.updated_at = _now()
    try:
        write_private_file(path, journal.to_json())
    except (UnsafeFileError, OSError) as exc:
        raise JournalError(f"cannot write the rotation journal {path}: {exc}") from None
    log.info("rotation journal for profile %s: %s", journal.profile, journal.phase.value)


def load_journal(path: Path) -> Journal | None:
    try:
        raw = read_private_file(path)
    except (UnsafeFileError, OSError) as exc:
        raise JournalError(f"cannot read the rotation journal {path}: {exc}") from None
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        data.pop("version", None)
        data["phase"] = Phase(data["phase"])
        return Journal(**data)
    except (ValueError, KeyError, TypeError):
        raise JournalError(
            f"the rotation journal {path} is unreadable; check the keys in the Keys screen, then delete it"
        ) from None


def delete_journal(path: Path) -> None:
    try:
        remove_private_file(path)
    except OSError as exc:
        raise JournalError(f"cannot delete the rotation journal {path}: {exc}") from None


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
