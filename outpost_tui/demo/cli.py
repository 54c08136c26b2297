"""``outpost-tui demo-server``: run the demo server in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from .config import PLAN_LIMITS, DemoConfig
from .faults import ERROR_BODY_SHAPES
from .server import DemoServer


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the demo-server command."""
    parser = argparse.ArgumentParser(
        prog="outpost-tui demo-server",
        description="Run the local Outpost demo API on 127.0.0.1 until interrupted.",
    )
    parser.add_argument("--port", type=int, default=8765, help="TCP port on 127.0.0.1; 0 picks a free one (default 8765)")
    parser.add_argument("--plan", choices=list(PLAN_LIMITS), default="free", help="the demo user's plan, which sets the rate-limit tier")
    parser.add_argument("--speed", type=float, default=1.0, help="lifecycle speed factor; 10 runs provisioning, jobs and deploys 10 times faster")
    parser.add_argument("--seed", type=int, default=7, help="seed of the initial data")
    parser.add_argument("--log-rate", type=float, default=2.0, help="log lines per second written by each running job")
    parser.add_argument("--no-rate-limits", action="store_true", help="send rate-limit headers but never return 429")
    faults = parser.add_argument_group("faults (for testing clients)")
    faults.add_argument("--latency", type=float, default=0.0, help="seconds of delay added to every response")
    faults.add_argument("--error-rate", type=float, default=0.0, help="fraction of requests (0-1) that get 500 internal_error")
    faults.add_argument("--error-body", choices=ERROR_BODY_SHAPES, default=None, help="with --force-status, the body shape of every error")
    faults.add_argument("--force-status", type=int, default=None, help="return this HTTP status for every request except health")
    faults.add_argument("--drop-streams-after", type=int, default=None, metavar="LINES", help="close log streams after this many lines, without the end event")
    faults.add_argument("--stall-streams", action="store_true", help="log streams send their headers and then nothing, not even keep-alives")
    return parser


def run_demo_server(argv: Sequence[str]) -> int:
    """Parse ``argv``, serve until Ctrl-C and return the exit status."""
    args = build_parser().parse_args(list(argv))
    try:
        config = DemoConfig(
            seed=args.seed, speed=args.speed, plan=args.plan, rate_limits=not args.no_rate_limits,
            port=args.port, log_lines_per_second=args.log_rate,
        )
    except ValueError as error:
        print(f"outpost-tui demo-server: {error}", file=sys.stderr)
        return 2

    server = DemoServer(config)
    server.faults.latency_seconds = args.latency
    server.faults.error_rate = args.error_rate
    server.faults.error_body = args.error_body
    server.faults.force_status = args.force_status
    server.faults.drop_streams_after_lines = args.drop_streams_after
    server.faults.stall_streams = args.stall_streams

    try:
        server.start()
    except (OSError, RuntimeError) as error:
        print(f"outpost-tui demo-server: cannot listen on 127.0.0.1:{args.port}: {error}; try another --port", file=sys.stderr)
        return 1
    print(_banner(server, config), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping the demo server", flush=True)
    finally:
        server.stop()
    return 0


def _banner(server: DemoServer, config: DemoConfig) -> str:
    """Return the start-up text: URL, settings and paste-ready credential lines."""
    return "\n".join([
        f"Outpost demo server listening on {server.url}",
        f"  plan {config.plan}, speed {config.speed:g}, seed {config.seed}, "
        f"rate limits {'on' if config.rate_limits else 'off'}",
        "",
        "Point outpost-tui at it with an API key (paste into another shell):",
        f"  export OUTPOST_API_KEY='{server.api_key}'",
        f"  outpost-tui --base-url {server.url}",
        "",
        "or with a personal access token instead (set only one of the two):",
        f"  export OUTPOST_TOKEN='{server.token}'",
        "",
        "Press Ctrl-C to stop.",
    ])
