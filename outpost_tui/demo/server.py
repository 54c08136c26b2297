"""DemoServer: runs the demo API with uvicorn in a background thread on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn

from .app import DemoApp
from .config import LOOPBACK_HOST, DemoConfig
from .faults import Faults
from .routes import build_routes
from .state import DemoState

logger = logging.getLogger("outpost_tui.demo")

START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 10.0
# Open streams get this long to finish after stop() before uvicorn cancels them.
GRACEFUL_SHUTDOWN_SECONDS = 1


class DemoServer:
    """A local Outpost-compatible HTTP server with seeded data and fault switches.

    ``start()`` returns once the server accepts connections. ``stop()`` closes the
    listening socket, and a later ``start()`` listens on the same port again with
    the same state, so tests can simulate an outage.

    Attributes:
        config: the DemoConfig it was built with.
        api_key: ``demo-key$sk_live_...``, an unscoped API key of the demo user.
        token: ``op_pat_...``, an unscoped PAT of the demo user.
        state: the DemoState holding all data; tests may change it directly.
        faults: the Faults switches, read on every request.
    """

    def __init__(self, config: DemoConfig | None = None) -> None:
        self.config = config or DemoConfig()
        self.state = DemoState(self.config)
        self.api_key: str = self.state.demo_api_key
        self.token: str = self.state.demo_token
        self.faults = Faults()
        self.app = DemoApp(self.state, self.faults, build_routes())
        self._port = self.config.port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        """Return the TCP port; before the first start with port 0 it is still 0."""
        return self._port

    @property
    def url(self) -> str:
        """Return the base URL, such as ``http://127.0.0.1:8765``."""
        return f"http://{LOOPBACK_HOST}:{self._port}"

    @property
    def running(self) -> bool:
        """Return whether the server is accepting connections."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Listen on 127.0.0.1 and serve in a daemon thread; return once connections are accepted.

        Raises RuntimeError if already running or if uvicorn fails to start, and
        OSError if the port cannot be bound.
        """
        if self.running:
            raise RuntimeError(f"demo server is already running at {self.url}")
        listener = _bind(self._port)
        self._port = listener.getsockname()[1]
        self.app.closing.clear()
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [listener]}, name="outpost-demo-server", daemon=True
        )
        self._server, self._thread, self._socket = server, thread, listener
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"demo server failed to start on {self.url}; see the log for the cause")
            time.sleep(0.01)
        logger.info("demo server started at %s", self.url)

    def stop(self) -> None:
        """Stop accepting connections, end open log streams and wait for the thread."""
        server, thread, listener = self._server, self._thread, self._socket
        self._server = self._thread = self._socket = None
        self.app.closing.set()
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(STOP_TIMEOUT_SECONDS)
            if thread.is_alive():
                logger.error("demo server thread did not stop within %s s", STOP_TIMEOUT_SECONDS)
        if listener is not None:
            listener.close()
        if server is not None:
            logger.info("demo server stopped at %s", self.url)

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> DemoServer:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)


def _bind(port: int) -> socket.socket:
    """Return a listening TCP socket on 127.0.0.1, reusable right after a previous close."""
    # An explicit IPPROTO_TCP makes asyncio set TCP_NODELAY on accepted connections.
    # It skips sockets whose proto is 0, and Nagle's algorithm then delays every
    # keep-alive response by about 40 ms.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK_HOST, port))
        listener.listen(128)
    except OSError:
        listener.close()
        raise
    return listener
