"""Fixtures for the unit tests: clients over ``httpx.MockTransport`` and loopback fault servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from outpost_tui.api import Credential, OutpostClient
from outpost_tui.api.ratelimit import BudgetRegistry

BASE_URL = "http://127.0.0.1:8900"
TOKEN = "op_pat_0123456789abcdef0123456789abcdef"

Responder = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A ``MockTransport`` handler that stores every request before responding to it."""

    def __init__(self, respond: Responder) -> None:
        self.respond = respond
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)


@pytest.fixture
async def make_client() -> AsyncIterator[Callable[..., tuple[OutpostClient, Recorder]]]:
    """Build clients whose responses come from a function, and close them after the test."""
    clients: list[OutpostClient] = []

    def build(
        respond: Responder, credential: Credential | None = None, **kwargs: Any
    ) -> tuple[OutpostClient, Recorder]:
        recorder = Recorder(respond)
        if credential is None:
            credential = Credential.token(TOKEN, source="test")
        # Each client gets its own budget and no automatic resends, so one request in a
        # test is one request on the wire and no test waits out another's rate limit.
        options = {"budgets": BudgetRegistry(), "retries": 0, "rate_limit_resends": 0, **kwargs}
        client = OutpostClient(
            BASE_URL, credential, transport=httpx.MockTransport(recorder), **options
        )
        clients.append(client)
        return client, recorder

    yield build

    for client in clients:
        await client.aclose()


class FaultServer:
    """A raw TCP server on 127.0.0.1 that reads a request and writes fixed bytes back.

    With ``reply=None`` it never responds, so the client's read timeout fires. Otherwise
    it writes ``reply`` and closes the connection.
    """

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        self.port = 0
        self._release = asyncio.Event()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._release.set()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        if self.reply is None:
            await self._release.wait()
        else:
            writer.write(self.reply)
            await writer.drain()
        writer.close()
        await writer.wait_closed()


@pytest.fixture
async def fault_server() -> AsyncIterator[Callable[[bytes | None], Any]]:
    """Start loopback fault servers on demand and stop them after the test."""
    servers: list[FaultServer] = []

    async def start(reply: bytes | None) -> FaultServer:
        server = FaultServer(reply)
        await server.start()
        servers.append(server)
        return server

    yield start

    for server in servers:
        await server.stop()
