"""Credentials: a PAT or access token (``Bearer``) or an API key (``API-Key name$secret``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum

from pydantic import SecretStr

from .endpoints import AuthScheme


class CredentialKind(str, Enum):
    """The two kinds of credential the API accepts."""

    TOKEN = "token"
    API_KEY = "api_key"

    @property
    def label(self) -> str:
        return "token" if self is CredentialKind.TOKEN else "API key"


class InvalidCredential(ValueError):
    """A credential value that cannot be used; the message never contains the secret."""


@dataclass(frozen=True)
class Credential:
    """A credential whose secret part is masked in ``repr``, ``str`` and logs.

    ``source`` says where it came from (for example ``environment variable OUTPOST_TOKEN``)
    so messages about a rejected credential can tell the user where to fix it.
    """

    kind: CredentialKind
    secret: SecretStr
    key_name: str | None = None
    source: str = "unknown"
    fingerprint: str = field(default="", compare=False)

    @classmethod
    def token(cls, token: str, source: str = "unknown") -> Credential:
        token = token.strip()
        if not token:
            raise InvalidCredential(f"the token from {source} is empty")
        if any(ch.isspace() for ch in token):
            raise InvalidCredential(f"the token from {source} contains whitespace; paste it again")
        return cls(CredentialKind.TOKEN, SecretStr(token), None, source, _hint(token))

    @classmethod
    def api_key(cls, value: str, source: str = "unknown") -> Credential:
        """Parse ``name$secret``; the name cannot contain ``$``, so split at the first one."""
        value = value.strip()
        name, dollar, secret = value.partition("$")
        if not dollar or not name or not secret:
            raise InvalidCredential(
                f"the API key from {source} is not in the form NAME$SECRET "
                "(quote it in single quotes so the shell does not expand $)"
            )
        if any(ch.isspace() for ch in value):
            raise InvalidCredential(f"the API key from {source} contains whitespace; paste it again")
        return cls(CredentialKind.API_KEY, SecretStr(secret), name, source, _hint(secret))

    def authorization(self) -> str:
        """The ``Authorization`` header value. The only place the secret is revealed."""
        secret = self.secret.get_secret_value()
        if self.kind is CredentialKind.TOKEN:
            return f"{AuthScheme.BEARER} {secret}"
        return f"{AuthScheme.API_KEY} {self.key_name}${secret}"

    def reveal(self) -> str:
        """The value as the user typed it (``name$secret`` for API keys)."""
        secret = self.secret.get_secret_value()
        return secret if self.kind is CredentialKind.TOKEN else f"{self.key_name}${secret}"

    @property
    def identity(self) -> str:
        """A stable, non-secret label of this credential, for per-credential state."""
        if self.kind is CredentialKind.API_KEY:
            return f"api_key:{self.key_name}:{self.fingerprint}"
        return f"token:{self.fingerprint}"

    @property
    def display(self) -> str:
        """What the status bar shows: the kind and a non-secret hint, never the secret."""
        if self.kind is CredentialKind.API_KEY:
            return f"API key {self.key_name}"
        return "token"

    def __repr__(self) -> str:
        return f"Credential(kind={self.kind.value}, key_name={self.key_name!r}, source={self.source!r})"

    __str__ = __repr__


def _hint(secret: str) -> str:
    """A short non-reversible hint that tells two credentials apart in memory."""
    return hashlib.sha256(secret.encode()).hexdigest()[:10]
