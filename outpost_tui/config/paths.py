"""Paths of the profiles file, the credentials file and the rotation journal."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_dir

APP_NAME = "outpost-tui"
CONFIG_VARIABLE = "OUTPOST_TUI_CONFIG"
CREDENTIALS_DIR_VARIABLE = "OUTPOST_TUI_CREDENTIALS_DIR"
CONFIG_FILE_NAME = "config.toml"
CREDENTIALS_FILE_NAME = "credentials.toml"
JOURNAL_FILE_NAME = "rotation-journal.json"


@dataclass(frozen=True)
class ConfigPaths:
    """The files the app reads and writes outside the repository.

    ``credentials_dir`` contains the opt-in credentials file and the rotation journals. It
    is created with mode 0700 when the first of them is written.
    """

    config_file: Path
    credentials_dir: Path

    @property
    def credentials_file(self) -> Path:
        return self.credentials_dir / CREDENTIALS_FILE_NAME

    @property
    def journal_file(self) -> Path:
        return self.credentials_dir / JOURNAL_FILE_NAME

    @classmethod
    def resolve(
        cls, config: str | Path | None = None, environ: Mapping[str, str] | None = None
    ) -> ConfigPaths:
        """Pick the paths: ``--config`` first, then ``OUTPOST_TUI_CONFIG``, then platformdirs.

        ``OUTPOST_TUI_CREDENTIALS_DIR`` moves the credentials folder, else it sits in the
        platform's config folder (``~/.config/outpost-tui/credentials`` on Linux).
        """
        environ = os.environ if environ is None else environ
        folder = Path(user_config_dir(APP_NAME, appauthor=False))
        chosen = config or environ.get(CONFIG_VARIABLE) or folder / CONFIG_FILE_NAME
        credentials = environ.get(CREDENTIALS_DIR_VARIABLE) or folder / "credentials"
        return cls(Path(chosen).expanduser(), Path(credentials).expanduser())
