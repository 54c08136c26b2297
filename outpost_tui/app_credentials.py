"""The app's side of credentials: login, profile switches, rotation recovery, safe crashes.

:class:`CredentialsMixin` is mixed into ``OutpostApp`` so that ``app.py`` stays a wiring
module. :meth:`CredentialsMixin.use_credential` is the one place where the app changes
its credential, client, host or namespace.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import SystemCommand
from textual.screen import Screen

from .api import Credential, OutpostClient, OutpostError
from .config.context import CredentialContext
from .config.profiles import ConfigError, Profile
from .config.stores import StoreError
from .connection import ConnectionState
from .redaction import redact
from .rotation import KeyRotation, Outcome, RotationReport, journal_path

if TYPE_CHECKING:
    from .app import OutpostApp

log = logging.getLogger(__name__)

# An old client may still serve requests in flight, so it is closed this much later.
OLD_CLIENT_GRACE_SECONDS = 30.0
NOTICE_SECONDS = 15.0
_SWITCHING_MODE = "_switching"


class CredentialsMixin:
    """Login, profile switching and key rotation support for :class:`OutpostApp`."""

    credentials: CredentialContext | None
    start_notices: list[str]

    def init_credentials(self, credentials: CredentialContext | None, notices: Sequence[str]) -> None:
        self.credentials = credentials
        self.start_notices = list(notices)

    @property
    def profile(self) -> Profile | None:
        return self.credentials.profile if self.credentials else None

    # -- start-up -------------------------------------------------------------------------

    def on_mount(self: OutpostApp) -> None:  # type: ignore[misc]
        """Show credential notices, ask for a credential if none was found, finish rotations."""
        for notice in self.start_notices:
            self.notify(notice, title="Credentials", severity="warning", timeout=NOTICE_SECONDS)
        if self.credential is None:
            self.request_login(first=True)
        elif self.credentials is not None and self.credentials.store_of(self.credential) is not None:
            if journal_path(self.credentials.journal_folder, self.credentials.profile.name).exists():
                self.run_worker(self._recover_rotation(), exit_on_error=False, name="rotation recovery")

    def request_login(self: OutpostApp, *, first: bool = False, profile: Profile | None = None) -> None:  # type: ignore[misc]
        from .screens.login import LoginScreen

        self.push_screen(LoginScreen(profile=profile or self.profile, first=first))

    async def _recover_rotation(self: OutpostApp) -> None:  # type: ignore[misc]
        report = await self.make_rotation().recover()
        if report is not None:
            self.show_rotation_report(report)

    # -- rotation ---------------------------------------------------------------------------

    def make_rotation(self: OutpostApp, progress: Any = None) -> KeyRotation:  # type: ignore[misc]
        """Build a rotation of the active profile's key that switches the app to the new key."""
        assert self.credentials is not None
        store = self.credentials.store_of(self.credential) or self.credentials.keyring
        base_url = self.client.base_url
        insecure = bool(self.profile and self.profile.allow_insecure_http)
        return KeyRotation(
            profile=self.credentials.profile.name,
            store=store,
            client_factory=lambda value: OutpostClient(base_url, value, allow_insecure_http=insecure),
            journal_folder=self.credentials.journal_folder,
            progress=progress,
            on_activated=self.use_credential,
        )

    def show_rotation_report(self: OutpostApp, report: RotationReport) -> None:  # type: ignore[misc]
        severity = "information" if report.outcome is Outcome.ROTATED else "error"
        self.notify(report.message, title="Key rotation", severity=severity, timeout=NOTICE_SECONDS)

    # -- switching ----------------------------------------------------------------------------

    async def use_credential(
        self: OutpostApp,  # type: ignore[misc]
        credential: Credential,
        *,
        profile: Profile | None = None,
    ) -> None:
        """Make ``credential`` (and ``profile``, when given) the app's active ones.

        A new profile's host and namespace are checked with one authenticated call before
        anything changes, so a failure leaves the app as it was. The screens are rebuilt
        only when the host or namespace changed. A rotated key on the same profile only
        replaces the client, because every screen reads the client on its next request.
        """
        target = profile or self.profile
        base_url = target.base_url if profile is not None else self.client.base_url
        insecure = bool(target and target.allow_insecure_http)
        client = OutpostClient(base_url, credential, allow_insecure_http=insecure)
        namespace = (profile.namespace or "") if profile is not None else self.connection.namespace
        if not namespace:
            try:
                namespace = (await client.current_user()).default_namespace or ""
            except OutpostError:
                await client.aclose()
                raise
        rebuild = client.host != self.client.host or namespace != self.connection.namespace
        read_only = target.read_only if profile is not None else self.read_only
        old_client = self.client
        self.client = client
        self.credential = credential
        self.read_only = read_only
        if profile is not None:
            self.environment = profile.environment
            if self.credentials is not None:
                self.credentials.profile = profile
        self._reset_connection(namespace)
        log.info("now using %s for %s, namespace %s", credential.display, client.host, namespace)
        self.run_worker(_close_later(old_client), exit_on_error=False, name="close old client")
        if rebuild or self.current_mode not in self._modes or self.current_mode == "_default":
            await self._rebuild_modes()

    def _reset_connection(self: OutpostApp, namespace: str) -> None:  # type: ignore[misc]
        connection = self.connection
        connection.host = self.client.host
        connection.namespace = namespace
        connection.credential_label = credential_label(self.credential, self.profile)
        connection.state = ConnectionState.CONNECTING
        connection.last_error = None
        connection.last_success = None
        connection.consecutive_failures = 0
        resume = getattr(self, "resume_polling", None)
        if resume is not None:
            resume()

    async def _rebuild_modes(self: OutpostApp) -> None:  # type: ignore[misc]
        """Build every top-level screen afresh, keeping the user on the same kind of screen.

        Textual cannot remove the active mode, so a blank screen is shown while
        the old screens are dropped and the new ones are registered.
        """
        from .screens import MODE_SPECS

        names = {spec.name for spec in MODE_SPECS}
        current = self.current_mode if self.current_mode in names else self.target.kind
        if _SWITCHING_MODE not in self._modes:
            self.add_mode(_SWITCHING_MODE, Screen)
        await self.switch_mode(_SWITCHING_MODE)
        for spec in MODE_SPECS:
            if spec.name in self._modes:
                await self.remove_mode(spec.name)
            self.add_mode(spec.name, partial(spec.factory, None))
        await self.switch_mode(current)
        await self.remove_mode(_SWITCHING_MODE)

    async def switch_profile(self: OutpostApp, name: str) -> None:  # type: ignore[misc]
        """Load profile ``name``'s stored credential and switch to it, or ask for one."""
        if self.credentials is None:
            self.notify("This session has no profiles (demo mode).", severity="warning")
            return
        try:
            profile = self.credentials.profiles.select(name)
        except ConfigError as exc:
            self.notify(str(exc), title="Profile not found", severity="error")
            return
        credential, problem = await self.read_stored_credential(profile)
        if problem:
            self.notify(problem, title="Credentials", severity="warning", timeout=NOTICE_SECONDS)
        if credential is None:
            self.request_login(profile=profile)
            return
        try:
            await self.use_credential(credential, profile=profile)
        except OutpostError as exc:
            self.notify(f"Profile {name} was not switched: {exc}", title="Switch failed", severity="error")
            return
        self.notify(f"Switched to profile {name} ({credential.source}).", title="Profile")

    async def read_stored_credential(  # type: ignore[misc]
        self: OutpostApp, profile: Profile
    ) -> tuple[Credential | None, str | None]:
        """Read a profile's credential from the keyring, else the file, off the UI thread."""
        assert self.credentials is not None
        context = self.credentials
        problems = []
        if context.keyring.available:
            try:
                credential = await asyncio.to_thread(context.keyring.read, profile.name)
            except StoreError as exc:
                problems.append(f"keyring unavailable: {exc}")
            else:
                if credential is not None:
                    return credential, None
        try:
            credential = await asyncio.to_thread(context.file.read, profile.name)
        except StoreError as exc:
            problems.append(str(exc))
            credential = None
        return credential, "; ".join(problems) or None

    def get_system_commands(self: OutpostApp, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[misc]
        yield from super().get_system_commands(screen)  # type: ignore[misc]
        yield SystemCommand("Log in", "Paste a token or API key and choose where to store it", self.request_login)
        if self.credentials is not None:
            yield SystemCommand(
                "Switch profile", "Connect with another profile from the config file", self.action_choose_profile
            )

    def action_choose_profile(self: OutpostApp) -> None:  # type: ignore[misc]
        from .screens.modals.profiles import ProfileChooser

        if self.credentials is None:
            return

        def chosen(name: str | None) -> None:
            if name:
                self.run_worker(self.switch_profile(name), exit_on_error=False, name="switch profile")

        self.push_screen(ProfileChooser(self.credentials), chosen)

    # -- crashes ------------------------------------------------------------------------------

    def _fatal_error(self: OutpostApp) -> None:  # type: ignore[misc]
        """Exit after an unhandled exception with a traceback that contains no secret.

        Textual's own report shows local variables, which may contain a pasted key, so this
        one leaves them out and redacts every loaded secret from the text.
        NOTE: this overrides a private Textual method (checked against textual 8.2.8).
        """
        import sys

        from rich.console import Console
        from rich.traceback import Traceback

        self.bell()
        log.error("unhandled exception", exc_info=sys.exc_info())
        capture = Console(width=self.console.width, color_system=None, file=_NullFile(), record=True)
        capture.print(Traceback(show_locals=False, width=None))
        self._exit_renderables.append(Text(redact(capture.export_text())))
        self._close_messages_no_wait()


def credential_label(credential: Credential | None, profile: Profile | None = None) -> str:
    """Return the status bar's label of the credential: its kind, name and source."""
    if credential is None:
        return "no credential"
    where = credential.source
    if profile is not None and profile.name not in where:
        where = f"{where}, profile {profile.name}"
    return f"{credential.display} ({where})"


async def _close_later(client: OutpostClient) -> None:
    try:
        await asyncio.sleep(OLD_CLIENT_GRACE_SECONDS)
    finally:
        await client.aclose()


class _NullFile:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None
