"""Log viewer benchmark: outpost-tui's log view against Textual's plain ``Log`` widget.

Each program (``log_viewer_app.py``) runs in its own pseudo-terminal of 150x45 and
follows the same demo job over loopback, from a demo server in another process. For
each it prints:

- lines per second ingested into the viewer while the server writes 100,000 a second
  (the measured rate is whatever the slower of server and viewer manages);
- key press to repaint latency, p50 and p95, while 10,000 lines a second stream in:
  the time from writing ``t`` to the pty until the toggled text reaches the terminal
  (``t`` redraws every visible line: times on or off in ours, highlighting in Log);
- peak RSS (VmHWM) once 1,000,000 lines have arrived, with 100,000 lines kept;
- lines lost: seq numbers between the first and last line received that never arrived.

Targets for outpost-tui: at least 50,000 lines/s, p95 under 50 ms, under 200 MB, none
lost. Prints figures only; nothing is asserted.

    python benchmarks/logs.py [--lines 1000000] [--presses 40]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import random
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
JOB = "finetune-llama-3-r1"
SIZE = (150, 45)
INGEST_RATE = 100_000
LATENCY_RATE = 10_000
# Every wait is bounded, so a stuck program cannot hang the benchmark.
START_TIMEOUT = 60.0
INGEST_TIMEOUT = 240.0
PRESS_TIMEOUT = 5.0
KEEP_OUTPUT_BYTES = 4 << 20
# Key presses are spaced 0.2-0.5 s apart at random, so they do not line up with the
# viewer's own appends, which come at most 10 times a second.
PRESS_GAP = (0.2, 0.5)
TOGGLE_TEXT = {
    "ours": (b"times on (UTC)", b"times off"),
    "log": (b"highlight on", b"highlight off"),
}
NAMES = {"ours": "outpost-tui log view", "log": "Textual Log (reference)"}


class DemoServerProcess:
    """``outpost-tui demo-server`` on 127.0.0.1 in a child process."""

    def __init__(self, log_rate: int) -> None:
        argv = [
            sys.executable, "-m", "outpost_tui", "demo-server", "--port", "0", "--plan", "enterprise",
            "--no-rate-limits", "--log-rate", str(log_rate),
        ]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        self.url = self.api_key = ""
        deadline = time.monotonic() + START_TIMEOUT
        while not (self.url and self.api_key) and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if match := re.search(r"listening on (http://127\.0\.0\.1:\d+)", line):
                self.url = match.group(1)
            if match := re.search(r"OUTPOST_API_KEY='([^']+)'", line):
                self.api_key = match.group(1)
        if not (self.url and self.api_key):
            self.stop()
            raise RuntimeError("the demo server did not print its URL and API key")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class PtyProgram:
    """A program on its own pseudo-terminal, whose output a thread reads and keeps."""

    def __init__(self, argv: list[str]) -> None:
        controller, terminal = pty.openpty()
        columns, rows = SIZE
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
        self.process = subprocess.Popen(
            argv, stdin=terminal, stdout=terminal, stderr=terminal, env=env,
            start_new_session=True, close_fds=True,
        )
        os.close(terminal)
        self.controller = controller
        # Output is kept from byte ``discarded`` on; older bytes are dropped to bound memory.
        self.output = bytearray()
        self.discarded = 0
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.controller], [], [], 0.5)
            if not ready:
                if self.process.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.controller, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.changed:
                self.output += chunk
                if len(self.output) > KEEP_OUTPUT_BYTES:
                    drop = len(self.output) - KEEP_OUTPUT_BYTES // 2
                    del self.output[:drop]
                    self.discarded += drop
                self.changed.notify_all()

    def mark(self) -> int:
        """Return the number of output bytes read so far."""
        with self.lock:
            return self.discarded + len(self.output)

    def wait_for(self, needle: bytes, start: int, timeout: float) -> float | None:
        """Return the time ``needle`` appeared after byte ``start``, or None on timeout."""
        deadline = time.perf_counter() + timeout
        with self.changed:
            while True:
                offset = max(0, start - self.discarded - len(needle))
                if self.output.find(needle, offset) >= 0:
                    return time.perf_counter()
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return None
                self.changed.wait(remaining)

    def press(self, key: bytes) -> None:
        os.write(self.controller, key)

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        os.close(self.controller)


@dataclass
class Figures:
    """The figures of one program."""

    lines_per_second: float | None = None
    latencies_ms: list[float] = field(default_factory=list)
    missed_presses: int = 0
    peak_rss_mb: float | None = None
    received: int = 0
    lost: int | None = None


def read_stats(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def start_program(widget: str, server: DemoServerProcess, stats: Path) -> PtyProgram:
    argv = [sys.executable, str(HERE / "log_viewer_app.py"), widget, server.url, server.api_key, JOB, str(stats)]
    return PtyProgram(argv)


def wait_for_stats(stats: Path, condition, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = read_stats(stats)
        if current and condition(current):
            return current
        time.sleep(0.1)
    return read_stats(stats)


def measure_ingest(widget: str, server: DemoServerProcess, total_lines: int, figures: Figures) -> None:
    """Stream at full speed until ``total_lines`` arrived; record rate, peak RSS and losses."""
    with tempfile.TemporaryDirectory() as folder:
        stats = Path(folder) / "stats.json"
        program = start_program(widget, server, stats)
        try:
            # The first 10,000 lines are the backlog; the rate is timed on the live stream.
            start = wait_for_stats(stats, lambda s: s.get("received", 0) >= 20_000, START_TIMEOUT)
            end = wait_for_stats(stats, lambda s: s.get("received", 0) >= total_lines, INGEST_TIMEOUT)
        finally:
            program.stop()
    if start.get("received") and end.get("received", 0) > start["received"]:
        figures.lines_per_second = (end["received"] - start["received"]) / (end["time"] - start["time"])
    figures.received = end.get("received", 0)
    figures.peak_rss_mb = end.get("peak_rss", 0) / 2**20 or None
    if end.get("first_seq") is not None and end.get("last_seq") is not None:
        figures.lost = end["last_seq"] - end["first_seq"] + 1 - end["received"]


def measure_latency(widget: str, server: DemoServerProcess, presses: int, figures: Figures) -> None:
    """Press ``t`` while lines stream in and time each press until its repaint."""
    rng = random.Random(7)
    on_text, off_text = TOGGLE_TEXT[widget]
    with tempfile.TemporaryDirectory() as folder:
        stats = Path(folder) / "stats.json"
        program = start_program(widget, server, stats)
        try:
            wait_for_stats(stats, lambda s: s.get("received", 0) >= 20_000, START_TIMEOUT)
            time.sleep(1.0)
            state_on = False
            for _ in range(presses):
                expected = off_text if state_on else on_text
                start = program.mark()
                pressed = time.perf_counter()
                program.press(b"t")
                shown = program.wait_for(expected, start, PRESS_TIMEOUT)
                if shown is None:
                    figures.missed_presses += 1
                else:
                    figures.latencies_ms.append((shown - pressed) * 1000)
                state_on = not state_on
                time.sleep(rng.uniform(*PRESS_GAP))
        finally:
            program.stop()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def report(results: dict[str, Figures], total_lines: int) -> None:
    print(f"log viewer benchmark: {os.cpu_count()} CPUs, terminal {SIZE[0]}x{SIZE[1]}, demo server on loopback")
    print(f"  ingest at a server rate of {INGEST_RATE:,} lines/s until {total_lines:,} lines; "
          f"latency while {LATENCY_RATE:,} lines/s stream in")
    for widget, figures in results.items():
        print(f"\n{NAMES[widget]}")
        rate = f"{figures.lines_per_second:,.0f}" if figures.lines_per_second else "n/a"
        print(f"  lines/s ingested       {rate:>10}   (target >= 50,000)")
        if figures.latencies_ms:
            p50 = statistics.median(figures.latencies_ms)
            p95 = percentile(figures.latencies_ms, 0.95)
            print(f"  key to repaint p50     {p50:>8.1f} ms")
            print(f"  key to repaint p95     {p95:>8.1f} ms   (target < 50 ms; "
                  f"{len(figures.latencies_ms)} presses, {figures.missed_presses} not seen within {PRESS_TIMEOUT:g} s)")
        rss = f"{figures.peak_rss_mb:,.0f} MB" if figures.peak_rss_mb else "n/a"
        print(f"  peak RSS               {rss:>10}   (target < 200 MB; after {figures.received:,} lines)")
        lost = f"{figures.lost:,}" if figures.lost is not None else "n/a"
        print(f"  lines lost             {lost:>10}   (target 0)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines to ingest per program")
    parser.add_argument("--presses", type=int, default=40, help="key presses timed per program")
    parser.add_argument("--latency-only", action="store_true", help="skip the ingest, memory and loss run")
    parser.add_argument(
        "--widgets", default="ours,log", help="comma-separated programs to run: ours, log (default both)"
    )
    args = parser.parse_args()
    results = {widget: Figures() for widget in args.widgets.split(",")}

    if not args.latency_only:
        server = DemoServerProcess(INGEST_RATE)
        try:
            for widget, figures in results.items():
                measure_ingest(widget, server, args.lines, figures)
        finally:
            server.stop()

    server = DemoServerProcess(LATENCY_RATE)
    try:
        for widget, figures in results.items():
            measure_latency(widget, server, args.presses, figures)
    finally:
        server.stop()

    report(results, args.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
