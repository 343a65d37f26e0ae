"""Desktop app figures (issues 6 and 11). Prints; asserts nothing.

- the once-a-second refresh with 1,000 accounts in the model and the list on
  screen, every account with a picture (a third their own SVG, a third an
  installed icon pack's, a third the letter avatar): average CPU time
  (time.process_time) of the tick handler plus the repaint it causes, over 60
  simulated seconds (target < 2 ms);
- the longest UI-thread stall (event-loop latency, target < 100 ms) while an
  unlock (real Argon2id), a screen-sized QR scan and a 1,000-account import
  run in workers, and while 20 codes are copied from a 1,000-account vault
  (each copy saves the use count).

Runs offscreen (QT_QPA_PLATFORM=offscreen unless a platform is set).
"""

from __future__ import annotations

import base64
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ACCOUNTS = 1000
TICKS = 60
T0 = 1767225600.0  # a period boundary, so the 60 ticks include the usual rollovers
FAST_KDF = {"time_cost": 1, "memory_kib": 1024, "lanes": 1}


def _quiet_qt() -> None:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(mode: QtMsgType, _context: object, message: str) -> None:
        if "propagateSizeHints" in message:
            return  # the offscreen platform's noise
        if mode != QtMsgType.QtDebugMsg:
            print(f"qt: {message}")

    qInstallMessageHandler(handler)


def _uris(count: int) -> list[str]:
    uris = []
    for i in range(count):
        secret = base64.b32encode(f"bench-secret-{i:05d}".encode()).decode().rstrip("=")
        kind, extra = (
            ("hotp", "&counter=0") if i % 50 == 49 else ("totp", f"&period={(30, 60)[i % 2]}")
        )
        uris.append(f"otpauth://{kind}/Issuer{i:04d}:user{i}%40example.test?secret={secret}{extra}")
    return uris


def _svg(i: int) -> bytes:
    hue = (i * 47) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="7" fill="hsl({hue},60%,45%)"/>'
        f'<circle cx="16" cy="16" r="{6 + i % 5}" fill="#fff"/></svg>'
    ).encode()


def _icon_pack(count: int) -> bytes:
    """An icon pack (Aegis's format) for every third bench issuer."""
    import json
    import zipfile

    buffer = io.BytesIO()
    icons = []
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(1, count, 3):
            archive.writestr(f"i/{i}.svg", _svg(i))
            icons.append({"filename": f"i/{i}.svg", "issuer": [f"issuer{i:04d}"]})
        pack = {"uuid": "5d0b3c9e-1f2a-4b6c-8d7e-9f0a1b2c3d4e", "name": "Bench", "version": 1}
        archive.writestr("pack.json", json.dumps({**pack, "icons": icons}))
    return buffer.getvalue()


def _vault(path: Path, count: int, kdf: object, *, icons: bool = False) -> None:
    from desktop_2fa.core import uri
    from desktop_2fa.vault import edits
    from desktop_2fa.vault.model import AccountIcon, IconKind, VaultData
    from desktop_2fa.vault.store import VaultFile

    data = VaultData()
    now = datetime.fromtimestamp(T0, UTC)
    for i, text in enumerate(_uris(count)):
        data, account = edits.add_account(data, uri.parse(text), now, favourite=i % 97 == 0)
        if icons and i % 3 == 0:
            own = AccountIcon(IconKind.IMAGE, _svg(i), "image/svg+xml")
            data = edits.set_icon(data, account.id, own, now)
    VaultFile(path).create("bench password", data, kdf)  # type: ignore[arg-type]
    if icons:
        from desktop_2fa.iconpacks.library import IconLibrary

        IconLibrary(path.parent / "icon-packs").install(_icon_pack(count), "bench.zip")


def _wait(app: object, done: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        app.processEvents()  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        time.sleep(0.001)


class StallMeter:
    """Longest gap between the firings of a 5 ms timer = the UI thread's worst stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self.last = 0.0
        self.worst = 0.0

    def _beat(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def __enter__(self) -> StallMeter:
        self.last = time.perf_counter()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._beat()  # the work done since the last beat counts too
        self.timer.stop()

    @property
    def stall_ms(self) -> float:
        return max(0.0, self.worst * 1000 - 5)


def _line(what: str, value: float, unit: str, target: str) -> None:
    print(f"{what:<58} {value:8.2f} {unit:<4} (target {target})", flush=True)


def _refresh(app: object, tmp: Path) -> None:
    from desktop_2fa.app import build_services
    from desktop_2fa.ui.main_window import MainWindow
    from desktop_2fa.vault.crypto import KdfParams

    kdf = KdfParams.new(**FAST_KDF)
    path = tmp / "refresh.json"
    _vault(path, ACCOUNTS, kdf, icons=True)
    clock = [T0]
    window = MainWindow(build_services(path, kdf=lambda: kdf, clock=lambda: clock[0]))
    window.resize(520, 900)
    window.show()
    window.unlock_page.password.setText("bench password")
    window.unlock_page.submit()
    _wait(app, lambda: window.session.is_open)
    window._tick_timer.stop()  # the bench drives the ticks itself
    painted = [0]
    paint = window.view.code_delegate.paint

    def counting_paint(*args: object) -> None:
        painted[0] += 1
        paint(*args)  # type: ignore[arg-type]

    window.view.code_delegate.paint = counting_paint  # type: ignore[method-assign]
    for i in range(5):  # warm up: fonts, caches, first layout
        window.tick(T0 - 5 + i)
        app.processEvents()  # type: ignore[attr-defined]
    costs, rollover = [], []
    painted[0] = 0
    for i in range(TICKS):
        at = T0 + i + 0.003
        start = time.process_time()
        window.tick(at)
        app.processEvents()  # type: ignore[attr-defined]  # the repaint it scheduled
        cost = (time.process_time() - start) * 1000
        costs.append(cost)
        if i % 30 == 0:
            rollover.append(cost)
    print(
        f"{ACCOUNTS} accounts with icons ({window.model.rowCount()} rows, "
        f"{len(window.library.packs)} icon pack), {TICKS} ticks, "
        f"{painted[0] / TICKS:.1f} rows painted per tick, "
        f"{sum(r.code is not None for r in window.model._rows)} codes computed",
        flush=True,
    )
    _line("refresh tick with icons, CPU per tick (average)", statistics.mean(costs), "ms", "< 2 ms")
    _line(
        "refresh tick, CPU at a period rollover (average)", statistics.mean(rollover), "ms", "info"
    )
    _line("refresh tick, CPU worst tick", max(costs), "ms", "info")
    window.session.lock()
    window.close()


def _unlock_stall(app: object, tmp: Path) -> None:
    from desktop_2fa.app import build_services
    from desktop_2fa.ui.main_window import MainWindow
    from desktop_2fa.vault.crypto import default_kdf_params

    path = tmp / "unlock.json"
    kdf = default_kdf_params()  # the real Argon2id: 256 MiB, 3 passes
    _vault(path, ACCOUNTS, kdf)
    window = MainWindow(build_services(path))
    window.show()
    window.unlock_page.password.setText("bench password")
    start = time.perf_counter()
    with StallMeter() as meter:
        window.unlock_page.submit()
        _wait(app, lambda: window.session.is_open)
    took = (time.perf_counter() - start) * 1000
    _line(f"unlock ({took:.0f} ms, real KDF), worst UI stall", meter.stall_ms, "ms", "< 100 ms")
    window.session.lock()
    window.close()


def _small_unlocked_window(app: object, path: Path, **window_args: object) -> Any:
    """A window on a 10-account vault with cheap key derivation, already unlocked."""
    from desktop_2fa.app import build_services
    from desktop_2fa.ui.main_window import MainWindow
    from desktop_2fa.vault.crypto import KdfParams

    kdf = KdfParams.new(**FAST_KDF)
    _vault(path, 10, kdf)
    window = MainWindow(build_services(path, kdf=lambda: kdf), **window_args)
    window.show()
    window.unlock_page.password.setText("bench password")
    window.unlock_page.submit()
    _wait(app, lambda: window.session.is_open)
    return window


def _scan_and_import_stalls(app: object, tmp: Path) -> None:
    import cv2
    import numpy as np
    import segno

    buffer = io.BytesIO()
    segno.make("otpauth://totp/Bench:qr?secret=JBSWY3DPEHPK3PXQ&issuer=Bench").save(
        buffer, kind="png", scale=5, border=4
    )
    qr = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    screen = np.full((1080, 1920, 3), 235, np.uint8)
    screen[300 : 300 + qr.shape[0], 900 : 900 + qr.shape[1]] = qr

    window = _small_unlocked_window(app, tmp / "scan.json", grab=lambda: [screen])

    dialog = window.dialogs.add_account()
    dialog.tabs.setCurrentWidget(dialog.screen_tab)
    dialog.screen_tab.hide_windows = False
    start = time.perf_counter()
    with StallMeter() as meter:
        dialog.screen_tab.scan()
        _wait(app, lambda: dialog.issuer.text() == "Bench")
    took = (time.perf_counter() - start) * 1000
    _line(
        f"scan a 1920x1080 screen ({took:.0f} ms), worst UI stall", meter.stall_ms, "ms", "< 100 ms"
    )
    dialog.reject()

    export = tmp / "export.txt"
    export.write_text("\n".join(_uris(ACCOUNTS + 10)[10:]) + "\n")
    importer = window.dialogs.open_import()
    start = time.perf_counter()
    with StallMeter() as meter:
        importer.add_paths([export])
        _wait(app, lambda: importer.entries.count() == ACCOUNTS)
    took = (time.perf_counter() - start) * 1000
    _line(
        f"read a {ACCOUNTS}-account export ({took:.0f} ms), worst UI stall",
        meter.stall_ms,
        "ms",
        "< 100 ms",
    )
    done = []
    importer.imported.connect(done.append)
    start = time.perf_counter()
    with StallMeter() as meter:
        importer.import_checked()
        _wait(app, lambda: bool(done))
    took = (time.perf_counter() - start) * 1000
    _line(
        f"add {ACCOUNTS} imported accounts and save ({took:.0f} ms), worst UI stall",
        meter.stall_ms,
        "ms",
        "< 100 ms",
    )
    window.session.lock()
    window.close()


def _copy_stall(app: object, tmp: Path) -> None:
    """Copying codes counts uses (issue 11), a save of the whole vault each time."""
    from desktop_2fa.app import build_services
    from desktop_2fa.ui.main_window import MainWindow
    from desktop_2fa.vault.crypto import KdfParams

    kdf = KdfParams.new(**FAST_KDF)
    path = tmp / "copy.json"
    _vault(path, ACCOUNTS, kdf)
    window = MainWindow(build_services(path, kdf=lambda: kdf))
    window.show()
    window.unlock_page.password.setText("bench password")
    window.unlock_page.submit()
    _wait(app, lambda: window.session.is_open)
    copies = 20
    start = time.perf_counter()
    with StallMeter() as meter:
        for row in range(copies):
            window.view.setCurrentIndex(window.proxy.index(row, 0))
            window.accounts.copy_current()
            app.processEvents()  # type: ignore[attr-defined]
        _wait(app, lambda: sum(a.use_count for a in window.session.data.accounts) == copies)
    took = (time.perf_counter() - start) * 1000
    _line(
        f"copy {copies} codes, {ACCOUNTS} accounts ({took:.0f} ms), worst UI stall",
        meter.stall_ms,
        "ms",
        "< 100 ms",
    )
    window.session.lock()
    window.close()


def _network_stall(app: object, tmp: Path) -> None:
    """The wizard's round trip: 14 steps of HTTP to the bundled server, in workers."""
    window = _small_unlocked_window(app, tmp / "network.json")
    wizard = window.dialogs.open_wizard()
    page = wizard.roundtrip_page
    reports: list[object] = []
    page.finished.connect(reports.append)
    start = time.perf_counter()
    with StallMeter() as meter:
        page.run_button.click()
        _wait(app, lambda: bool(reports))
    took = (time.perf_counter() - start) * 1000
    _line(
        f"round trip in the wizard ({took:.0f} ms), worst UI stall",
        meter.stall_ms,
        "ms",
        "< 100 ms",
    )
    wizard.close()
    window.session.lock()
    window.close()


def run() -> None:
    from PySide6.QtWidgets import QApplication

    _quiet_qt()
    app = QApplication.instance() or QApplication(["bench"])
    with tempfile.TemporaryDirectory() as tmp:
        _refresh(app, Path(tmp))
        _unlock_stall(app, Path(tmp))
        _scan_and_import_stalls(app, Path(tmp))
        _copy_stall(app, Path(tmp))
        _network_stall(app, Path(tmp))
    from desktop_2fa.ui import jobs

    jobs.wait_for_all()


if __name__ == "__main__":
    run()
