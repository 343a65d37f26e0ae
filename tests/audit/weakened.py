"""Deliberately weakened (and, for issue 10's limits, strengthened) reference servers.

Each weakness is the reference server's own `create_app` with one part
swapped (a store, a service, a setting) or wrapped in a small ASGI app, so a
test shows an audit check FAILing for exactly that defect. They live here,
never in `server_stub`.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from datetime import datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server_stub.http.origin import OriginPolicy
from server_stub.services import errors, totp
from server_stub.services.accounts import AccountService, ChallengeIssued, ClientMeta, SignedIn
from server_stub.services.two_factor import TwoFactorService
from server_stub.storage.memory import MemoryStore
from server_stub.storage.records import ChallengeRecord, SessionRecord, UserRecord

# -- stores -------------------------------------------------------------------


class NoReplayStore(MemoryStore):
    """Every TOTP step can be claimed again (better-auth 1.7.25's behaviour)."""

    def claim_totp_step(self, user_id: str, step: int) -> bool:
        return self.get_two_factor(user_id) is not None


class ReusableBackupCodes(MemoryStore):
    """A valid backup code stays valid after use."""

    def consume_backup_code(self, user_id: str, digest: bytes) -> bool:
        with self._lock:
            return digest in self._backup.get(user_id, set())


class ReusableChallenges(MemoryStore):
    """A finished sign-in challenge is not deleted."""

    def consume_challenge(self, challenge_id: str, now: datetime) -> ChallengeRecord | None:
        return self.get_challenge(challenge_id, now)


# -- services -----------------------------------------------------------------


class UriWithoutPassword(TwoFactorService):
    """get-totp-uri hands out the secret to anyone with the session."""

    def totp_uri(self, user: UserRecord, password: str) -> str:
        row = self._store.get_two_factor(user.id)
        if row is None:
            raise errors.TotpNotEnabled()
        key = self._keys.open_totp_key(user.id, row.secret_ciphertext)
        return totp.otpauth_uri(key, self._settings.app_name, user.email)


class DisableWithoutPassword(TwoFactorService):
    def disable(
        self, session: SessionRecord, user: UserRecord, password: str, now: datetime
    ) -> tuple[SessionRecord, UserRecord]:
        updated = self._store.set_two_factor_enabled(user.id, False, now) or user
        self._store.delete_two_factor(user.id)
        return self._accounts.rotate_session(session, now), updated


class NoRotation(AccountService):
    """The session survives turning 2FA on (session fixation)."""

    def rotate_session(self, old: SessionRecord, now: datetime) -> SessionRecord:
        return old


class TellsUnknownEmails(AccountService):
    def sign_in(
        self,
        email: str,
        password: str,
        *,
        remember: bool,
        trust_cookie: str | None,
        meta: ClientMeta,
        now: datetime,
    ) -> SignedIn | ChallengeIssued:
        if self._store.find_credentials(email.lower()) is None:
            raise errors.InvalidEmail()
        return super().sign_in(
            email, password, remember=remember, trust_cookie=trust_cookie, meta=meta, now=now
        )


class NoOriginCheck(OriginPolicy):
    def check_request(self, has_cookie: bool, origin: str | None, referer: str | None) -> None:
        return None


def short_totp_key() -> bytes:
    return secrets.token_bytes(10)  # 80 bits


def short_backup_codes() -> list[str]:
    return [f"{n:04d}" for n in secrets.SystemRandom().sample(range(10_000), 10)]


# -- ASGI wrappers ------------------------------------------------------------


async def _read_body(receive: Receive) -> bytes:
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


async def _answer(send: Send, status: int, payload: dict[str, str]) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())],
        }
    )  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class CodeCache:
    """Replay protection done wrong: a cache of the raw codes that succeeded.

    Args:
        normalize: strip whitespace before the real check (a used code with a
            space added is then "new" to the cache but right to the server).
        gap: seconds awaited between the cache lookup and the real check, like
            a database round trip: two requests at once both pass the lookup.
    """

    def __init__(self, app: ASGIApp, path: str, code: str, message: str, *,
                 normalize: bool = False, gap: float = 0.0) -> None:  # fmt: skip
        self.app = app
        self.path = path
        self.refusal = {"message": message, "code": code}
        self.normalize = normalize
        self.gap = gap
        self.used: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith(self.path):
            await self.app(scope, receive, send)
            return
        data: dict[str, Any] = json.loads(await _read_body(receive) or b"{}")
        raw = str(data.get("code", ""))
        if raw in self.used:
            await _answer(send, 401, self.refusal)
            return
        if self.gap:
            await asyncio.sleep(self.gap)
        if self.normalize:
            data["code"] = "".join(raw.split())
        body = json.dumps(data).encode()
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        status: list[int] = []

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app({**scope, "headers": headers}, replay, watch)
        if status == [200]:
            self.used.add(raw)


class LaxCookies:
    """Strips HttpOnly and SameSite from every Set-Cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def strip(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = []
                for name, value in message["headers"]:
                    lax = value.replace(b"; HttpOnly", b"").replace(b"; SameSite=Lax", b"")
                    headers.append((name, lax if name.lower() == b"set-cookie" else value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, strip)


class HostileCookieName:
    """Every answer also sets a cookie whose name holds U+202E and a C1 CSI (for a path
    the client never asks for, so it is never sent back)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                hostile = "\u202eevil\x9b2J=1; Max-Age=60; Path=/elsewhere; HttpOnly; SameSite=Lax"
                extra = [(b"set-cookie", hostile.encode("utf-8"))]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, sending)
