"""Profiles: loading, choosing, saving, and messages that name the file, key and fix."""

from __future__ import annotations

import pytest

from outpost_tui.config.paths import ConfigPaths
from outpost_tui.config.profiles import ConfigError, Profile, ProfileSet, load_profiles

from .conftest import write_profiles

GOOD = """
default = "work"

[profiles.work]
base_url = "https://outpost.run"
namespace = "acme"
credential = "api_key"
environment = "prod"
read_only = true
store = "keyring"

[profiles.lab]
base_url = "http://127.0.0.1:8765"
environment = "dev"
"""


def test_profiles_load_all_fields(tmp_path):
    profiles = load_profiles(write_profiles(tmp_path, GOOD))
    work = profiles.select(None)

    assert work.name == "work"
    assert (work.namespace, work.credential, work.environment) == ("acme", "api_key", "prod")
    assert work.read_only is True
    assert profiles.select("lab").namespace is None


def test_missing_file_gives_defaults(tmp_path):
    profile = load_profiles(tmp_path / "absent.toml").select(None)
    assert profile == Profile()


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        ('[profiles.work]\nenvironment = "production"\n', "profiles.work.environment", "dev, staging, prod"),
        ('[profiles.work]\nread_only = "yes"\n', "profiles.work.read_only", "true or false"),
        ('[profiles.work]\nnamesapce = "acme"\n', "profiles.work.namesapce", "remove it"),
        ('[profiles.work]\ncredential = "password"\n', "profiles.work.credential", "token, api_key"),
        ('[profiles.work]\nbase_url = "http://outpost.example"\n', "profiles.work.base_url", "https://"),
        ('default = "prod"\n[profiles.work]\n', "'default'", "add [profiles.prod]"),
        ('colour = "blue"\n', "'colour'", "[profiles.NAME]"),
    ],
)
def test_bad_value_names_file_key_and_fix(tmp_path, text, key, fix):
    path = write_profiles(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_profiles(path)

    message = str(caught.value)
    assert str(path) in message
    assert key in message
    assert fix in message


def test_bad_toml_names_the_file(tmp_path):
    path = write_profiles(tmp_path, "[profiles.work\nbase_url = 1\n")
    with pytest.raises(ConfigError, match="invalid TOML") as caught:
        load_profiles(path)
    assert str(path) in str(caught.value)


def test_unknown_profile_says_how_to_create(tmp_path):
    profiles = load_profiles(write_profiles(tmp_path, GOOD))
    with pytest.raises(ConfigError) as caught:
        profiles.select("staging")
    message = str(caught.value)
    assert "'staging'" in message
    assert "lab, work" in message
    assert "outpost-tui login --profile staging" in message


def test_profile_set_round_trip(tmp_path):
    path = tmp_path / "config" / "config.toml"
    profiles = ProfileSet(path)
    profiles.put(Profile(name="ci", namespace="acme", environment="staging", credential="token", store="file"))
    profiles.default = "ci"
    profiles.save()

    again = load_profiles(path)
    assert again.select(None) == profiles.profiles["ci"]


def test_config_path_precedence(tmp_path):
    environ = {"OUTPOST_TUI_CONFIG": str(tmp_path / "env.toml")}
    assert ConfigPaths.resolve(tmp_path / "flag.toml", environ).config_file == tmp_path / "flag.toml"
    assert ConfigPaths.resolve(None, environ).config_file == tmp_path / "env.toml"
    assert ConfigPaths.resolve(None, {}).config_file.name == "config.toml"
