"""The Keys screen on a live demo server: list, create, show once, revoke, SSH keys, rotate."""

from __future__ import annotations

import httpx

from outpost_tui.api.auth import CredentialOrigin
from outpost_tui.app import Target
from outpost_tui.screens.modals.keys import AddSshKeyModal, CreateKeyModal, TypedConfirmModal
from outpost_tui.screens.modals.rotation import RotationWizard
from outpost_tui.screens.modals.secret import SecretModal

from ..ui.helpers import column_texts, screen_text, wait_for
from .conftest import app_with_context, fresh_key, key_names, make_context, works

SIZE = (170, 50)
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop"
ED25519_FINGERPRINT = "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU"


def keys_app(server, name: str, *, store: bool = True, read_only: bool = False):
    context = make_context()
    credential = fresh_key(server, name)
    if store:
        credential = context.save_login(credential, "keyring")
    app = app_with_context(server, context, credential, target=Target("keys"))
    app.read_only = read_only
    return app, credential


async def open_keys(pilot, app):
    await wait_for(pilot, lambda: app.current_mode == "keys"
                   and app.screen.table_for("tab-api-keys").row_count > 0)


async def test_keys_screen_lists_keys(server):
    app, credential = keys_app(server, "ui-list")
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot, app)
        names = column_texts(app.screen.table_for("tab-api-keys"))
        assert "ui-list" in names
        record = server.state.api_keys["mara"]["ui-list"]
        hint = f"{record['prefix']}…{record['last_four']}"
        await wait_for(pilot, lambda: hint in screen_text(app) and "● in use" in screen_text(app))
        assert credential.secret.get_secret_value() not in screen_text(app)


async def test_key_six_opens_keys(server):
    app, _ = keys_app(server, "ui-key6")
    app.target = Target("machines")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await open_keys(pilot, app)


async def test_created_secret_shown_once(server):
    app, _ = keys_app(server, "ui-create")
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot, app)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, CreateKeyModal))
        await pilot.press(*"bad name!")
        await pilot.press("enter")
        assert isinstance(app.screen, CreateKeyModal)
        assert "invalid name" in screen_text(app)
        app.screen.query_one("#key-name").value = "ui-created"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SecretModal))

        modal = app.screen
        secret = modal.credential.reveal()
        assert secret.startswith("ui-created$sk_live_")
        assert secret not in screen_text(app)
        await pilot.press("v")
        await wait_for(pilot, lambda: secret in screen_text(app))
        await pilot.press("c")
        assert app.clipboard == secret
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SecretModal))
        assert modal.credential is None
        assert app.clipboard == ""
        assert secret not in screen_text(app)
        assert "ui-created" in key_names(server)


async def test_revoke_needs_the_typed_name(server):
    app, _ = keys_app(server, "ui-revoke-self")
    victim = fresh_key(server, "ui-victim")
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot, app)
        table = app.screen.table_for("tab-api-keys")
        table.move_to_key("ui-victim")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmModal))
        await pilot.press(*"ui-victi")
        await pilot.press("enter")
        assert isinstance(app.screen, TypedConfirmModal)
        assert works(server, victim)
        await pilot.press("m", "enter")
        await wait_for(pilot, lambda: "ui-victim" not in key_names(server))
        assert not works(server, victim)


async def test_ssh_key_checked_before_sending(server):
    app, _ = keys_app(server, "ui-ssh")
    before = dict(server.state.ssh_keys.get("mara", {}))
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot, app)
        app.screen.query_one("#keys-tabs").active = "tab-ssh-keys"
        await pilot.pause()
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AddSshKeyModal))
        modal = app.screen
        modal.query_one("#ssh-name").value = "laptop-ui"
        modal.query_one("#ssh-public-key").value = "ssh-ed25519 AAAAnotbase64!!"
        await pilot.pause()
        assert modal.query_one("#ssh-add").disabled
        assert "base64" in screen_text(app)
        await pilot.press("enter")
        assert server.state.ssh_keys.get("mara", {}) == before

        modal.query_one("#ssh-public-key").value = ED25519
        await pilot.pause()
        assert ED25519_FINGERPRINT in screen_text(app)
        modal.query_one("#ssh-add").press()
        await wait_for(pilot, lambda: any(k["name"] == "laptop-ui" for k in server.state.ssh_keys["mara"].values()))
        table = app.screen.table_for("tab-ssh-keys")
        await wait_for(pilot, lambda: "laptop-ui" in column_texts(table))

        key_id = next(k["id"] for k in server.state.ssh_keys["mara"].values() if k["name"] == "laptop-ui")
        table.move_to_key(key_id)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmModal))
        await pilot.press(*"laptop-ui", "enter")
        await wait_for(pilot, lambda: key_id not in server.state.ssh_keys["mara"])


async def test_rotation_wizard_switches_key(server):
    app, old = keys_app(server, "ui-rotate")
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot, app)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RotationWizard))
        wizard = app.screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.report is not None)

        assert wizard.report.succeeded, wizard.report.message
        assert "rotated API key ui-rotate" in screen_text(app)
        assert app.credential.key_name == wizard.report.new_name
        assert app.credential.origin is CredentialOrigin.KEYRING
        assert not works(server, old)
        assert works(server, app.credential)
        assert app.client.credential is app.credential
        await pilot.press("escape")
        await wait_for(pilot, lambda: wizard.report.new_name in column_texts(app.screen.table_for("tab-api-keys")))
        assert "keyring (profile default)" in app.connection.credential_label


async def test_rotation_wizard_explains_environment(server):
    context = make_context()
    credential = fresh_key(server, "ui-rotate-env").moved_to(
        CredentialOrigin.ENVIRONMENT, "environment variable OUTPOST_API_KEY"
    )
    app = app_with_context(server, context, credential, target=Target("keys"))
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot, app)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RotationWizard))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.report is not None)
        assert "OUTPOST_API_KEY" in app.screen.report.message
        assert works(server, credential)


async def test_read_only_refuses_changes(server):
    app, _ = keys_app(server, "ui-read-only", read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot, app)
        for key in ("n", "d", "R"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.__class__.__name__ == "KeysScreen"
        assert "read-only" in screen_text(app)


async def test_revoked_key_rejected_at_once(server):
    key = fresh_key(server, "ui-instant-revoke")
    headers = {"Authorization": key.authorization()}
    with httpx.Client(base_url=server.url, headers=headers, timeout=5) as http:
        assert http.get("/auth/v1/users").status_code == 200
        assert http.delete("/auth/v1/api_keys/ui-instant-revoke").status_code == 204
        assert http.get("/auth/v1/users").status_code == 401
