"""API keys and personal access tokens: records, secrets and authentication."""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from .timeutil import format_time

SCOPES = ("repo", "repo:read", "machine", "service", "job", "admin:org", "admin:ssh_key")
SECRET_ALPHABET = string.ascii_lowercase + string.digits
API_KEY_PREFIX = "sk_live_"
PAT_PREFIX = "op_pat_"
RANDOM_PART_LENGTH = 32

KEY_FIELDS = ("id", "name", "prefix", "last_four", "scopes", "created_at", "last_used_at", "expires_at")
TIME_FIELDS = ("created_at", "last_used_at", "expires_at")


def random_part() -> str:
    """Return 32 characters of ``[a-z0-9]`` from the OS's secure generator."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(RANDOM_PART_LENGTH))


def secret_hash(secret: str) -> str:
    """Return the stored form of a secret, so the state never keeps secrets in plain text."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Credential:
    """An authenticated API key or PAT, with the user it acts for."""

    kind: str
    record: dict
    username: str

    @property
    def id(self) -> str:
        """Return the key or PAT id, which also keys its rate-limit counters."""
        return self.record["id"]

    @property
    def scopes(self) -> list[str] | None:
        """Return the scope list, or None for an unscoped credential."""
        return self.record.get("scopes")

    def allows(self, options: tuple[str, ...]) -> bool:
        """Return whether the credential is unscoped or has one of ``options``."""
        scopes = self.scopes
        return scopes is None or any(scope in scopes for scope in options)


def new_record(
    prefix: str,
    secret: str,
    *,
    name: str,
    username: str,
    kind: str,
    scopes: list[str] | None,
    created_at: datetime,
    expires_at: datetime | None,
    last_used_at: datetime | None = None,
) -> dict:
    """Build an API key or PAT record for ``secret``; only its hash, prefix and last four stay."""
    return {
        "id": prefix,
        "name": name,
        "prefix": secret[:12],
        "last_four": secret[-4:],
        "scopes": list(scopes) if scopes is not None else None,
        "created_at": created_at,
        "last_used_at": last_used_at,
        "expires_at": expires_at,
        "_kind": kind,
        "_user": username,
        "_secret_hash": secret_hash(secret),
    }


def to_json(record: dict) -> dict:
    """Return the API key or PAT object, never its secret."""
    body = {name: record.get(name) for name in KEY_FIELDS}
    if isinstance(body["scopes"], list):
        body["scopes"] = list(body["scopes"])
    for name in TIME_FIELDS:
        body[name] = format_time(body[name])
    return body


def parse_authorization(header: str | None) -> tuple[str, str, str | None] | None:
    """Split an Authorization header into ``(kind, secret, key name)``.

    The scheme matches case-insensitively, and an API-Key value splits at its first
    ``$`` because key names cannot contain one. Returns None for anything else.
    """
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if not value:
        return None
    if scheme.lower() == "bearer":
        return "pat", value, None
    if scheme.lower() == "api-key":
        name, dollar, secret = value.partition("$")
        if not dollar or not name or not secret:
            return None
        return "api_key", secret, name
    return None
