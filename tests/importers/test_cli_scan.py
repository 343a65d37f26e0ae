"""`desktop-2fa scan IMAGE | --screen | --camera [--add]`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.importers.support import FIXTURES, Run, vault_accounts
from tests.scan import images


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0].removeprefix("desktop-2fa: error: ")


def test_scan_prints_the_uri(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "shot.png"
    cv2.imwrite(str(path), images.screenshot())
    code, out, err = run("scan", str(path))
    assert (code, out, err) == (0, images.URI + "\n", "")


def test_scan_expands_a_google_export(run: Run) -> None:
    code, out, err = run("scan", str(FIXTURES / "google_batch_3_of_3.png"))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 5 and all(line.startswith("otpauth://") for line in lines)
    assert "part 3 of 3" in err


def test_scan_add_puts_the_account_in_the_vault(run: Run, vault: Path, tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(images.photo_jpeg())
    code, out, err = run("scan", str(path), "--add")
    assert code == 0, err
    assert out == "Imported 1, skipped 0 duplicates, 0 could not be read.\n"
    (account,) = vault_accounts(vault)
    assert (account.issuer, account.name) == ("Example", "alice@example.com")


def test_scan_add_refuses_part_of_a_google_export(run: Run, vault: Path) -> None:
    code, _, err = run("scan", str(FIXTURES / "google_batch_1_of_3.png"), "--add")
    assert code == 1
    assert "parts 2 and 3 of 3 are missing" in _one_error_line(err)
    assert vault_accounts(vault) == ()


def test_scan_without_a_code(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    cv2.imwrite(str(path), np.full((100, 100), 255, np.uint8))
    code, out, err = run("scan", str(path))
    assert (code, out) == (1, "")
    assert _one_error_line(err) == f"no QR code found in {path}"


def test_scan_of_something_that_is_not_an_image(run: Run) -> None:
    code, _, err = run("scan", str(FIXTURES / "andotp.json"))
    assert code == 1
    assert _one_error_line(err).startswith(f"cannot read {FIXTURES / 'andotp.json'} as an image")


def test_scan_camera_without_a_camera(run: Run) -> None:
    code, _, err = run("scan", "--camera", "--camera-index", "99")
    assert code == 1
    assert _one_error_line(err) == "no camera found (camera number 99 could not be opened)"


def test_scan_needs_exactly_one_source(run: Run) -> None:
    assert run("scan")[0] == 2
    assert run("scan", "x.png", "--screen")[0] == 2


def test_scan_screen_decodes_every_screen(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_2fa.ui import screen_grab

    blank = np.full((768, 1024, 4), 255, np.uint8)
    shot = cv2.cvtColor(images.screenshot(), cv2.COLOR_BGR2RGBA)
    monkeypatch.setattr(screen_grab, "grab_screens", lambda: [blank, shot])
    code, out, err = run("scan", "--screen")
    assert (code, out) == (0, images.URI + "\n"), err


def test_scan_screen_without_a_display(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run("scan", "--screen")
    assert code == 1
    assert _one_error_line(err) == (
        "cannot capture the screen: there is no display (neither DISPLAY nor WAYLAND_DISPLAY "
        "is set)"
    )


@pytest.mark.slow
def test_scan_screen_really_grabs_through_qt(tmp_path: Path) -> None:
    # A separate process: the grab creates a QGuiApplication, which must not leak into
    # the Qt tests of this session. The offscreen screen is blank: no code on it.
    script = (
        "from tests.importers.support import parser_with_transfer_commands as p\n"
        "from desktop_2fa.cli import main, parser\n"
        "parser.build_parser = p\n"
        "raise SystemExit(main.main(['scan', '--screen']))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, check=False, timeout=60,
        env=env, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "desktop-2fa: error: no QR code found in the screen grab"
    )
