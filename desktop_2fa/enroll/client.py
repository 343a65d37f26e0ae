"""An httpx client for the better-auth two-factor protocol (PROTOCOL.md).

- Cookies only (section 1): the client keeps the jar; tokens in bodies are
  never used as credentials.
- Origin (section 2): every POST carries `Origin: <scheme://host:port of the
  server>`, because once any cookie is held (a session, the `two_factor`
  challenge, `trust_device`) better-auth refuses a POST without it.
- Session rotation (section 5): `activate` follows the new cookie and re-reads
  `get-session`, since the activation reply echoes a dead token and a stale user.
- Every failure is a typed `EnrollError`; timeouts are on and TLS is verified
  by default.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from desktop_2fa.enroll.errors import (
    EnrollError,
    NetworkError,
    RateLimited,
    ServerError,
    UnexpectedResponse,
)
from desktop_2fa.enroll.model import (
    EnableResult,
    Exchange,
    Session,
    SignInResult,
    User,
    VerifyResult,
)
from desktop_2fa.enroll.transport import BoundedTransport

#: better-auth's default `basePath`, used when the server URL has no path.
DEFAULT_BASE_PATH = "/api/auth"
DEFAULT_TIMEOUT = 10.0
CLOCK_WARNING_SECONDS = 10.0
_URL_SHAPE = "the server URL must be http(s)://host[:port][/base path]"


def auth_base_url(url: str) -> str:
    """The URL the endpoints hang below, by better-auth's client rule.

    `createAuthClient({baseURL})` (better-auth 1.7 `utils/url.ts`, `withPath`):
    a URL whose path is empty or "/" means `<url>/api/auth`; a URL with any
    other path is the auth base itself (`https://host/auth`). Trailing slashes
    go. A query, a fragment or credentials in the URL are refused: the client
    would glue endpoint paths after them.

    Raises:
        EnrollError: not an http(s) URL of that shape.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a bad port or IPv6 literal
    except ValueError:
        raise EnrollError(f"{_URL_SHAPE}, got {url!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise EnrollError(f"{_URL_SHAPE}, got {url!r}")
    if parts.query or parts.fragment or "?" in text or "#" in text or "@" in parts.netloc:
        raise EnrollError(f"{_URL_SHAPE} without a query, fragment or user name, got {url!r}")
    path = parts.path.rstrip("/") or DEFAULT_BASE_PATH
    return f"{scheme}://{parts.netloc.lower()}{path}"


def same_server(a: str, b: str) -> bool:
    """True when two server URLs name the same auth base URL (a bad URL matches nothing)."""
    try:
        return auth_base_url(a) == auth_base_url(b)
    except EnrollError:
        return False


def _field(body: Any, key: str, kind: type, status: int) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get(key), kind):
        raise UnexpectedResponse(status, f"no {key!r} in the reply")
    return body[key]


def _user(body: Any, status: int) -> User:
    if not isinstance(body, dict):
        raise UnexpectedResponse(status, "no user object in the reply")
    return User(
        id=_field(body, "id", str, status),
        email=_field(body, "email", str, status),
        name=str(body.get("name") or ""),
        email_verified=bool(body.get("emailVerified")),
        two_factor_enabled=bool(body.get("twoFactorEnabled")),
    )


def _retry_after(response: httpx.Response) -> float | None:
    # better-auth sends only X-Retry-After; server_stub sends both (PROTOCOL.md section 6).
    for header in ("x-retry-after", "retry-after"):
        value = response.headers.get(header)
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                continue
    return None


class AuthClient:
    """One user's conversation with one server.

    Args:
        base_url: the server as better-auth's client takes it: `http(s)://host:port`
            (endpoints under `/api/auth`) or a URL with the auth base path
            (`https://host/auth`); see `auth_base_url`.
        timeout: seconds one exchange may take, start to end (`BoundedTransport`).
        verify: verify TLS certificates (always, unless a tester turns it off).
        transport: an httpx transport (tests pass `httpx.ASGITransport`).
        on_two_factor_redirect: called with the `SignInResult` when sign-in
            answers `twoFactorRedirect` (the guide's `onTwoFactorRedirect`).
        on_exchange: called after every HTTP exchange (method, path, status, ms).
        clock: the local clock, used only to compare with the server's `Date`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        verify: bool = True,
        transport: httpx.BaseTransport | None = None,
        on_two_factor_redirect: Callable[[SignInResult], None] | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        #: The auth base URL: every endpoint is `<base_url>/<path>`.
        self.base_url = auth_base_url(base_url)
        parts = urlsplit(self.base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.timeout = timeout
        self._tls_verify = verify
        self._transport = transport
        self.on_two_factor_redirect = on_two_factor_redirect
        self.on_exchange = on_exchange
        self._clock = clock
        self.clock_skew: float | None = None
        self.last_exchange: Exchange | None = None
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            timeout=timeout,
            verify=verify,
            transport=transport or BoundedTransport(verify=verify, timeout=timeout),
            follow_redirects=False,
            headers={"User-Agent": "desktop-2fa", "Accept": "application/json"},
        )

    # -- plumbing -----------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AuthClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._http.cookies

    def forget_cookies(self) -> None:
        self._http.cookies.clear()

    def url_for(self, path: str) -> str:
        """The full URL of an endpoint, e.g. `url_for("sign-in/email")`."""
        return f"{self.base_url}/{path}"

    def clone(self) -> AuthClient:
        """A second client for the same server with a copy of this one's cookies.

        Used to send requests at the same moment from several threads (each
        httpx client belongs to one thread at a time).
        """
        twin = AuthClient(
            self.base_url,
            timeout=self.timeout,
            verify=self._tls_verify,
            transport=self._transport,
            on_exchange=self.on_exchange,
            clock=self._clock,
        )
        twin._http.cookies = httpx.Cookies(self._http.cookies)
        return twin

    def send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        origin: bool = True,
    ) -> httpx.Response:
        """One exchange, answered whatever its status (for probes that judge it themselves).

        Args:
            body: sent as JSON (POST).
            headers: extra request headers; they win over the defaults.
            origin: send `Origin` on a POST (PROTOCOL.md section 2).

        Raises:
            NetworkError: no HTTP answer.
        """
        sent = {"Origin": self.origin} if method == "POST" and origin else {}
        sent.update(headers or {})
        started = time.perf_counter()
        try:
            response = self._http.request(method, path, json=body, headers=sent)
        except httpx.TimeoutException as e:
            self._record(method, path, None, started)
            raise NetworkError(f"{self.base_url} did not answer within {self.timeout:g} s") from e
        except httpx.ConnectError as e:
            self._record(method, path, None, started)
            raise NetworkError(f"cannot connect to {self.base_url}: {_reason(e)}") from e
        except httpx.HTTPError as e:
            self._record(method, path, None, started)
            raise NetworkError(f"talking to {self.base_url} failed: {_reason(e)}") from e
        self._record(method, path, response.status_code, started)
        self._note_date(response)
        self._drop_unsendable_cookies()
        return response

    def _drop_unsendable_cookies(self) -> None:
        """Forget cookies that cannot be sent back, as a browser ignores them.

        RFC 6265 section 4.1.1 allows only ASCII in a cookie's name and value,
        and httpx fails every later request of the client on one: a server
        naming a cookie with U+202E ended the audit with an unexpected
        UnicodeEncodeError.
        """
        jar = self._http.cookies.jar
        for cookie in list(jar):
            if not (cookie.name.isascii() and (cookie.value or "").isascii()):
                jar.clear(cookie.domain, cookie.path, cookie.name)

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._decode(method, path, self.send(method, path, body))

    def _record(self, method: str, path: str, status: int | None, started: float) -> None:
        ms = (time.perf_counter() - started) * 1e3
        self.last_exchange = Exchange(method, path, status, ms, self.url_for(path))
        if self.on_exchange is not None:
            self.on_exchange(self.last_exchange)

    def _note_date(self, response: httpx.Response) -> None:
        date = response.headers.get("date")
        if not date:
            return
        try:
            server = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return
        self.clock_skew = server - self._clock()

    def clock_warning(self) -> str | None:
        """A warning when the server's clock and ours differ by more than 10 s.

        TOTP codes are only accepted within a step of the server's time
        (PROTOCOL.md section 5), so a skewed clock makes every code fail.
        """
        if self.clock_skew is None or abs(self.clock_skew) <= CLOCK_WARNING_SECONDS:
            return None
        direction = "ahead of" if self.clock_skew > 0 else "behind"
        return (
            f"the server's clock is {abs(self.clock_skew):.0f} s {direction} this computer's; "
            "codes will be refused until the clocks agree"
        )

    def _decode(self, method: str, path: str, response: httpx.Response) -> Any:
        status = response.status_code
        if status == 404 and not response.content:
            raise UnexpectedResponse(
                404,
                f"{method} {self.url_for(path)} answered 404: no such endpoint there; "
                "give the server's auth base URL (a URL without a path means /api/auth)",
            )
        try:
            body = response.json() if response.content else None
        except ValueError:
            kind = response.headers.get("content-type", "no content type").split(";")[0]
            raise UnexpectedResponse(status, f"HTTP {status} with {kind}, not JSON") from None
        if status == 429:
            message = body.get("message", "") if isinstance(body, dict) else ""
            code = body.get("code", "") if isinstance(body, dict) else ""
            raise RateLimited(code or "TOO_MANY_REQUESTS", message, _retry_after(response))
        if status >= 400:
            if isinstance(body, dict) and isinstance(body.get("message"), str):
                raise ServerError(status, str(body.get("code") or ""), body["message"])
            raise UnexpectedResponse(status, f"HTTP {status} without an error message")
        if status >= 300:
            raise UnexpectedResponse(status, f"HTTP {status} redirect")
        return body

    # -- endpoints (PROTOCOL.md section 4) ------------------------------------

    def sign_up(self, email: str, password: str, name: str) -> User:
        body = self._request(
            "POST", "sign-up/email", {"email": email, "password": password, "name": name}
        )
        return _user(_field(body, "user", dict, 200), 200)

    def sign_in(self, email: str, password: str, *, remember_me: bool = True) -> SignInResult:
        """Sign in with e-mail and password; may answer with the 2FA redirect."""
        body = self._request(
            "POST",
            "sign-in/email",
            {"email": email, "password": password, "rememberMe": remember_me},
        )
        if isinstance(body, dict) and body.get("twoFactorRedirect") is True:
            methods = body.get("twoFactorMethods")
            result = SignInResult(
                two_factor_redirect=True,
                methods=tuple(m for m in methods if isinstance(m, str))
                if isinstance(methods, list)
                else (),
            )
            if self.on_two_factor_redirect is not None:
                self.on_two_factor_redirect(result)
            return result
        return SignInResult(
            two_factor_redirect=False,
            token=_field(body, "token", str, 200),
            user=_user(_field(body, "user", dict, 200), 200),
        )

    def get_session(self) -> Session | None:
        body = self._request("GET", "get-session")
        if body is None:
            return None
        session = _field(body, "session", dict, 200)
        return Session(
            token=_field(session, "token", str, 200),
            user=_user(_field(body, "user", dict, 200), 200),
            expires_at=str(session.get("expiresAt", "")),
        )

    def sign_out(self) -> None:
        self._request("POST", "sign-out", {})

    def enable(self, password: str, *, issuer: str | None = None) -> EnableResult:
        """Start enrollment: the server returns the otpauth URI and backup codes.

        2FA is not active until `activate` verifies the first code (section 5).
        """
        payload: dict[str, Any] = {"password": password}
        if issuer:
            payload["issuer"] = issuer
        body = self._request("POST", "two-factor/enable", payload)
        codes = _field(body, "backupCodes", list, 200)
        return EnableResult(
            totp_uri=_field(body, "totpURI", str, 200),
            backup_codes=tuple(str(c) for c in codes),
        )

    def get_totp_uri(self, password: str) -> str:
        body = self._request("POST", "two-factor/get-totp-uri", {"password": password})
        return str(_field(body, "totpURI", str, 200))

    def _verify(self, path: str, payload: dict[str, Any]) -> VerifyResult:
        body = self._request("POST", path, payload)
        user = body.get("user") if isinstance(body, dict) else None
        token = body.get("token") if isinstance(body, dict) else None
        return VerifyResult(
            token=token if isinstance(token, str) else None,
            user=_user(user, 200) if isinstance(user, dict) else None,
        )

    def verify_totp(self, code: str, *, trust_device: bool = False) -> VerifyResult:
        """Answer the second factor (or activate, in session mode) with an app code."""
        return self._verify("two-factor/verify-totp", {"code": code, "trustDevice": trust_device})

    def verify_otp(self, code: str, *, trust_device: bool = False) -> VerifyResult:
        """The seed guide's endpoint name (PROTOCOL.md section 7); prefer verify_totp."""
        return self._verify("two-factor/verify-otp", {"code": code, "trustDevice": trust_device})

    def verify_backup_code(
        self, code: str, *, trust_device: bool = False, disable_session: bool = False
    ) -> VerifyResult:
        return self._verify(
            "two-factor/verify-backup-code",
            {"code": code, "trustDevice": trust_device, "disableSession": disable_session},
        )

    def generate_backup_codes(self, password: str) -> tuple[str, ...]:
        body = self._request("POST", "two-factor/generate-backup-codes", {"password": password})
        return tuple(str(c) for c in _field(body, "backupCodes", list, 200))

    def disable(self, password: str) -> None:
        self._request("POST", "two-factor/disable", {"password": password})

    def activate(self, code: str) -> Session:
        """Verify the first code in session mode, then follow the rotated session.

        Raises:
            UnexpectedResponse: the server gave no session after activation.
        """
        self.verify_totp(code)
        session = self.get_session()
        if session is None:
            raise UnexpectedResponse(200, "no session after activation")
        return session


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused (is the server running?)"
    return text
