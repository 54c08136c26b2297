"""Request budget benchmark: a scripted session on the demo server at the Free plan.

The app runs headless against a demo server that enforces the Free plan's limits
(60 requests per minute, 10 per second). A script switches screens, moves through rows
(which loads details) and flips pages at random for the active phase, then leaves the
app idle on one screen. Every HTTP request is recorded at the transport, so retries and
resends count too. It prints requests per minute (max and mean), the number of 429s,
requests per minute while idle, and requests sent for screens that were not visible.

    python benchmarks/request_budget.py [--minutes 10] [--idle-minutes 2] [--seed 1]

The run takes real time: the server's rate-limit windows follow the wall clock.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass

import httpx

from outpost_tui.api import Credential, OutpostClient
from outpost_tui.app import OutpostApp, Target
from outpost_tui.demo import DemoConfig, DemoServer

KINDS = ("machines", "jobs", "services")
KEYS = {"machines": "1", "jobs": "2", "services": "3"}


@dataclass
class Sent:
    at: float
    path: str
    status: int
    visible: str
    phase: str


class RecordingTransport(httpx.AsyncBaseTransport):
    """Send through a real transport and note every request with the visible screen."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.app: OutpostApp | None = None
        self.phase = "start"
        self.sent: list[Sent] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        visible = self.app.current_mode if self.app is not None else ""
        response = await self.inner.handle_async_request(request)
        self.sent.append(Sent(time.monotonic(), request.url.path, response.status_code, visible, self.phase))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def requested_kind(path: str) -> str | None:
    """The screen a request serves, from its path (``/acme/machines``, ``/acme/job/x``)."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and not path.startswith("/auth/"):
        word = parts[1]
        for kind in KINDS:
            if word in (kind, kind[:-1]):
                return kind
    return None


async def run_session(server: DemoServer, minutes: float, idle_minutes: float, seed: int) -> RecordingTransport:
    rng = random.Random(seed)
    transport = RecordingTransport()
    credential = Credential.api_key(server.api_key, source="benchmark")
    client = OutpostClient(server.url, credential, transport=transport)
    app = OutpostApp(client, credential, "acme", Target("machines"))
    transport.app = app
    async with app.run_test(size=(150, 45)) as pilot:
        transport.phase = "active"
        deadline = time.monotonic() + minutes * 60
        while time.monotonic() < deadline:
            action = rng.choice(["switch", "rows", "rows", "page", "page", "wait"])
            if action == "switch":
                await pilot.press(KEYS[rng.choice(KINDS)])
            elif action == "rows":
                await pilot.press(*rng.choices(["down", "up"], weights=[3, 1], k=rng.randint(1, 5)))
            elif action == "page":
                await pilot.press(rng.choice(["right_square_bracket", "left_square_bracket"]))
            await pilot.pause(rng.uniform(2.0, 8.0))
        await pilot.press("1")
        transport.phase = "idle"
        await pilot.pause(idle_minutes * 60)
    return transport


def per_minute(sent: list[Sent], phase: str) -> list[int]:
    times = [item.at for item in sent if item.phase == phase]
    if not times:
        return []
    start = times[0]
    buckets = Counter(int((at - start) // 60) for at in times)
    return [buckets.get(index, 0) for index in range(max(buckets) + 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the active phase")
    parser.add_argument("--idle-minutes", type=float, default=2.0, help="length of the idle phase")
    parser.add_argument("--seed", type=int, default=1, help="seed of the scripted actions")
    args = parser.parse_args()

    server = DemoServer(DemoConfig(seed=7, plan="free", rate_limits=True))
    server.start()
    try:
        transport = asyncio.run(run_session(server, args.minutes, args.idle_minutes, args.seed))
    finally:
        server.stop()

    sent = transport.sent
    active = per_minute(sent, "active")
    idle = per_minute(sent, "idle")
    # A minute that is only partly inside the phase would skew the mean, so whole
    # minutes only, when there are any.
    active_whole = active[:-1] or active
    idle_whole = idle[:-1] or idle
    hidden = [
        item for item in sent
        if item.phase in ("active", "idle") and requested_kind(item.path) not in (None, item.visible)
    ]
    too_many = sum(1 for item in sent if item.status == 429)
    print(f"scripted session on the demo server, Free plan (60/min, 10/s), seed {args.seed}")
    print(f"  active phase            {args.minutes:.1f} min, {sum(active)} requests")
    print(f"  requests per minute     max {max(active_whole, default=0)}, mean {sum(active_whole) / max(len(active_whole), 1):.1f}")
    print(f"  429 responses           {too_many}  (target 0)")
    print(f"  idle on one screen      {sum(idle_whole) / max(len(idle_whole), 1):.1f} requests/min over {args.idle_minutes:.1f} min")
    print(f"  hidden-screen requests  {len(hidden)}  (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
