"""``outpost-tui login`` and ``outpost-tui keys rotate`` as scripts use them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib

import pytest

from outpost_tui.cli import main
from outpost_tui.config.stores import FileStore

from .conftest import fresh_key, key_names, works


def run_cli(tmp_path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None):
    """Run the CLI in a child process whose config, credentials and keyring are private."""
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "OUTPOST_TUI_CONFIG": str(tmp_path / "config" / "config.toml"),
        "OUTPOST_TUI_CREDENTIALS_DIR": str(tmp_path / "credentials"),
        "OUTPOST_TUI_LOG": str(tmp_path / "outpost-tui.log"),
        # No child process may reach a real keyring on a developer's machine.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return subprocess.run(
        [sys.executable, "-m", "outpost_tui", *args],
        capture_output=True, text=True, env={**base, **(env or {})}, input=stdin, timeout=60,
    )


def key_file(tmp_path, credential) -> str:
    path = tmp_path / "key.txt"
    path.write_text(credential.reveal() + "\n")
    return str(path)


def test_login_to_file_store(server, tmp_path):
    credential = fresh_key(server, "cli-login-file")
    result = run_cli(
        tmp_path, "login", "--profile", "work", "--base-url", server.url, "--namespace", "acme",
        "--api-key-file", key_file(tmp_path, credential), "--store", "file",
    )

    assert result.returncode == 0, result.stderr
    assert "logged in as mara" in result.stdout
    assert credential.secret.get_secret_value() not in result.stdout + result.stderr
    path = tmp_path / "credentials" / "credentials.toml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert FileStore(path).read("work").reveal() == credential.reveal()
    profile = tomllib.loads((tmp_path / "config" / "config.toml").read_text())["profiles"]["work"]
    assert (profile["store"], profile["credential"], profile["namespace"]) == ("file", "api_key", "acme")


def test_login_without_keyring_stores_nothing(server, tmp_path):
    credential = fresh_key(server, "cli-login-nokeyring")
    result = run_cli(
        tmp_path, "login", "--profile", "work", "--base-url", server.url,
        "--api-key-file", key_file(tmp_path, credential),
    )

    assert result.returncode == 1
    assert "keyring unavailable" in result.stderr
    assert "--store file" in result.stderr
    assert not (tmp_path / "credentials" / "credentials.toml").exists()


def test_login_to_keyring_in_process(server, tmp_path, capsys):
    import keyring

    credential = fresh_key(server, "cli-login-keyring")
    status = main([
        "login", "--profile", "work", "--base-url", server.url,
        "--api-key-file", key_file(tmp_path, credential),
    ])

    assert status == 0, capsys.readouterr().err
    assert "keyring" in capsys.readouterr().out
    assert keyring.get_keyring().entries
    assert not (tmp_path / "credentials" / "credentials.toml").exists()


def test_login_rejected_credential(server, tmp_path):
    result = run_cli(
        tmp_path, "login", "--profile", "work", "--base-url", server.url, "--token-file", "-",
        "--store", "file", stdin="op_pat_00000000000000000000000000000000\n",
    )

    assert result.returncode == 1
    assert "rejected" in result.stderr
    assert "00000000000000000000" not in result.stderr
    assert not (tmp_path / "credentials" / "credentials.toml").exists()


def test_rotate_command_rotates_file_key(server, tmp_path):
    credential = fresh_key(server, "cli-rotate")
    login = run_cli(
        tmp_path, "login", "--profile", "work", "--base-url", server.url,
        "--api-key-file", key_file(tmp_path, credential), "--store", "file",
    )
    assert login.returncode == 0, login.stderr

    result = run_cli(tmp_path, "keys", "rotate", "--profile", "work")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("outpost-tui: rotated API key cli-rotate to cli-rotate-")
    assert len(result.stdout.strip().splitlines()) == 1
    stored = FileStore(tmp_path / "credentials" / "credentials.toml").read("work")
    assert works(server, stored)
    assert not works(server, credential)
    assert "cli-rotate" not in key_names(server)


def test_rotate_refuses_environment_credential(server, tmp_path):
    credential = fresh_key(server, "cli-rotate-env")
    result = run_cli(tmp_path, "keys", "rotate", env={"OUTPOST_API_KEY": credential.reveal()})

    assert result.returncode == 1
    assert "OUTPOST_API_KEY" in result.stderr
    assert "Keys screen" in result.stderr
    assert works(server, credential)


def test_rotate_without_stored_credential(tmp_path):
    result = run_cli(tmp_path, "keys", "rotate")
    assert result.returncode == 1
    assert "outpost-tui login --profile default" in result.stderr


def test_unknown_profile_exits_2(tmp_path):
    result = run_cli(tmp_path, "--profile", "nope", env={"OUTPOST_TOKEN": "op_pat_x"})
    assert result.returncode == 2
    assert "no profile 'nope'" in result.stderr
    assert "config.toml" in result.stderr


def test_bad_config_exits_2(tmp_path):
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[profiles.work]\nenvironment = "production"\n')
    result = run_cli(tmp_path, "--profile", "work")

    assert result.returncode == 2
    assert str(path) in result.stderr
    assert "profiles.work.environment" in result.stderr


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_unsafe_credentials_file_exits_2(server, tmp_path, mode):
    credential = fresh_key(server, f"cli-unsafe-{mode:o}")
    store = FileStore(tmp_path / "credentials" / "credentials.toml")
    store.write("default", credential)
    os.chmod(store.path, mode)
    result = run_cli(tmp_path, "--base-url", server.url)

    assert result.returncode == 2
    assert f"chmod 600 {store.path}" in result.stderr
    assert credential.secret.get_secret_value() not in result.stderr
