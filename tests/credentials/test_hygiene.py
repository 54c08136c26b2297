"""Secret hygiene: masked types, redacted logs, and crashes that show no secret."""

from __future__ import annotations

import logging

import pytest

from outpost_tui.api import Credential, InvalidCredential
from outpost_tui.api.client import parse_model
from outpost_tui.api.errors import InvalidResponse
from outpost_tui.logging_setup import configure_logging
from outpost_tui.models import ApiKey, PersonalAccessToken
from outpost_tui.redaction import redact

from ..ui.helpers import wait_for
from .conftest import app_with_context, fresh_key, make_context


def test_models_mask_one_time_secrets():
    key = ApiKey.model_validate({"name": "ci", "secret": "sk_live_hidden000000000000000000000000"})
    token = PersonalAccessToken.model_validate({"name": "ci", "token": "op_pat_hidden0000000000000000000000000"})

    for model in (key, token):
        assert "hidden" not in repr(model)
        assert "hidden" not in str(model.model_dump())


def test_validation_errors_do_not_echo_secrets():
    with pytest.raises(InvalidCredential) as caught:
        Credential.api_key("sk_live_hiddenwithoutname", source="test")
    assert "hidden" not in str(caught.value)

    with pytest.raises(InvalidResponse) as caught:
        parse_model(ApiKey, {"name": "ci", "secret": ["sk_live_hidden0000000000"]}, "API key")
    assert "hidden" not in str(caught.value)


def test_redact_hides_headers_and_shapes():
    Credential.api_key("ci$sk_live_registeredsecret0000000000000000", source="test")
    text = redact(
        "Authorization: Bearer op_pat_abc123abc123abc123 and {'authorization': 'API-Key ci$sk_live_x1'} "
        "and sk_live_registeredsecret0000000000000000 and plain words"
    )
    assert "op_pat_abc123" not in text
    assert "sk_live_x1" not in text
    assert "registeredsecret" not in text
    assert "plain words" in text


def test_log_file_redacts_loaded_secrets(tmp_path, monkeypatch):
    log_path = tmp_path / "redacted.log"
    monkeypatch.setenv("OUTPOST_TUI_LOG", str(log_path))
    configure_logging()
    logger = logging.getLogger("outpost_tui.test")
    secret = "opaque-bearer-value-1234567890"
    Credential.token(secret, source="test")
    try:
        logger.warning("sending %s", {"Authorization": f"Bearer {secret}"})
        logger.info("the token is %s", secret)
        try:
            raise ValueError(f"failed with {secret}")
        except ValueError:
            logger.exception("request failed")
    finally:
        for handler in list(logging.getLogger("outpost_tui").handlers):
            handler.close()
            logging.getLogger("outpost_tui").removeHandler(handler)

    content = log_path.read_text()
    assert "request failed" in content
    assert secret not in content
    assert "[redacted]" in content


async def test_crash_shows_no_secret(server, tmp_path, monkeypatch, capfd):
    log_path = tmp_path / "crash.log"
    monkeypatch.setenv("OUTPOST_TUI_LOG", str(log_path))
    configure_logging()
    credential = fresh_key(server, "hygiene-crash")
    secret = credential.secret.get_secret_value()
    app = app_with_context(server, make_context(), credential)

    captured: list = []
    original = app._fatal_error

    def capture() -> None:
        original()
        captured.extend(app._exit_renderables)

    app._fatal_error = capture

    def explode() -> None:
        pasted = credential.reveal()  # a local holding the secret, as a login handler would
        raise RuntimeError(f"boom near {pasted[:4]}")

    try:
        with pytest.raises(RuntimeError):
            async with app.run_test(size=(120, 40)) as pilot:
                await wait_for(pilot, lambda: app.current_mode == "machines")
                app.call_later(explode)
                await pilot.pause(0.5)
    finally:
        for handler in list(logging.getLogger("outpost_tui").handlers):
            handler.close()
            logging.getLogger("outpost_tui").removeHandler(handler)

    rendered = "".join(str(item) for item in captured)
    printed = capfd.readouterr()
    assert captured, "the crash report was not built"
    assert "boom near" in rendered
    assert secret not in rendered
    assert secret not in printed.out + printed.err
    content = log_path.read_text()
    assert "unhandled exception" in content
    assert secret not in content
