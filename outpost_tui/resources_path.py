"""Locate the stylesheets, inside an installed wheel or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def styles_dir() -> Path:
    """Return the folder that contains the .tcss files.

    A wheel carries them as ``outpost_tui/styles``; a source checkout or an editable
    install keeps them in ``styles/`` at the top of the repository.
    """
    for candidate in (_PACKAGE_DIR / "styles", _PACKAGE_DIR.parent / "styles"):
        if (candidate / "app.tcss").is_file():
            return candidate
    raise FileNotFoundError(
        f"the outpost-tui stylesheets are missing: looked in {_PACKAGE_DIR / 'styles'} and "
        f"{_PACKAGE_DIR.parent / 'styles'}; reinstall the package"
    )


def stylesheet_paths() -> list[Path]:
    """Return every .tcss file, app.tcss first so the others can refine it."""
    folder = styles_dir()
    others = sorted(path for path in folder.glob("*.tcss") if path.name != "app.tcss")
    return [folder / "app.tcss", *others]
