"""Finish or undo a rotation that a crash, a kill or a lost connection cut short.

The journal names the last phase reached. Before the new key was stored, the rotation is
rolled back: the new key (if the server made it) is revoked with the old one. From the
staging slot on, the new key is verified and the rotation resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from ..api.auth import Credential
from ..api.keys import API_KEYS, PATS
from ..config.stores import StoreError, staging_slot
from .journal import Journal, JournalError, Phase, load_journal
from .report import Outcome, Pending, RolledBack, RotationReport

if TYPE_CHECKING:
    from .engine import KeyRotation

log = logging.getLogger(__name__)


class RecoveryMixin:
    """The recovery half of :class:`~outpost_tui.rotation.engine.KeyRotation`."""

    async def recover(self: KeyRotation) -> RotationReport | None:  # type: ignore[misc]
        """Resume or roll back an interrupted rotation; None when the journal is empty."""
        try:
            journal = load_journal(self.journal_file)
        except JournalError as exc:
            return RotationReport(Outcome.REFUSED, str(exc))
        if journal is None:
            return None
        if journal.profile != self.profile or journal.store != self.store.name:
            return RotationReport(
                Outcome.REFUSED,
                f"the rotation journal {self.journal_file} belongs to profile {journal.profile!r} "
                f"in the {journal.store}; finish it with that profile",
            )
        log.info("recovering rotation of %s from phase %s", journal.old_name, journal.phase.value)
        self.journal = journal
        self.kind = API_KEYS if journal.kind == "api_key" else PATS
        try:
            return await self._recover(journal)
        finally:
            await self._close_clients()

    async def _recover(self: KeyRotation, journal: Journal) -> RotationReport:
        try:
            self.old = await asyncio.to_thread(self.store.read, self.profile)
            staged = await asyncio.to_thread(self.store.read, staging_slot(self.profile))
        except StoreError as exc:
            return self._report(Outcome.PENDING, f"an interrupted rotation waits, but {self.store.label} is unusable: {exc}")
        if self.old is None:
            return self._report(
                Outcome.PENDING,
                f"an interrupted rotation waits, but profile {self.profile} has no stored credential; log in again",
            )
        try:
            if journal.phase in (Phase.CHECKED, Phase.CREATING, Phase.CREATED):
                return await self._roll_back_recovered(self.old)
            if journal.phase in (Phase.STAGED, Phase.VERIFIED, Phase.ACTIVATING):
                return await self._resume_staged(journal, staged)
            self.new = self.old  # ACTIVATED or REVOKED: the active slot already contains the new key
            self.new = self.new.moved_to(self.store.origin, self.store.source(self.profile))
            if journal.phase is Phase.ACTIVATED:
                return await self._finish()
            note = await self._cleanup()
            return self._report(Outcome.ROTATED, f"finished the rotation to {journal.new_name}{note}", active=self.new)
        except RolledBack as exc:
            return self._report(Outcome.ROLLED_BACK, f"interrupted rotation rolled back: {exc}", active=self.old)
        except Pending as exc:
            return self._report(Outcome.PENDING, f"interrupted rotation not finished: {exc}", active=self.old)
        except JournalError as exc:
            return self._report(Outcome.PENDING, str(exc), active=self.old)

    async def _roll_back_recovered(self: KeyRotation, active: Credential) -> RotationReport:
        await self._undo_created(self._client(active))
        if self.journal is not None and self.journal_file.exists():
            return self._report(
                Outcome.PENDING, "an interrupted rotation could not revoke its new key yet; try again", active=active
            )
        return self._report(
            Outcome.ROLLED_BACK, "an interrupted rotation was rolled back; the old key stays active", active=active
        )

    async def _resume_staged(self: KeyRotation, journal: Journal, staged: Credential | None) -> RotationReport:
        """Finish a rotation whose new key reached the staging slot, if that key works."""
        if staged is not None and self.old is not None and staged.reveal() == self.old.reveal():
            # Activation wrote the active slot before the journal recorded it.
            journal.phase = Phase.ACTIVATED
            self.new = self.old
            return await self._finish()
        if staged is None:
            return await self._roll_back_recovered(self._old)
        self.new = staged
        problem = await self._check_works(staged)
        if problem is not None:
            await self._undo_created(self._client(self.old))
            return self._report(
                Outcome.ROLLED_BACK,
                f"an interrupted rotation was rolled back because its new key failed verification ({problem})",
                active=self.old,
            )
        try:
            await self._activate()
        except RolledBack as exc:
            return self._report(Outcome.ROLLED_BACK, f"interrupted rotation rolled back: {exc}", active=self.old)
        return await self._finish()
