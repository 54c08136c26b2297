"""The credential context of a run: config paths, the chosen profile and the two stores.

The CLI builds it once; the app keeps it to store logins, switch profiles and rotate keys.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..api.auth import Credential, CredentialKind, CredentialOrigin
from .paths import ConfigPaths
from .profiles import Profile, ProfileSet, check_profile_name, load_profiles
from .stores import CredentialStore, FileStore, KeyringStore, KeyringUnavailable

log = logging.getLogger(__name__)


@dataclass
class CredentialContext:
    """The config paths, the profiles, the profile of this run and the two stores."""

    paths: ConfigPaths
    profiles: ProfileSet
    profile: Profile
    keyring: KeyringStore
    file: FileStore
    notices: list[str] = field(default_factory=list)

    @classmethod
    def load(
        cls,
        *,
        config: str | Path | None = None,
        profile: str | None = None,
        environ: Mapping[str, str] | None = None,
        keyring_backend: Any = None,
        keyring_timeout: float | None = None,
    ) -> CredentialContext:
        """Read the profiles file and open the stores; raises ConfigError for a bad file."""
        environ = os.environ if environ is None else environ
        paths = ConfigPaths.resolve(config, environ)
        profiles = load_profiles(paths.config_file)
        chosen = profiles.select(profile)
        keyring_args = {} if keyring_timeout is None else {"timeout": keyring_timeout}
        keyring = KeyringStore(keyring_backend, **keyring_args)
        return cls(paths, profiles, chosen, keyring, FileStore(paths.credentials_file))

    @property
    def journal_folder(self) -> Path:
        return self.paths.credentials_dir

    def store(self, name: str) -> CredentialStore:
        """Return the store called ``keyring`` or ``file``; an unusable keyring raises."""
        if name == "keyring":
            if not self.keyring.available:
                raise KeyringUnavailable(f"keyring unavailable: {self.keyring.problem}")
            return self.keyring
        if name == "file":
            return self.file
        raise ValueError(f"invalid store {name!r}: use keyring or file")

    def store_of(self, credential: Credential | None) -> CredentialStore | None:
        """Return the store a credential was read from, or None if the app did not store it."""
        if credential is None:
            return None
        if credential.origin is CredentialOrigin.KEYRING:
            return self.keyring
        if credential.origin is CredentialOrigin.FILE:
            return self.file
        return None

    def select(self, name: str) -> Profile:
        """Make ``name`` the profile of this run; raises ConfigError if it is unknown."""
        self.profile = self.profiles.select(name)
        return self.profile

    def save_login(
        self, credential: Credential, store_name: str, *, profile: Profile | None = None
    ) -> Credential:
        """Store ``credential`` for ``profile`` (the current one by default) and record it.

        The store reads the value back before this returns. The profile file then records
        the credential kind and store, so later runs and rotations find the credential.
        Returns the credential labelled with its new origin.
        """
        profile = profile or self.profile
        check_profile_name(profile.name)
        store = self.store(store_name)
        store.write(profile.name, credential)
        kind = "api_key" if credential.kind is CredentialKind.API_KEY else "token"
        profile = replace(profile, credential=kind, store=store.name)
        self.profiles.put(profile)
        if self.profiles.default is None and len(self.profiles.profiles) == 1:
            self.profiles.default = profile.name
        self.profiles.save()
        self.profile = profile
        log.info("stored the credential of profile %s in the %s", profile.name, store.name)
        return credential.moved_to(store.origin, store.source(profile.name))
