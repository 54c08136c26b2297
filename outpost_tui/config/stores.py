"""Places that keep a credential between runs: the OS keyring and the opt-in file.

Both stores hold named slots. A profile's credential sits in the slot named after the
profile, and a rotation parks the new key in ``<profile>.staging`` until it is verified.
Every write is read back before it counts, because some keyrings drop writes silently.
"""

from __future__ import annotations

import json
import logging
import threading
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import tomli_w

from ..api.auth import Credential, CredentialKind, CredentialOrigin, InvalidCredential
from .securefile import UnsafeFileError, read_private_file, write_private_file

log = logging.getLogger(__name__)

T = TypeVar("T")

KEYRING_SERVICE = "outpost-tui"
# Keyring calls can block on an unlock dialog or a dead D-Bus; give up after this long.
KEYRING_TIMEOUT_SECONDS = 3.0
STAGING_SUFFIX = ".staging"


class StoreError(Exception):
    """A store failed to read, write or delete a slot. The message gives the cause and the fix."""


class KeyringUnavailable(StoreError):
    """The OS keyring is missing, locked, failing, hanging or dropping writes."""


def staging_slot(profile: str) -> str:
    return profile + STAGING_SUFFIX


class CredentialStore(Protocol):
    """A place that keeps credentials by slot name."""

    name: str  # "keyring" or "file", as profiles and --store spell it
    origin: CredentialOrigin

    @property
    def label(self) -> str: ...

    def read(self, slot: str) -> Credential | None: ...

    def write(self, slot: str, credential: Credential) -> None: ...

    def delete(self, slot: str) -> None: ...


def encode(credential: Credential) -> str:
    """Return the stored form: JSON with the kind and the typed value (``name$secret`` for API keys)."""
    return json.dumps({"kind": credential.kind.value, "value": credential.reveal()})


def decode(text: str, *, source: str, origin: CredentialOrigin) -> Credential:
    """Rebuild a credential from its stored form; the error never contains the value."""
    try:
        data = json.loads(text)
        return Credential.parse(data["kind"], data["value"], source=source, origin=origin)
    except (ValueError, KeyError, TypeError, InvalidCredential):
        raise StoreError(f"the credential in {source} is unreadable; log in again to replace it") from None


# -- the OS keyring -------------------------------------------------------------------------


def call_with_timeout(function: Callable[[], T], timeout: float, what: str) -> T:
    """Run ``function`` in a daemon thread and wait at most ``timeout`` seconds for it.

    A hung keyring call cannot be cancelled, so it is left behind in a daemon thread that
    does not keep the process alive at exit. Keyring errors become KeyringUnavailable.
    """
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = function()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name=f"keyring {what}", daemon=True).start()
    if not done.wait(timeout):
        raise KeyringUnavailable(f"the keyring timed out after {timeout:g} s while trying to {what}")
    error = outcome.get("error")
    if error is not None:
        raise KeyringUnavailable(_keyring_reason(error, what)) from None
    return outcome["value"]


def _keyring_reason(error: BaseException, what: str) -> str:
    from keyring.errors import KeyringLocked

    if isinstance(error, KeyringLocked):
        return f"the keyring is locked ({type(error).__name__}); unlock it and try again"
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    detail = f": {detail}" if detail else ""
    return f"the keyring failed to {what} ({type(error).__name__}{detail})"


def keyring_backend_problem(backend: Any) -> str | None:
    """Return why ``backend`` is not a real OS keyring, or None when it is one.

    The fail and null backends store nothing, and the keyrings.alt backends write files,
    which would put secrets in plaintext without the user's consent.
    """
    from keyring.backends import chainer, fail

    module = type(backend).__module__
    if isinstance(backend, fail.Keyring):
        return "no OS keyring backend was found (such as Secret Service, KWallet or macOS Keychain)"
    if module.startswith("keyring.backends.null"):
        return "the keyring is switched off (null backend)"
    if module.startswith("keyrings.alt"):
        return f"the keyring backend {type(backend).__name__} writes a file, which is not an OS keyring"
    if isinstance(backend, chainer.ChainerBackend):
        real = [item for item in backend.backends if keyring_backend_problem(item) is None]
        if not real:
            return "no OS keyring backend was found (such as Secret Service, KWallet or macOS Keychain)"
        return None
    try:
        priority = float(type(backend).priority)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a backend that cannot tell is unusable
        return f"the keyring backend {type(backend).__name__} is not usable here"
    if priority < 1:
        return f"the keyring backend {type(backend).__name__} is not usable here (priority {priority:g})"
    return None


class KeyringStore:
    """Credentials in the OS keyring, one entry per slot, each call bounded in time."""

    name = "keyring"
    origin = CredentialOrigin.KEYRING

    def __init__(self, backend: Any = None, *, timeout: float = KEYRING_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._backend = backend
        self._problem: str | None = None
        # The OS backend is looked up on first use: importing keyring and probing its
        # backends takes a noticeable part of start-up, and a credential from the
        # environment or a flag never needs it.
        self._probed = False

    def _probe(self) -> None:
        if self._probed:
            return
        self._probed = True
        if self._backend is None:
            import keyring

            try:
                self._backend = call_with_timeout(keyring.get_keyring, self.timeout, "start")
            except KeyringUnavailable as exc:
                self._problem = str(exc)
                return
        self._problem = keyring_backend_problem(self._backend)

    @property
    def backend(self) -> Any:
        self._probe()
        return self._backend

    @property
    def problem(self) -> str | None:
        """Why the keyring cannot be used, or None when it can."""
        self._probe()
        return self._problem

    @problem.setter
    def problem(self, reason: str | None) -> None:
        self._probe()
        self._problem = reason

    @property
    def available(self) -> bool:
        return self.problem is None

    @property
    def label(self) -> str:
        return "the OS keyring"

    def source(self, slot: str) -> str:
        return f"keyring (profile {slot})"

    def _require(self) -> Any:
        if self.problem is not None:
            raise KeyringUnavailable(self.problem)
        return self.backend

    def read(self, slot: str) -> Credential | None:
        """Return the slot's credential or None; a failed read marks the keyring unavailable.

        A keyring that is locked, failing or hanging at the first read would do the same
        at every later call, so the rest of the session skips it instead of waiting again.
        """
        backend = self._require()
        try:
            text = call_with_timeout(lambda: backend.get_password(KEYRING_SERVICE, slot), self.timeout, "read")
        except KeyringUnavailable as exc:
            self.problem = str(exc)
            raise
        if text is None:
            return None
        return decode(text, source=self.source(slot), origin=self.origin)

    def write(self, slot: str, credential: Credential) -> None:
        """Store the credential, then read it back; a mismatch means the write was lost."""
        backend = self._require()
        value = encode(credential)
        call_with_timeout(lambda: backend.set_password(KEYRING_SERVICE, slot, value), self.timeout, "store")
        stored = call_with_timeout(lambda: backend.get_password(KEYRING_SERVICE, slot), self.timeout, "read back")
        if stored != value:
            raise KeyringUnavailable(
                "the keyring accepted the credential but did not return it when read back; "
                "it may be locked or read-only"
            )

    def delete(self, slot: str) -> None:
        from keyring.errors import PasswordDeleteError

        backend = self._require()

        def remove() -> None:
            try:
                backend.delete_password(KEYRING_SERVICE, slot)
            except PasswordDeleteError:
                pass  # already absent

        call_with_timeout(remove, self.timeout, "delete")


# -- the opt-in credentials file --------------------------------------------------------------


class FileStore:
    """Credentials in a TOML file of mode 0600 inside a folder of mode 0700.

    Writing here is plaintext on disk, so callers write only after the user consented
    (``--store file`` or the login screen's choice). Reading needs no consent: the file
    exists only because the user chose it earlier.
    """

    name = "file"
    origin = CredentialOrigin.FILE

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def label(self) -> str:
        return f"the credentials file {self.path}"

    def source(self, slot: str) -> str:
        return f"credentials file {self.path} [{slot}]"

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            raw = read_private_file(self.path)
        except UnsafeFileError as exc:
            raise StoreError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.path} ({exc.strerror}); check its permissions") from None
        if raw is None:
            return {}
        try:
            document = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            # The parser's message may quote the line, which contains a secret.
            raise StoreError(f"{self.path} is not valid TOML; delete it and log in again") from None
        slots = document.get("credentials", {})
        if not isinstance(slots, dict):
            raise StoreError(f"{self.path}: key 'credentials' must be a table; delete the file and log in again")
        return slots

    def _save(self, slots: dict[str, dict[str, str]]) -> None:
        data = tomli_w.dumps({"credentials": slots}).encode()
        try:
            write_private_file(self.path, data)
        except UnsafeFileError as exc:
            raise StoreError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot write {self.path} ({exc.strerror}); check the folder's permissions") from None

    def read(self, slot: str) -> Credential | None:
        entry = self._load().get(slot)
        if entry is None:
            return None
        if not isinstance(entry, dict):
            raise StoreError(f"{self.path}: slot {slot!r} is not a table; log in again to replace it")
        return decode(json.dumps(entry), source=self.source(slot), origin=self.origin)

    def write(self, slot: str, credential: Credential) -> None:
        slots = self._load()
        slots[slot] = json.loads(encode(credential))
        self._save(slots)
        stored = self.read(slot)
        if stored is None or stored.reveal() != credential.reveal() or stored.kind is not credential.kind:
            raise StoreError(f"{self.path} did not return the credential when read back; check the disk")

    def delete(self, slot: str) -> None:
        slots = self._load()
        if slots.pop(slot, None) is not None:
            self._save(slots)


def credential_kind_name(credential: Credential) -> str:
    return "api_key" if credential.kind is CredentialKind.API_KEY else "token"
