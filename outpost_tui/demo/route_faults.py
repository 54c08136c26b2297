"""Faults aimed at one method and path, for tests of multi-step flows such as key rotation.

A test queues a fault with :meth:`RouteFaults.add`; the next matching request takes it.
A fault either responds at once with an error status, without running the handler, or
(with ``after=True``) runs the handler first and then loses the response: it waits
``delay_seconds`` and responds with the error, which looks to the client like a request
that timed out or failed after the server acted on it.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass


@dataclass
class RouteFault:
    """One queued fault.

    Attributes:
        method: HTTP method, such as ``POST``.
        path: request path, or a pattern with ``*`` (``/auth/v1/api_keys/*``).
        status: error status of the response; None with ``after`` sends the real response late.
        delay_seconds: wait before answering, to make the client time out.
        after: run the handler before failing, so the change happens but its answer is lost.
        skip: let this many matching requests through before the fault starts.
        times: how many matching requests fail, one after another.
    """

    method: str
    path: str
    status: int | None = 500
    delay_seconds: float = 0.0
    after: bool = False
    skip: int = 0
    times: int = 1

    def matches(self, method: str, path: str) -> bool:
        return method.upper() == self.method.upper() and fnmatch.fnmatchcase(path, self.path)


class RouteFaults:
    """A thread-safe queue of :class:`RouteFault`; the test thread adds, the server takes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[RouteFault] = []
        self.triggered: list[tuple[str, str]] = []

    def add(
        self,
        method: str,
        path: str,
        *,
        status: int | None = 500,
        delay_seconds: float = 0.0,
        after: bool = False,
        skip: int = 0,
        times: int = 1,
    ) -> RouteFault:
        """Queue a fault for the next ``times`` requests to ``method`` ``path`` after ``skip``."""
        if status is None and not after:
            raise ValueError("a fault without a status must use after=True to delay the real response")
        fault = RouteFault(method, path, status, delay_seconds, after, skip, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> RouteFault | None:
        """Return the fault for this request, counting it down, or None."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                self.triggered.append((method, path))
                return fault
        return None

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.triggered.clear()
