"""`--server` takes what better-auth's `createAuthClient({baseURL})` takes (issue 12, point 1).

A URL with no path means `<url>/api/auth`; a URL with a path is the auth base
itself (better-auth's `withPath` in `utils/url.ts`). Reports name the full
endpoint URLs they used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from desktop_2fa.enroll.client import AuthClient, auth_base_url
from desktop_2fa.enroll.errors import EnrollError, UnexpectedResponse
from server_stub.process import spawn
from tests.enroll.conftest import SECRET


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000/api/auth"),
        ("http://127.0.0.1:3000/", "http://127.0.0.1:3000/api/auth"),
        ("  https://auth.example.test  ", "https://auth.example.test/api/auth"),
        ("http://127.0.0.1:3000/api/auth", "http://127.0.0.1:3000/api/auth"),
        ("http://127.0.0.1:3000/api/auth/", "http://127.0.0.1:3000/api/auth"),
        ("https://host.example.test/auth", "https://host.example.test/auth"),
        ("https://host.example.test/app/api/auth//", "https://host.example.test/app/api/auth"),
        ("HTTP://[::1]:3000", "http://[::1]:3000/api/auth"),
    ],
)
def test_the_base_url_rule(given: str, base: str) -> None:
    assert auth_base_url(given) == base
    client = AuthClient(given)
    assert client.base_url == base
    assert client.url_for("sign-in/email") == base + "/sign-in/email"
    parts = urlsplit(base)
    assert client.origin == f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize(
    "bad", ["http://host/api/auth?x=1", "http://host/auth#frag", "http://user:pw@host/api/auth"]
)
def test_queries_fragments_and_credentials_are_refused(bad: str) -> None:
    with pytest.raises(EnrollError, match="the server URL must be"):
        auth_base_url(bad)


def _roundtrip(server: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_2fa", "roundtrip", "--server", server, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_roundtrip_with_the_api_auth_path_against_the_reference_server() -> None:
    env = {**os.environ, "D2FA_SERVER_SECRET": SECRET}
    with spawn("--memory", env=env) as server:
        done = _roundtrip(server.base_url + "/api/auth")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["passed"] is True
    assert report["server"] == server.base_url + "/api/auth"
    # every step names the full endpoint URLs it used
    base = server.base_url + "/api/auth"
    steps = {step["name"]: step["requests"] for step in report["steps"]}
    assert steps["sign up with a fresh e-mail"] == [
        f"POST {base}/sign-up/email",
        f"GET {base}/get-session",
    ]
    assert f"POST {base}/two-factor/verify-backup-code" in steps["a backup code gives a session"]


@pytest.mark.slow
def test_a_server_under_another_base_path_works_with_that_path() -> None:
    env = {**os.environ, "D2FA_SERVER_SECRET": SECRET}
    with spawn("--memory", "--base-path", "/auth", env=env) as server:
        good = _roundtrip(server.base_url + "/auth")
        # No path means /api/auth, which this server does not have: the
        # message names the full URL that was tried.
        with pytest.raises(UnexpectedResponse) as info:
            AuthClient(server.base_url).sign_up("a@example.test", "long enough pw", "A")
    assert good.returncode == 0, good.stdout + good.stderr
    assert json.loads(good.stdout)["server"] == server.base_url + "/auth"
    message = str(info.value)
    assert f"POST {server.base_url}/api/auth/sign-up/email answered 404" in message
    assert "a URL without a path means /api/auth" in message


@pytest.mark.parametrize("bad", ["auth", "/", "http://host/auth", "/a?b"])
def test_a_bad_base_path_is_a_usage_error(bad: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server_stub", "--memory", "--port", "0", "--base-path", bad],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("desktop-2fa-server: error: argument --base-path: expected")
    assert done.stderr.count("\n") == 1


def test_an_account_enrolled_under_either_spelling_of_the_server_is_found() -> None:
    """Vaults from before the rule hold `http://host:port`; new ones the auth base URL."""
    from datetime import UTC, datetime

    from desktop_2fa.core import uri
    from desktop_2fa.enroll.flow import find_enrolled
    from desktop_2fa.vault import edits
    from desktop_2fa.vault.model import Enrollment, VaultData

    spec = uri.parse("otpauth://totp/X:bob%40example.test?secret=JBSWY3DPEHPK3PXP&issuer=X")
    now = datetime.now(UTC)
    old = Enrollment(server="http://127.0.0.1:3000", email="bob@example.test", enrolled_at=now)
    data, account = edits.add_account(VaultData(), spec, now, enrollment=old)
    for server in ("http://127.0.0.1:3000", "http://127.0.0.1:3000/api/auth/"):
        found = find_enrolled(data, server, "BOB@example.test")
        assert found is not None and found.id == account.id
    assert find_enrolled(data, "http://127.0.0.1:3000/auth", "bob@example.test") is None
    assert find_enrolled(data, "not a url", "bob@example.test") is None
