"""The credentials file and the keyring store, with each failing keyring back end."""

from __future__ import annotations

import os
import stat
import time

import pytest

from outpost_tui.api import Credential
from outpost_tui.config.stores import FileStore, KeyringStore, KeyringUnavailable, StoreError

from .backends import DroppingKeyring, FailingKeyring, HangingKeyring, LockedKeyring, MemoryKeyring

SECRET = "sk_live_0123456789abcdefghijklmnopqrstuv"
KEY = Credential.api_key(f"ci-key${SECRET}", source="test")


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_file_store_writes_private_file(tmp_path):
    store = FileStore(tmp_path / "credentials" / "credentials.toml")
    store.write("work", KEY)

    assert mode(store.path) == 0o600
    assert mode(store.path.parent) == 0o700
    assert store.read("work").reveal() == KEY.reveal()
    assert [p.name for p in store.path.parent.iterdir()] == ["credentials.toml"]


def test_file_store_keeps_other_slots(tmp_path):
    store = FileStore(tmp_path / "credentials" / "credentials.toml")
    store.write("work", KEY)
    store.write("lab", Credential.token("op_pat_abcdefghijklmnopqrstuvwxyz012345"))
    store.delete("lab")

    assert store.read("lab") is None
    assert store.read("work").key_name == "ci-key"


def test_readable_file_refused_with_chmod(tmp_path):
    store = FileStore(tmp_path / "credentials" / "credentials.toml")
    store.write("work", KEY)
    os.chmod(store.path, 0o644)

    with pytest.raises(StoreError) as caught:
        store.read("work")
    message = str(caught.value)
    assert f"chmod 600 {store.path}" in message
    assert SECRET not in message


def test_open_folder_refused_with_chmod(tmp_path):
    store = FileStore(tmp_path / "credentials" / "credentials.toml")
    store.write("work", KEY)
    os.chmod(store.path.parent, 0o755)

    with pytest.raises(StoreError, match=f"chmod 700 {store.path.parent}"):
        store.read("work")
    with pytest.raises(StoreError, match="chmod 700"):
        store.write("work", KEY)


def test_symlinked_file_refused(tmp_path):
    real = FileStore(tmp_path / "elsewhere" / "credentials.toml")
    real.write("work", KEY)
    folder = tmp_path / "credentials"
    folder.mkdir(mode=0o700)
    (folder / "credentials.toml").symlink_to(real.path)

    with pytest.raises(StoreError, match="symlink"):
        FileStore(folder / "credentials.toml").read("work")


def test_symlinked_folder_refused(tmp_path):
    real = FileStore(tmp_path / "elsewhere" / "credentials.toml")
    real.write("work", KEY)
    (tmp_path / "credentials").symlink_to(tmp_path / "elsewhere")

    with pytest.raises(StoreError, match="symlink"):
        FileStore(tmp_path / "credentials" / "credentials.toml").read("work")


def test_corrupt_file_hides_its_contents(tmp_path):
    store = FileStore(tmp_path / "credentials" / "credentials.toml")
    store.write("work", KEY)
    store.path.write_text(f'credentials = "{SECRET}\n')

    with pytest.raises(StoreError) as caught:
        store.read("work")
    assert SECRET not in str(caught.value)


def test_keyring_store_reads_back():
    backend = MemoryKeyring()
    store = KeyringStore(backend, timeout=0.5)
    store.write("work", KEY)

    assert store.read("work").reveal() == KEY.reveal()
    assert store.read("work").source == "keyring (profile work)"
    store.delete("work")
    assert store.read("work") is None


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (FailingKeyring(), "failed to"),
        (LockedKeyring(), "locked"),
        (HangingKeyring(), "timed out after"),
        (DroppingKeyring(), "read back"),
    ],
    ids=["failing", "locked", "hanging", "dropping"],
)
def test_broken_keyring_write_raises(backend, reason):
    store = KeyringStore(backend, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(KeyringUnavailable, match=reason) as caught:
        store.write("work", KEY)

    assert time.monotonic() - started < 5
    assert SECRET not in str(caught.value)
    if isinstance(backend, HangingKeyring):
        backend.release.set()


def test_fail_backend_is_not_a_keyring():
    from keyring.backends import fail, null

    assert "no OS keyring" in KeyringStore(fail.Keyring()).problem
    assert "switched off" in KeyringStore(null.Keyring()).problem
    assert KeyringStore(MemoryKeyring()).available


def test_plaintext_keyring_backend_rejected():
    class PlaintextKeyring(MemoryKeyring):
        priority = 0.5

    assert "priority" in KeyringStore(PlaintextKeyring()).problem
