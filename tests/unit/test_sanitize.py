"""clean_text and safe_text: escape sequences, control characters, bidi overrides, markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from outpost_tui.sanitize import REPLACEMENT, clean_multiline, clean_text, safe_text

C0_C1_OR_DEL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[2J\x1b[Hcleared", "cleared"),
        ("\x1b[?1049hscreen", "screen"),
        ("\x1b[38;2;255;0;0mtrue colour", "true colour"),
        ("a\x1b[1;31;40mb", "ab"),
    ],
)
def test_csi_removed(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b]0;owned\x07title", "title"),
        ("\x1b]0;owned\x1b\\title", "title"),
        ("\x1b]0;owned\x9ctitle", "title"),
        ("\x1b]8;;https://example.invalid\x07link\x1b]8;;\x07", "link"),
        ("\x1b]8;;https://example.invalid\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x9d0;owned\x07title", "title"),
        ("before\x1b]0;never terminated", "before"),
    ],
)
def test_osc_removed(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("\x9b31mred\x9b0m", "red"), ("\x9b2Jx", "x"), ("a\x9b?25lb", "ab")],
)
def test_8bit_csi_removed(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1bPq#0;2;0;0;0\x1b\\sixel", "sixel"),
        ("\x1b_apc payload\x1b\\x", "x"),
        ("\x1b^pm\x9cx", "x"),
        ("\x1bXsos\x07x", "x"),
        ("\x1b7saved\x1b8", "saved"),
        ("\x1b(Bcharset", "charset"),
        ("\x1bcreset", "reset"),
    ],
)
def test_other_escapes_removed(raw, expected):
    assert clean_text(raw) == expected


def test_lone_escape_replaced():
    assert clean_text("end\x1b") == f"end{REPLACEMENT}"


def test_escape_rebuilt_by_removal_is_neutralized():
    result = clean_text("\x1b\x1b[0m[31mred")

    assert "\x1b" not in result
    assert result == f"{REPLACEMENT}[31mred"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x08", "\n", "\r", "\x0b", "\x0c", "\x1f", "\x7f"])
def test_c0_control_replaced(char):
    assert clean_text(f"a{char}b") == f"a{REPLACEMENT}b"


@pytest.mark.parametrize("char", ["\x80", "\x85", "\x8d", "\x9a", "\x9c"])
def test_c1_control_replaced(char):
    assert clean_text(f"a{char}b") == f"a{REPLACEMENT}b"


@pytest.mark.parametrize("char", ["\x90", "\x98", "\x9d", "\x9e", "\x9f"])
def test_unterminated_8bit_string_removed(char):
    # An 8-bit DCS, SOS, OSC, PM or APC introducer without a terminator runs to the end.
    assert clean_text(f"a{char}b") == "a"


@pytest.mark.parametrize("char", list(BIDI))
def test_bidi_control_replaced(char):
    assert clean_text(f"a{char}b") == f"a{REPLACEMENT}b"


def test_tab_expanded():
    assert clean_text("a\tb") == "a    b"


def test_tab_size_option():
    assert clean_text("a\tb", tab_size=2) == "a  b"


@pytest.mark.parametrize(
    "text",
    ["plain text", "x[@click=app.quit]y", "[bold]not bold[/]", "ünïcødé 日本語 🚀", "", "a  b"],
)
def test_printable_text_unchanged(text):
    assert clean_text(text) == text


def test_non_string_converted():
    assert clean_text(42) == "42"


def test_safe_text_keeps_markup_literal():
    text = safe_text("x[@click=app.quit]y")

    assert isinstance(text, Text)
    assert text.plain == "x[@click=app.quit]y"
    assert text.spans == []


def test_safe_text_cleans_and_styles():
    text = safe_text("\x1b[31m[b]red[/b]\x1b[0m", style="bold")

    assert text.plain == "[b]red[/b]"
    assert str(text.style) == "bold"


def test_safe_text_has_no_trailing_newline():
    assert safe_text("x").end == ""


def test_clean_multiline_keeps_line_breaks():
    assert clean_multiline("one\x1b[31m\r\ntwo\x07\nthree") == f"one\ntwo{REPLACEMENT}\nthree"


# -- properties -------------------------------------------------------------------------

FRAGMENTS = [
    "\x1b", "\x1b[", "\x1b]", "\x1b\\", "\x9b", "\x9c", "\x9d", "\x90", "\x07", "\t", "\n",
    "[31m", "0;title", "]8;;", "[@click=app.quit]", "\u202e", "\u2066", "\u200f", "m", ";",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.characters(max_codepoint=0xA0),
        st.characters(),
        st.sampled_from(list(BIDI)),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_clean_text_output_safe(raw):
    result = clean_text(raw)

    assert C0_C1_OR_DEL.search(result) is None
    assert not any(char in BIDI for char in result)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_clean_text_idempotent(raw):
    once = clean_text(raw)

    assert clean_text(once) == once
