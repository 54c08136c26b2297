"""Keep secrets out of log files and crash reports.

Every credential registers its secret here when it is built, and :class:`RedactingFilter`
replaces those values, ``Authorization`` header values and anything shaped like an
Outpost secret (``sk_live_…``, ``op_pat_…``) with ``[redacted]`` before a record is written.
"""

from __future__ import annotations

import logging
import re
import threading

REDACTED = "[redacted]"
# Shorter values are not registered: replacing them would garble unrelated text.
MIN_SECRET_LENGTH = 8

_AUTHORIZATION = re.compile(
    r"(?P<name>authorization['\"]?\s*[:=,]\s*['\"]?)(?P<scheme>bearer|api-key)\s+[^\s'\",}]+",
    re.IGNORECASE,
)
_SCHEME_VALUE = re.compile(r"\b(?P<scheme>Bearer|API-Key)\s+[^\s'\",}]{8,}", re.IGNORECASE)
_SHAPED = re.compile(r"\b(?:sk_live_|op_pat_)[A-Za-z0-9_-]+")

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Remember ``value`` so that every later log record and crash report hides it."""
    if len(value) >= MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with registered secrets and credential-shaped values replaced."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _AUTHORIZATION.sub(lambda m: f"{m['name']}{m['scheme']} {REDACTED}", text)
    text = _SCHEME_VALUE.sub(lambda m: f"{m['scheme']} {REDACTED}", text)
    return _SHAPED.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """A handler filter that rewrites each record's message and traceback without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
