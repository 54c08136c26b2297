"""Deterministic ids: a type prefix and 12 lowercase hex characters."""

from __future__ import annotations

import random
import secrets


class IdFactory:
    """Issues unique ids from a seeded generator, so the same seed gives the same ids."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[str] = set()

    def new(self, prefix: str) -> str:
        """Return a fresh ``<prefix>_<12 hex>`` id never issued before."""
        while True:
            candidate = f"{prefix}_{self._rng.getrandbits(48):012x}"
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def pick(self, count: int) -> int:
        """Return a deterministic index below ``count``."""
        return self._rng.randrange(count)


def new_request_id() -> str:
    """Return a request id; these are random because they are never part of the data."""
    return f"req_{secrets.token_hex(6)}"
