"""Find the credential for a run; the first place that has one wins.

1. ``--token-file`` or ``--api-key-file`` (``-`` reads standard input);
2. ``OUTPOST_TOKEN`` or ``OUTPOST_API_KEY``, or their ``_FILE`` variants naming a file;
3. the OS keyring, when a real backend is present;
4. the credentials file the user opted into;
5. nothing: the app prompts for one and keeps it in memory unless the user picks a store.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..api.auth import Credential, CredentialKind, CredentialOrigin, InvalidCredential
from .profiles import Profile
from .stores import FileStore, KeyringStore, KeyringUnavailable, StoreError

TOKEN_VARIABLE = "OUTPOST_TOKEN"
API_KEY_VARIABLE = "OUTPOST_API_KEY"
TOKEN_FILE_VARIABLE = "OUTPOST_TOKEN_FILE"
API_KEY_FILE_VARIABLE = "OUTPOST_API_KEY_FILE"
# A credential is a short line; reading more than this means the wrong file was named.
MAX_CREDENTIAL_FILE_BYTES = 64 * 1024

_VARIABLES = (
    (TOKEN_VARIABLE, CredentialKind.TOKEN, False),
    (API_KEY_VARIABLE, CredentialKind.API_KEY, False),
    (TOKEN_FILE_VARIABLE, CredentialKind.TOKEN, True),
    (API_KEY_FILE_VARIABLE, CredentialKind.API_KEY, True),
)


class CredentialSourceError(Exception):
    """A credential source is set but unusable; the message names it and the fix, never the secret."""


@dataclass
class Resolution:
    """The credential found (None when the user must enter one) and notices for the user."""

    credential: Credential | None
    notices: list[str] = field(default_factory=list)
    keyring_problem: str | None = None


def read_credential_file(
    path: str, kind: CredentialKind, *, what: str, origin: CredentialOrigin, stdin: IO[str] | None = None
) -> Credential:
    """Read a credential from a file, or from standard input when ``path`` is ``-``."""
    if path == "-":
        stream = stdin or sys.stdin
        text = stream.read(MAX_CREDENTIAL_FILE_BYTES + 1)
        source = f"standard input ({what} -)"
    else:
        source = f"file {path} ({what})"
        try:
            with open(Path(path).expanduser(), encoding="utf-8") as handle:
                text = handle.read(MAX_CREDENTIAL_FILE_BYTES + 1)
        except FileNotFoundError:
            raise CredentialSourceError(f"{what}: file {path} not found; check the path") from None
        except UnicodeDecodeError:
            raise CredentialSourceError(f"{what}: file {path} is not UTF-8 text; it must hold the credential alone") from None
        except OSError as exc:
            raise CredentialSourceError(f"{what}: cannot read {path} ({exc.strerror})") from None
    if len(text) > MAX_CREDENTIAL_FILE_BYTES:
        raise CredentialSourceError(f"{what}: {source} is larger than a credential; it must hold one line")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != 1:
        raise CredentialSourceError(
            f"{what}: {source} must contain exactly one non-empty line, the credential, but contains {len(lines)}"
        )
    try:
        return Credential.parse(kind, lines[0], source=source, origin=origin)
    except InvalidCredential as exc:
        raise CredentialSourceError(str(exc)) from None


def credential_from_flags(
    token_file: str | None, api_key_file: str | None, stdin: IO[str] | None = None
) -> Credential | None:
    if token_file and api_key_file:
        raise CredentialSourceError("both --token-file and --api-key-file are given; pass only one")
    if token_file:
        return read_credential_file(
            token_file, CredentialKind.TOKEN, what="--token-file", origin=CredentialOrigin.FLAG, stdin=stdin
        )
    if api_key_file:
        return read_credential_file(
            api_key_file, CredentialKind.API_KEY, what="--api-key-file", origin=CredentialOrigin.FLAG, stdin=stdin
        )
    return None


def credential_from_environment(environ: Mapping[str, str]) -> Credential | None:
    """Read the credential from the environment; more than one variable set is an error."""
    present = [entry for entry in _VARIABLES if environ.get(entry[0], "")]
    if len(present) > 1:
        names = [name for name, _, _ in present]
        listed = f"both {names[0]} and {names[1]}" if len(names) == 2 else ", ".join(names[:-1]) + f" and {names[-1]}"
        raise CredentialSourceError(f"{listed} are set; unset all but one of them")
    if not present:
        return None
    name, kind, is_file = present[0]
    value = environ[name]
    if is_file:
        return read_credential_file(value, kind, what=f"environment variable {name}", origin=CredentialOrigin.ENVIRONMENT)
    try:
        return Credential.parse(kind, value, source=f"environment variable {name}", origin=CredentialOrigin.ENVIRONMENT)
    except InvalidCredential as exc:
        raise CredentialSourceError(str(exc)) from None


def resolve_credential(
    profile: Profile,
    *,
    environ: Mapping[str, str],
    keyring_store: KeyringStore | None,
    file_store: FileStore,
    token_file: str | None = None,
    api_key_file: str | None = None,
    stdin: IO[str] | None = None,
) -> Resolution:
    """Return the first credential found, in the order of this module's docstring.

    An unusable keyring is a notice, not an error, so the search goes on to the file.
    An unsafe credentials file is an error, since its secret may already be exposed.
    """
    credential = credential_from_flags(token_file, api_key_file, stdin)
    if credential is None:
        credential = credential_from_environment(environ)
    if credential is not None:
        return Resolution(credential)
    resolution = Resolution(None)
    if keyring_store is not None:
        try:
            resolution.credential = keyring_store.read(profile.name)
        except KeyringUnavailable as exc:
            resolution.keyring_problem = str(exc)
            resolution.notices.append(f"keyring unavailable: {exc}")
        except StoreError as exc:
            resolution.notices.append(str(exc))
        if resolution.credential is not None:
            return resolution
    try:
        resolution.credential = file_store.read(profile.name)
    except StoreError as exc:
        raise CredentialSourceError(str(exc)) from None
    return resolution
