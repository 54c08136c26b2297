"""Fixtures for credential tests: private config folders, test keyrings, stored demo keys.

No test here touches the real config folder or keyring: every path points into the
test's temporary folder, and the keyring is one of the in-memory back ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import pytest

from outpost_tui.api import Credential, OutpostClient
from outpost_tui.app import OutpostApp, Target
from outpost_tui.cli import Options, build_app
from outpost_tui.config.context import CredentialContext
from outpost_tui.demo import DemoConfig, DemoServer

from .backends import MemoryKeyring

PROFILE = "work"
# Short enough that a hung keyring or a lost response costs a test well under a second.
KEYRING_TIMEOUT = 0.5
CLIENT_TIMEOUT = httpx.Timeout(connect=2.0, read=0.5, write=2.0, pool=2.0)


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every config, credentials and keyring lookup at the test's own places."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("OUTPOST_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("OUTPOST_TUI_CREDENTIALS_DIR", str(tmp_path / "credentials"))
    for name in ("OUTPOST_TOKEN", "OUTPOST_API_KEY", "OUTPOST_TOKEN_FILE", "OUTPOST_API_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield tmp_path
    keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def key_server() -> Iterator[DemoServer]:
    """One demo server per module without rate limits; each test makes its own keys."""
    server = DemoServer(DemoConfig(seed=7, plan="enterprise", rate_limits=False))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(key_server: DemoServer) -> Iterator[DemoServer]:
    key_server.faults.reset()
    yield key_server
    key_server.faults.reset()


def fresh_key(server: DemoServer, name: str, **kwargs) -> Credential:
    """Issue a new unscoped API key on the demo server for one test."""
    value = server.state.issue_api_key("mara", name, **kwargs)
    return Credential.api_key(value, source="test")


def client_for(server: DemoServer):
    def factory(credential: Credential) -> OutpostClient:
        return OutpostClient(server.url, credential, timeout=CLIENT_TIMEOUT, retries=1)

    return factory


def works(server: DemoServer, credential: Credential | None) -> bool:
    """Whether the demo server accepts ``credential`` right now."""
    if credential is None:
        return False
    response = httpx.get(
        f"{server.url}/auth/v1/users", headers={"Authorization": credential.authorization()}, timeout=5
    )
    return response.status_code == 200


def key_names(server: DemoServer) -> set[str]:
    return set(server.state.api_keys.get("mara", {}))


def make_context(backend=None, *, profile: str | None = None) -> CredentialContext:
    return CredentialContext.load(
        profile=profile, keyring_backend=backend or keyring.get_keyring(), keyring_timeout=KEYRING_TIMEOUT
    )


def write_profiles(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def app_with_context(
    server: DemoServer,
    context: CredentialContext,
    credential: Credential | None,
    *,
    namespace: str | None = "acme",
    target: Target | None = None,
    notices: tuple[str, ...] = (),
) -> OutpostApp:
    """Build the app as the CLI does, with profiles and stores."""
    options = Options(
        demo=False,
        base_url=server.url,
        namespace=namespace,
        target=target or Target(),
        allow_insecure_http=False,
        environment=context.profile.environment,
    )
    return build_app(options, credential, context=context, notices=notices)
