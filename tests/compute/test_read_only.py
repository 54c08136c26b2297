"""Read-only mode: every mutating action is blocked in the screen and again in the client."""

from __future__ import annotations

import httpx
import pytest

from outpost_tui.api import ENDPOINTS, OutpostClient, ReadOnlyError
from outpost_tui.app import Target
from outpost_tui.guard import MUTATING_ACTIONS, READ_ONLY_TITLE
from outpost_tui.screens import MODE_SPECS

from ..conftest import make_app
from ..ui.helpers import wait_for
from .helpers import SIZE, modal_open, record, wait_rows

MUTATING_OPERATIONS = sorted(name for name, endpoint in ENDPOINTS.items() if endpoint.mutating)
PATH_VALUES = {"namespace": "acme", "name": "x", "id": "ssh_000000000000"}
# Keys that leave the screen or the app; everything else is pressed in the sweep.
NAVIGATION_ACTIONS = ("quit", "show_kind", "toggle_keys", "command_palette")


def screen_class(mode: str) -> type:
    spec = next(spec for spec in MODE_SPECS if spec.name == mode)
    module_name, _, class_name = spec.screen.partition(":") if isinstance(spec.screen, str) else ("", "", "")
    if not module_name:
        return spec.screen
    import importlib

    return getattr(importlib.import_module(module_name), class_name)


@pytest.mark.parametrize("operation", MUTATING_OPERATIONS)
async def test_client_blocks_every_write(operation):
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    client = OutpostClient("http://127.0.0.1:9", None, transport=httpx.MockTransport(handler))
    client.read_only = True
    endpoint = ENDPOINTS[operation]
    path = {name: PATH_VALUES[name] for name in endpoint.placeholders}
    with pytest.raises(ReadOnlyError) as caught:
        await client.request(operation, path=path, json_body={})
    assert caught.value.method == endpoint.method
    assert sent == []
    await client.aclose()


def test_app_flag_reaches_client(demo_server):
    app = make_app(demo_server)
    app.read_only = True
    assert app.client.read_only is True


def test_registry_matches_bindings():
    for action in MUTATING_ACTIONS:
        screen = screen_class(action.screen)
        bindings = {binding.id: binding for binding in screen.BINDINGS}
        assert action.id in bindings, f"{action.id} has no binding on {screen.__name__}"
        assert bindings[action.id].key == action.key
        method = getattr(screen, f"action_{action.action}")
        assert getattr(method, "mutating_action_id", None) == action.id


def test_every_guarded_method_is_registered():
    registered = {action.id for action in MUTATING_ACTIONS}
    for spec in MODE_SPECS:
        screen = screen_class(spec.name)
        for name in dir(screen):
            marker = getattr(getattr(screen, name, None), "mutating_action_id", None)
            if marker is not None:
                assert marker in registered, f"{screen.__name__}.{name} is guarded but not registered"


@pytest.mark.parametrize("action", MUTATING_ACTIONS, ids=lambda action: action.id)
async def test_read_only_blocks_action(fast_server, action):
    app = make_app(fast_server, target=Target(action.screen))
    app.read_only = True
    before = {name: record["status"] for name, record in fast_server.state.machines["acme"].items()}
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        await pilot.press(action.key)
        await wait_for(pilot, lambda: READ_ONLY_TITLE in seen.titles())
        await pilot.pause(0.2)
        assert not modal_open(app)
        assert seen.writes == []
        assert action.description in seen.text()
        assert "--read-only" in seen.text()
    after = {name: record["status"] for name, record in fast_server.state.machines["acme"].items()}
    assert set(after) == set(before)


@pytest.mark.parametrize("mode", [spec.name for spec in MODE_SPECS if spec.name in
                                  {"machines", "jobs", "services", "fleets"}])
async def test_no_key_writes_in_read_only(fast_server, mode):
    app = make_app(fast_server, target=Target(mode))
    app.read_only = True
    async with app.run_test(size=SIZE) as pilot:
        seen = record(app)
        await wait_rows(pilot)
        keys = [
            binding.key.split(",")[0] for binding in type(app.screen).BINDINGS
            if not binding.action.startswith(NAVIGATION_ACTIONS)
        ]
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.1)
            assert not modal_open(app), f"key {key!r} opened a form in read-only mode"
            await pilot.press("escape")
        await pilot.pause(0.3)
        assert seen.writes == []
        reached_client = [message for _, message, _ in seen.notices if "was not sent" in message]
        assert reached_client == [], "a write got past the screen's guard to the client"
