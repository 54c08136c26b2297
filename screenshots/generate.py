"""Regenerate the SVG screenshots of the three screens from demo data.

Run from the repository root: ``python screenshots/generate.py``. The terminal size,
the demo server's seed and both clocks are fixed, so the pictures change only when the
product does.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timezone
from pathlib import Path

from outpost_tui import clock
from outpost_tui.api import Credential
from outpost_tui.app import Target
from outpost_tui.cli import Options, build_app
from outpost_tui.demo import DemoConfig, DemoServer

SIZE = (150, 42)
FROZEN_AT = datetime(2026, 5, 2, 9, 30, 0, tzinfo=timezone.utc)
# A fixed port, because the status bar shows it.
PORT = 48765
OUTPUT = Path(__file__).resolve().parent


async def capture(server: DemoServer, kind: str) -> Path:
    options = Options(
        demo=True,
        base_url=server.url,
        namespace="acme",
        target=Target(kind=kind),
        allow_insecure_http=False,
    )
    app = build_app(options, Credential.api_key(server.api_key, source="demo server"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for _ in range(200):
            await pilot.pause(0.05)
            detail = screen.query_one("DetailPane")
            # The sparklines arrive in a request of their own after the detail.
            if screen.table.row_count and detail.item is not None and detail.analytics is not None:
                break
        else:
            raise RuntimeError(f"the {kind} screen did not fill within 10 s")
        # Let the table finish sizing its columns before the picture is taken.
        await pilot.pause(0.5)
        await pilot.pause()
        path = OUTPUT / f"{kind}.svg"
        app.save_screenshot(str(path))
    return path


async def main() -> int:
    clock.freeze(FROZEN_AT)
    server = DemoServer(DemoConfig(seed=7, plan="enterprise", port=PORT, clock=lambda: FROZEN_AT))
    server.start()
    try:
        for kind in ("machines", "jobs", "services"):
            print(f"wrote {await capture(server, kind)}")
    finally:
        server.stop()
        clock.unfreeze()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
