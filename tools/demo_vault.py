"""A throw-away demo vault for screenshots and for looking at the app by hand.

Thirty accounts a daily user might have (two groups, favourites, a counter-based
and a Steam account, backup codes, one enrollment never finished) and a small
icon pack in Aegis's format whose icons are plain shapes drawn here (no real
logos). Cheap Argon2id: nothing here is secret.

    python tools/demo_vault.py FOLDER        # FOLDER/vault.json + FOLDER/icon-packs/
    DESKTOP_2FA_VAULT=FOLDER/vault.json desktop-2fa      # password: "demo password"
"""

from __future__ import annotations

import base64
import io
import json
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "demo password"  # noqa: S105 - a throw-away demo vault
PACK_UUID = "0b7c8d2e-5f4a-4c1b-9e3d-6a2f1b0c9d8e"

# (issuer, group, favourite, uses)
ACCOUNTS = [
    ("GitHub", "Work", True, 41), ("Google", "", True, 57), ("PayPal", "Finance", False, 6),
    ("BigBank", "Finance", False, 12), ("Coinbase", "Finance", False, 3),
    ("Kraken", "Finance", False, 1), ("Stripe", "Finance", False, 9),
    ("GitLab", "Work", False, 22), ("Slack", "Work", False, 30), ("Zoom", "Work", False, 2),
    ("Heroku", "Work", False, 0), ("Cloudflare", "Work", False, 14),
    ("Amazon", "", False, 8), ("Apple", "", False, 4), ("Dropbox", "", False, 7),
    ("Discord", "", False, 19), ("Reddit", "", False, 5), ("Mastodon", "", False, 11),
    ("Proton", "", False, 16), ("Bitwarden", "", False, 25), ("Microsoft", "Work", False, 13),
    ("Facebook", "", False, 0), ("Instagram", "", False, 2), ("LinkedIn", "", False, 1),
    ("Nintendo", "", False, 0), ("Twitch", "", False, 3), ("Fastmail", "", False, 20),
    ("Hetzner", "Work", False, 4),
]  # fmt: skip
BACKUP_CODES = ["x9sUh-oaxoP", "pB1w5-yC0d2", "PJnMQ-Q9rtF", "2P9jf-mOnEL", "FB9oO-cMvnT"]

# Plain shapes for the demo icon pack: (issuer, colour, SVG body in a 32x32 box).
SHAPES = [
    ("GitHub", "#24292f", '<circle cx="16" cy="16" r="9" fill="none" stroke="#fff" '
     'stroke-width="4"/>'),
    ("Google", "#1a73e8", '<path d="M8 16h16M16 8v16" stroke="#fff" stroke-width="5"/>'),
    ("PayPal", "#003087", '<path d="M10 24 14 8h8a5 5 0 0 1 0 10h-6" fill="none" '
     'stroke="#fff" stroke-width="3"/>'),
    ("GitLab", "#e24329", '<path d="M16 26 6 12l4-6 3 6h6l3-6 4 6z" fill="#fff"/>'),
    ("Slack", "#4a154b", '<rect x="8" y="8" width="6" height="6" fill="#36c5f0"/>'
     '<rect x="18" y="8" width="6" height="6" fill="#2eb67d"/>'
     '<rect x="8" y="18" width="6" height="6" fill="#ecb22e"/>'
     '<rect x="18" y="18" width="6" height="6" fill="#e01e5a"/>'),
    ("Cloudflare", "#f38020", '<ellipse cx="17" cy="18" rx="10" ry="6" fill="#fff"/>'),
    ("Dropbox", "#0061ff", '<path d="M16 7 24 12 16 17 8 12z M16 17l8 5-8 5-8-5z" '
     'fill="#fff"/>'),
    ("Discord", "#5865f2", '<rect x="7" y="10" width="18" height="12" rx="6" fill="#fff"/>'
     '<circle cx="12.5" cy="16" r="2" fill="#5865f2"/><circle cx="19.5" cy="16" r="2" '
     'fill="#5865f2"/>'),
    ("Mastodon", "#6364ff", '<path d="M9 22V12a7 7 0 0 1 14 0v10" fill="none" stroke="#fff" '
     'stroke-width="4"/>'),
    ("Proton", "#6d4aff", '<path d="M11 25V8h7a5 5 0 0 1 0 10h-7" fill="none" stroke="#fff" '
     'stroke-width="4"/>'),
    ("Bitwarden", "#175ddc", '<path d="M9 7h14v9c0 6-7 9-7 9s-7-3-7-9z" fill="#fff"/>'),
    ("Fastmail", "#0067b9", '<path d="M7 10h18v12H7z M7 10l9 7 9-7" fill="none" '
     'stroke="#fff" stroke-width="2.5"/>'),
]  # fmt: skip


def _secret(i: int) -> str:
    return base64.b32encode(f"demo-secret-{i:05d}".encode()).decode().rstrip("=")


def demo_icon_pack() -> bytes:
    """An icon pack in Aegis's format (pack.json + SVG icons) for the demo issuers."""
    buffer = io.BytesIO()
    icons = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for issuer, colour, body in SHAPES:
            filename = f"demo/{issuer}.svg"
            svg = (
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
                f'<rect width="32" height="32" rx="7" fill="{colour}"/>{body}</svg>'
            )
            archive.writestr(filename, svg)
            icons.append(
                {
                    "name": issuer,
                    "filename": filename,
                    "category": "Demo",
                    "issuer": [issuer.lower()],
                }
            )
        pack = {"uuid": PACK_UUID, "name": "Demo shapes", "version": 1, "icons": icons}
        archive.writestr("pack.json", json.dumps(pack))
    return buffer.getvalue()


def demo_data(now: datetime):  # type: ignore[no-untyped-def]
    """The demo accounts as `VaultData` (import inside: tools must start without the venv)."""
    from desktop_2fa.core import uri
    from desktop_2fa.vault import edits
    from desktop_2fa.vault.model import Enrollment, VaultData

    data = VaultData()
    for i, (issuer, group, favourite, uses) in enumerate(ACCOUNTS):
        name = f"alice{'' if i % 3 else '.work'}@example.com"
        text = f"otpauth://totp/{issuer}:{name}?secret={_secret(i)}&issuer={issuer}"
        data, account = edits.add_account(
            data, uri.parse(text), now, group=group, favourite=favourite
        )
        for _ in range(uses):
            data = edits.record_use(data, account.id, now - timedelta(hours=i))
        if issuer == "GitHub":
            data, _ = edits.add_backup_codes(data, account.id, BACKUP_CODES, now)
            data, _ = edits.set_backup_code_used(data, account.id, BACKUP_CODES[1], now)
    extra = [
        f"otpauth://hotp/My%20Bank:alice?secret={_secret(90)}&issuer=My%20Bank&counter=7",
        f"otpauth://steam/Steam:alice?secret={_secret(91)}&issuer=Steam",
    ]
    for text in extra:
        data, _ = edits.add_account(data, uri.parse(text), now, group="")
    pending = Enrollment("https://auth.example.test", "alice@example.com", now, pending=True)
    text = f"otpauth://totp/Example%20Auth:alice?secret={_secret(92)}&issuer=Example%20Auth"
    data, _ = edits.add_account(data, uri.parse(text), now, enrollment=pending)
    return data


def write_demo(folder: Path, now: datetime | None = None) -> Path:
    """FOLDER/vault.json (password `PASSWORD`) and the demo icon pack installed beside it."""
    from desktop_2fa.iconpacks.library import IconLibrary
    from desktop_2fa.vault.crypto import KdfParams
    from desktop_2fa.vault.store import VaultFile

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "vault.json"
    if path.exists():
        path.unlink()
    kdf = KdfParams.new(time_cost=1, memory_kib=1024, lanes=1)
    VaultFile(path).create(PASSWORD, demo_data(now or datetime.now(UTC)), kdf)
    IconLibrary(folder / "icon-packs").install(demo_icon_pack(), "demo-shapes.zip")
    return path


if __name__ == "__main__":
    print(write_demo(Path(sys.argv[1] if len(sys.argv) > 1 else "demo-vault")))
