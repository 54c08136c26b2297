"""Saving log lines to a file, and reading the times a user types to jump to a line.

No Textual here: the log screen calls these, and tests can too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from .widgets.log_buffer import TEXT, TIMESTAMP, LogEntry, entry_stream

_CLOCK = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?")
_UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]")


def format_saved(entry: LogEntry, *, timestamps: bool) -> str:
    """Format a line for a saved file: the whole message, after its time and stream when
    the view shows times."""
    text = entry[TEXT]
    if not timestamps:
        return text
    moment = entry[TIMESTAMP]
    if moment is None:
        stamp = "-"
    else:
        stamp = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return f"{stamp} {entry_stream(entry)} {text}"


def default_save_path(name: str, *, filtered: bool, now: datetime | None = None) -> Path:
    """Return a path in the working folder named after the resource and the UTC time."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    stem = _UNSAFE_FILE_CHARACTERS.sub("_", name) or "log"
    suffix = "-shown" if filtered else ""
    return Path.cwd() / f"{stem}-{moment:%Y%m%d-%H%M%S}{suffix}.log"


def resolve_save_path(text: str) -> Path:
    """Turn what the user typed into an absolute path in an existing folder.

    Raises ValueError, with a message saying what to type instead, for an empty path, a
    folder, or a file in a folder that does not exist.
    """
    text = text.strip()
    if not text:
        raise ValueError("Missing path: type where to save the log, such as ./job.log.")
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    if path.is_dir():
        raise ValueError(f"{path} is a folder: add a file name, such as {path / 'job.log'}.")
    if not path.parent.is_dir():
        raise ValueError(f"Folder {path.parent} does not exist: create it or choose another path.")
    return path


def write_log_file(path: Path, entries: Iterable[LogEntry], *, timestamps: bool) -> int:
    """Write one line per entry, UTF-8 with ``\\n`` endings, and return how many were written.

    The lines go to a temporary file next to ``path`` that then replaces it, so a failed
    write never leaves a half-written log or damages an older file of that name.
    """
    temporary = path.with_name(f".{path.name}.partial")
    count = 0
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            for entry in entries:
                handle.write(format_saved(entry, timestamps=timestamps))
                handle.write("\n")
                count += 1
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def parse_jump_time(text: str, reference: datetime) -> datetime | None:
    """Read ``HH:MM[:SS[.fff]]`` (UTC, on the day of ``reference``) or an ISO 8601 time.

    A clock time later than ``reference`` means the day before, since a log holds only
    the past. Returns None for anything else.
    """
    text = text.strip()
    match = _CLOCK.fullmatch(text)
    if match is not None:
        try:
            fraction = (match.group("fraction") or "0").ljust(6, "0")
            clock = time(
                int(match.group("hour")), int(match.group("minute")), int(match.group("second") or 0),
                int(fraction), tzinfo=timezone.utc,
            )
        except ValueError:
            return None
        day = reference.astimezone(timezone.utc).date()
        moment = datetime.combine(day, clock)
        if moment > reference + timedelta(minutes=1):
            moment -= timedelta(days=1)
        return moment
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
