"""core/text.py: the one place that knows which characters are unsafe to show."""

from __future__ import annotations

import json

import pytest

from desktop_2fa.core.text import UnsafeText, check_label, escaped, json_safe, listed, shown


@pytest.mark.parametrize("char", ["\x00", "\t", "\r", "\n", "\x1b", "\x7f", "\x85", "\x9b",
                                  "\u061c", "\u200f", "\u2028", "\u202a", "\u202e", "\u2066",
                                  "\u2069"])  # fmt: skip
def test_every_control_and_bidi_character_is_refused_and_escaped(char: str) -> None:
    with pytest.raises(UnsafeText) as info:
        check_label(f"a{char}b", "name")
    assert info.value.char == char
    assert f"U+{ord(char):04X}" in str(info.value)
    assert char not in escaped(f"a{char}b") and char not in shown(f"a{char}b")


def test_ordinary_text_in_any_script_passes_unchanged() -> None:
    for text in ("GitHub", "jürgen 日本", "Ελληνικά", "עברית", "🔑 key", "a:b@c.d"):
        assert check_label(text, "name") == text
        assert shown(text) == text


def test_escapes_are_visible() -> None:
    assert escaped("a\rb\x1b[2J\u202ec") == "a\\rb\\x1b[2J\\u202ec"


def test_shown_caps_even_a_megabyte() -> None:
    out = shown("x" * 1_000_000 + "\x1b")
    assert len(out) <= 80 and out.endswith("…")
    assert len(shown("\x1b" * 1000, 50)) <= 50


def test_listed_says_how_many_more() -> None:
    assert listed(["a", "b"]) == "a, b"
    assert listed([str(i) for i in range(12)]) == "0, 1, 2, 3, 4 and 7 more"


def test_json_safe_is_the_same_json_without_raw_bidi_or_c1() -> None:
    value = {"name": "\u202eevil\x9b", "n": [1, "é\n"]}
    text = json_safe(json.dumps(value, ensure_ascii=False, indent=2))
    assert "\u202e" not in text and "\x9b" not in text and "é" in text
    assert json.loads(text) == value
