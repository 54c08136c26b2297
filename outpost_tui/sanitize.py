"""Neutralize text that came from the server before it reaches a widget or the terminal.

Every string the server sends (names, progress text, error messages, log lines) passes
through :func:`clean_text`. The result holds no escape sequences, no C0 or C1 control
characters and no bidirectional overrides, so it can neither drive the terminal nor
reorder what the user reads. Widgets then receive it as plain ``rich.text.Text``, never
as markup, so brackets such as ``[@click=app.quit]`` show literally.
"""

from __future__ import annotations

import re

from rich.text import Text

# CSI, OSC, DCS, SOS, PM and APC sequences, 7-bit and 8-bit introducers. OSC and the
# string sequences end at BEL or ST (ESC \ or U+009C); an unterminated one runs to the end.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                          # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)   # OSC/DCS/SOS/PM/APC
    | \x1b[ -/]*[0-~]                                          # two-byte and nF escapes
    """,
    re.VERBOSE | re.DOTALL,
)

# C0 and C1 controls and DEL, except tab, which is expanded instead.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")

# Bidirectional embeddings, overrides and isolates (the "Trojan Source" characters)
# and the invisible marks that change direction.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def clean_text(value: object, *, tab_size: int = 4) -> str:
    """Return ``value`` as a string that is safe to show in the terminal.

    Escape sequences are removed whole; other control characters and bidi
    overrides become U+FFFD so the user can see that something was there.
    Line breaks are controls too: callers that want several lines split first.
    """
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and "\x1b" not in text:
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\t", " " * tab_size)
    text = _CONTROL.sub(REPLACEMENT, text)
    return _BIDI.sub(REPLACEMENT, text)


def safe_text(value: object, style: str = "") -> Text:
    """Return a Rich ``Text`` of the cleaned value, which widgets never parse as markup."""
    return Text(clean_text(value), style=style, end="")


def clean_multiline(value: object) -> str:
    """Clean text line by line, keeping its line breaks (for messages and log bodies)."""
    text = value if isinstance(value, str) else str(value)
    return "\n".join(clean_text(line) for line in text.splitlines())
