"""The built wheel carries the stylesheets: install it in a fresh venv and start the app."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    import outpost_tui
    from outpost_tui.resources_path import styles_dir
    from outpost_tui.api import Credential
    from outpost_tui.app import Target
    from outpost_tui.cli import Options, build_app
    from outpost_tui.demo import DemoConfig, DemoServer

    package = Path(outpost_tui.__file__).resolve().parent
    assert "site-packages" in str(package), package
    assert styles_dir() == package / "styles", styles_dir()

    async def main():
        server = DemoServer(DemoConfig(plan="enterprise"))
        server.start()
        try:
            options = Options(False, server.url, "acme", Target(), False)
            app = build_app(options, Credential.api_key(server.api_key, source="test"))
            async with app.run_test(headless=True, size=(150, 40)) as pilot:
                for _ in range(200):
                    if app.screen.table.row_count:
                        break
                    await pilot.pause(0.05)
                assert app.screen.table.row_count > 0, "no rows painted"
                # The round border comes only from styles/app.tcss, so it proves the sheet loaded.
                border = app.screen.query_one("#list-pane").styles.border_top[0]
                assert border == "round", border
        finally:
            server.stop()
        print("headless start ok")

    asyncio.run(main())
    """
)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_wheel_installs_and_starts_headless(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("outpost_tui-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [str(python), "-c", CHECK],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "headless start ok" in result.stdout
