"""`make screenshots` renders every picture the docs show and leaves the user's state alone.

The demo vaults it saves are throw-aways: their generations must not be
remembered in the real state folder (vault/rollback.py), where they would
pile up, one vault id per run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_screenshots_render_every_view_and_remember_nothing(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from tools.screenshots import NAMES
    finally:
        sys.path.remove(str(ROOT))
    env = {k: v for k, v in os.environ.items() if k != "DESKTOP_2FA_STATE_DIR"}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        QT_QPA_PLATFORM="offscreen",
    )
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screenshots.py"), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {"rollback-banner", "restore-dialog"} <= set(NAMES)
    for name in NAMES:
        image = QImage(str(out / f"{name}.png"))
        assert not image.isNull() and image.width() > 300, name
    assert not (tmp_path / "state").exists()
    assert not (tmp_path / "home" / ".local" / "state").exists()
