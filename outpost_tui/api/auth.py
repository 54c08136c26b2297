"""Credentials: a PAT or access token (``Bearer``) or an API key (``API-Key name$secret``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import Enum

from ..redaction import register_secret
from .endpoints import AuthScheme


class SecretStr:
    """A string that shows as ``**********`` in ``repr``, ``str`` and f-strings.

    The same interface as pydantic's ``SecretStr``, without importing pydantic's type
    machinery at start-up.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __len__(self) -> int:
        return len(self._value)


class CredentialKind(str, Enum):
    """The two kinds of credential the API accepts."""

    TOKEN = "token"
    API_KEY = "api_key"

    @property
    def label(self) -> str:
        return "token" if self is CredentialKind.TOKEN else "API key"


class CredentialOrigin(str, Enum):
    """Where a credential was found, in the order the CLI looks for one."""

    FLAG = "flag"  # --token-file or --api-key-file
    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    FILE = "file"  # the credentials file the user opted into
    PROMPT = "prompt"  # typed or pasted in the app, kept in memory
    DEMO = "demo"
    UNKNOWN = "unknown"

    @property
    def stored(self) -> bool:
        """Whether the app stored the credential itself and may replace it there."""
        return self in (CredentialOrigin.KEYRING, CredentialOrigin.FILE)

    @property
    def external(self) -> bool:
        """Whether the credential lives outside the app (a variable or a file the user names)."""
        return self in (CredentialOrigin.FLAG, CredentialOrigin.ENVIRONMENT)


class InvalidCredential(ValueError):
    """A credential value that cannot be used; the message never contains the secret."""


@dataclass(frozen=True)
class Credential:
    """A credential whose secret part is masked in ``repr``, ``str`` and logs.

    ``source`` says where it came from (for example ``environment variable OUTPOST_TOKEN``)
    so messages about a rejected credential can tell the user where to fix it, and
    ``origin`` classifies that place for code that must treat each place differently.
    """

    kind: CredentialKind
    secret: SecretStr
    key_name: str | None = None
    source: str = "unknown"
    fingerprint: str = field(default="", compare=False)
    origin: CredentialOrigin = field(default=CredentialOrigin.UNKNOWN, compare=False)

    def __post_init__(self) -> None:
        # Every loaded secret is hidden from log records and crash reports from now on.
        register_secret(self.secret.get_secret_value())

    @classmethod
    def token(
        cls, token: str, source: str = "unknown", origin: CredentialOrigin = CredentialOrigin.UNKNOWN
    ) -> Credential:
        token = token.strip()
        if not token:
            raise InvalidCredential(f"the token from {source} is empty")
        if any(ch.isspace() for ch in token):
            raise InvalidCredential(f"the token from {source} contains whitespace; paste it again")
        return cls(CredentialKind.TOKEN, SecretStr(token), None, source, _hint(token), origin)

    @classmethod
    def parse(
        cls,
        kind: CredentialKind | str,
        value: str,
        source: str = "unknown",
        origin: CredentialOrigin = CredentialOrigin.UNKNOWN,
    ) -> Credential:
        """Build a credential of ``kind`` from its typed form (``name$secret`` for API keys)."""
        if CredentialKind(kind) is CredentialKind.API_KEY:
            return cls.api_key(value, source, origin)
        return cls.token(value, source, origin)

    def moved_to(self, origin: CredentialOrigin, source: str) -> Credential:
        """Return the same credential labelled with a new origin and source."""
        return replace(self, origin=origin, source=source)

    @classmethod
    def api_key(
        cls, value: str, source: str = "unknown", origin: CredentialOrigin = CredentialOrigin.UNKNOWN
    ) -> Credential:
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
        return cls(CredentialKind.API_KEY, SecretStr(secret), name, source, _hint(secret), origin)

    def authorization(self) -> str:
        """Return the ``Authorization`` header value; the only place the secret is revealed."""
        secret = self.secret.get_secret_value()
        if self.kind is CredentialKind.TOKEN:
            return f"{AuthScheme.BEARER} {secret}"
        return f"{AuthScheme.API_KEY} {self.key_name}${secret}"

    def reveal(self) -> str:
        """Return the value as the user typed it (``name$secret`` for API keys)."""
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
    """Return a short non-reversible hint that distinguishes two credentials in memory."""
    return hashlib.sha256(secret.encode()).hexdigest()[:10]
