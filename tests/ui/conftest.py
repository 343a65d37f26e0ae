"""Fixtures for the desktop app's tests: real windows, offscreen, a temporary vault.

Every vault here uses the suite's cheap `fast_kdf`; the app's own create path
still defaults to the real parameters (`test_unlock.py` checks that).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_2fa.app import Services, build_services
from desktop_2fa.core import uri
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import Settings, VaultData
from desktop_2fa.vault.store import VaultFile

PASSWORD = "correct horse battery"
# 2026-01-01T00:00:10Z: ten seconds into a 30-second period.
T0 = 1767225610.0

GITHUB = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
GOOGLE = "otpauth://totp/Google:alice%40gmail.com?secret=GEZDGNBVGY3TQOJQ&issuer=Google"
BANK = "otpauth://hotp/Bank:alice?secret=MFRGGZDFMZTWQ2LK&issuer=Bank&counter=3"


class FakeClock:
    """Unix time the test moves on by hand."""

    def __init__(self, start: float = T0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(vault_path: Path, fast_kdf: KdfParams, clock: FakeClock, tmp_path: Path) -> Services:
    return build_services(
        vault_path, kdf=lambda: fast_kdf, clock=clock, log_path=tmp_path / "log" / "app.log"
    )


def make_vault(
    path: Path, kdf: KdfParams, uris: list[str], settings: Settings | None = None, **extra: object
) -> VaultData:
    data = VaultData(settings=settings or Settings())
    now = datetime.fromtimestamp(T0, UTC)
    for text in uris:
        data, _ = edits.add_account(data, uri.parse(text), now, **extra)  # type: ignore[arg-type]
    VaultFile(path).create(PASSWORD, data, kdf)
    return data


@pytest.fixture
def stored_vault(vault_path: Path, fast_kdf: KdfParams) -> Callable[..., VaultData]:
    def create(uris: list[str] | None = None, settings: Settings | None = None) -> VaultData:
        return make_vault(
            vault_path, fast_kdf, [GITHUB, GOOGLE, BANK] if uris is None else uris, settings
        )

    return create


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> Iterator[object]:
    from desktop_2fa.ui.main_window import MainWindow

    win = MainWindow(services, grab=lambda: [], open_camera=None)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.session.lock()


def unlock(qtbot: QtBot, win: object, password: str = PASSWORD) -> None:
    page = win.unlock_page  # type: ignore[attr-defined]
    page.password.setText(password)
    with qtbot.waitSignal(win.session.opened, timeout=10_000):  # type: ignore[attr-defined]
        page.button.click()


@pytest.fixture
def unlocked(qtbot: QtBot, window: object, stored_vault: Callable[..., VaultData]) -> object:
    stored_vault()
    window.unlock_page.reset()  # type: ignore[attr-defined]
    unlock(qtbot, window)
    return window


def save_twice(vault_path: Path) -> None:
    """Generations 2 and 3 (the accounts in another order, then back)."""
    vault = VaultFile(vault_path).unlock(PASSWORD)
    for _ in range(2):
        vault.apply(lambda d: VaultData(d.accounts[::-1], d.settings))


@pytest.fixture
def rolled_back(
    qtbot: QtBot, window: object, stored_vault: Callable[..., VaultData], vault_path: Path
) -> object:
    """The window unlocked on an old copy: GitHub, Google and Bank (HOTP, counter 3)
    saved up to generation 3, then the kept generation 1 copied over the vault."""
    import shutil

    from desktop_2fa.vault.durable import list_backups

    stored_vault()
    save_twice(vault_path)
    shutil.copy2(list_backups(vault_path)[0], vault_path)  # an old copy comes back
    window.unlock_page.reset()  # type: ignore[attr-defined]
    unlock(qtbot, window)
    return window


# Thirty accounts, the size of a daily user's list: two groups, one favourite,
# names chosen so that a search, a group filter or a favourite could reorder them.
DAILY = [
    ("PayPal", "Finance"),
    ("BigBank", "Finance"),
    ("Coinbase", "Finance"),
    ("Kraken", "Finance"),
    ("Stripe", "Finance"),
    ("GitHub", "Work"),
    ("GitLab", "Work"),
    ("Slack", "Work"),
    ("Zoom", "Work"),
    ("Heroku", "Work"),
    *(
        (name, "")
        for name in (
            "Amazon", "Apple", "Dropbox", "Discord", "Reddit", "Mastodon", "Proton",
            "Bitwarden", "Cloudflare", "Google", "Microsoft", "Facebook", "Instagram",
            "LinkedIn", "Steam", "Nintendo", "Binance", "Twitch", "Fastmail", "Hetzner",
        )
    ),
]  # fmt: skip


def daily_uris() -> list[tuple[str, str]]:
    out = []
    for i, (issuer, group) in enumerate(DAILY):
        secret = base64.b32encode(f"daily-secret-{i:04d}".encode()).decode().rstrip("=")
        label = f"{issuer}:user{i}%40example.test"
        out.append((f"otpauth://totp/{label}?secret={secret}&issuer={issuer}", group))
    return out


@pytest.fixture
def daily(qtbot: QtBot, window: object, vault_path: Path, fast_kdf: KdfParams) -> object:
    """The window, unlocked, on a thirty-account vault (Google is a favourite)."""
    data = VaultData()
    now = datetime.fromtimestamp(T0, UTC)
    for text, group in daily_uris():
        spec = uri.parse(text)
        data, _ = edits.add_account(data, spec, now, group=group, favourite=spec.issuer == "Google")
    VaultFile(vault_path).create(PASSWORD, data, fast_kdf)
    window.unlock_page.reset()  # type: ignore[attr-defined]
    unlock(qtbot, window)
    return window


def wizard_steps(wizard: object) -> Iterator[tuple[int, int]]:
    """Show every step of every tab of the wizard in turn; yields (tab, step)."""
    from PySide6.QtWidgets import QStackedWidget

    tabs = wizard.tabs  # type: ignore[attr-defined]
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        for stack in tabs.currentWidget().findChildren(QStackedWidget):
            for step in range(stack.count()):
                stack.setCurrentIndex(step)
                yield i, step
            stack.setCurrentIndex(0)
