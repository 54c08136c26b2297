"""Key rotation against the demo server with a fault at each step.

Every case ends with the same check: the credential in the profile's active slot works,
and the server holds exactly one of the two keys, so no user is locked out and no
orphan key is left behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost_tui.api.auth import CredentialOrigin
from outpost_tui.config.stores import KeyringStore, staging_slot
from outpost_tui.rotation import KeyRotation, Outcome, Step, StepState, journal_path

from .backends import MemoryKeyring
from .conftest import KEYRING_TIMEOUT, PROFILE, client_for, fresh_key, key_names, works


class Interrupted(BaseException):
    """Stands in for a crash or a kill: nothing in the rotation catches it."""


def stored_setup(server, name: str, tmp_path: Path, backend: MemoryKeyring | None = None):
    backend = backend or MemoryKeyring()
    store = KeyringStore(backend, timeout=KEYRING_TIMEOUT)
    store.write(PROFILE, fresh_key(server, name))
    return backend, store, store.read(PROFILE)


def rotation(server, store, tmp_path: Path, **kwargs) -> KeyRotation:
    return KeyRotation(
        profile=PROFILE, store=store, client_factory=client_for(server),
        journal_folder=tmp_path / "credentials", verify_delay=0.05, **kwargs,
    )


def assert_one_working_key(server, store, old_name: str) -> str:
    """Check the active slot works and exactly one of old/new exists; return its name."""
    active = store.read(PROFILE)
    assert works(server, active), "the stored active credential must work"
    rotated = {name for name in key_names(server) if name.startswith(old_name)}
    assert rotated == {active.key_name}, f"expected only {active.key_name}, found {rotated}"
    return active.key_name


async def test_rotation_replaces_and_revokes(server, tmp_path):
    _, store, current = stored_setup(server, "rot-plain", tmp_path)
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROTATED, report.message
    assert report.exit_status == 0
    assert assert_one_working_key(server, store, "rot-plain") == report.new_name
    assert not works(server, current)
    assert store.read(staging_slot(PROFILE)) is None
    assert not journal_path(tmp_path / "credentials", PROFILE).exists()
    assert [step for step, state, _ in report.steps if state is StepState.DONE] == list(Step)


async def test_rotation_keeps_scopes_and_lifetime(server, tmp_path):
    from datetime import timedelta

    now = server.state.now()
    value = server.state.issue_api_key(
        "mara", "rot-scoped-life", expires_at=now + timedelta(days=30), created_at=now
    )
    store = KeyringStore(MemoryKeyring(), timeout=KEYRING_TIMEOUT)
    from outpost_tui.api import Credential

    store.write(PROFILE, Credential.api_key(value, source="test"))
    report = await rotation(server, store, tmp_path).run(store.read(PROFILE))

    assert report.outcome is Outcome.ROTATED, report.message
    record = server.state.api_keys["mara"][report.new_name]
    assert round((record["expires_at"] - record["created_at"]) / timedelta(days=1)) == 30


async def test_check_failure_changes_nothing(server, tmp_path):
    _, store, current = stored_setup(server, "rot-check", tmp_path)
    server.faults.routes.add("GET", "/auth/v1/users", status=500, times=5)
    report = await rotation(server, store, tmp_path).run(current)
    server.faults.routes.clear()

    assert report.outcome is Outcome.REFUSED
    assert "could not be checked" in report.message
    assert report.exit_status != 0
    assert assert_one_working_key(server, store, "rot-check") == "rot-check"


async def test_scoped_key_is_refused(server, tmp_path):
    from outpost_tui.api import Credential

    store = KeyringStore(MemoryKeyring(), timeout=KEYRING_TIMEOUT)
    value = server.state.issue_api_key("mara", "rot-scoped", scopes=["job"])
    store.write(PROFILE, Credential.api_key(value, source="test"))
    report = await rotation(server, store, tmp_path).run(store.read(PROFILE))

    assert report.outcome is Outcome.REFUSED
    assert "may not manage keys" in report.message
    assert key_names(server) >= {"rot-scoped"}


async def test_environment_credential_not_rotated(server, tmp_path):
    from outpost_tui.api import Credential

    value = server.state.issue_api_key("mara", "rot-env")
    current = Credential.api_key(
        value, source="environment variable OUTPOST_API_KEY", origin=CredentialOrigin.ENVIRONMENT
    )
    store = KeyringStore(MemoryKeyring(), timeout=KEYRING_TIMEOUT)
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.REFUSED
    assert "OUTPOST_API_KEY" in report.message
    assert "Keys screen" in report.message
    assert works(server, current)


async def test_create_error_retried_once(server, tmp_path):
    _, store, current = stored_setup(server, "rot-create-500", tmp_path)
    server.faults.routes.add("POST", "/auth/v1/api_keys", status=500)
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROTATED, report.message
    assert_one_working_key(server, store, "rot-create-500")


async def test_create_failing_twice_rolls_back(server, tmp_path):
    _, store, current = stored_setup(server, "rot-create-fail", tmp_path)
    server.faults.routes.add("POST", "/auth/v1/api_keys", status=500, times=2)
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROLLED_BACK
    assert "old key stays active" in report.message
    assert assert_one_working_key(server, store, "rot-create-fail") == "rot-create-fail"
    assert not journal_path(tmp_path / "credentials", PROFILE).exists()


async def test_create_timeout_lists_instead_of_duplicating(server, tmp_path):
    _, store, current = stored_setup(server, "rot-create-lost", tmp_path)
    # The key is created, but its response (and so its secret) never arrives.
    server.faults.routes.add("POST", "/auth/v1/api_keys", status=None, after=True, delay_seconds=1.0)
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROTATED, report.message
    assert assert_one_working_key(server, store, "rot-create-lost") == report.new_name
    posts = [entry for entry in server.faults.routes.triggered if entry[0] == "POST"]
    assert len(posts) == 1


async def test_staging_write_failure_rolls_back(server, tmp_path):
    backend, store, current = stored_setup(server, "rot-stage", tmp_path)
    backend.fail_writes_after = backend.writes
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROLLED_BACK
    assert "could not be stored" in report.message
    assert assert_one_working_key(server, store, "rot-stage") == "rot-stage"


async def test_staging_write_dropped_rolls_back(server, tmp_path):
    backend, store, current = stored_setup(server, "rot-drop", tmp_path)
    backend.drop_writes_after = backend.writes
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROLLED_BACK
    assert "read back" in report.message
    assert assert_one_working_key(server, store, "rot-drop") == "rot-drop"


async def test_verify_failure_rolls_back(server, tmp_path):
    _, store, current = stored_setup(server, "rot-verify", tmp_path)
    # The check step's call passes; every call after it (the verification) is rejected.
    server.faults.routes.add("GET", "/auth/v1/users", status=401, skip=1, times=10)
    report = await rotation(server, store, tmp_path).run(current)
    server.faults.routes.clear()

    assert report.outcome is Outcome.ROLLED_BACK
    assert "verification" in report.message
    assert assert_one_working_key(server, store, "rot-verify") == "rot-verify"


async def test_verify_retries_a_transient_failure(server, tmp_path):
    _, store, current = stored_setup(server, "rot-verify-once", tmp_path)
    server.faults.routes.add("GET", "/auth/v1/users", status=401, skip=1)
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROTATED, report.message
    assert_one_working_key(server, store, "rot-verify-once")


async def test_activate_failure_restores_old(server, tmp_path):
    backend, store, current = stored_setup(server, "rot-activate", tmp_path)
    backend.fail_writes_after = backend.writes + 2  # staging, then the old key restored
    original = backend.set_password
    calls = []

    def flaky(service, username, password):
        calls.append(username)
        if username == PROFILE and len(calls) == 2:
            from keyring.errors import PasswordSetError

            raise PasswordSetError("the keyring refused the write")
        return original(service, username, password)

    backend.set_password = flaky
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROLLED_BACK, report.message
    assert "could not be made active" in report.message
    assert assert_one_working_key(server, store, "rot-activate") == "rot-activate"


async def test_activate_and_restore_failing_resumes_later(server, tmp_path):
    backend, store, current = stored_setup(server, "rot-activate-stuck", tmp_path)
    backend.fail_writes_after = backend.writes + 1  # only the staging write succeeds
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.PENDING, report.message
    assert "staging slot" in report.message
    assert works(server, store.read(PROFILE))
    assert works(server, store.read(staging_slot(PROFILE)))

    backend.fail_writes_after = None
    resumed = await rotation(server, store, tmp_path).run(store.read(PROFILE))
    assert resumed.outcome is Outcome.ROTATED, resumed.message
    assert assert_one_working_key(server, store, "rot-activate-stuck") == report.new_name


async def test_revoke_failure_reports_incomplete(server, tmp_path):
    _, store, current = stored_setup(server, "rot-revoke", tmp_path)
    server.faults.routes.add("DELETE", "/auth/v1/api_keys/rot-revoke", status=500, times=10)
    report = await rotation(server, store, tmp_path).run(current)
    server.faults.routes.clear()

    assert report.outcome is Outcome.INCOMPLETE
    assert "not revoked yet" in report.message
    assert works(server, store.read(PROFILE))
    assert works(server, current)

    finished = await rotation(server, store, tmp_path).recover()
    assert finished.outcome is Outcome.ROTATED, finished.message
    assert not works(server, current)
    assert_one_working_key(server, store, "rot-revoke")


async def test_revoke_timeout_checks_the_list(server, tmp_path):
    _, store, current = stored_setup(server, "rot-revoke-lost", tmp_path)
    server.faults.routes.add(
        "DELETE", "/auth/v1/api_keys/rot-revoke-lost", status=None, after=True, delay_seconds=1.0
    )
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROTATED, report.message
    assert_one_working_key(server, store, "rot-revoke-lost")


async def test_cleanup_failure_still_rotates(server, tmp_path):
    backend, store, current = stored_setup(server, "rot-cleanup", tmp_path)
    backend.fail_deletes = True
    report = await rotation(server, store, tmp_path).run(current)

    assert report.outcome is Outcome.ROTATED
    assert "clean-up left work" in report.message
    assert_one_working_key(server, store, "rot-cleanup")


@pytest.mark.parametrize(
    ("step", "state"),
    [
        (Step.CHECK, StepState.DONE),
        (Step.CREATE, StepState.DONE),
        (Step.STAGE, StepState.DONE),
        (Step.VERIFY, StepState.DONE),
        (Step.ACTIVATE, StepState.RUNNING),
        (Step.ACTIVATE, StepState.DONE),
        (Step.REVOKE, StepState.DONE),
    ],
)
async def test_interrupted_rotation_recovers(server, tmp_path, step, state):
    name = f"rot-crash-{step.value}-{state.value}"
    _, store, current = stored_setup(server, name, tmp_path)

    def crash(at_step, at_state, detail):
        if (at_step, at_state) == (step, state):
            raise Interrupted

    with pytest.raises(Interrupted):
        await rotation(server, store, tmp_path, progress=crash).run(current)
    assert works(server, store.read(PROFILE)), "a stored key must work right after the crash"

    report = await rotation(server, store, tmp_path).recover()
    assert report is not None
    assert report.outcome in (Outcome.ROTATED, Outcome.ROLLED_BACK), report.message
    remaining = assert_one_working_key(server, store, name)
    if report.outcome is Outcome.ROLLED_BACK:
        assert remaining == name
    else:
        assert remaining != name
    assert not journal_path(tmp_path / "credentials", PROFILE).exists()


async def test_unique_name_replaces_earlier_suffix():
    from datetime import datetime, timezone

    from outpost_tui.rotation import unique_name

    moment = datetime(2026, 5, 1, 12, 30, 0, tzinfo=timezone.utc)
    assert unique_name("deploy-20250101-000000", set(), moment) == "deploy-20260501-123000"
    assert unique_name("deploy", {"deploy-20260501-123000"}, moment) == "deploy-20260501-123000-2"
    assert len(unique_name("x" * 64, set(), moment)) == 64


async def test_pat_rotation_found_by_prefix(server, tmp_path):
    from outpost_tui.api import Credential

    token = server.state.issue_pat("mara", "rot-pat", scopes=None)
    store = KeyringStore(MemoryKeyring(), timeout=KEYRING_TIMEOUT)
    store.write(PROFILE, Credential.token(token, source="test"))
    report = await rotation(server, store, tmp_path).run(store.read(PROFILE))

    assert report.outcome is Outcome.ROTATED, report.message
    assert report.old_name == "rot-pat"
    new = store.read(PROFILE)
    assert new.reveal().startswith("op_pat_")
    assert works(server, new)
    assert not works(server, Credential.token(token))
    assert set(server.state.pats["mara"]) & {"rot-pat", report.new_name} == {report.new_name}
