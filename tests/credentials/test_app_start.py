"""Starting the app with each keyring failure, logging in, switching profiles, recovering."""

from __future__ import annotations

import os
import stat

import pytest

from outpost_tui.api.auth import CredentialOrigin
from outpost_tui.app import Target
from outpost_tui.config.resolve import resolve_credential
from outpost_tui.config.stores import KeyringStore
from outpost_tui.rotation import KeyRotation, Step, StepState
from outpost_tui.screens.login import LoginScreen

from ..ui.helpers import screen_text, wait_for
from .backends import DroppingKeyring, FailingKeyring, HangingKeyring, LockedKeyring, MemoryKeyring
from .conftest import (
    KEYRING_TIMEOUT,
    app_with_context,
    client_for,
    fresh_key,
    make_context,
    works,
    write_profiles,
)

SIZE = (160, 50)


def start(server, backend, tmp_path):
    """Resolve the credential as the CLI does and build the app."""
    context = make_context(backend)
    resolution = resolve_credential(
        context.profile, environ={}, keyring_store=context.keyring, file_store=context.file
    )
    app = app_with_context(server, context, resolution.credential, notices=tuple(resolution.notices))
    return app, context


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (FailingKeyring(), "failed to read"),
        (LockedKeyring(), "locked"),
        (HangingKeyring(), "timed out after"),
    ],
    ids=["failing", "locked", "hanging"],
)
async def test_broken_keyring_app_asks_for_login(server, tmp_path, backend, reason):
    app, context = start(server, backend, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await wait_for(pilot, lambda: "keyring unavailable" in screen_text(app))
        assert reason in screen_text(app)
        assert app.screen.query_one("#store-memory").value is True
    assert not context.file.path.exists()
    assert not context.paths.credentials_dir.exists()
    if isinstance(backend, HangingKeyring):
        backend.release.set()


async def test_dropping_keyring_login_stores_nothing(server, tmp_path):
    app, context = start(server, DroppingKeyring(), tmp_path)
    credential = fresh_key(server, "start-drop")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        app.screen.query_one("#login-base-url").value = server.url
        app.screen.query_one("#login-secret").value = credential.reveal()
        app.screen.query_one("#store-keyring").value = True
        await pilot.click("#login-submit")
        error = app.screen.query_one("#login-error")
        await wait_for(pilot, lambda: "Not stored" in str(error.render()))
        assert "read back" in str(error.render())
        assert credential.secret.get_secret_value() not in screen_text(app)
        assert isinstance(app.screen, LoginScreen)
    assert not context.file.path.exists()


async def test_login_screen_stores_in_file_on_consent(server, tmp_path):
    app, context = start(server, MemoryKeyring(), tmp_path)
    credential = fresh_key(server, "start-file")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        app.screen.query_one("#login-base-url").value = server.url
        app.screen.query_one("#login-secret").value = credential.reveal()
        app.screen.query_one("#store-file").value = True
        await pilot.click("#login-submit")
        await wait_for(pilot, lambda: app.current_mode == "machines" and app.screen.table.row_count > 0)
        assert app.credential.origin is CredentialOrigin.FILE
        assert "credentials file" in app.connection.credential_label
    assert stat.S_IMODE(os.stat(context.file.path).st_mode) == 0o600
    assert context.file.read("default").reveal() == credential.reveal()


async def test_login_memory_only_writes_nothing(server, tmp_path):
    app, context = start(server, MemoryKeyring(), tmp_path)
    credential = fresh_key(server, "start-memory")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        app.screen.query_one("#login-base-url").value = server.url
        app.screen.query_one("#login-secret").value = credential.reveal()
        await pilot.click("#login-submit")
        await wait_for(pilot, lambda: app.current_mode == "machines" and app.screen.table.row_count > 0)
        assert app.credential.origin is CredentialOrigin.PROMPT
        assert "memory only" in app.connection.credential_label
    assert not context.paths.credentials_dir.exists()
    assert not context.keyring.backend.entries


async def test_login_rejected_key_not_echoed(server, tmp_path):
    app, _ = start(server, MemoryKeyring(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        app.screen.query_one("#login-base-url").value = server.url
        app.screen.query_one("#login-secret").value = "ghost$sk_live_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
        await pilot.click("#login-submit")
        await wait_for(pilot, lambda: "rejected" in screen_text(app))
        assert "zzzzzzzz" not in screen_text(app)


async def test_status_bar_names_the_source(server, tmp_path):
    context = make_context()
    context.save_login(fresh_key(server, "start-source"), "keyring")
    app, _ = start(server, context.keyring.backend, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.current_mode == "machines" and app.screen.table.row_count > 0)
        assert "API key start-source (keyring (profile default))" in screen_text(app)


async def test_switch_profile_reconnects(server, tmp_path):
    write_profiles(tmp_path, f"""
default = "work"
[profiles.work]
base_url = "{server.url}"
namespace = "acme"
[profiles.personal]
base_url = "{server.url}"
environment = "prod"
read_only = true
""")
    context = make_context(MemoryKeyring())
    context.save_login(fresh_key(server, "switch-work"), "keyring")
    personal = context.profiles.select("personal")
    context.save_login(fresh_key(server, "switch-personal"), "keyring", profile=personal)
    context.select("work")
    app = app_with_context(server, context, context.keyring.read("work"), target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.current_mode == "jobs" and app.screen.table.row_count > 0)
        await app.switch_profile("personal")
        await wait_for(pilot, lambda: app.connection.namespace == "mara")
        await wait_for(pilot, lambda: app.current_mode == "jobs" and app.screen.table.row_count > 0)
        assert app.credential.key_name == "switch-personal"
        assert app.read_only is True
        assert app.environment == "prod"
        assert "ns mara" in screen_text(app)


class Interrupted(BaseException):
    pass


async def test_interrupted_rotation_finished_at_start(server, tmp_path):
    context = make_context(MemoryKeyring())
    old = context.save_login(fresh_key(server, "start-recover"), "keyring")
    store = KeyringStore(context.keyring.backend, timeout=KEYRING_TIMEOUT)

    def crash(step, state, detail):
        if (step, state) == (Step.ACTIVATE, StepState.DONE):
            raise Interrupted

    rotation = KeyRotation(
        profile="default", store=store, client_factory=client_for(server),
        journal_folder=context.journal_folder, progress=crash,
    )
    with pytest.raises(Interrupted):
        await rotation.run(old)

    app, _ = start(server, context.keyring.backend, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("rotated API key start-recover" in n.message for n in app._notifications))
        assert not works(server, old)
        assert works(server, app.credential)
