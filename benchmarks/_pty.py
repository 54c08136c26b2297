"""Run a program in a pseudo-terminal and time how long it takes to print a string."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time


def time_until_output(
    argv: list[str],
    needle: bytes,
    *,
    env: dict[str, str],
    size: tuple[int, int] = (140, 40),
    timeout: float = 30.0,
) -> float:
    """Start ``argv`` on a fresh pty and return seconds until ``needle`` appears in its output."""
    controller, terminal = pty.openpty()
    columns, rows = size
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)},
        start_new_session=True,
        close_fds=True,
    )
    os.close(terminal)
    seen = b""
    try:
        while True:
            remaining = timeout - (time.perf_counter() - started)
            if remaining <= 0:
                raise TimeoutError(f"{argv[0]} did not print {needle!r} within {timeout} s")
            ready, _, _ = select.select([controller], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise RuntimeError(f"{argv} exited before printing {needle!r}: {seen[-500:]!r}")
            seen = seen[-len(needle) :] + chunk
            if needle in seen:
                return time.perf_counter() - started
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
        os.close(controller)
