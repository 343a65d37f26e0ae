"""JSON shapes of PROTOCOL.md §1 and the responses that carry them."""

from __future__ import annotations

import json
from datetime import datetime

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from server_stub.http.cookies import OutgoingCookies
from server_stub.http.errors import Problem
from server_stub.storage.records import SessionRecord, UserRecord

Json = dict[str, object] | None


def timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and `Z`, like `Date.prototype.toJSON`."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def user_json(user: UserRecord) -> dict[str, object]:
    """The user object; `image` only when set, `twoFactorEnabled` from the plugin."""
    data: dict[str, object] = {
        "name": user.name,
        "email": user.email,
        "emailVerified": user.email_verified,
    }
    if user.image is not None:
        data["image"] = user.image
    data["createdAt"] = timestamp(user.created_at)
    data["updatedAt"] = timestamp(user.updated_at)
    data["twoFactorEnabled"] = user.two_factor_enabled
    data["id"] = user.id
    return data


def session_json(session: SessionRecord) -> dict[str, object]:
    """The session object of get-session, keys in better-auth's (schema) order."""
    return {
        "expiresAt": timestamp(session.expires_at),
        "token": session.token,
        "createdAt": timestamp(session.created_at),
        "updatedAt": timestamp(session.updated_at),
        "ipAddress": session.ip_address,
        "userAgent": session.user_agent,
        "userId": session.user_id,
        "id": session.id,
    }


def _with_cookies(
    response: Response, cookies: OutgoingCookies, headers: dict[str, str] | None
) -> Response:
    raw = response.raw_headers
    for header in cookies.headers():
        raw.append((b"set-cookie", header.encode("latin-1")))
    if headers:
        for name, value in headers.items():
            raw.append((name.lower().encode("latin-1"), value.encode("latin-1")))
    return response


def json_response(
    payload: Json,
    cookies: OutgoingCookies,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON answer (compact, like `JSON.stringify`) with its Set-Cookie headers."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    response = Response(body, status_code=status, media_type="application/json")
    return _with_cookies(response, cookies, headers)


def problem_response(
    problem: Problem, cookies: OutgoingCookies, headers: dict[str, str] | None = None
) -> Response:
    """The error envelope (cookies queued before the error still go out)."""
    response = Response(problem.body(), status_code=problem.status, media_type="application/json")
    return _with_cookies(response, cookies, headers)


class _NoResponse(Response):
    """Sends nothing: for a client that already went away."""

    def __init__(self) -> None:
        super().__init__(status_code=499)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        return


NO_RESPONSE = _NoResponse()
