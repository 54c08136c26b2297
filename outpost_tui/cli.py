"""Command line: argument parsing, credentials from the environment, and the app factory.

The same :func:`build_app` serves the console script, the tests and the screenshot script.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from . import __version__
from .api import Credential, InsecureURLError, InvalidCredential, OutpostClient
from .app import OutpostApp, Target
from .screens import mode_names
from .logging_setup import configure_logging

log = logging.getLogger(__name__)

TOKEN_VARIABLE = "OUTPOST_TOKEN"
API_KEY_VARIABLE = "OUTPOST_API_KEY"
DEFAULT_BASE_URL = "https://outpost.run"
DEMO_NAMESPACE = "acme"
SUBCOMMANDS = ("demo-server",)


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
            f"Credentials come from {TOKEN_VARIABLE} (a PAT or access token) or "
            f"{API_KEY_VARIABLE} (NAME$SECRET). Other commands: "
            "'outpost-tui demo-server [--port N]' runs the demo server alone."
        ),
    )
    parser.add_argument("--version", action="version", version=f"outpost-tui {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in demo server on 127.0.0.1 and connect to it",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help=f"API host, such as {DEFAULT_BASE_URL} (the default)",
    )
    parser.add_argument(
        "--namespace", "-n", default=None, help="namespace to show (default: your personal one)"
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow plain http:// to a host other than this machine (sends the credential unencrypted)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="refuse every action that changes something on the server",
    )
    parser.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="screen to open, such as machines, jobs or services, optionally /NAME for one "
        "item and /NAME/logs for its log",
    )
    return parser


def credential_from_environment(environ: dict[str, str]) -> Credential | None:
    """Read the credential from the environment; both variables set is an error."""
    token = environ.get(TOKEN_VARIABLE, "")
    api_key = environ.get(API_KEY_VARIABLE, "")
    if token and api_key:
        raise UsageError(
            f"both {TOKEN_VARIABLE} and {API_KEY_VARIABLE} are set; unset one of them"
        )
    try:
        if token:
            return Credential.token(token, source=f"environment variable {TOKEN_VARIABLE}")
        if api_key:
            return Credential.api_key(api_key, source=f"environment variable {API_KEY_VARIABLE}")
    except InvalidCredential as exc:
        raise UsageError(str(exc)) from None
    return None


def build_app(
    options: Options,
    credential: Credential | None,
    *,
    base_url: str | None = None,
) -> OutpostApp:
    """Create the app for a base URL and credential; tests pass the demo server's."""
    url = base_url or options.base_url
    try:
        client = OutpostClient(url, credential, allow_insecure_http=options.allow_insecure_http)
    except InsecureURLError as exc:
        raise UsageError(str(exc)) from None
    return OutpostApp(
        client, credential, options.namespace, options.target, read_only=options.read_only
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "demo-server":
        from .demo.cli import run_demo_server

        return run_demo_server(argv[1:])
    try:
        return _run(build_parser().parse_args(argv))
    except UsageError as exc:
        print(f"outpost-tui: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    options = Options(
        demo=args.demo,
        base_url=args.base_url or DEFAULT_BASE_URL,
        namespace=args.namespace,
        target=parse_target(args.target),
        allow_insecure_http=args.allow_insecure_http,
        read_only=args.read_only,
    )
    configure_logging()
    if options.demo:
        return _run_demo(options)
    credential = credential_from_environment(dict(os.environ))
    if credential is None:
        raise UsageError(
            f"no credential: set {TOKEN_VARIABLE} (a PAT or access token) or "
            f"{API_KEY_VARIABLE} (NAME$SECRET), or run with --demo"
        )
    build_app(options, credential).run()
    return 0


def _run_demo(options: Options) -> int:
    """Start the demo server in this process, connect to it, and stop it on exit."""
    from .demo import DemoConfig, DemoServer

    if options.base_url != DEFAULT_BASE_URL:
        raise UsageError("--demo starts its own server; leave out --base-url")
    options.namespace = options.namespace or DEMO_NAMESPACE
    server = DemoServer(DemoConfig())
    server.start()
    try:
        credential = Credential.api_key(server.api_key, source="demo server")
        build_app(options, credential, base_url=server.url).run()
    finally:
        server.stop()
    return 0
