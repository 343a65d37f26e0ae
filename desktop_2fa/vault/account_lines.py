"""The payload with one account a line, and contents built only as far as they are used.

`desktop-2fa code QUERY` on a 10,000-account vault should cost about what it
costs on 1,000 (issue 13). Parsing the whole payload and building every
`Account` was most of that cost, so the payload is written one account a
line::

    {"accounts":[
    {"id":"...","issuer":"...",...},
    {"id":"...",...}
    ],"settings":{...},"vault_id":"...","generation":7}

It is still one JSON value (whitespace between tokens) that any reader
parses as before. A raw newline never occurs inside a JSON string, so every
line between the first and the last is one account, and the first and last
lines together are the rest of the payload.

`LazyContents.find` looks for the query in those bytes and builds only the
accounts on the lines it occurs in, checking each with `search.matches`
itself; the other accounts stay bytes. A line it cannot judge from its bytes
(a JSON escape: a name with an accent, a quote) is always built and checked.
Anything unexpected (another layout, a line that is not one object, bytes
that are not ASCII, a member named twice) falls back to parsing everything,
so the answer is what `search.find` gives on the whole contents. Payloads
saved before this layout are parsed whole on opening; the next save writes
them one a line. What is not checked is that the lines between are a flat
list (an account whose member is the object on the next line): telling would
cost the whole parse this avoids, and the payload is authenticated, so only
a holder of the master key, who can write any contents anyway, could lay it
out so.
"""

from __future__ import annotations

import json

from desktop_2fa.vault import contents, search
from desktop_2fa.vault.errors import CorruptVault

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `desktop-2fa code` never imports typing
if TYPE_CHECKING:
    from typing import Any

    from desktop_2fa.vault.model import Account, VaultData

_HEAD = '{"accounts":[\n'
_HEAD_BYTES = _HEAD.encode("ascii")


def dumps(body: dict[str, Any]) -> bytes:
    """`body` (a payload whose "accounts" is a list) as JSON bytes, one account a line."""
    # ensure_ascii (the default): escapes keep every line plain ASCII bytes.
    encode = json.JSONEncoder(separators=(",", ":")).encode
    rest = {k: v for k, v in body.items() if k != "accounts"}
    others = encode(rest)[1:]  # '}' alone when there is nothing else
    lines = ",\n".join(map(encode, body["accounts"]))
    return (_HEAD + lines + "\n]" + ("," if len(others) > 1 else "") + others).encode("ascii")


def parsed(plaintext: bytes) -> dict[str, Any]:
    """The whole payload as a JSON object.

    Raises:
        CorruptVault: it is not one.
    """
    try:
        payload = json.loads(plaintext)
    except (ValueError, RecursionError) as e:
        raise CorruptVault("the decrypted contents are not JSON") from e
    if not isinstance(payload, dict):
        raise CorruptVault("the decrypted contents are not an object")
    return payload


def _named_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a member is named twice")
    return found


class LazyContents:
    """Decrypted contents whose accounts are built when something asks for them.

    Attributes:
        members: the payload's members, the accounts of a line layout left out
            (settings, vault_id, generation...).
    """

    def __init__(self, plaintext: bytes) -> None:
        """Raises CorruptVault when the plaintext is not a payload object."""
        self._plaintext = plaintext
        self._data: VaultData | None = None
        # Where the account lines are: from the first byte of the first line
        # to the newline after the last one. None: parse everything.
        self._lines: tuple[int, int] | None = None
        self.members: dict[str, Any]
        last = plaintext.rfind(b"\n")
        if plaintext.startswith(_HEAD_BYTES) and last >= len(_HEAD_BYTES) - 1:
            try:
                # A second "accounts" member would be the one json.loads keeps:
                # a member named twice sends the payload the slow way.
                members = json.loads(
                    b'{"accounts":[' + plaintext[last + 1 :], object_pairs_hook=_named_once
                )
            except (ValueError, RecursionError):
                members = None
            if isinstance(members, dict) and members.get("accounts") == []:
                self.members = members
                self._lines = (len(_HEAD_BYTES), last)
                return
        self.members = parsed(plaintext)

    def data(self) -> VaultData:
        """Every account, built once.

        Raises:
            CorruptVault: the contents are not a format-1 payload.
        """
        if self._data is None:
            whole = parsed(self._plaintext) if self._lines is not None else self.members
            self._data = contents.from_dict(whole)
        return self._data

    def find(self, query: str) -> list[Account]:
        """`search.find(self.data(), query)`, building only the accounts it may return.

        Raises:
            CorruptVault
        """
        lines = self._candidate_lines(query)
        if lines is None:
            return search.find(self.data(), query)
        found = []
        text = self._plaintext
        for start, end in lines:
            try:
                raw = json.loads(text[start:end].removesuffix(b","))
            except (ValueError, RecursionError):
                raw = None
            try:
                if not isinstance(raw, dict):
                    raise CorruptVault("an account line is not one object")
                account = contents.account_from_dict(raw)
            except CorruptVault:
                # Not one account a line after all: the whole contents say what is wrong.
                return search.find(self.data(), query)
            if search.matches(account, query):
                found.append(account)
        return found

    def _candidate_lines(self, query: str) -> list[tuple[int, int]] | None:
        """The (start, end) of every line whose account may match, in order; None: all may.

        A line whose bytes hold no backslash is plain ASCII text, and its
        strings are those very bytes, so `casefold` there is `bytes.lower`.
        If such an account matches, each ":"-separated piece of the query is
        in its issuer, name, group or id (for "issuer:name", on either side
        of the colon), so the longest piece is in the lowered line.
        """
        q = query.casefold().strip()
        needle = max(q.split(":"), key=len)
        if self._data is not None or self._lines is None or not needle:
            return None
        text = self._plaintext
        if not text.isascii():
            return None  # not written by `dumps`
        first, last = self._lines
        starts = set(_lines_holding(text, b"\\", first, last))
        if needle.isascii():  # else no plain ASCII line can hold it
            starts.update(_lines_holding(text.lower(), needle.encode("ascii"), first, last))
        return [(start, _line_end(text, start, last)) for start in sorted(starts)]


def _line_end(text: bytes, start: int, last: int) -> int:
    end = text.find(b"\n", start, last)
    return last if end < 0 else end


def _lines_holding(text: bytes, needle: bytes, first: int, last: int) -> list[int]:
    """The start of every line between `first` and `last` that holds `needle`."""
    starts = []
    at = text.find(needle, first, last)
    while at >= 0:
        start = text.rfind(b"\n", first - 1, at) + 1
        starts.append(start)
        at = text.find(needle, _line_end(text, start, last), last)
    return starts
