"""OpenSSH public key parsing and the ``SHA256:`` fingerprint as ``ssh-keygen -l`` prints it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

# Uncompressed EC point length (0x04 || X || Y) for each curve.
ECDSA_POINT_LENGTHS = {"nistp256": 65, "nistp384": 97, "nistp521": 133}
KEY_TYPES = ("ssh-ed25519", "ssh-rsa") + tuple(f"ecdsa-sha2-{curve}" for curve in ECDSA_POINT_LENGTHS)
ED25519_KEY_LENGTH = 32
RSA_MIN_BITS = 1024


class InvalidPublicKey(ValueError):
    """The text is not one OpenSSH public key line of a supported type."""


@dataclass(frozen=True)
class PublicKey:
    """A parsed public key line."""

    key_type: str
    blob: bytes
    comment: str

    @property
    def fingerprint(self) -> str:
        """Return ``SHA256:`` and the unpadded base64 SHA-256 digest of the key blob."""
        digest = hashlib.sha256(self.blob).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


class _BlobReader:
    """Reads the length-prefixed fields of an SSH wire-format key blob."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._offset = 0

    def string(self) -> bytes:
        if self._offset + 4 > len(self._blob):
            raise InvalidPublicKey("key data ends early")
        (length,) = struct.unpack_from(">I", self._blob, self._offset)
        start = self._offset + 4
        if start + length > len(self._blob):
            raise InvalidPublicKey("key data ends early")
        self._offset = start + length
        return self._blob[start : self._offset]

    def done(self) -> bool:
        return self._offset == len(self._blob)


def parse_public_key(text: str) -> PublicKey:
    """Parse one ``<type> <base64> [comment]`` line, checking the blob's structure.

    Raises InvalidPublicKey with the reason when the line does not parse.
    """
    parts = text.strip().split(None, 2)
    if len(parts) < 2 or "\n" in text.strip():
        raise InvalidPublicKey("expected one line of the form '<type> <base64 key> [comment]'")
    key_type, encoded = parts[0], parts[1]
    if key_type not in KEY_TYPES:
        raise InvalidPublicKey(f"unsupported key type {key_type!r}; use one of: {', '.join(KEY_TYPES)}")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidPublicKey("key data is not valid base64") from error
    reader = _BlobReader(blob)
    if reader.string() != key_type.encode():
        raise InvalidPublicKey(f"key data does not hold a {key_type} key")
    _check_key_body(key_type, reader)
    if not reader.done():
        raise InvalidPublicKey("key data has trailing bytes")
    return PublicKey(key_type, blob, parts[2] if len(parts) > 2 else "")


def _check_key_body(key_type: str, reader: _BlobReader) -> None:
    if key_type == "ssh-ed25519":
        if len(reader.string()) != ED25519_KEY_LENGTH:
            raise InvalidPublicKey("an ssh-ed25519 key must be 32 bytes")
    elif key_type == "ssh-rsa":
        exponent = int.from_bytes(reader.string(), "big")
        modulus = int.from_bytes(reader.string(), "big")
        if exponent < 3 or exponent % 2 == 0 or modulus.bit_length() < RSA_MIN_BITS:
            raise InvalidPublicKey(f"an ssh-rsa key needs an odd exponent and at least {RSA_MIN_BITS} bits")
    else:
        curve = key_type.removeprefix("ecdsa-sha2-")
        if reader.string() != curve.encode():
            raise InvalidPublicKey(f"curve name does not match {key_type}")
        point = reader.string()
        if len(point) != ECDSA_POINT_LENGTHS[curve] or point[0] != 4:
            raise InvalidPublicKey(f"an {key_type} key needs an uncompressed point")
