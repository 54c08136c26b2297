"""Credential: both header schemes, input checks, and a secret that never leaks."""

from __future__ import annotations

import logging

import pytest

from outpost_tui.api import Credential, CredentialKind, InvalidCredential

TOKEN = "op_pat_0123456789abcdef0123456789abcdef"
KEY_SECRET = "sk_live_4f9a0123456789abcdef0123456789ab"
API_KEY = f"ci-deploy${KEY_SECRET}"


def test_token_authorization():
    credential = Credential.token(TOKEN)

    assert credential.kind is CredentialKind.TOKEN
    assert credential.authorization() == f"Bearer {TOKEN}"


def test_token_strips_surrounding_whitespace():
    credential = Credential.token(f"  {TOKEN}\n")

    assert credential.authorization() == f"Bearer {TOKEN}"


def test_api_key_authorization():
    credential = Credential.api_key(API_KEY)

    assert credential.kind is CredentialKind.API_KEY
    assert credential.key_name == "ci-deploy"
    assert credential.authorization() == f"API-Key ci-deploy${KEY_SECRET}"


def test_api_key_splits_at_first_dollar():
    credential = Credential.api_key("ci$sk_live_a$b")

    assert credential.key_name == "ci"
    assert credential.secret.get_secret_value() == "sk_live_a$b"
    assert credential.authorization() == "API-Key ci$sk_live_a$b"


def test_reveal_returns_typed_value():
    assert Credential.api_key(API_KEY).reveal() == API_KEY
    assert Credential.token(TOKEN).reveal() == TOKEN


@pytest.mark.parametrize("credential", [Credential.token(TOKEN), Credential.api_key(API_KEY)])
def test_repr_hides_secret(credential):
    secret = credential.secret.get_secret_value()

    assert secret not in repr(credential)
    assert secret not in str(credential)
    assert secret not in f"{credential}"
    assert secret not in repr(credential.secret)


@pytest.mark.parametrize("credential", [Credential.token(TOKEN), Credential.api_key(API_KEY)])
def test_display_and_identity_hide_secret(credential):
    secret = credential.secret.get_secret_value()

    assert secret not in credential.display
    assert secret not in credential.identity


def test_logging_credential_hides_secret(caplog):
    credential = Credential.api_key(API_KEY)

    with caplog.at_level(logging.INFO):
        logging.getLogger("outpost_tui.test").info("using %s", credential)

    assert KEY_SECRET not in caplog.text


def test_identity_tells_credentials_apart():
    first = Credential.token(TOKEN)
    second = Credential.token(TOKEN[:-1] + "0")

    assert first.identity != second.identity


def test_identity_stable_for_same_secret():
    assert Credential.token(TOKEN).identity == Credential.token(TOKEN).identity


@pytest.mark.parametrize(
    "value",
    [KEY_SECRET, f"${KEY_SECRET}", "ci-deploy$", "$", ""],
    ids=["no_dollar", "no_name", "no_secret", "dollar_only", "empty"],
)
def test_api_key_without_name_and_secret_rejected(value):
    with pytest.raises(InvalidCredential) as caught:
        Credential.api_key(value, source="environment variable OUTPOST_API_KEY")

    message = str(caught.value)
    assert "NAME$SECRET" in message
    assert "OUTPOST_API_KEY" in message
    assert KEY_SECRET not in message


def test_api_key_with_inner_whitespace_rejected():
    value = "ci-deploy$sk_live_4f9a 0123456789"

    with pytest.raises(InvalidCredential, match="whitespace") as caught:
        Credential.api_key(value)

    assert "sk_live_4f9a" not in str(caught.value)


def test_token_with_inner_whitespace_rejected():
    value = "op_pat_0123 456789"

    with pytest.raises(InvalidCredential, match="whitespace") as caught:
        Credential.token(value)

    assert "op_pat_0123" not in str(caught.value)


def test_empty_token_rejected():
    with pytest.raises(InvalidCredential, match="empty"):
        Credential.token("   ", source="keyring")


def test_invalid_credential_is_value_error():
    assert issubclass(InvalidCredential, ValueError)


def test_kind_labels():
    assert CredentialKind.TOKEN.label == "token"
    assert CredentialKind.API_KEY.label == "API key"
