"""Keyring back ends for tests: this machine has no OS keyring, so these stand in for one.

Each behaves like a real failure mode: a working store, one that raises, one that drops
writes without an error, one that hangs, and one that is locked. They live in memory only.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError, PasswordSetError

# A hung call is released after this long, so no test thread outlives the test run.
HANG_SECONDS = 20.0


class MemoryKeyring(KeyringBackend):
    """A working keyring; ``fail_writes_after`` makes the N+1-th write and later ones fail."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.writes = 0
        self.fail_writes_after: int | None = None
        self.drop_writes_after: int | None = None
        self.fail_deletes = False

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail_writes_after is not None and self.writes >= self.fail_writes_after:
            raise PasswordSetError("the keyring refused the write")
        self.writes += 1
        if self.drop_writes_after is not None and self.writes > self.drop_writes_after:
            return
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.fail_deletes:
            raise RuntimeError("org.freedesktop.DBus.Error.NoReply")
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class FailingKeyring(MemoryKeyring):
    """Every call raises, as a keyring with a broken D-Bus connection does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.NoReply")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("org.freedesktop.DBus.Error.NoReply")


class DroppingKeyring(MemoryKeyring):
    """Writes succeed without storing anything, as some misconfigured keyrings do."""

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1


class HangingKeyring(MemoryKeyring):
    """Every call blocks, as a keyring waiting on an unlock dialog that no one sees."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(HANG_SECONDS)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(HANG_SECONDS)


class LockedKeyring(MemoryKeyring):
    """Every call reports a locked keyring."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")
