"""The credential search order: flags, environment, keyring, file, then the prompt."""

from __future__ import annotations

import io

import pytest

from outpost_tui.api import Credential
from outpost_tui.api.auth import CredentialOrigin
from outpost_tui.config.profiles import Profile
from outpost_tui.config.resolve import CredentialSourceError, resolve_credential
from outpost_tui.config.stores import FileStore, KeyringStore

from .backends import HangingKeyring, LockedKeyring, MemoryKeyring

TOKEN = "op_pat_abcdefghijklmnopqrstuvwxyz012345"
KEY_VALUE = "ci-key$sk_live_0123456789abcdefghijklmnopqrstuv"
PROFILE = Profile(name="work")


def stores(tmp_path, backend=None):
    keyring = KeyringStore(backend or MemoryKeyring(), timeout=0.3)
    return keyring, FileStore(tmp_path / "credentials" / "credentials.toml")


def resolve(tmp_path, environ=None, backend=None, **kwargs):
    keyring, file = kwargs.pop("stores", None) or stores(tmp_path, backend)
    return resolve_credential(PROFILE, environ=environ or {}, keyring_store=keyring, file_store=file, **kwargs)


def test_flag_file_wins_over_everything(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    keyring, file = stores(tmp_path)
    keyring.write("work", Credential.api_key(KEY_VALUE))
    found = resolve(tmp_path, {"OUTPOST_API_KEY": KEY_VALUE}, stores=(keyring, file), token_file=str(token_file))

    assert found.credential.reveal() == TOKEN
    assert found.credential.origin is CredentialOrigin.FLAG
    assert str(token_file) in found.credential.source


def test_dash_reads_standard_input(tmp_path):
    found = resolve(tmp_path, api_key_file="-", stdin=io.StringIO(KEY_VALUE + "\n"))
    assert found.credential.key_name == "ci-key"
    assert "standard input" in found.credential.source


def test_environment_beats_keyring(tmp_path):
    keyring, file = stores(tmp_path)
    keyring.write("work", Credential.token(TOKEN))
    found = resolve(tmp_path, {"OUTPOST_API_KEY": KEY_VALUE}, stores=(keyring, file))
    assert found.credential.origin is CredentialOrigin.ENVIRONMENT


def test_file_variable_reads_the_file(tmp_path):
    path = tmp_path / "key"
    path.write_text(KEY_VALUE)
    found = resolve(tmp_path, {"OUTPOST_API_KEY_FILE": str(path)})
    assert found.credential.key_name == "ci-key"
    assert "OUTPOST_API_KEY_FILE" in found.credential.source


def test_two_variables_are_an_error(tmp_path):
    with pytest.raises(CredentialSourceError, match="OUTPOST_TOKEN and OUTPOST_API_KEY_FILE"):
        resolve(tmp_path, {"OUTPOST_TOKEN": TOKEN, "OUTPOST_API_KEY_FILE": "/x"})


def test_keyring_then_file(tmp_path):
    keyring, file = stores(tmp_path)
    file.write("work", Credential.token(TOKEN))
    assert resolve(tmp_path, stores=(keyring, file)).credential.origin is CredentialOrigin.FILE

    keyring.write("work", Credential.api_key(KEY_VALUE))
    assert resolve(tmp_path, stores=(keyring, file)).credential.origin is CredentialOrigin.KEYRING


@pytest.mark.parametrize("backend", [LockedKeyring(), HangingKeyring()], ids=["locked", "hanging"])
def test_broken_keyring_falls_through_with_notice(tmp_path, backend):
    keyring, file = stores(tmp_path, backend)
    file.write("work", Credential.token(TOKEN))
    found = resolve(tmp_path, stores=(keyring, file))

    assert found.credential.origin is CredentialOrigin.FILE
    assert found.notices and found.notices[0].startswith("keyring unavailable: ")
    if isinstance(backend, HangingKeyring):
        backend.release.set()


def test_nothing_found_means_prompt(tmp_path):
    found = resolve(tmp_path)
    assert found.credential is None
    assert not (tmp_path / "credentials").exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [("", "exactly one non-empty line"), ("a\nb\n", "contains 2"), ("sk_live_nodollar", "NAME$SECRET")],
)
def test_bad_credential_file_rejected(tmp_path, content, problem):
    path = tmp_path / "key"
    path.write_text(content)
    with pytest.raises(CredentialSourceError, match=problem.replace("$", r"\$")) as caught:
        resolve(tmp_path, api_key_file=str(path))
    assert "nodollar" not in str(caught.value)
