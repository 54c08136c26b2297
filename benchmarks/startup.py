"""Startup benchmark: process start to the first table rows painted, on the demo server.

Runs ``outpost-tui`` and a bare Textual app with one DataTable of the same rows
(``bare_table_app.py``) alternately, each in its own pseudo-terminal, and times how long
each takes to write the first row's name to the terminal. Prints the median of each and
their ratio (target: at most 1.5).

    python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pty import time_until_output  # noqa: E402

from outpost_tui.demo import DemoConfig, DemoServer  # noqa: E402

HERE = Path(__file__).resolve().parent


def first_row_name(server: DemoServer) -> bytes:
    response = httpx.get(
        f"{server.url}/acme/machines",
        params={"page": 1, "per_page": 20},
        headers={"Authorization": f"API-Key {server.api_key}"},
    )
    response.raise_for_status()
    return response.json()["data"][0]["name"].encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each program (at least 5)")
    args = parser.parse_args()
    runs = max(args.runs, 5)

    server = DemoServer(DemoConfig(seed=7, plan="enterprise"))
    server.start()
    try:
        needle = first_row_name(server)
        env = {**os.environ, "OUTPOST_API_KEY": server.api_key}
        env.pop("OUTPOST_TOKEN", None)
        ours = [sys.executable, "-m", "outpost_tui", "--base-url", server.url, "-n", "acme", "machines"]
        bare = [sys.executable, str(HERE / "bare_table_app.py"), server.url]
        times: dict[str, list[float]] = {"outpost-tui": [], "bare DataTable app": []}
        # One untimed run of each warms the file cache so neither pays for it alone.
        time_until_output(ours, needle, env=env)
        time_until_output(bare, needle, env=env)
        for _ in range(runs):
            times["outpost-tui"].append(time_until_output(ours, needle, env=env))
            times["bare DataTable app"].append(time_until_output(bare, needle, env=env))
    finally:
        server.stop()

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"startup to first rows painted, median of {runs} runs, demo server on loopback")
    for name, values in times.items():
        spread = f"min {min(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
        print(f"  {name:<20} {medians[name] * 1000:7.0f} ms  ({spread})")
    ratio = medians["outpost-tui"] / medians["bare DataTable app"]
    print(f"  ratio                {ratio:7.2f}  (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
