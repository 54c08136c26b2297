"""Rotate the active API key or PAT without ever leaving the user without a working key.

The steps run in this order, each recorded in the journal before it changes anything:

check → create → stage (store in a staging slot, read back) → verify (authenticated
call) → activate (overwrite the active slot) → revoke the old key with the new one →
clean up.

Until *activate* succeeds, the active slot contains the old key, which still works; a
failure revokes the new key with the old one and keeps the old one. From *activate* on,
the active slot holds the new, verified key; a failure there leaves the old key
unrevoked, which the next run finishes. The old secret is dropped only after the new
one is stored, read back and verified.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..api.auth import Credential, CredentialKind
from ..api.client import OutpostClient
from ..api.errors import (
    APIError,
    AuthenticationFailed,
    InvalidResponse,
    NetworkError,
    NotFound,
    OutpostError,
    PermissionDenied,
    ServerError,
)
from ..api.keys import API_KEYS, NAME_MAX_LENGTH, PATS, KeyKind, all_keys, create_key, delete_key, find_key
from ..config.stores import CredentialStore, StoreError, staging_slot
from .journal import Journal, JournalError, Phase, delete_journal, journal_path, save_journal
from .recovery import RecoveryMixin
from .report import (
    Outcome,
    Pending,
    ProgressCallback,
    RolledBack,
    RotationRefused,
    RotationReport,
    Step,
    StepState,
)

log = logging.getLogger(__name__)

ClientFactory = Callable[[Credential], OutpostClient]
ActivatedCallback = Callable[[Credential], Awaitable[None] | None]

# Errors after which the server may or may not have acted on a create or delete.
UNCERTAIN = (NetworkError, ServerError, InvalidResponse)
VERIFY_ATTEMPTS = 3
VERIFY_DELAY_SECONDS = 0.5
_ROTATION_SUFFIX = re.compile(r"-\d{8}-\d{6}(?:-\d+)?$")


def kind_of(credential: Credential) -> KeyKind:
    return API_KEYS if credential.kind is CredentialKind.API_KEY else PATS


def unique_name(old_name: str, taken: set[str], now: datetime) -> str:
    """Return ``<base>-YYYYMMDD-HHMMSS`` within 64 characters, unused by ``taken``.

    A suffix from an earlier rotation is replaced rather than stacked, so names stay short.
    """
    base = _ROTATION_SUFFIX.sub("", old_name) or "key"
    stamp = now.astimezone(timezone.utc).strftime("-%Y%m%d-%H%M%S")
    for counter in range(1, 100):
        suffix = stamp if counter == 1 else f"{stamp}-{counter}"
        name = base[: NAME_MAX_LENGTH - len(suffix)] + suffix
        if name not in taken:
            return name
    raise RotationRefused(f"cannot find an unused name for the new key after {old_name!r}; delete old keys")


def guidance_for_external(credential: Credential) -> str:
    """Explain how to rotate a credential that lives where the app must not write."""
    return (
        f"the active credential comes from {credential.source}, which the app does not manage, "
        "so it is not rotated in place: create a new key in the Keys screen (key 6, then n), "
        f"put it where {credential.source} reads it, restart, then revoke the old key"
    )


class KeyRotation(RecoveryMixin):
    """One rotation of a profile's stored API key or PAT, resumable through its journal."""

    def __init__(
        self,
        *,
        profile: str,
        store: CredentialStore,
        client_factory: ClientFactory,
        journal_folder: Path,
        progress: ProgressCallback | None = None,
        on_activated: ActivatedCallback | None = None,
        verify_attempts: int = VERIFY_ATTEMPTS,
        verify_delay: float = VERIFY_DELAY_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.profile = profile
        self.store = store
        self.client_factory = client_factory
        self.journal_file = journal_path(journal_folder, profile)
        self.progress = progress
        self.on_activated = on_activated
        self.verify_attempts = max(verify_attempts, 1)
        self.verify_delay = verify_delay
        self.clock = clock
        self.steps: list[tuple[Step, StepState, str]] = []
        self.journal: Journal | None = None
        self.old: Credential | None = None
        self.new: Credential | None = None
        self.kind: KeyKind = API_KEYS
        self._clients: list[OutpostClient] = []

    # -- entry points -------------------------------------------------------------------

    async def run(self, current: Credential) -> RotationReport:
        """Rotate ``current``; first finish or undo any rotation that the journal records as cut short."""
        try:
            pending = await self.recover()
            if pending is not None and pending.outcome is not Outcome.ROLLED_BACK:
                return pending
            if pending is not None:
                current = pending.active or current
            return await self._rotate(current)
        finally:
            await self._close_clients()

    # -- the forward path ---------------------------------------------------------------

    async def _rotate(self, current: Credential) -> RotationReport:
        self.old = current
        self.kind = kind_of(current)
        try:
            old_key = await self._check(current)
            await self._create(old_key)
            await self._stage()
            await self._verify()
            await self._activate()
            return await self._finish()
        except RotationRefused as exc:
            return self._report(Outcome.REFUSED, f"rotation not started: {exc}", active=current)
        except RolledBack as exc:
            if self.journal_file.exists():
                leftover = ", ".join(self._journal.abandoned) or "the new key"
                return self._report(
                    Outcome.PENDING,
                    f"rotation rolled back: {exc}; the old key stays active, but revoking {leftover} "
                    "failed and is retried on the next run",
                    active=current,
                )
            return self._report(
                Outcome.ROLLED_BACK, f"rotation rolled back: {exc}; the old key stays active", active=current
            )
        except Pending as exc:
            return self._report(Outcome.PENDING, f"rotation interrupted: {exc}", active=current)

    async def _check(self, current: Credential) -> Any:
        self._mark(Step.CHECK, StepState.RUNNING)
        if current.origin.external:
            self._fail(Step.CHECK, "credential managed outside the app")
            raise RotationRefused(guidance_for_external(current))
        if not current.origin.stored:
            self._fail(Step.CHECK, "credential kept in memory only")
            raise RotationRefused(
                f"the active credential ({current.source}) is not stored, so a rotation could lose it; "
                "store it first with 'outpost-tui login' or the login screen"
            )
        if current.kind is CredentialKind.TOKEN and not current.reveal().startswith("op_pat_"):
            self._fail(Step.CHECK, "not a PAT")
            raise RotationRefused("only API keys and PATs can be rotated; this token is an access token")
        client = self._client(current)
        try:
            await client.current_user()
            keys = await all_keys(client, self.kind)
        except AuthenticationFailed as exc:
            self._fail(Step.CHECK, exc.message)
            raise RotationRefused(f"the current key is rejected ({exc.message}); log in again with a working key") from None
        except PermissionDenied as exc:
            self._fail(Step.CHECK, exc.message)
            raise RotationRefused(
                f"the current key may not manage keys ({exc.message}); rotate with an unscoped key"
            ) from None
        except OutpostError as exc:
            self._fail(Step.CHECK, str(exc))
            raise RotationRefused(f"the current key could not be checked ({exc}); try again") from None
        old_key = self._find_current(keys, current)
        if old_key is None:
            self._fail(Step.CHECK, "key not in the account's list")
            raise RotationRefused(f"the active {self.kind.label} is not in the account's list of {self.kind.label}s")
        self.journal = Journal(
            profile=self.profile, store=self.store.name, kind=current.kind.value, old_name=old_key.name
        )
        self.journal.new_name = unique_name(old_key.name, {key.name for key in keys}, self.clock())
        try:
            await self._save_journal(Phase.CHECKED)
        except JournalError as exc:
            self._fail(Step.CHECK, str(exc))
            raise RotationRefused(str(exc)) from None
        self._mark(Step.CHECK, StepState.DONE, f"{self.kind.label} {old_key.name} works")
        return old_key

    def _find_current(self, keys: list[Any], current: Credential) -> Any:
        secret = current.secret.get_secret_value()
        for key in keys:
            if current.kind is CredentialKind.API_KEY and key.name == current.key_name:
                return key
            if current.kind is CredentialKind.TOKEN and key.prefix and secret.startswith(key.prefix) \
                    and key.last_four and secret.endswith(key.last_four):
                return key
        return None

    async def _create(self, old_key: Any) -> None:
        self._mark(Step.CREATE, StepState.RUNNING)
        journal = self._journal
        expiry = self._expiry_days(old_key)
        client = self._client(self.old)
        for attempt in (1, 2):
            await self._save_journal(Phase.CREATING)
            try:
                created = await create_key(
                    client, self.kind, journal.new_name, expires_in_days=expiry,
                    scopes=old_key.scopes, source="rotation",
                )
            except UNCERTAIN as exc:
                log.warning("creating %s %s failed: %s", self.kind.label, journal.new_name, exc)
                await self._abandon_uncertain_create(client, exc)
                if attempt == 2:
                    await self._undo_created(client)
                    self._fail(Step.CREATE, str(exc))
                    raise RolledBack(f"creating the new key failed twice ({exc})") from None
                continue
            except APIError as exc:
                await self._drop_journal()
                self._fail(Step.CREATE, exc.message)
                raise RolledBack(f"the server rejected the new key ({exc.message})") from None
            self.new = created.credential
            await self._save_journal(Phase.CREATED)
            self._mark(Step.CREATE, StepState.DONE, f"created {journal.new_name}")
            return

    async def _abandon_uncertain_create(self, client: OutpostClient, error: Exception) -> None:
        """After a create without a response, list the keys instead of creating blindly again.

        A key that was created without the response is unusable, because its secret is
        only in that response, so it is revoked and the next attempt uses a fresh name.
        """
        journal = self._journal
        try:
            found = await find_key(client, self.kind, journal.new_name)
        except OutpostError as exc:
            self._fail(Step.CREATE, f"{error}; listing keys also failed: {exc}")
            raise Pending(
                f"creating {journal.new_name} got no response and listing the keys failed ({exc}); "
                "the old key stays active, and the next run revokes the new key if it exists"
            ) from None
        taken = {journal.old_name, *journal.abandoned}
        if found is not None:
            try:
                await delete_key(client, self.kind, journal.new_name)
            except NotFound:
                pass
            except OutpostError as exc:
                journal.abandoned.append(journal.new_name)
                await self._save_journal(Phase.CREATING)
                self._fail(Step.CREATE, f"{error}; revoking the half-created key failed: {exc}")
                raise Pending(
                    f"key {journal.new_name} was created but its secret was lost, and revoking it failed ({exc}); "
                    "the old key stays active, and the next run revokes it"
                ) from None
            taken.add(journal.new_name)
        taken.add(journal.new_name)
        journal.new_name = unique_name(journal.old_name, taken, self.clock())

    async def _stage(self) -> None:
        self._mark(Step.STAGE, StepState.RUNNING)
        try:
            await asyncio.to_thread(self.store.write, staging_slot(self.profile), self._new)
        except StoreError as exc:
            self._fail(Step.STAGE, str(exc))
            await self._undo_created(self._client(self.old))
            raise RolledBack(f"the new key could not be stored in {self.store.label} ({exc})") from None
        await self._save_journal(Phase.STAGED)
        self._mark(Step.STAGE, StepState.DONE, f"stored in {self.store.label} and read back")

    async def _verify(self) -> None:
        self._mark(Step.VERIFY, StepState.RUNNING)
        problem = await self._check_works(self._new)
        if problem is not None:
            self._fail(Step.VERIFY, problem)
            await self._undo_created(self._client(self.old))
            raise RolledBack(f"the new key did not pass verification ({problem})")
        await self._save_journal(Phase.VERIFIED)
        self._mark(Step.VERIFY, StepState.DONE, "the new key works")

    async def _check_works(self, credential: Credential) -> str | None:
        """Return None when ``credential`` can read the user and list keys, else the problem.

        A brand-new key may take a moment to reach every server, so a rejection or a
        transient failure is retried a few times with a growing delay.
        """
        client = self._client(credential)
        problem = None
        for attempt in range(self.verify_attempts):
            if attempt:
                await asyncio.sleep(self.verify_delay * 2 ** (attempt - 1))
            try:
                await client.current_user()
                await all_keys(client, self.kind)
                return None
            except PermissionDenied as exc:
                return f"it may not manage keys: {exc.message}"
            except (AuthenticationFailed, *UNCERTAIN) as exc:
                problem = exc.message if isinstance(exc, APIError) else str(exc)
            except OutpostError as exc:
                return str(exc)
        return problem

    async def _activate(self) -> None:
        self._mark(Step.ACTIVATE, StepState.RUNNING)
        await self._save_journal(Phase.ACTIVATING)
        try:
            await asyncio.to_thread(self.store.write, self.profile, self._new)
        except StoreError as exc:
            self._fail(Step.ACTIVATE, str(exc))
            await self._restore_old_after_failed_activate(exc)
        await self._save_journal(Phase.ACTIVATED)
        self.new = self._new.moved_to(self.store.origin, self.store.source(self.profile))
        self._mark(Step.ACTIVATE, StepState.DONE, f"now the active credential in {self.store.label}")
        await self._notify_activated(self.new)

    async def _restore_old_after_failed_activate(self, error: StoreError) -> None:
        """Put the old key back in the active slot; if even that fails, keep the journal."""
        try:
            await asyncio.to_thread(self.store.write, self.profile, self._old)
        except StoreError as exc:
            raise Pending(
                f"the active slot could not be written ({error}) nor restored ({exc}); both keys still work "
                f"and the new one is kept in the staging slot of {self.store.label}; run the rotation again"
            ) from None
        await self._undo_created(self._client(self.old))
        raise RolledBack(f"the new key could not be made active in {self.store.label} ({error})")

    async def _finish(self) -> RotationReport:
        """Revoke the old key with the new one, then clean up."""
        journal = self._journal
        self._mark(Step.REVOKE, StepState.RUNNING)
        problem = await self._revoke(self._client(self._new), journal.old_name)
        if problem is not None:
            self._fail(Step.REVOKE, problem)
            return self._report(
                Outcome.INCOMPLETE,
                f"new {self.kind.label} {journal.new_name} is active and stored in {self.store.label}, but the old "
                f"key {journal.old_name} is not revoked yet ({problem}); the next run retries, or revoke it in the Keys screen",
                active=self.new,
            )
        await self._save_journal(Phase.REVOKED)
        self._mark(Step.REVOKE, StepState.DONE, f"revoked {journal.old_name}")
        note = await self._cleanup()
        return self._report(
            Outcome.ROTATED,
            f"rotated {self.kind.label} {journal.old_name} to {journal.new_name}, stored in {self.store.label}; "
            f"the old key is revoked{note}",
            active=self.new,
        )

    async def _revoke(self, client: OutpostClient, name: str) -> str | None:
        """Delete the key ``name``; after an unclear response, look it up before trying again."""
        for attempt in (1, 2):
            try:
                await delete_key(client, self.kind, name)
                return None
            except NotFound:
                return None
            except UNCERTAIN as exc:
                problem = str(exc)
                try:
                    if await find_key(client, self.kind, name) is None:
                        return None
                except OutpostError:
                    pass
            except OutpostError as exc:
                return exc.message if isinstance(exc, APIError) else str(exc)
        return problem

    async def _cleanup(self) -> str:
        self._mark(Step.CLEANUP, StepState.RUNNING)
        notes = []
        try:
            await asyncio.to_thread(self.store.delete, staging_slot(self.profile))
        except StoreError as exc:
            notes.append(f"the staging slot holds a copy of the new key ({exc})")
        try:
            await asyncio.to_thread(delete_journal, self.journal_file)
        except JournalError as exc:
            notes.append(str(exc))
        self._mark(Step.CLEANUP, StepState.DONE if not notes else StepState.FAILED, "; ".join(notes))
        return f" (clean-up left work: {'; '.join(notes)})" if notes else ""

    async def _undo_created(self, client: OutpostClient) -> None:
        """Revoke the new key (and any abandoned ones) and forget the rotation.

        When revoking fails the journal stays, so the next run finishes the roll-back.
        """
        journal = self._journal
        leftovers = [name for name in [*journal.abandoned, journal.new_name] if name]
        failed = []
        for name in leftovers:
            if await self._revoke(client, name) is not None:
                failed.append(name)
        try:
            await asyncio.to_thread(self.store.delete, staging_slot(self.profile))
        except StoreError:
            log.warning("could not clear the staging slot of profile %s", self.profile)
        self.new = None
        if failed:
            journal.abandoned = failed
            journal.new_name = None
            await self._save_journal(Phase.CREATING)
            self._mark(Step.CREATE, StepState.FAILED, f"could not revoke {', '.join(failed)} yet")
            return
        self._mark(Step.CREATE, StepState.UNDONE, "revoked the new key")
        await self._drop_journal()

    # -- helpers ------------------------------------------------------------------------

    @property
    def _journal(self) -> Journal:
        assert self.journal is not None, "the journal is created by the check step"
        return self.journal

    @property
    def _new(self) -> Credential:
        assert self.new is not None, "the new key exists from the create step on"
        return self.new

    @property
    def _old(self) -> Credential:
        assert self.old is not None
        return self.old

    def _expiry_days(self, old_key: Any) -> int | None:
        """Give the new key the old key's lifetime, rounded to what the server accepts."""
        if old_key.expires_at is None or old_key.created_at is None:
            return None
        days = max(round((old_key.expires_at - old_key.created_at).total_seconds() / 86400), 1)
        if self.kind.expiry_days:
            return min(self.kind.expiry_days, key=lambda choice: (abs(choice - days), choice))
        return min(days, self.kind.max_expiry_days)

    def _client(self, credential: Credential | None) -> OutpostClient:
        assert credential is not None
        client = self.client_factory(credential)
        self._clients.append(client)
        return client

    async def _close_clients(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()

    async def _save_journal(self, phase: Phase) -> None:
        journal = self._journal
        journal.phase = phase
        await asyncio.to_thread(save_journal, self.journal_file, journal)

    async def _drop_journal(self) -> None:
        try:
            await asyncio.to_thread(delete_journal, self.journal_file)
        except JournalError as exc:
            log.warning("%s", exc)

    async def _notify_activated(self, credential: Credential) -> None:
        if self.on_activated is None:
            return
        result = self.on_activated(credential)
        if inspect.isawaitable(result):
            await result

    def _mark(self, step: Step, state: StepState, detail: str = "") -> None:
        self.steps.append((step, state, detail))
        log.info("rotation step %s: %s %s", step.value, state.value, detail)
        if self.progress is not None:
            self.progress(step, state, detail)

    def _fail(self, step: Step, detail: str) -> None:
        self._mark(step, StepState.FAILED, detail)

    def _report(self, outcome: Outcome, message: str, *, active: Credential | None = None) -> RotationReport:
        journal = self.journal
        return RotationReport(
            outcome,
            message,
            old_name=journal.old_name if journal else None,
            new_name=journal.new_name if journal else None,
            active=active,
            steps=list(self.steps),
        )
