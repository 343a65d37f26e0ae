"""Core endpoints: sign-up, sign-in, sign-out, get-session, ok (PROTOCOL.md §4)."""

from __future__ import annotations

from starlette.responses import Response

from server_stub.http.body import Field, Fields, Kind, Schema
from server_stub.http.errors import HttpError, Problem
from server_stub.routes.endpoint import Endpoint, Headers
from server_stub.routes.exchange import Exchange
from server_stub.routes.render import json_response, session_json, user_json
from server_stub.services.accounts import SignedIn

SIGN_UP = Schema(
    (
        Field("name", Kind.STRING, required=True),
        Field("email", Kind.EMAIL, required=True),
        Field("password", Kind.NONEMPTY_STRING, required=True),
        Field("image", Kind.STRING),
        Field("callbackURL", Kind.STRING),
        Field("rememberMe", Kind.BOOLEAN),
    ),
    record=True,
)
SIGN_IN = Schema(
    (
        Field("email", Kind.STRING, required=True),
        Field("password", Kind.STRING, required=True),
        Field("callbackURL", Kind.STRING),
        Field("rememberMe", Kind.BOOLEAN),
    )
)
SIGN_OUT = Schema(
    (
        Field("callbackURL", Kind.STRING),
        Field("disableRedirect", Kind.BOOLEAN),
        Field("state", Kind.STRING),
    ),
    optional_body=True,
)

NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}
POST_GET_SESSION = Problem(
    405,
    "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
    "POST method requires deferSessionRefresh to be enabled in session config",
)


async def sign_up(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """Create the user, sign them in (session cookie), answer `{token, user}`."""
    parts = exchange.parts
    remember = fields.flag("rememberMe") is not False
    result = await parts.hashing(
        lambda: parts.accounts.sign_up(
            fields.text("name"),
            fields.text("email"),
            fields.text("password"),
            image=fields.optional_text("image"),
            remember=remember,
            meta=exchange.meta,
            now=exchange.now,
        )
    )
    exchange.set_session_cookie(result.session, dont_remember=not remember)
    return json_response(
        {"token": result.session.token, "user": user_json(result.user)}, exchange.out
    )


async def sign_in(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """Password sign-in; a user with active 2FA gets a challenge instead of a session."""
    parts = exchange.parts
    names = parts.names
    remember = fields.flag("rememberMe") is not False
    trust_cookie = exchange.signed(names.trust_device)
    result = await parts.hashing(
        lambda: parts.accounts.sign_in(
            fields.text("email"),
            fields.text("password"),
            remember=remember,
            trust_cookie=trust_cookie,
            meta=exchange.meta,
            now=exchange.now,
        )
    )
    if isinstance(result, SignedIn):
        exchange.set_session_cookie(result.session, dont_remember=not remember)
        if result.trust_value is not None:
            exchange.out.add(
                names.trust_device,
                parts.signer.set_signed(
                    names.trust_device, result.trust_value, parts.settings.trust_device_max_age
                ),
            )
        callback = fields.optional_text("callbackURL")
        payload: dict[str, object] = {"redirect": bool(callback), "token": result.session.token}
        if callback:
            payload["url"] = callback
        payload["user"] = user_json(result.user)
        return json_response(
            payload, exchange.out, headers={"location": callback} if callback else None
        )
    # better-auth's after-hook: the password leg made a session, the hook
    # takes it back. We never make it, but the cookies are the same.
    if not remember:
        exchange.out.add(
            names.dont_remember, parts.signer.set_signed(names.dont_remember, "true", None)
        )
    elif exchange.dont_remember:
        exchange.clear(names.dont_remember)
    if result.stale_trust_cookie:
        exchange.clear(names.trust_device)
    exchange.clear_session_cookies(keep_dont_remember=True)
    exchange.out.add(
        names.two_factor,
        parts.signer.set_signed(
            names.two_factor, result.challenge_id, parts.settings.challenge_max_age
        ),
    )
    return json_response(
        {"twoFactorRedirect": True, "twoFactorMethods": list(result.methods)}, exchange.out
    )


async def sign_out(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """Delete the session if any; always clear the session cookies."""
    parts = exchange.parts
    token = exchange.signed(parts.names.session_token)
    if token is not None:
        await parts.blocking(lambda: parts.accounts.sign_out(token))
    exchange.clear_session_cookies()
    return json_response({"success": True}, exchange.out)


async def get_session(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """`{session, user}` for a live session cookie, else `null`."""
    found = await exchange.parts.blocking(exchange.current_session)
    if found is None:
        return json_response(None, exchange.out, headers=NO_STORE)
    session, user = found
    return json_response(
        {"session": session_json(session), "user": user_json(user)}, exchange.out, headers=NO_STORE
    )


async def post_get_session(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """better-auth answers POST /get-session with 405 in this configuration."""
    exchange.parts.origins.check_request(
        "cookie" in headers, headers.get("origin"), headers.get("referer")
    )
    raise HttpError(POST_GET_SESSION)


async def ok(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """Liveness: `{"ok":true}`."""
    return json_response({"ok": True}, exchange.out)


ENDPOINTS = (
    Endpoint("POST", "/sign-up/email", sign_up, SIGN_UP, sign_in_form=True),
    Endpoint("POST", "/sign-in/email", sign_in, SIGN_IN, sign_in_form=True),
    Endpoint("POST", "/sign-out", sign_out, SIGN_OUT),
    Endpoint("GET", "/get-session", get_session),
    Endpoint("POST", "/get-session", post_get_session),
    Endpoint("GET", "/ok", ok),
)
