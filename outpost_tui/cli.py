"""Command line: argument parsing, credentials from the environment, and the app factory.

The same :func:`build_app` serves the console script, the tests and the screenshot script.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace

from . import __version__
from .api import Credential, InsecureURLError, OutpostClient
from .api.auth import CredentialOrigin
from .app import OutpostApp, Target
from .config.context import CredentialContext
from .config.profiles import DEFAULT_BASE_URL, ConfigError, Profile
from .config.resolve import (
    API_KEY_FILE_VARIABLE,
    API_KEY_VARIABLE,
    TOKEN_FILE_VARIABLE,
    TOKEN_VARIABLE,
    CredentialSourceError,
    resolve_credential,
)
from .config.resolve import credential_from_environment as _environment_credential
from .logging_setup import configure_logging
from .screens import mode_names
from .widgets.log_buffer import DEFAULT_CAPACITY

log = logging.getLogger(__name__)

# Bounds of --log-buffer. Ten million lines of about 100 characters take roughly 2 GB of
# memory (an estimate), and fewer than a thousand leave little to search.
MIN_LOG_BUFFER = 1_000
MAX_LOG_BUFFER = 10_000_000

DEMO_NAMESPACE = "acme"
SUBCOMMANDS = ("demo-server", "login", "keys rotate")


class UsageError(Exception):
    """A problem with the command line or environment; exits with status 2."""


@dataclass
class Options:
    demo: bool
    base_url: str
    namespace: str | None
    target: Target
    allow_insecure_http: bool
    read_only: bool = False
    # The profile's environment class: dev, staging or prod.
    environment: str = "dev"
    # Lines a log view keeps in memory before it discards the oldest.
    log_buffer_lines: int = DEFAULT_CAPACITY


TARGET_VIEWS = ("logs",)


def parse_target(text: str | None) -> Target:
    """Read ``KIND``, ``KIND/NAME`` or ``KIND/NAME/VIEW``, such as ``jobs/finetune-llama-3-r1/logs``."""
    if not text:
        return Target()
    parts = text.split("/")
    kind = parts[0]
    if kind not in mode_names() or len(parts) > 3:
        raise UsageError(
            f"invalid target {text!r}: use one of {', '.join(mode_names())}, "
            "optionally followed by /NAME and /logs"
        )
    if len(parts) >= 2 and not parts[1]:
        raise UsageError(f"invalid target {text!r}: the name after '/' is empty")
    if len(parts) == 3 and parts[2] not in TARGET_VIEWS:
        raise UsageError(
            f"invalid target {text!r}: the view after the name must be one of {', '.join(TARGET_VIEWS)}"
        )
    return Target(
        kind=kind,
        name=parts[1] if len(parts) >= 2 else None,
        view=parts[2] if len(parts) == 3 else None,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outpost-tui",
        description="Terminal dashboard for the Outpost cloud platform.",
        epilog=(
            "The credential comes from the first of: --token-file or --api-key-file; "
            f"{TOKEN_VARIABLE} (a PAT or access token), {API_KEY_VARIABLE} (NAME$SECRET) or "
            f"{TOKEN_FILE_VARIABLE}/{API_KEY_FILE_VARIABLE} (a file holding one); the OS "
            "keyring; the credentials file; else the app asks for one. Other commands: "
            "'outpost-tui login' stores a credential for a profile, 'outpost-tui keys rotate' "
            "rotates a profile's stored API key, and 'outpost-tui demo-server [--port N]' "
            "runs the demo server alone."
        ),
    )
    parser.add_argument("--version", action="version", version=f"outpost-tui {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in demo server on 127.0.0.1 and connect to it",
    )
    add_profile_arguments(parser)
    add_credential_file_arguments(parser)
    parser.add_argument(
        "--base-url",
        default=None,
        help=f"API host, such as {DEFAULT_BASE_URL} (default: the profile's, else that one)",
    )
    parser.add_argument(
        "--namespace", "-n", default=None,
        help="namespace to show (default: the profile's, else your personal one)",
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow plain http:// to a host other than this machine (sends the credential unencrypted)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="refuse every action that changes something on the server (also a profile setting)",
    )
    parser.add_argument(
        "--log-buffer",
        type=_log_buffer_lines,
        default=DEFAULT_CAPACITY,
        metavar="LINES",
        help=f"log lines a log view keeps in memory; older ones are discarded "
        f"(default {DEFAULT_CAPACITY}, {MIN_LOG_BUFFER}-{MAX_LOG_BUFFER})",
    )
    parser.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="screen to open, such as machines, jobs or services, optionally /NAME for one "
        "item and /NAME/logs for its log",
    )
    return parser


def _log_buffer_lines(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid line count {text!r}: use a whole number") from None
    if not MIN_LOG_BUFFER <= value <= MAX_LOG_BUFFER:
        raise argparse.ArgumentTypeError(
            f"invalid line count {value}: use {MIN_LOG_BUFFER} to {MAX_LOG_BUFFER}"
        )
    return value


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", "-p", default=None, metavar="NAME",
        help="profile to use from the config file (default: its 'default' profile)",
    )
    parser.add_argument(
        "--config", default=None, metavar="PATH",
        help="config file with the profiles (default: $OUTPOST_TUI_CONFIG, else "
        "config.toml in the platform's config folder)",
    )


def add_credential_file_arguments(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(
        "--token-file", metavar="PATH",
        help="read a PAT or access token from PATH ('-' reads standard input)",
    )
    group.add_argument(
        "--api-key-file", metavar="PATH",
        help="read an API key, NAME$SECRET, from PATH ('-' reads standard input)",
    )


def credential_from_environment(environ: dict[str, str]) -> Credential | None:
    """Read the credential from the environment; more than one variable set is an error."""
    try:
        return _environment_credential(environ)
    except CredentialSourceError as exc:
        raise UsageError(str(exc)) from None


def load_context(args: argparse.Namespace) -> CredentialContext:
    try:
        return CredentialContext.load(config=args.config, profile=args.profile)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def build_app(
    options: Options,
    credential: Credential | None,
    *,
    base_url: str | None = None,
    context: CredentialContext | None = None,
    notices: Sequence[str] = (),
) -> OutpostApp:
    """Create the app for a base URL and credential; tests pass the demo server's.

    ``context`` gives the app the profiles and stores for logins, profile switches and
    rotations; without it the credential is kept in memory only.
    """
    url = base_url or options.base_url
    try:
        client = OutpostClient(url, credential, allow_insecure_http=options.allow_insecure_http)
    except InsecureURLError as exc:
        raise UsageError(str(exc)) from None
    app = OutpostApp(
        client,
        credential,
        options.namespace,
        options.target,
        read_only=options.read_only,
        environment=options.environment,
        credentials=context,
        notices=notices,
    )
    # Read by the log screens when they open.
    app.log_buffer_lines = options.log_buffer_lines
    return app


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "demo-server":
        from .demo.cli import run_demo_server

        return run_demo_server(argv[1:])
    if argv and argv[0] == "login":
        from .commands import run_login

        return run_login(argv[1:])
    if argv[:2] == ["keys", "rotate"]:
        from .commands import run_rotate

        return run_rotate(argv[2:])
    try:
        return _run(build_parser().parse_args(argv))
    except UsageError as exc:
        print(f"outpost-tui: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    configure_logging()
    if args.demo:
        return _run_demo(_options(args, None))
    context = load_context(args)
    options = _options(args, context)
    context.profile = profile_with_flags(context.profile, options)
    try:
        resolution = resolve_credential(
            context.profile,
            environ=os.environ,
            keyring_store=context.keyring,
            file_store=context.file,
            token_file=args.token_file,
            api_key_file=args.api_key_file,
        )
    except CredentialSourceError as exc:
        raise UsageError(str(exc)) from None
    if resolution.credential is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        keyring = f" ({resolution.notices[0]})" if resolution.notices else ""
        raise UsageError(
            f"no credential{keyring}: set {TOKEN_VARIABLE} (a PAT or access token) or "
            f"{API_KEY_VARIABLE} (NAME$SECRET), run 'outpost-tui login --profile NAME ...', "
            "or run with --demo"
        )
    build_app(options, resolution.credential, context=context, notices=resolution.notices).run()
    return 0


def profile_with_flags(profile: Profile, options: Options) -> Profile:
    """Return the profile with the command line's host and namespace over its own.

    Flags win everywhere, the login screen and rotation included, so a token pasted
    after ``--base-url`` is checked against that host.
    """
    return replace(
        profile,
        base_url=options.base_url,
        namespace=options.namespace,
        allow_insecure_http=options.allow_insecure_http,
    )


def _options(args: argparse.Namespace, context: CredentialContext | None) -> Options:
    """Merge the command line over the profile: flags win, the profile fills the rest."""
    profile = context.profile if context else None
    return Options(
        demo=args.demo,
        base_url=args.base_url or (profile.base_url if profile else DEFAULT_BASE_URL),
        namespace=args.namespace or (profile.namespace if profile else None),
        target=parse_target(args.target),
        allow_insecure_http=args.allow_insecure_http or bool(profile and profile.allow_insecure_http),
        read_only=args.read_only or bool(profile and profile.read_only),
        environment=profile.environment if profile else "dev",
        log_buffer_lines=args.log_buffer,
    )


def _run_demo(options: Options) -> int:
    """Start the demo server in this process, connect to it, and stop it on exit."""
    from .demo import DemoConfig, DemoServer

    if options.base_url != DEFAULT_BASE_URL:
        raise UsageError("--demo starts its own server; leave out --base-url")
    # NOTE: the demo ignores profiles and stores nothing: its key exists only in this process.
    options.namespace = options.namespace or DEMO_NAMESPACE
    server = DemoServer(DemoConfig())
    server.start()
    try:
        credential = Credential.api_key(server.api_key, source="demo server", origin=CredentialOrigin.DEMO)
        build_app(options, credential, base_url=server.url).run()
    finally:
        server.stop()
    return 0
