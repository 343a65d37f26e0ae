"""AuthClient against every error PROTOCOL.md lists, and against broken servers."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate

import pytest

from desktop_2fa.core import uri
from desktop_2fa.core.otp import hotp, time_step
from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.errors import (
    EnrollError,
    NetworkError,
    RateLimited,
    ServerError,
    UnexpectedResponse,
)
from server_stub.runner import RunningServer, start_in_thread
from server_stub.settings import RateLimit, Settings

PASSWORD = "correct horse battery"
SECRET = "client-tests-secret-0123456789abcdefghijklmnop"


def _start(rate_limit: RateLimit | None = None) -> RunningServer:
    return start_in_thread(Settings(secret=SECRET, rate_limit=rate_limit))


@pytest.fixture
def server() -> Iterator[RunningServer]:
    running = _start(RateLimit())  # the seed guide's 5 per 60 s, as by default
    yield running
    running.stop()


@pytest.fixture
def open_server() -> Iterator[RunningServer]:
    """No rate limit, for tests that need many failures."""
    running = _start(None)
    yield running
    running.stop()


def _code(totp_uri: str, steps_ahead: int = 0) -> str:
    params = uri.parse(totp_uri).params
    return hotp(params, time_step(params, time.time() + steps_ahead * params.period))


def _enrolled(client: AuthClient, email: str = "bob@example.test") -> str:
    client.sign_up(email, PASSWORD, "Bob")
    totp_uri = client.enable(PASSWORD).totp_uri
    client.activate(_code(totp_uri))
    client.sign_out()
    return totp_uri


def _refused(call: Callable[[], object], status: int, code: str, message: str) -> ServerError:
    with pytest.raises(ServerError) as info:
        call()
    assert (info.value.status, info.value.code, info.value.server_message) == (
        status,
        code,
        message,
    )
    return info.value


def test_sign_up_errors(server: RunningServer) -> None:
    client = AuthClient(server.base_url)
    client.sign_up("bob@example.test", PASSWORD, "Bob")
    client.forget_cookies()
    _refused(
        lambda: client.sign_up("Bob@Example.test", PASSWORD, "Bob"),
        422,
        "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        "User already exists. Use another email.",
    )
    _refused(
        lambda: client.sign_up("new@example.test", "short", "N"),
        400,
        "PASSWORD_TOO_SHORT",
        "Password too short",
    )
    error = _refused(
        lambda: client.sign_up("not-an-email", PASSWORD, "N"),
        400,
        "VALIDATION_ERROR",
        "[body.email] Invalid email address",
    )
    assert "Invalid email address" in str(error)


def test_sign_in_errors_and_redirect_hook(server: RunningServer) -> None:
    seen = []
    client = AuthClient(server.base_url, on_two_factor_redirect=seen.append)
    _refused(
        lambda: client.sign_in("nobody@example.test", PASSWORD),
        401,
        "INVALID_EMAIL_OR_PASSWORD",
        "Invalid email or password",
    )
    _enrolled(client)
    result = client.sign_in("bob@example.test", PASSWORD)
    assert result.two_factor_redirect and result.methods == ("totp",)
    assert seen == [result]  # the guide's onTwoFactorRedirect fired
    assert client.get_session() is None


def test_enable_and_two_factor_errors(server: RunningServer) -> None:
    client = AuthClient(server.base_url)
    _refused(lambda: client.enable(PASSWORD), 401, "UNAUTHORIZED", "Unauthorized")
    client.sign_up("bob@example.test", PASSWORD, "Bob")
    _refused(lambda: client.enable("wrong password"), 400, "INVALID_PASSWORD", "Invalid password")
    _refused(lambda: client.get_totp_uri(PASSWORD), 400, "TOTP_NOT_ENABLED", "TOTP not enabled")
    enabled = client.enable(PASSWORD)
    assert len(enabled.backup_codes) == 10
    _refused(
        lambda: client.generate_backup_codes(PASSWORD),
        400,
        "TWO_FACTOR_NOT_ENABLED",
        "Two factor isn't enabled",
    )
    _refused(lambda: client.verify_totp("000000"), 401, "INVALID_CODE", "Invalid code")
    session = client.activate(_code(enabled.totp_uri))
    assert session.user.two_factor_enabled  # followed the rotated session
    _refused(
        lambda: client.enable(PASSWORD), 400, "TOTP_ALREADY_ENABLED", "TOTP is already enabled"
    )
    assert client.get_totp_uri(PASSWORD).startswith("otpauth://totp/")
    assert len(client.generate_backup_codes(PASSWORD)) == 10


def test_challenge_errors(open_server: RunningServer) -> None:
    client = AuthClient(open_server.base_url)
    totp_uri = _enrolled(client)
    _refused(
        lambda: client.verify_totp(_code(totp_uri)),
        401,
        "INVALID_TWO_FACTOR_COOKIE",
        "Invalid two factor cookie",
    )
    client.sign_in("bob@example.test", PASSWORD)
    _refused(
        lambda: client.verify_backup_code("aaaaa-bbbbb"),
        401,
        "INVALID_BACKUP_CODE",
        "Invalid backup code",
    )
    for _ in range(4):
        _refused(lambda: client.verify_totp("000000"), 401, "INVALID_CODE", "Invalid code")
    _refused(
        lambda: client.verify_totp(_code(totp_uri, 1)),
        400,
        "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE",
        "Too many attempts. Please request a new code.",
    )


def test_account_lock_is_a_429_without_retry_after(open_server: RunningServer) -> None:
    client = AuthClient(open_server.base_url)
    _enrolled(client)
    for _attempt in range(2):
        client.sign_in("bob@example.test", PASSWORD)
        for _ in range(5):
            with pytest.raises(ServerError):
                client.verify_totp("000000")
    client.sign_in("bob@example.test", PASSWORD)
    with pytest.raises(RateLimited) as info:
        client.verify_totp("000000")
    assert info.value.code == "ACCOUNT_TEMPORARILY_LOCKED"
    assert info.value.retry_after is None
    assert "temporarily locked" in str(info.value)


def test_rate_limit_gives_retry_after(server: RunningServer) -> None:
    client = AuthClient(server.base_url)
    client.sign_up("bob@example.test", PASSWORD, "Bob")
    for _ in range(5):
        with pytest.raises(ServerError):
            client.verify_totp("000000")
    with pytest.raises(RateLimited) as info:
        client.verify_totp("000000")
    assert info.value.status == 429
    assert info.value.retry_after is not None and 0 < info.value.retry_after <= 60
    assert "retry in" in str(info.value)


def test_backup_code_disable_session_and_trusted_device(open_server: RunningServer) -> None:
    client = AuthClient(open_server.base_url)
    client.sign_up("bob@example.test", PASSWORD, "Bob")
    enabled = client.enable(PASSWORD)
    client.activate(_code(enabled.totp_uri))
    client.sign_out()
    client.sign_in("bob@example.test", PASSWORD)
    result = client.verify_backup_code(enabled.backup_codes[0], disable_session=True)
    assert result.token is None and result.user is not None
    assert client.get_session() is None
    _refused(
        lambda: client.verify_backup_code(enabled.backup_codes[1]),
        401,
        "INVALID_TWO_FACTOR_COOKIE",
        "Invalid two factor cookie",
    )
    client.sign_in("bob@example.test", PASSWORD)
    client.verify_otp(_code(enabled.totp_uri, 1), trust_device=True)  # the guide's endpoint
    client.sign_out()
    trusted = client.sign_in("bob@example.test", PASSWORD)
    assert not trusted.two_factor_redirect and trusted.token
    client.disable(PASSWORD)
    session = client.get_session()
    assert session is not None and not session.user.two_factor_enabled


def test_wrong_origin_is_a_clear_refusal(server: RunningServer) -> None:
    # The server knows itself as 127.0.0.1; "localhost" is another origin (section 2).
    other = server.base_url.replace("127.0.0.1", "localhost")
    _refused(
        lambda: AuthClient(other).sign_up("x@example.test", PASSWORD, "X"),
        403,
        "INVALID_ORIGIN",
        "Invalid origin",
    )


def test_server_down(closed_port: str) -> None:
    with pytest.raises(NetworkError, match="connection refused"):
        AuthClient(closed_port).sign_in("a@example.test", PASSWORD)


def test_server_too_slow(silent_server: str) -> None:
    with pytest.raises(NetworkError, match=r"did not answer within 0\.3 s"):
        AuthClient(silent_server, timeout=0.3).get_session()


@pytest.mark.parametrize(
    ("status", "content_type", "body", "expected"),
    [
        (200, "text/html", b"<html>It works!</html>", "HTTP 200 with text/html, not JSON"),
        (500, "text/plain", b"Internal Server Error", "HTTP 500 with text/plain, not JSON"),
        (502, "application/json", b'{"error":"bad gateway"}', "HTTP 502 without an error message"),
        (200, "application/json", b'{"unexpected": true}', "no 'user' in the reply"),
    ],
)
def test_not_the_protocol(
    fake_server: Callable[..., str], status: int, content_type: str, body: bytes, expected: str
) -> None:
    url = fake_server(status=status, content_type=content_type, body=body)
    with pytest.raises(UnexpectedResponse) as info:
        AuthClient(url).sign_up("a@example.test", PASSWORD, "A")
    assert expected in str(info.value)
    assert str(info.value).count("\n") == 0


def test_a_500_with_the_envelope_is_a_server_error(fake_server: Callable[..., str]) -> None:
    url = fake_server(500, "application/json", b'{"message":"Boom","code":"INTERNAL"}')
    _refused(lambda: AuthClient(url).sign_out(), 500, "INTERNAL", "Boom")


def test_bad_server_urls() -> None:
    for bad in ("ftp://x", "127.0.0.1:3000", "", "http://[::1", "http://host:99999"):
        with pytest.raises(EnrollError, match=r"must be http\(s\)://host\[:port\]"):
            AuthClient(bad)


@pytest.mark.parametrize(
    ("offset", "expected"), [(0, None), (-45, r"4[56] s behind"), (30, r"(29|30) s ahead")]
)
def test_clock_check_compares_the_date_header(
    fake_server: Callable[..., str], offset: int, expected: str | None
) -> None:
    """TOTP fails when clocks differ; more than 10 s gets a warning (issue 4, point 5)."""
    date = formatdate(time.time() + offset, usegmt=True)
    url = fake_server(200, "application/json", b"null", headers={"Date": date})
    client = AuthClient(url)
    assert client.get_session() is None
    warning = client.clock_warning()
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and re.search(expected, warning)
        assert "codes will be refused until the clocks agree" in warning


def test_the_reference_server_sends_a_date_to_check_clocks_by(server: RunningServer) -> None:
    client = AuthClient(server.base_url)
    client.get_session()
    assert client.clock_skew is not None and abs(client.clock_skew) < 5
    assert client.clock_warning() is None


def test_the_remaining_error_rows(open_server: RunningServer) -> None:
    """PROTOCOL.md section 4 rows not met on the way through the flows above."""
    client = AuthClient(open_server.base_url)
    _refused(lambda: client.disable(PASSWORD), 401, "UNAUTHORIZED", "Unauthorized")
    _refused(lambda: client.get_totp_uri(PASSWORD), 401, "UNAUTHORIZED", "Unauthorized")
    client.sign_up("bob@example.test", PASSWORD, "Bob")
    _refused(lambda: client.verify_totp("123456"), 400, "TOTP_NOT_ENABLED", "TOTP not enabled")
    _refused(
        lambda: client.verify_backup_code("aaaaa-bbbbb"),
        400,
        "BACKUP_CODES_NOT_ENABLED",
        "Backup codes aren't enabled",
    )
    _refused(lambda: client.disable("wrong password"), 400, "INVALID_PASSWORD", "Invalid password")
    enabled = client.enable(PASSWORD)
    _refused(
        lambda: client.get_totp_uri("wrong password"), 400, "INVALID_PASSWORD", "Invalid password"
    )
    client.activate(_code(enabled.totp_uri))
    _refused(
        lambda: client.generate_backup_codes("wrong password"),
        400,
        "INVALID_PASSWORD",
        "Invalid password",
    )
    # Not digits of the right length: refused like any wrong code (section 5).
    _refused(lambda: client.verify_totp("123 456"), 401, "INVALID_CODE", "Invalid code")


@pytest.mark.parametrize("part", ["head", "body"])
def test_a_reply_that_drips_is_cut_off_at_the_timeout(
    dripping_server: Callable[..., str], part: str
) -> None:
    # Every read gets a byte within 0.1 s: only a deadline for the whole
    # exchange ends it (a hostile or broken server must not hang the client).
    client = AuthClient(dripping_server(part), timeout=1.0)
    with pytest.raises(NetworkError, match=r"did not answer within 1 s"):
        client.sign_in("a@example.test", PASSWORD)


def test_a_huge_reply_is_refused_without_reading_it_all(
    dripping_server: Callable[..., str],
) -> None:
    url = dripping_server(huge=64 * 1024 * 1024)
    with pytest.raises(NetworkError, match=r"larger than 1024 KiB"):
        AuthClient(url).sign_in("a@example.test", PASSWORD)


def test_a_cookie_that_cannot_be_sent_back_is_forgotten(fake_server: Callable[..., str]) -> None:
    """RFC 6265 section 4.1.1 allows only ASCII in cookies; httpx failed every later
    request of the client on one (an unexpected UnicodeEncodeError)."""
    hostile = "\u202eevil=1; Path=/".encode().decode("latin-1")  # UTF-8 bytes on the wire
    url = fake_server(200, "application/json", b"{}", headers={"Set-Cookie": hostile})
    with AuthClient(url) as client:
        assert client.send("GET", "ok").status_code == 200
        assert client.send("GET", "ok").status_code == 200
        assert not any("evil" in name for name in client.cookies)
