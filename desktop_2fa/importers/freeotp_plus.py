"""FreeOTP+ JSON exports (`freeotp-backup.json`).

Format, from FreeOTP+'s SavedTokens and legacy Token (serialised by Gson):
`{"tokens": [...], "tokenOrder": ["issuer:label", ...]}`. A token has `type`
TOTP|HOTP, `algo`, `digits`, `period`, `counter`, `label`, `issuerExt` (from
the URI label), `issuerInt` (the issuer= parameter), optional `issuerAlt` and
`labelAlt` (the user's edits), and `secret` as a list of signed bytes.
FreeOTP+ has no Steam type: it computes Steam codes for a TOTP token whose
issuer is "Steam", which is how we read it too. `counter` is the counter
FreeOTP+ will use for the next code (TokenCodeUtil), i.e. our next counter.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers.base import ImportedAccount, ImportResult, ImportState
from desktop_2fa.importers.errors import CorruptFile
from desktop_2fa.importers.fields import (
    EntryProblem,
    JsonObject,
    as_object,
    build_spec,
    convert_entries,
    entry_label,
    load_json,
    parse_algorithm,
    sniff_json,
    text,
    whole,
)

TITLE = "FreeOTP+"
STEAM_ISSUER = "Steam"
_KINDS = {"TOTP": OtpKind.TOTP, "HOTP": OtpKind.HOTP}


def _secret(token: JsonObject) -> bytes:
    raw = token.get("secret")
    if not isinstance(raw, list) or not raw:
        raise EntryProblem("secret is missing")
    if not all(isinstance(b, int) and not isinstance(b, bool) and -128 <= b <= 255 for b in raw):
        raise EntryProblem("secret is not a list of bytes")
    return bytes(b % 256 for b in raw)  # Java bytes are signed


def _issuer(token: JsonObject) -> str:
    # Token.getIssuer(): the user's edit, else the label's issuer, else issuer=.
    for key in ("issuerAlt", "issuerExt", "issuerInt"):
        value = text(token, key)
        if value:
            return value
    return ""


def token_account(raw: object) -> ImportedAccount:
    """One token as FreeOTP (Token.java) and FreeOTP+ write it; secret as signed bytes."""
    token = as_object(raw)
    type_name = text(token, "type", "TOTP").upper()
    kind = _KINDS.get(type_name)
    if kind is None:
        raise EntryProblem(f"unknown type {type_name!r}")
    issuer = _issuer(token)
    if kind is OtpKind.TOTP and issuer == STEAM_ISSUER and whole(token, "digits", 6) == 5:
        kind = OtpKind.STEAM
    spec = build_spec(
        issuer=issuer,
        name=text(token, "labelAlt") or text(token, "label"),
        kind=kind,
        secret=_secret(token),
        algorithm=parse_algorithm(text(token, "algo", "SHA1")),
        digits=whole(token, "digits", 6),
        period=whole(token, "period", 30),
        counter=whole(token, "counter", 0),
    )
    return ImportedAccount(spec)


def _token_id(token: object) -> str:
    """Token.getID(): "issuer:label", the key `tokenOrder` lists tokens by."""
    if not isinstance(token, dict):
        return ""
    issuer = next(
        (v for k in ("issuerInt", "issuerExt") if isinstance(v := token.get(k), str) and v), ""
    )
    label = token.get("label")
    label = label if isinstance(label, str) else ""
    return f"{issuer}:{label}" if issuer else label


def token_label(number: int, raw: object) -> str:
    if not isinstance(raw, dict):
        return entry_label(number)
    issuer = next((raw[k] for k in ("issuerAlt", "issuerExt", "issuerInt") if raw.get(k)), None)
    return entry_label(number, issuer, raw.get("labelAlt") or raw.get("label"))


@dataclass(frozen=True, slots=True)
class FreeOtpPlusPlain(ImportState):
    tokens: tuple[object, ...]

    def convert(self) -> ImportResult:
        return convert_entries(self.tokens, token_account, token_label)


class FreeOtpPlusImporter:
    name = "freeotp-plus"
    title = TITLE
    description = "FreeOTP+ export (.json)"
    where = "⋮ → Export → Export JSON format (freeotp-backup.json)"

    def sniff(self, data: bytes, filename: str) -> bool:
        doc = sniff_json(data)
        return isinstance(doc, dict) and isinstance(doc.get("tokens"), list)

    def read(self, data: bytes) -> ImportState:
        doc = load_json(data, TITLE)
        if not isinstance(doc, dict) or not isinstance(doc.get("tokens"), list):
            raise CorruptFile(TITLE, "it has no list of tokens")
        tokens: list[object] = doc["tokens"]
        raw_order = doc.get("tokenOrder")
        names = [k for k in raw_order if isinstance(k, str)] if isinstance(raw_order, list) else []
        position: dict[str, int] = {}
        for key in names:
            position.setdefault(key, len(position))
        # Stable sort: tokens in the user's order; any not listed keep file order at the end.
        ordered = sorted(tokens, key=lambda t: position.get(_token_id(t), len(position)))
        return FreeOtpPlusPlain(tuple(ordered))
