"""What one request handler works with: the app's parts and the request's state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from server_stub.http.client_address import ClientAddress
from server_stub.http.cookies import CookieNames, CookieSigner, OutgoingCookies
from server_stub.http.origin import OriginPolicy
from server_stub.services.accounts import AccountService, ClientMeta
from server_stub.services.two_factor import TwoFactorService
from server_stub.settings import Clock, Settings
from server_stub.storage.records import SessionRecord, UserRecord
from server_stub.worker_threads import Threads

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AppParts:
    """Everything built once by `create_app` and shared by all requests."""

    settings: Settings
    clock: Clock
    accounts: AccountService
    two_factor: TwoFactorService
    names: CookieNames
    signer: CookieSigner
    origins: OriginPolicy
    addresses: ClientAddress
    #: Worker threads for store calls: a slow query never stalls the event loop.
    threads: Threads
    #: Worker threads for password hashing (scrypt needs 32 MiB and ~0.1 s).
    hash_threads: Threads

    async def blocking(self, work: Callable[[], T]) -> T:
        """Run `work` (store calls) in a worker thread.

        Only the store-touching part of a request goes there, in one hop:
        the rest stays on the event loop, where the Python work is cheaper
        than handing the interpreter back and forth between threads.
        """
        return await self.threads.run(work)

    async def hashing(self, work: Callable[[], T]) -> T:
        """Run `work` that hashes a password (and calls the store) in a worker thread."""
        return await self.hash_threads.run(work)


@dataclass(slots=True)
class Exchange:
    """One request as the handlers see it."""

    parts: AppParts
    now: datetime
    cookies: dict[str, str]
    meta: ClientMeta
    out: OutgoingCookies = field(default_factory=OutgoingCookies)

    def signed(self, name: str) -> str | None:
        """The verified value of a signed request cookie."""
        return self.parts.signer.unsign(self.cookies.get(name))

    @property
    def dont_remember(self) -> bool:
        """The client holds a valid `dont_remember` cookie."""
        return self.signed(self.parts.names.dont_remember) is not None

    # -- outgoing cookies (better-auth's helpers) --------------------------
    def set_session_cookie(self, session: SessionRecord, dont_remember: bool | None = None) -> None:
        """`setSessionCookie`: no Max-Age (and `dont_remember` set) when not remembered.

        `dont_remember=None` means "as the request's cookie says".
        """
        names, signer = self.parts.names, self.parts.signer
        had_cookie = self.dont_remember
        forget = had_cookie if dont_remember is None else dont_remember
        max_age = None if forget else self.parts.settings.session_max_age
        self.out.add(
            names.session_token, signer.set_signed(names.session_token, session.token, max_age)
        )
        if forget:
            self.out.add(names.dont_remember, signer.set_signed(names.dont_remember, "true", None))
        elif had_cookie:
            self.clear(names.dont_remember)

    def clear(self, name: str) -> None:
        """`expireCookie`."""
        self.out.add(name, self.parts.signer.clearing(name))

    def clear_session_cookies(self, *, keep_dont_remember: bool = False) -> None:
        """`deleteSessionCookie`."""
        names = self.parts.names
        self.clear(names.session_token)
        self.clear(names.session_data)
        if not keep_dont_remember:
            self.clear(names.dont_remember)

    # -- the current session -----------------------------------------------
    def current_session(self) -> tuple[SessionRecord, UserRecord] | None:
        """The request's live session, as better-auth's `getSession` finds it.

        Clears a stray cookie-cache cookie, clears the session cookies when a
        correctly signed token points at a dead session, and re-sends the
        cookie when the sliding refresh moved the expiry.
        """
        names = self.parts.names
        if names.session_data in self.cookies:
            self.clear(names.session_data)
        token = self.signed(names.session_token)
        if token is None:
            return None
        dont_remember = self.dont_remember
        found = self.parts.accounts.lookup_session(token, self.now, refresh=not dont_remember)
        if found.dead or found.session is None or found.user is None:
            self.clear_session_cookies()
            return None
        if found.refreshed:
            self.set_session_cookie(found.session, dont_remember=False)
        return found.session, found.user
