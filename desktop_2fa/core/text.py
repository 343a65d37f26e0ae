"""Text that came from outside: refuse what can forge a line, escape it for display.

A label holding `\\r` made `desktop-2fa code` print a forged code line for
another account, ESC sequences reached the terminal, and U+202E reversed what
a user read (issue 9; "Trojan Source", CVE-2021-42574). So:

* `check_label` refuses C0 and C1 control characters, DEL, and the Unicode
  bidirectional controls in names, issuers, notes and groups that arrive in
  `otpauth://` URIs and imports (reported per entry, never fatal to the rest).
* `shown` escapes the same characters (as `\\r`, `\\x1b`, `\\u202e`) and caps
  the length, for every string from outside that is printed or shown: vaults
  that already hold such a name, file names, server messages, error lines.
* `listed` says "and N more" instead of printing a long list whole.

This is the one place that knows which characters are unsafe.
"""

from __future__ import annotations

import functools
import re

from desktop_2fa.core.errors import CoreError

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: the CLI's head start imports this module
if TYPE_CHECKING:
    from collections.abc import Iterable

# C0 controls, DEL, C1 controls; the bidi embeddings, overrides, isolates and
# marks (Unicode UAX #9: U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069); the
# line and paragraph separators some terminals and widgets break lines on.
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
# What `json.dumps(..., ensure_ascii=False)` leaves raw: it escapes C0 itself,
# and a raw newline in its output is indentation, outside any string.
_UNSAFE_IN_JSON = "[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@functools.cache
def _pattern(characters: str) -> re.Pattern[str]:
    # Compiled on first need: `desktop-2fa code` prints plain ASCII names and
    # never needs either (issue 13).
    return re.compile(characters)


def _plain(text: str) -> bool:
    """ASCII with no control character: nothing in it is unsafe (all the rest is not ASCII)."""
    return text.isascii() and text.isprintable()


ECHO_LIMIT = 80  # characters of one echoed value (a name, a query, a file name)
LINE_LIMIT = 300  # characters of a whole error line
LIST_LIMIT = 5  # items of a list shown before "and N more"


class UnsafeText(CoreError):
    """A name holds a control character or a bidirectional override.

    Attributes:
        what: which field ("name", "issuer", "note", "group").
        char: the first offending character.
    """

    def __init__(self, what: str, char: str) -> None:
        super().__init__(
            f"the {what} holds a control character ({_code_point(char)}), which could "
            "disguise what is shown; it was refused"
        )
        self.what = what
        self.char = char


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def unsafe_char(text: str) -> str | None:
    """The first control or bidi character in `text`, or None when it is clean."""
    if _plain(text):
        return None
    found = _pattern(_UNSAFE).search(text)
    return None if found is None else found.group()


def check_label(text: str, what: str) -> str:
    """`text` unchanged when it is safe to show.

    Raises:
        UnsafeText: it holds a control character or a bidi override.
    """
    char = unsafe_char(text)
    if char is not None:
        raise UnsafeText(what, char)
    return text


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """`text` with every unsafe character written out visibly (no length cap)."""
    if _plain(text):
        return text
    return _pattern(_UNSAFE).sub(_escape_one, text)


def shown(text: str, limit: int = ECHO_LIMIT) -> str:
    """`text` made safe to print: escaped, then cut to about `limit` characters."""
    if len(text) > limit * 8:  # escape only what can be shown: a 1 MB name costs nothing
        text = text[: limit * 8]
        cut = True
    else:
        cut = False
    safe = escaped(text)
    if len(safe) > limit or cut:
        return safe[: max(limit - 1, 1)] + "…"
    return safe


def listed(items: Iterable[str], limit: int = LIST_LIMIT, each: int = ECHO_LIMIT) -> str:
    """ "a, b, c and 7 more": at most `limit` items, each `shown`."""
    values = list(items)
    head = ", ".join(shown(v, each) for v in values[:limit])
    rest = len(values) - limit
    return f"{head} and {rest} more" if rest > 0 else head


def json_safe(dumped: str) -> str:
    """JSON text with unsafe characters as \\uXXXX escapes (still the same JSON value).

    `json.dumps(..., ensure_ascii=False)` leaves DEL, C1 controls and bidi overrides
    raw; they can only occur inside strings, where `\\uXXXX` means the same.
    """
    if dumped.isascii() and "\x7f" not in dumped:  # DEL: ASCII, unsafe, and left raw
        return dumped
    return _pattern(_UNSAFE_IN_JSON).sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
