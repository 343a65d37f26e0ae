"""What every check works with: clients, the audit account, fresh codes, waits.

One `AuditContext` serves a whole audit. The account it signs up (or the
tester's, with `--email`) is shared by the checks and set up lazily, so
`--only` can pick any check. Rate limits are waited out here, bounded by
`--max-wait`; TOTP codes come from `fresh_code`, which never hands out a
code the server has already accepted (servers that refuse replays, RFC 6238
section 5.2, would refuse it) and waits for the next time step when needed.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_2fa.audit.answer import Answer, Body, cookie_header
from desktop_2fa.audit.errors import Cancelled, Inconclusive, WaitTooLong
from desktop_2fa.audit.evidence import Recorder, RecordingTransport
from desktop_2fa.audit.model import RecordedExchange
from desktop_2fa.core import uri
from desktop_2fa.core.errors import CoreError
from desktop_2fa.core.otp import hotp, time_step
from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.enroll.client import AuthClient, auth_base_url
from desktop_2fa.enroll.errors import NetworkError

#: Seconds of doubt about when a request lands in the server's clock (network
#: delay, and the Date header's 1 s resolution).
MARGIN = 3.0
#: How often one request is re-sent after waiting out a 429.
MAX_RETRIES = 6


@dataclass
class AuditAccount:
    """The account the checks use.

    Attributes:
        keeper: a client that stays signed in through the whole audit (the
            cleanup and the session-mode checks use it).
        backup_codes: the codes enable gave, in order; `unused` those not yet spent.
        last_step: the newest TOTP time step the server accepted.
        before_activation: the keeper's cookies just before 2FA was turned on.
    """

    email: str
    password: str
    keeper: AuthClient
    throwaway: bool
    totp_uri: str = ""
    params: OtpParams | None = None
    backup_codes: tuple[str, ...] = ()
    unused: list[str] = field(default_factory=list)
    active: bool = False
    last_step: int | None = None
    before_activation: str = ""
    #: The time step of each code `fresh_code` handed out (recent ones).
    issued: dict[str, int] = field(default_factory=dict)
    #: The exchange in which the server last accepted a code (cited by replay checks).
    accepted_by: RecordedExchange | None = None

    def take_backup_code(self) -> str:
        if not self.unused:
            raise Inconclusive("every backup code of the audit account is used up")
        return self.unused.pop(0)


class AuditContext:
    """Shared state of one audit run (see the module docstring)."""

    def __init__(
        self,
        server: str,
        *,
        timeout: float = 10.0,
        verify: bool = True,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 600.0,
        email: str | None = None,
        password: str | None = None,
        on_wait: Callable[[float, str, float], None] = lambda _s, _r, _w: None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        #: The auth base URL (raises EnrollError for a bad URL).
        self.server = auth_base_url(server)
        self.recorder = Recorder()
        self.transport = RecordingTransport(self.recorder, verify=verify, timeout=timeout)
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep
        self.max_wait = max_wait
        self.waited = 0.0
        self.skew = 0.0
        self.on_wait = on_wait
        self.cancelled = cancelled
        self._email = email
        self._password = password
        self._account: AuditAccount | None = None
        self._setup_error: str | None = None
        self.notes: list[str] = []
        self.warnings: list[str] = []
        self.clients: list[AuthClient] = []

    # -- plumbing ---------------------------------------------------------
    def client(self) -> AuthClient:
        """A client with an empty cookie jar, recorded like every other."""
        made = AuthClient(
            self.server, timeout=self.timeout, transport=self.transport, clock=self.clock
        )
        self.clients.append(made)
        return made

    def clone(self, client: AuthClient) -> AuthClient:
        """A second client holding a copy of `client`'s cookies (for simultaneous requests)."""
        made = client.clone()
        self.clients.append(made)
        return made

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.transport.shutdown()

    def note(self, text: str) -> None:
        self.notes.append(text)

    def now(self) -> float:
        """The server's time as well as we know it (our clock plus its Date skew)."""
        return self.clock() + self.skew

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise Cancelled()

    def wait(self, seconds: float, reason: str, *, rate_limit: bool) -> None:
        """Wait, announcing it every second; rate-limit waits count against --max-wait.

        Raises:
            WaitTooLong: a rate-limit wait beyond what is left of the budget.
            Cancelled: the tester stopped the audit.
        """
        if rate_limit and seconds > self.max_wait - self.waited:
            raise WaitTooLong(seconds, max(0.0, self.max_wait - self.waited), reason)
        remaining = seconds
        while remaining > 0:
            self.check_cancelled()
            self.on_wait(remaining, reason, self.waited)
            step = min(1.0, remaining)
            self.sleep(step)
            remaining -= step
            if rate_limit:
                self.waited += step

    def call(
        self,
        client: AuthClient,
        method: str,
        path: str,
        body: Body = None,
        *,
        headers: dict[str, str] | None = None,
        origin: bool = True,
        wait_on_limit: bool = True,
    ) -> Answer:
        """One request; a rate limiter's 429 (one with a retry time) is waited out and re-sent.

        A `body` function is called again for every sending, after the wait.

        Raises:
            Inconclusive: no HTTP answer, or still limited after several waits.
        """
        for _ in range(MAX_RETRIES):
            self.check_cancelled()
            payload = body() if callable(body) else body
            started = time.perf_counter()
            try:
                response = client.send(method, path, payload, headers=headers, origin=origin)
            except NetworkError as e:
                raise Inconclusive(str(e)) from e
            answer = Answer(response, (time.perf_counter() - started) * 1000, payload)
            wait = answer.retry_after
            if not wait_on_limit or wait is None or not answer.is_rate_limiter:
                return answer
            self.note(f"{method} {path}: 429, rate limited; waiting {wait:g} s")
            self.wait(wait + 0.2, f"the rate limit on {path}", rate_limit=True)
        raise Inconclusive(f"{path} was still rate limited after {MAX_RETRIES} waits")

    # -- the audit account ------------------------------------------------
    @property
    def current_account(self) -> AuditAccount | None:
        """The audit account, if one was set up."""
        return self._account

    def account(self) -> AuditAccount:
        """The signed-in audit account (signed up now, or the tester's with --email)."""
        if self._account is not None:
            return self._account
        if self._setup_error is not None:
            raise Inconclusive(self._setup_error)
        keeper = self.client()
        throwaway = self._email is None
        email = self._email or f"audit-{secrets.token_hex(6)}@example.test"
        password = self._password or secrets.token_urlsafe(18)
        try:
            if throwaway:
                answer = self.call(
                    keeper,
                    "POST",
                    "sign-up/email",
                    {"email": email, "password": password, "name": "desktop-2fa audit"},
                )
                what = "sign-up"
            else:
                answer = self.call(
                    keeper, "POST", "sign-in/email", {"email": email, "password": password}
                )
                what = "sign-in"
                if answer.field("twoFactorRedirect") is True:
                    raise Inconclusive(
                        f"{email} already has two-factor sign-in on; turn it off before "
                        "auditing with that account"
                    )
            if not answer.ok:
                raise Inconclusive(f"{what} of the audit account answered {answer.describe()}")
        except Inconclusive as e:
            self._setup_error = f"could not set up the audit account: {e}"
            raise Inconclusive(self._setup_error) from e
        self._account = AuditAccount(email, password, keeper, throwaway)
        return self._account

    def enabled(self) -> AuditAccount:
        """The account with a TOTP secret and backup codes issued (2FA maybe not on yet)."""
        acct = self.account()
        if acct.params is not None:
            return acct
        answer = self.call(acct.keeper, "POST", "two-factor/enable", {"password": acct.password})
        totp_uri, codes = answer.field("totpURI"), answer.field("backupCodes")
        if not answer.ok or not isinstance(totp_uri, str) or not isinstance(codes, list):
            raise Inconclusive(f"two-factor/enable answered {answer.describe()}")
        try:
            params = uri.parse(totp_uri).params
        except CoreError as e:
            raise Inconclusive(f"the totpURI cannot be used: {e}") from e
        if params.kind is not OtpKind.TOTP:
            raise Inconclusive(f"the totpURI is {params.kind.value}, not totp")
        acct.totp_uri = totp_uri
        acct.params = params
        acct.backup_codes = tuple(str(c) for c in codes)
        acct.unused = list(acct.backup_codes)
        acct.before_activation = cookie_header(acct.keeper)
        return acct

    def active(self) -> AuditAccount:
        """The account with two-factor sign-in on (activated with a fresh code)."""
        acct = self.enabled()
        if acct.active:
            return acct
        answer = self.call(acct.keeper, "POST", "two-factor/verify-totp", self.fresh(acct))
        if not answer.ok:
            raise Inconclusive(f"activation with a fresh code answered {answer.describe()}")
        code, step = self.accepted_answer(acct, answer)
        self.note(f"2FA turned on with the code {code} (time step {step})")
        return acct

    def accepted(self, acct: AuditAccount, step: int) -> None:
        """The server accepted the code of `step` (so 2FA is on, and older steps are spent)."""
        acct.active = True
        acct.last_step = step if acct.last_step is None else max(acct.last_step, step)
        acct.accepted_by = None

    def accepted_answer(self, acct: AuditAccount, answer: Answer) -> tuple[str, int]:
        """`accepted` for the code an answer was to; returns that code and its step."""
        code = str(answer.sent.get("code", ""))
        step = acct.issued[code]
        self.accepted(acct, step)
        acct.accepted_by = answer.record
        return code, step

    def cite_acceptance(self, acct: AuditAccount) -> None:
        """Show, first in this check's evidence, where the code replayed was accepted."""
        self.recorder.cite(acct.accepted_by)

    def fresh(self, acct: AuditAccount) -> Callable[[], dict[str, Any]]:
        """A body with a fresh code, chosen when it is sent (see `fresh_code`)."""
        return lambda: {"code": self.fresh_code(acct)[0]}

    # -- codes --------------------------------------------------------------
    def code_at(self, acct: AuditAccount, step: int) -> str:
        assert acct.params is not None
        return hotp(acct.params, step)

    def fresh_code(self, acct: AuditAccount) -> tuple[str, int]:
        """A code the server has not accepted yet and will take when it lands.

        Only the current and the previous step are used: RFC 6238 section 5.2
        recommends allowing one step back for network delay, so every
        conforming server takes them. Waits for the next step when both are spent.
        """
        assert acct.params is not None
        params = acct.params
        while True:
            now = self.now()
            oldest = time_step(params, now + MARGIN) - 1
            newest = time_step(params, now - MARGIN)
            step = oldest if acct.last_step is None else max(oldest, acct.last_step + 1)
            if step <= newest:
                code = hotp(params, step)
                if len(acct.issued) > 64:
                    acct.issued.clear()
                acct.issued[code] = step
                return code, step
            ready = step * params.period + MARGIN - now
            self.wait(max(0.1, ready), "a TOTP code the server has not seen", rate_limit=False)

    def recent_code(self, acct: AuditAccount) -> tuple[str, int]:
        """A code the server accepted and would still take by time: the replay to try.

        If the last accepted code has aged out of the window, a fresh one is
        accepted first in session mode (the keeper is signed in).
        """
        acct = self.active()
        assert acct.params is not None and acct.last_step is not None
        if acct.last_step >= time_step(acct.params, self.now() + MARGIN) - 1:
            return self.code_at(acct, acct.last_step), acct.last_step
        answer = self.call(acct.keeper, "POST", "two-factor/verify-totp", self.fresh(acct))
        if not answer.ok:
            raise Inconclusive(f"a fresh code was refused in session mode: {answer.describe()}")
        code, step = self.accepted_answer(acct, answer)
        self.note(f"the fresh code {code} was accepted in session mode (signed in)")
        return code, step

    def recent(self, acct: AuditAccount) -> Callable[[], dict[str, Any]]:
        """A body with an accepted code still inside the window, chosen when it is sent."""
        return lambda: {"code": self.recent_code(acct)[0]}

    def at_once(self, calls: list[Callable[[], Answer]]) -> list[Answer | Exception]:
        """Run the calls in threads released together by a barrier; answers in order.

        Each call must use its own client (see `clone`).
        """
        barrier = threading.Barrier(len(calls))
        results: list[Answer | Exception] = [Inconclusive("no answer")] * len(calls)

        def run(index: int, call: Callable[[], Answer]) -> None:
            try:
                barrier.wait(timeout=30)
                results[index] = call()
            except Exception as e:  # reported as evidence, never raised in a thread
                results[index] = e

        threads = [
            threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.timeout + 35)
        return results

    def challenge(self, acct: AuditAccount) -> tuple[AuthClient, Answer]:
        """A new client that signed in with the password and holds the 2FA challenge."""
        client = self.client()
        answer = self.call(
            client, "POST", "sign-in/email", {"email": acct.email, "password": acct.password}
        )
        if not (answer.ok and answer.field("twoFactorRedirect") is True):
            raise Inconclusive(f"sign-in did not ask for a second factor: {answer.describe()}")
        return client, answer
