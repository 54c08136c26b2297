"""The command line: credentials from the environment, targets, versions, insecure URLs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from outpost_tui import __version__
from outpost_tui.cli import UsageError, credential_from_environment, parse_target


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "-m", "outpost_tui", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=60,
    )


def test_both_credentials_exit_2():
    result = _run(env={"OUTPOST_TOKEN": "op_pat_a", "OUTPOST_API_KEY": "k$sk_live_b"})
    assert result.returncode == 2
    assert "OUTPOST_TOKEN" in result.stderr
    assert "OUTPOST_API_KEY" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_credential_exit_2():
    result = _run()
    assert result.returncode == 2
    assert "OUTPOST_TOKEN" in result.stderr
    assert "--demo" in result.stderr


def test_version_prints_version():
    result = _run("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_help_lists_options():
    result = _run("--help")
    assert result.returncode == 0
    for option in ("--demo", "--base-url", "--namespace", "TARGET"):
        assert option in result.stdout


def test_plain_http_to_remote_host_refused():
    result = _run("--base-url", "http://outpost.example", env={"OUTPOST_TOKEN": "op_pat_a"})
    assert result.returncode == 2
    assert "--allow-insecure-http" in result.stderr


def test_api_key_secret_not_echoed():
    result = _run(env={"OUTPOST_API_KEY": "sk_live_secretwithoutname"})
    assert result.returncode == 2
    assert "secretwithoutname" not in result.stderr


@pytest.mark.parametrize(
    ("text", "kind", "name", "view"),
    [
        ("machines", "machines", None, None),
        ("jobs/finetune-llama-3-r1", "jobs", "finetune-llama-3-r1", None),
        ("jobs/finetune-llama-3-r1/logs", "jobs", "finetune-llama-3-r1", "logs"),
    ],
)
def test_target_parses(text, kind, name, view):
    target = parse_target(text)
    assert (target.kind, target.name, target.view) == (kind, name, view)


@pytest.mark.parametrize("text", ["volcanoes", "jobs/", "jobs/a/b", "jobs/a/logs/x"])
def test_bad_target_rejected(text):
    with pytest.raises(UsageError):
        parse_target(text)


def test_environment_credential_sources():
    credential = credential_from_environment({"OUTPOST_API_KEY": "ci-key$sk_live_abc"})
    assert credential.key_name == "ci-key"
    assert "OUTPOST_API_KEY" in credential.source
    assert "sk_live_abc" not in repr(credential)


def test_flags_override_profile_for_login(tmp_path):
    from outpost_tui.cli import _options, build_parser, load_context, profile_with_flags

    config = tmp_path / "config.toml"
    config.write_text('default = "work"\n\n[profiles.work]\nbase_url = "https://outpost.run"\nnamespace = "acme"\n')
    args = build_parser().parse_args(
        ["--config", str(config), "--base-url", "http://127.0.0.1:9", "-n", "lab"]
    )
    context = load_context(args)
    profile = profile_with_flags(context.profile, _options(args, context))
    assert profile.base_url == "http://127.0.0.1:9"
    assert profile.namespace == "lab"
    assert profile.name == "work"
