"""Profiles: named sets of host, namespace, credential kind, environment class and flags.

The profiles live in one TOML file::

    default = "work"

    [profiles.work]
    base_url = "https://outpost.run"
    namespace = "acme"
    credential = "api_key"   # or "token"
    environment = "prod"     # dev, staging or prod
    read_only = true
    store = "keyring"        # where `outpost-tui login` stored the credential: keyring or file

A file that breaks a rule raises :class:`ConfigError` naming the file, the key and the fix.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from ..api.client import validate_base_url
from ..api.errors import InsecureURLError

DEFAULT_BASE_URL = "https://outpost.run"
DEFAULT_PROFILE = "default"
ENVIRONMENTS = ("dev", "staging", "prod")
CREDENTIAL_KINDS = ("token", "api_key")
STORES = ("keyring", "file")
PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ConfigError(Exception):
    """An invalid config file or profile name; the message names the file, key and fix."""


@dataclass(frozen=True)
class Profile:
    """One profile. ``credential`` and ``store`` are None until a login sets them."""

    name: str = DEFAULT_PROFILE
    base_url: str = DEFAULT_BASE_URL
    namespace: str | None = None
    credential: str | None = None
    environment: str = "dev"
    read_only: bool = False
    store: str | None = None
    allow_insecure_http: bool = False

    def to_toml(self) -> dict[str, Any]:
        table: dict[str, Any] = {"base_url": self.base_url}
        for key in ("namespace", "credential", "store"):
            value = getattr(self, key)
            if value is not None:
                table[key] = value
        table["environment"] = self.environment
        table["read_only"] = self.read_only
        if self.allow_insecure_http:
            table["allow_insecure_http"] = True
        return table


# Each key of a profile table, its type and the allowed values (None for any value).
_FIELDS: dict[str, tuple[type, tuple[str, ...] | None]] = {
    "base_url": (str, None),
    "namespace": (str, None),
    "credential": (str, CREDENTIAL_KINDS),
    "environment": (str, ENVIRONMENTS),
    "read_only": (bool, None),
    "store": (str, STORES),
    "allow_insecure_http": (bool, None),
}


def check_profile_name(name: str, path: Path | None = None) -> str:
    if not PROFILE_NAME.fullmatch(name):
        where = f"{path}: " if path else ""
        raise ConfigError(
            f"{where}invalid profile name {name[:70]!r}: use 1-64 letters, digits, '-' or '_'"
        )
    return name


@dataclass
class ProfileSet:
    """The profiles of one config file and the name of the default one."""

    path: Path
    profiles: dict[str, Profile] = field(default_factory=dict)
    default: str | None = None

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def select(self, name: str | None) -> Profile:
        """Return the named profile, else the default one, else built-in defaults.

        Asking for a name the file lacks is an error, since a typo must not silently
        connect with another profile's settings.
        """
        if name is not None:
            check_profile_name(name)
            if name in self.profiles:
                return self.profiles[name]
            known = ", ".join(sorted(self.profiles)) or "none yet"
            raise ConfigError(
                f"{self.path}: no profile {name!r} (profiles: {known}); "
                f"create it with 'outpost-tui login --profile {name} ...' or add [profiles.{name}]"
            )
        if self.default is not None:
            return self.profiles[self.default]
        if DEFAULT_PROFILE in self.profiles:
            return self.profiles[DEFAULT_PROFILE]
        if len(self.profiles) == 1:
            return next(iter(self.profiles.values()))
        return Profile()

    def put(self, profile: Profile) -> None:
        self.profiles[profile.name] = profile

    def save(self) -> None:
        """Write the file atomically. It contains no secrets, so it keeps the usual mode."""
        document: dict[str, Any] = {}
        if self.default is not None:
            document["default"] = self.default
        document["profiles"] = {name: p.to_toml() for name, p in sorted(self.profiles.items())}
        data = tomli_w.dumps(document).encode()
        # NOTE: rewriting the file drops comments the user wrote in it.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644 if not self.path.exists() else self.path.stat().st_mode & 0o777)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def load_profiles(path: Path) -> ProfileSet:
    """Read and check the profiles file; a missing file gives an empty set."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ProfileSet(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror}); check its permissions") from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the file is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc}); fix the syntax there") from None
    return _parse_document(path, document)


def _parse_document(path: Path, document: dict[str, Any]) -> ProfileSet:
    for key in document:
        if key not in ("default", "profiles"):
            raise ConfigError(
                f"{path}: unknown key {key!r}; the top level has only 'default' and [profiles.NAME] tables"
            )
    tables = document.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: key 'profiles' must be a table; write profiles as [profiles.NAME]")
    profiles = {}
    for name, table in tables.items():
        check_profile_name(name, path)
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: key 'profiles.{name}' must be a table; write it as [profiles.{name}]")
        profiles[name] = _parse_profile(path, name, table)
    default = document.get("default")
    if default is not None:
        if not isinstance(default, str):
            raise ConfigError(f"{path}: key 'default' must be a profile name in quotes")
        if default not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise ConfigError(
                f"{path}: key 'default' names profile {default!r}, which is not defined "
                f"(profiles: {known}); add [profiles.{default}] or change 'default'"
            )
    return ProfileSet(path, profiles, default)


def _parse_profile(path: Path, name: str, table: dict[str, Any]) -> Profile:
    values: dict[str, Any] = {"name": name}
    for key, value in table.items():
        where = f"{path}: key 'profiles.{name}.{key}'"
        if key not in _FIELDS:
            raise ConfigError(f"{where} is unknown; remove it or use one of {', '.join(_FIELDS)}")
        expected, choices = _FIELDS[key]
        if not isinstance(value, expected):
            spelled = "true or false" if expected is bool else "a string in quotes"
            raise ConfigError(f"{where} must be {spelled}, not {type(value).__name__}")
        if choices is not None and value not in choices:
            raise ConfigError(f"{where} has invalid value {value!r}; use one of {', '.join(choices)}")
        values[key] = value
    try:
        validate_base_url(
            values.get("base_url", DEFAULT_BASE_URL),
            allow_insecure_http=values.get("allow_insecure_http", False),
        )
    except InsecureURLError as exc:
        raise ConfigError(f"{path}: key 'profiles.{name}.base_url': {exc}") from None
    if values.get("namespace") == "":
        raise ConfigError(f"{path}: key 'profiles.{name}.namespace' is empty; remove it to use your personal namespace")
    return replace(Profile(), **values)
