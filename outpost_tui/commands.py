"""Script commands: ``outpost-tui login`` and ``outpost-tui keys rotate``.

Each prints one status line (to standard output on success, standard error otherwise)
and exits 0 on success, 1 when the server or a store refused, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from .api import AuthenticationFailed, Credential, InsecureURLError, OutpostClient, OutpostError
from .config.context import CredentialContext
from .config.profiles import ENVIRONMENTS, ConfigError, Profile, check_profile_name
from .config.resolve import CredentialSourceError, credential_from_flags, resolve_credential
from .config.stores import StoreError
from .logging_setup import configure_logging
from .rotation import KeyRotation, Outcome, RotationReport

PROGRAM = "outpost-tui"


class CommandFailed(Exception):
    """The command could not do its work; the message is the status line."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _print_failure(message: str) -> None:
    print(f"{PROGRAM}: {message}", file=sys.stderr)


# -- login ----------------------------------------------------------------------------------


def build_login_parser() -> argparse.ArgumentParser:
    from .cli import add_credential_file_arguments

    parser = argparse.ArgumentParser(
        prog=f"{PROGRAM} login",
        description="Check a credential with one authenticated call and store it for a profile.",
    )
    parser.add_argument("--profile", "-p", required=True, metavar="NAME", help="profile to create or update")
    parser.add_argument("--config", metavar="PATH", help="config file with the profiles")
    parser.add_argument("--base-url", help="API host for the profile (default: the profile's, else https://outpost.run)")
    parser.add_argument("--namespace", "-n", help="namespace the profile opens")
    parser.add_argument("--environment", choices=ENVIRONMENTS, help="environment class of the profile")
    parser.add_argument("--read-only", action="store_true", default=None, help="mark the profile read-only")
    parser.add_argument(
        "--allow-insecure-http", action="store_true", default=None,
        help="allow plain http:// to a host other than this machine",
    )
    add_credential_file_arguments(parser, required=True)
    parser.add_argument(
        "--store", choices=("keyring", "file"), default=None,
        help="where to keep the credential: the OS keyring (the default when one is present) or "
        "the credentials file, a plaintext file of mode 0600; naming 'file' is your consent to that",
    )
    return parser


def run_login(argv: Sequence[str]) -> int:
    args = build_login_parser().parse_args(list(argv))
    configure_logging()
    try:
        line = asyncio.run(_login(args))
    except CommandFailed as exc:
        _print_failure(str(exc))
        return exc.status
    print(line)
    return 0


async def _login(args: argparse.Namespace) -> str:
    try:
        check_profile_name(args.profile)
        context = CredentialContext.load(config=args.config)
        credential = credential_from_flags(args.token_file, args.api_key_file)
    except (ConfigError, CredentialSourceError) as exc:
        raise CommandFailed(str(exc), 2) from None
    assert credential is not None  # argparse requires one of the two flags
    profile = _login_profile(context, args)
    user = await _validate(profile, credential)
    store_name = args.store or "keyring"
    if store_name == "keyring" and not context.keyring.available:
        raise CommandFailed(
            f"keyring unavailable: {context.keyring.problem}; nothing was stored. Pass --store file to keep "
            f"the credential in {context.file.path} (plaintext, mode 0600), or set it in the environment"
        )
    try:
        stored = await asyncio.to_thread(context.save_login, credential, store_name, profile=profile)
    except StoreError as exc:
        raise CommandFailed(f"could not store the credential: {exc}; nothing was stored") from None
    except OSError as exc:
        raise CommandFailed(f"could not save profile {profile.name} in {context.paths.config_file}: {exc}") from None
    return (
        f"logged in as {user} on {profile.base_url}; {stored.display} stored in {stored.source} "
        f"for profile {profile.name}"
    )


def _login_profile(context: CredentialContext, args: argparse.Namespace) -> Profile:
    """Return the existing profile with the given flags applied, or a new one."""
    profile = context.profiles.profiles.get(args.profile) or Profile(name=args.profile)
    changes = {
        "base_url": args.base_url,
        "namespace": args.namespace,
        "environment": args.environment,
        "read_only": args.read_only,
        "allow_insecure_http": args.allow_insecure_http,
    }
    return replace(profile, **{key: value for key, value in changes.items() if value is not None})


async def _validate(profile: Profile, credential: Credential) -> str:
    """Check the credential with one authenticated call; return the user name."""
    try:
        client = OutpostClient(profile.base_url, credential, allow_insecure_http=profile.allow_insecure_http)
    except InsecureURLError as exc:
        raise CommandFailed(str(exc), 2) from None
    async with client:
        try:
            user = await client.current_user()
        except AuthenticationFailed as exc:
            raise CommandFailed(
                f"the server rejected the {credential.kind.label} from {credential.source} ({exc.message}); "
                "nothing was stored"
            ) from None
        except OutpostError as exc:
            raise CommandFailed(f"could not check the credential with {profile.base_url}: {exc}; nothing was stored") from None
    return user.username or user.id or "unknown user"


# -- keys rotate -----------------------------------------------------------------------------


def build_rotate_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROGRAM} keys rotate",
        description=(
            "Replace the profile's stored API key or PAT with a new one and revoke the old one. "
            "The new key is stored and verified before the old one is revoked."
        ),
    )
    parser.add_argument("--profile", "-p", metavar="NAME", help="profile whose key to rotate (default: the default profile)")
    parser.add_argument("--config", metavar="PATH", help="config file with the profiles")
    return parser


def run_rotate(argv: Sequence[str]) -> int:
    args = build_rotate_parser().parse_args(list(argv))
    configure_logging()
    try:
        context = CredentialContext.load(config=args.config, profile=args.profile)
        resolution = resolve_credential(
            context.profile, environ=os.environ, keyring_store=context.keyring, file_store=context.file
        )
    except (ConfigError, CredentialSourceError) as exc:
        _print_failure(str(exc))
        return 2
    credential = resolution.credential
    if credential is None:
        notice = f" ({resolution.notices[0]})" if resolution.notices else ""
        _print_failure(
            f"profile {context.profile.name} has no stored credential{notice}; "
            f"store one with '{PROGRAM} login --profile {context.profile.name} ...'"
        )
        return 1
    report = asyncio.run(_rotate(context, credential))
    line = f"{PROGRAM}: {report.message}"
    print(line, file=sys.stdout if report.outcome is Outcome.ROTATED else sys.stderr)
    return report.exit_status


async def _rotate(context: CredentialContext, credential: Credential) -> RotationReport:
    store = context.store_of(credential) or context.keyring
    profile = context.profile

    def client_for(value: Credential) -> OutpostClient:
        return OutpostClient(profile.base_url, value, allow_insecure_http=profile.allow_insecure_http)

    rotation = KeyRotation(
        profile=profile.name, store=store, client_factory=client_for, journal_folder=context.journal_folder
    )
    return await rotation.run(credential)

