"""The official better-auth client completes the whole flow against our server.

The set-up (`tests/interop/better_auth.py`, shared with the enrollment
interop tests) installs `better-auth` 1.7.25, the version PROTOCOL.md was
captured from, into the git-ignored `tests/interop/.node/`, reusing it when
already there. The test is skipped, loudly, only when `node` or `npm` is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.interop.better_auth import install_better_auth

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

pytestmark = [pytest.mark.interop, pytest.mark.slow]


@pytest.fixture(scope="module")
def node_flow() -> Path:
    """The flow script placed beside the installed better-auth (ESM resolves from there).

    `install_better_auth` skips loudly when node/npm are missing and installs
    better-auth 1.7.25 into the git-ignored `.node/` once.
    """
    folder = install_better_auth()
    script = folder / "better_auth_flow.mjs"
    shutil.copyfile(HERE / "better_auth_flow.mjs", script)
    return script


def test_official_client_full_flow(
    node_flow: Path, start_stub: Callable[..., str], store_args: list[str]
) -> None:
    # The default limits, except sign-in: the flow signs in four times within a
    # few seconds, past better-auth's production limit of 3 per 10 s.
    base = start_stub(*store_args, "--rate-limit", "/sign-in=10:5")
    result = subprocess.run(
        ["node", str(node_flow), base],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert result.returncode == 0, result.stderr
    steps: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])

    def ok(name: str) -> dict[str, Any]:
        step = steps[name]
        assert step["error"] is None, (name, step)
        return step["data"]  # type: ignore[no-any-return]

    def error(name: str) -> dict[str, Any]:
        step = steps[name]
        assert step["data"] is None and step["error"] is not None, (name, step)
        return step["error"]  # type: ignore[no-any-return]

    signed_up = ok("signUp")
    assert signed_up["user"]["email"].endswith("@example.test")
    enabled = ok("enable")
    assert enabled["method"] == "totp" and len(enabled["backupCodes"]) == 10
    assert steps["uri"].startswith("otpauth://totp/Desktop2FA%20Reference:")
    assert error("activateWrong") == {
        "status": 401,
        "code": "INVALID_CODE",
        "message": "Invalid code",
    }
    activated = ok("activate")
    assert activated["user"]["twoFactorEnabled"] is False  # the stale-user quirk
    assert ok("sessionAfterActivation")["user"]["twoFactorEnabled"] is True
    assert ok("signOut1") == {"success": True}

    assert ok("signIn1") == {"twoFactorRedirect": True, "twoFactorMethods": ["totp"]}
    assert steps["redirectsAfterSignIn1"] == 1  # onTwoFactorRedirect fired
    assert steps["sessionDuringChallenge"]["data"] is None
    verified = ok("verifyTotp")
    assert verified["user"]["twoFactorEnabled"] is True
    assert ok("sessionAfterTotp")["session"]["token"] == verified["token"]
    ok("signOut2")

    ok("signIn2")
    by_backup = ok("verifyBackupCode")
    assert ok("sessionAfterBackupCode")["session"]["token"] == by_backup["token"]
    ok("signOut3")

    ok("signIn3")
    assert error("reuseBackupCode") == {
        "status": 401,
        "code": "INVALID_BACKUP_CODE",
        "message": "Invalid backup code",
    }
    ok("verifyBackupCode2")
    assert ok("disable") == {"status": True}
    assert ok("sessionAfterDisable")["user"]["twoFactorEnabled"] is False
    ok("signOut4")
    plain = ok("signInPlain")
    assert plain["redirect"] is False and "token" in plain
    assert steps["redirects"] == [["totp"], ["totp"], ["totp"]]
