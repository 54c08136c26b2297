"""API keys, personal access tokens and SSH keys: listing, creating and revoking.

Managing API keys and PATs needs an unscoped credential. The new secret appears only in
the create response, so :func:`create_key` returns it inside a masked credential and the
caller decides where it goes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass
from typing import Any

from ..models.account import Page
from ..models.keys import ApiKey, PersonalAccessToken, SshKey
from .auth import Credential, InvalidCredential
from .client import OutpostClient, parse_model, parse_page
from .endpoints import PER_PAGE_MAX, Query
from .errors import InvalidResponse
from .ratelimit import Lane

NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
NAME_MAX_LENGTH = 64
SCOPES = ("repo", "repo:read", "machine", "service", "job", "admin:org", "admin:ssh_key")
# How many list pages a key lookup reads at most; 100 keys a page is far beyond real use.
MAX_LIST_PAGES = 20


@dataclass(frozen=True)
class KeyKind:
    """API keys or PATs: their endpoints, model, secret field and expiry rules.

    ``expiry_days`` lists the allowed ``expires_in_days`` values, None meaning never;
    an empty tuple allows any day count from 1 to ``max_expiry_days``.
    """

    name: str
    label: str
    model: type[ApiKey] | type[PersonalAccessToken]
    secret_field: str
    expiry_days: tuple[int, ...]
    max_expiry_days: int

    def operation(self, verb: str) -> str:
        return f"{self.name}.{verb}"

    def check_expiry(self, days: int | None) -> None:
        """Raise ValueError unless ``days`` is an expiry the server accepts."""
        if days is None:
            return
        if self.expiry_days and days not in self.expiry_days:
            allowed = ", ".join(str(choice) for choice in self.expiry_days)
            raise ValueError(f"invalid expiry {days} days for a {self.label}; use one of {allowed} or never")
        if not 1 <= days <= self.max_expiry_days:
            raise ValueError(
                f"invalid expiry {days} days for a {self.label}; use 1-{self.max_expiry_days} or never"
            )


API_KEYS = KeyKind("api_keys", "API key", ApiKey, "secret", (), 365)
PATS = KeyKind("pats", "PAT", PersonalAccessToken, "token", (30, 60, 90), 90)


def check_key_name(name: str) -> str:
    """Return ``name`` if it follows the name rules, else raise ValueError saying the fix."""
    if not NAME_PATTERN.fullmatch(name):
        shown = name if len(name) <= NAME_MAX_LENGTH else name[:NAME_MAX_LENGTH] + "…"
        raise ValueError(
            f"invalid name {shown!r}: use 1-{NAME_MAX_LENGTH} letters, digits, '-' or '_'"
        )
    return name


def check_scopes(scopes: list[str] | None) -> list[str] | None:
    """Return ``scopes`` if the server would accept them; None means unscoped."""
    if scopes is None:
        return None
    if not scopes:
        raise ValueError("an empty scope list is invalid: pick at least one scope, or none for unscoped")
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}: use {', '.join(SCOPES)}")
    if len(set(scopes)) != len(scopes):
        raise ValueError("duplicate scopes: list each scope once")
    return scopes


@dataclass(frozen=True)
class CreatedKey:
    """A key just created: its object without the secret, and the masked credential."""

    key: ApiKey | PersonalAccessToken
    credential: Credential


async def list_keys(
    client: OutpostClient, kind: KeyKind, *, page: int = 1, per_page: int = PER_PAGE_MAX
) -> Page[Any]:
    """Fetch one page of the user's API keys or PATs."""
    body = await client.request_json(
        kind.operation("list"), params={Query.PAGE: page, Query.PER_PAGE: per_page}
    )
    return parse_page(kind.model, body, kind.name)


async def all_keys(client: OutpostClient, kind: KeyKind) -> list[Any]:
    """Fetch every API key or PAT, reading at most :data:`MAX_LIST_PAGES` pages."""
    keys: list[Any] = []
    for number in range(1, MAX_LIST_PAGES + 1):
        page = await list_keys(client, kind, page=number)
        keys.extend(page.items)
        if not page.items or number >= page.total_pages:
            break
    return keys


async def find_key(client: OutpostClient, kind: KeyKind, name: str) -> Any | None:
    """Return the key called ``name`` from the list, or None when there is none."""
    for key in await all_keys(client, kind):
        if key.name == name:
            return key
    return None


async def create_key(
    client: OutpostClient,
    kind: KeyKind,
    name: str,
    *,
    expires_in_days: int | None = None,
    scopes: list[str] | None = None,
    source: str = "created just now",
) -> CreatedKey:
    """Create an API key or PAT and return it with its one-time secret, masked.

    The POST is never retried by the client, so a timeout leaves the outcome unknown:
    callers list the keys to find out instead of creating again.
    """
    check_key_name(name)
    kind.check_expiry(expires_in_days)
    body: dict[str, Any] = {"name": name}
    if expires_in_days is not None:
        body["expires_in_days"] = expires_in_days
    if scopes is not None:
        body["scopes"] = check_scopes(list(scopes))
    raw = await client.request_json(kind.operation("create"), json_body=body, lane=Lane.USER)
    created = parse_model(kind.model, raw, kind.label)
    secret = getattr(created, kind.secret_field)
    if secret is None:
        raise InvalidResponse(
            f"the server created {kind.label} {name!r} but sent no {kind.secret_field}; revoke it",
            status=201,
        )
    value = secret.get_secret_value()
    try:
        if kind is API_KEYS:
            credential = Credential.api_key(f"{created.name}${value}", source=source)
        else:
            credential = Credential.token(value, source=source)
    except InvalidCredential:
        raise InvalidResponse(
            f"the server sent an unusable {kind.secret_field} for {kind.label} {name!r}; revoke it",
            status=201,
        ) from None
    # The copy kept in the model is dropped, so only the masked credential contains the secret.
    key = created.model_copy(update={kind.secret_field: None})
    return CreatedKey(key, credential)


async def delete_key(client: OutpostClient, kind: KeyKind, name: str) -> None:
    """Revoke an API key or PAT by name; it stops working at once."""
    await client.request(kind.operation("delete"), path={"name": name})


async def get_key(client: OutpostClient, kind: KeyKind, name: str) -> Any:
    body = await client.request_json(kind.operation("get"), path={"name": name})
    return parse_model(kind.model, body, kind.label)


# -- SSH keys ---------------------------------------------------------------------------

SSH_KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
)
# Uncompressed EC point length (0x04, X, Y) for each curve.
_ECDSA_POINT_LENGTHS = {"nistp256": 65, "nistp384": 97, "nistp521": 133}
_RSA_MIN_BITS = 1024


class InvalidPublicKey(ValueError):
    """Text that is not one OpenSSH public key line of a supported type."""


@dataclass(frozen=True)
class PublicKey:
    """A parsed OpenSSH public key line."""

    key_type: str
    blob: bytes
    comment: str
    line: str

    @property
    def fingerprint(self) -> str:
        """``SHA256:`` and the unpadded base64 SHA-256 of the key blob, as ``ssh-keygen -l``."""
        digest = hashlib.sha256(self.blob).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def parse_public_key(text: str) -> PublicKey:
    """Parse ``TYPE BASE64 [COMMENT]`` and check the blob's structure before it is sent.

    Raises InvalidPublicKey saying what is wrong; a private key gets a message of its own
    so that users do not paste it anywhere else.
    """
    line = text.strip()
    if "PRIVATE KEY" in line:
        raise InvalidPublicKey("this is a private key: paste the public key (the .pub file) instead")
    parts = line.split(None, 2)
    if len(parts) < 2 or "\n" in line:
        raise InvalidPublicKey("expected one line of the form 'TYPE BASE64 [COMMENT]', as in a .pub file")
    key_type, encoded = parts[0], parts[1]
    if key_type not in SSH_KEY_TYPES:
        raise InvalidPublicKey(f"unsupported key type {key_type[:40]!r}: use {', '.join(SSH_KEY_TYPES)}")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidPublicKey("the key data is not valid base64; copy the whole line again") from None
    fields = _ssh_strings(blob)
    if not fields or fields[0] != key_type.encode():
        raise InvalidPublicKey(f"the key data does not hold a {key_type} key")
    _check_key_fields(key_type, fields[1:])
    return PublicKey(key_type, blob, parts[2] if len(parts) > 2 else "", line)


def _ssh_strings(blob: bytes) -> list[bytes]:
    """Split an SSH wire-format blob into its length-prefixed fields."""
    fields, offset = [], 0
    while offset < len(blob):
        if offset + 4 > len(blob):
            raise InvalidPublicKey("the key data ends early; copy the whole line again")
        (length,) = struct.unpack_from(">I", blob, offset)
        start = offset + 4
        if start + length > len(blob):
            raise InvalidPublicKey("the key data ends early; copy the whole line again")
        fields.append(blob[start : start + length])
        offset = start + length
    return fields


def _check_key_fields(key_type: str, fields: list[bytes]) -> None:
    if key_type == "ssh-ed25519":
        if len(fields) != 1 or len(fields[0]) != 32:
            raise InvalidPublicKey("an ssh-ed25519 key must hold exactly 32 bytes")
    elif key_type == "ssh-rsa":
        if len(fields) != 2:
            raise InvalidPublicKey("an ssh-rsa key must hold an exponent and a modulus")
        exponent = int.from_bytes(fields[0], "big")
        modulus = int.from_bytes(fields[1], "big")
        if exponent < 3 or exponent % 2 == 0 or modulus.bit_length() < _RSA_MIN_BITS:
            raise InvalidPublicKey(f"an ssh-rsa key needs an odd exponent and at least {_RSA_MIN_BITS} bits")
    else:
        curve = key_type.removeprefix("ecdsa-sha2-")
        if len(fields) != 2 or fields[0] != curve.encode():
            raise InvalidPublicKey(f"the curve name does not match {key_type}")
        point = fields[1]
        if len(point) != _ECDSA_POINT_LENGTHS[curve] or point[0] != 4:
            raise InvalidPublicKey(f"an {key_type} key needs an uncompressed curve point")


async def list_ssh_keys(client: OutpostClient, *, page: int = 1, per_page: int = PER_PAGE_MAX) -> Page[SshKey]:
    body = await client.request_json(
        "ssh_keys.list", params={Query.PAGE: page, Query.PER_PAGE: per_page}
    )
    return parse_page(SshKey, body, "SSH keys")


async def add_ssh_key(client: OutpostClient, name: str, public_key: str) -> SshKey:
    """Validate a public key locally, then add it to the account."""
    check_key_name(name)
    parsed = parse_public_key(public_key)
    body = await client.request_json(
        "ssh_keys.create", json_body={"name": name, "public_key": parsed.line}
    )
    return parse_model(SshKey, body, "SSH key")


async def delete_ssh_key(client: OutpostClient, key_id: str) -> None:
    await client.request("ssh_keys.delete", path={"id": key_id})
