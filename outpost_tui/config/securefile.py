"""Private files: checked for safe permissions before reading, written atomically.

A file holding secrets must be a regular file owned by the user with mode 0600, in a
folder owned by the user with mode 0700. Anything looser, or a symlink, is rejected with
the ``chmod`` command that fixes it rather than silently repaired, because the secret may
already have been read by someone else and should then be revoked.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


class UnsafeFileError(Exception):
    """A private file or its folder has unsafe permissions, owner or type. The message gives the fix."""


def ensure_private_folder(folder: Path) -> None:
    """Create ``folder`` with mode 0700 if missing, then check that it is private."""
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    except FileExistsError:
        raise UnsafeFileError(f"{folder} exists and is not a folder; move it away") from None
    check_private_folder(folder)


def check_private_folder(folder: Path) -> None:
    """Raise UnsafeFileError unless ``folder`` is a real folder of this user with mode 0700."""
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeFileError(
            f"{folder} is a symlink; credentials are kept only in a real folder: "
            f"replace it with 'mkdir -m 700' of a new folder"
        )
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFileError(f"{folder} is not a folder; move it away")
    _check_owner(folder, info)
    if info.st_mode & 0o077:
        raise UnsafeFileError(
            f"{folder} has mode {stat.S_IMODE(info.st_mode):04o}, so other users can reach "
            f"the credentials in it; run: chmod 700 {folder}"
        )


def read_private_file(path: Path) -> bytes | None:
    """Return the file's bytes after checking it and its folder; None if it does not exist.

    The file is opened with ``O_NOFOLLOW`` and checked through the open descriptor, so it
    cannot be swapped for a symlink between the check and the read.
    """
    if not path.parent.exists():
        return None
    check_private_folder(path.parent)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFileError(
                f"{path} is a symlink; credentials are read only from a regular file: "
                f"remove the link and store the credential again"
            ) from None
        raise
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFileError(f"{path} is not a regular file; move it away")
        _check_owner(path, info)
        if info.st_mode & 0o077:
            raise UnsafeFileError(
                f"{path} has mode {stat.S_IMODE(info.st_mode):04o}, so other users can read it; "
                f"run: chmod 600 {path} (and revoke the credentials in it if others had access)"
            )
        return handle.read()


def write_private_file(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically with ``data`` in mode 0600 inside a 0700 folder.

    The data goes to a temporary file in the same folder, is flushed to disk, and is then
    renamed over the old file, so a crash leaves either the old or the new contents.
    """
    ensure_private_folder(path.parent)
    if path.is_symlink():
        raise UnsafeFileError(f"{path} is a symlink; remove it so a regular file can be written")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(descriptor, FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def remove_private_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
        _sync_folder(path.parent)


def _check_owner(path: Path, info: os.stat_result) -> None:
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise UnsafeFileError(
            f"{path} belongs to user id {info.st_uid}, not to you; "
            f"move it away so a file of your own can be created"
        )


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry so that the rename survives a power cut (POSIX only)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

