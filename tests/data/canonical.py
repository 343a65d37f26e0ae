"""The one canonical account list every importer fixture encodes (DESIGN.md, style 5).

It covers every hash, 6 and 8 digits, 30 and 60 s periods, HOTP with counters,
Steam, unicode and ':' in names, and an 80-bit secret (real services still
issue them). Secrets are derived from fixed seeds so the file stays readable.
`make_fixtures.py` writes each app's export of this list; the tests read them
back and compare with `spec()` of these accounts.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass


def _secret(seed: str, size: int) -> str:
    raw = hashlib.sha512(seed.encode()).digest()[:size]
    return base64.b32encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class Canonical:
    key: str  # short id used by the tests
    issuer: str
    name: str
    kind: str  # "totp", "hotp", "steam"
    secret: str  # base32, no padding
    algorithm: str = "SHA1"
    digits: int = 6
    period: int = 30
    counter: int = 0
    group: str = ""
    note: str = ""
    favourite: bool = False

    @property
    def secret_bytes(self) -> bytes:
        return base64.b32decode(self.secret + "=" * (-len(self.secret) % 8))


CANONICAL: tuple[Canonical, ...] = (
    Canonical("plain", "Example", "alice@example.com", "totp", _secret("plain", 20),
              group="Personal", note="the first one", favourite=True),
    Canonical("sha256", "GitHub", "bob", "totp", _secret("sha256", 32), "SHA256",
              group="Work"),
    Canonical("sha512-unicode", "Überbank", "jürgen 日本", "totp", _secret("sha512", 64),
              "SHA512", digits=8),
    Canonical("colon-60s", "Example", "alice:work", "totp", _secret("colon", 20),
              period=60, group="Work"),
    Canonical("sha256-8-60s", "Vault Co", "erin", "totp", _secret("vault", 32), "SHA256",
              digits=8, period=60),
    Canonical("hotp", "Counter Corp", "carol", "hotp", _secret("hotp", 20), counter=42),
    Canonical("hotp-sha256-8", "Hotpify", "grace", "hotp", _secret("hotp256", 32), "SHA256",
              digits=8, counter=7),
    Canonical("steam", "Steam", "gamer", "steam", _secret("steam", 20), digits=5),
    Canonical("80-bit", "Legacy", "frank", "totp", _secret("legacy", 10)),
)  # fmt: skip

BY_KEY = {a.key: a for a in CANONICAL}
FIXTURE_PASSWORD = "correct horse battery staple"


def google_can_hold(a: Canonical) -> bool:
    """Google's payload has no period (30 s implied), no Steam, and 6 or 8 digits."""
    return a.kind != "steam" and a.period == 30 and a.digits in (6, 8)


def bitwarden_can_hold(a: Canonical) -> bool:
    """Bitwarden generates TOTP and Steam codes only; it has no HOTP."""
    return a.kind != "hotp"


def totp_or_steam(a: Canonical) -> bool:
    """Proton Authenticator has TOTP and Steam entries, no HOTP."""
    return a.kind != "hotp"


def totp_only(a: Canonical) -> bool:
    """Proton Pass logins carry TOTP URIs only."""
    return a.kind == "totp"


def steam_only(a: Canonical) -> bool:
    return a.kind == "steam"


def sha1_30s_6(a: Canonical) -> bool:
    """Apps with fixed SHA-1, 6 digits and 30 s (Google's database holds HOTP too)."""
    return a.kind in ("totp", "hotp") and (a.algorithm, a.digits, a.period) == ("SHA1", 6, 30)


def sha1_totp(a: Canonical) -> bool:
    """TOTP Authenticator: TOTP with SHA-1, any digits and period."""
    return a.kind == "totp" and a.algorithm == "SHA1"


def sha1_totp_30s_6(a: Canonical) -> bool:
    """Microsoft's TOTP accounts, Authy, TOTP Authenticator: plain 30-second TOTP."""
    return sha1_30s_6(a) and a.kind == "totp"
