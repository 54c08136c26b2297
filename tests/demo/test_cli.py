"""The demo-server command line."""

from __future__ import annotations

import pytest

from outpost_tui.demo import DemoConfig, DemoServer
from outpost_tui.demo.cli import _banner, build_parser, run_demo_server


def test_parser_reads_options() -> None:
    args = build_parser().parse_args(
        ["--port", "0", "--plan", "team", "--speed", "5", "--seed", "3", "--log-rate", "20000", "--no-rate-limits"]
    )
    assert (args.port, args.plan, args.speed, args.seed) == (0, "team", 5.0, 3)
    assert args.log_rate == 20000.0
    assert args.no_rate_limits


def test_invalid_speed_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_demo_server(["--speed", "0"]) == 2
    assert "invalid speed" in capsys.readouterr().err


def test_banner_has_paste_ready_lines() -> None:
    server = DemoServer(DemoConfig(port=8765))
    text = _banner(server, server.config)
    assert f"export OUTPOST_API_KEY='{server.api_key}'" in text
    assert f"export OUTPOST_TOKEN='{server.token}'" in text
    assert "http://127.0.0.1:8765" in text
