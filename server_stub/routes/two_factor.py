"""The `/two-factor/*` endpoints (PROTOCOL.md §4, §5)."""

from __future__ import annotations

from starlette.responses import Response

from server_stub.http.body import Field, Fields, Kind, Schema
from server_stub.http.errors import UNAUTHORIZED, HttpError
from server_stub.routes.endpoint import Endpoint, Headers
from server_stub.routes.errors import SEND_OTP_NOT_CONFIGURED
from server_stub.routes.exchange import Exchange
from server_stub.routes.render import json_response, user_json
from server_stub.services import errors
from server_stub.services.two_factor import Mode, SessionMode, Verified
from server_stub.storage.records import SessionRecord, UserRecord

PASSWORD = Schema((Field("password", Kind.STRING, required=True),))
ENABLE = Schema(
    (
        Field("password", Kind.STRING, required=True),
        Field("method", Kind.TOTP_METHOD),
        Field("issuer", Kind.STRING),
    )
)
VERIFY_TOTP = Schema(
    (Field("code", Kind.STRING, required=True), Field("trustDevice", Kind.BOOLEAN))
)
VERIFY_BACKUP = Schema(
    (
        Field("code", Kind.STRING, required=True),
        Field("disableSession", Kind.BOOLEAN),
        Field("trustDevice", Kind.BOOLEAN),
    )
)
SEND_OTP = Schema((Field("trustDevice", Kind.BOOLEAN),), optional_body=True)


def _signed_in(exchange: Exchange) -> tuple[SessionRecord, UserRecord]:
    """better-auth's `sessionMiddleware`: 401 UNAUTHORIZED without a live session.

    Reads the store: call it inside the handler's worker-thread work.
    """
    found = exchange.current_session()
    if found is None:
        raise HttpError(UNAUTHORIZED)
    return found


def _mode(exchange: Exchange) -> Mode:
    """Session mode if a live session came along, else the sign-in challenge.

    Reads the store: call it inside the handler's worker-thread work.
    """
    found = exchange.current_session()
    if found is not None:
        return SessionMode(*found)
    challenge_id = exchange.signed(exchange.parts.names.two_factor)
    if challenge_id is None:
        raise errors.InvalidTwoFactorCookie()
    return exchange.parts.two_factor.open_challenge(challenge_id, exchange.now)


def _clear_spent_challenge(exchange: Exchange, error: errors.ServiceError) -> None:
    """The cap hit and a consumed challenge both clear the `two_factor` cookie."""
    if isinstance(error, errors.TooManyAttempts | errors.ChallengeAlreadyUsed):
        exchange.clear(exchange.parts.names.two_factor)


def _verified(exchange: Exchange, result: Verified) -> Response:
    parts = exchange.parts
    names = parts.names
    if result.new_session is not None:
        exchange.set_session_cookie(result.new_session)
    if result.challenge_done:
        exchange.clear(names.two_factor)
    if result.trust_value is not None:
        exchange.out.add(
            names.trust_device,
            parts.signer.set_signed(
                names.trust_device, result.trust_value, parts.settings.trust_device_max_age
            ),
        )
        exchange.clear(names.dont_remember)
    payload: dict[str, object] = {}
    if result.token is not None:
        payload["token"] = result.token
    payload["user"] = user_json(result.user)
    return json_response(payload, exchange.out)


async def enable(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """Step 1 of enrolment: `{method, totpURI, backupCodes}`; no cookie change."""
    parts = exchange.parts
    enrollment = await parts.hashing(
        lambda: parts.two_factor.enable(
            _signed_in(exchange)[1],
            fields.text("password"),
            fields.optional_text("method") or "totp",
            fields.optional_text("issuer"),
        )
    )
    return json_response(
        {"method": "totp", "totpURI": enrollment.totp_uri, "backupCodes": enrollment.backup_codes},
        exchange.out,
    )


async def verify_totp(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """Activation (session mode) or the second sign-in step (challenge mode).

    Also serves `/two-factor/verify-otp` while no e-mail/SMS sender is
    configured (PROTOCOL.md §0): the seed guide posts authenticator codes there.
    """
    result = await exchange.parts.blocking(
        lambda: exchange.parts.two_factor.verify_totp(
            _mode(exchange),
            fields.text("code"),
            trust_device=fields.flag("trustDevice") is True,
            dont_remember=exchange.dont_remember,
            meta=exchange.meta,
            now=exchange.now,
        )
    )
    return _verified(exchange, result)


async def verify_backup_code(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """Redeem one backup code; `disableSession` signs nobody in."""
    result = await exchange.parts.blocking(
        lambda: exchange.parts.two_factor.verify_backup_code(
            _mode(exchange),
            fields.text("code"),
            trust_device=fields.flag("trustDevice") is True,
            disable_session=fields.flag("disableSession") is True,
            dont_remember=exchange.dont_remember,
            meta=exchange.meta,
            now=exchange.now,
        )
    )
    return _verified(exchange, result)


async def get_totp_uri(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """`{totpURI}` again, pending or active."""
    parts = exchange.parts
    uri = await parts.hashing(
        lambda: parts.two_factor.totp_uri(_signed_in(exchange)[1], fields.text("password"))
    )
    return json_response({"totpURI": uri}, exchange.out)


async def generate_backup_codes(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """`{status: true, backupCodes: [10 new]}`; the old set is void."""
    parts = exchange.parts
    codes = await parts.hashing(
        lambda: parts.two_factor.regenerate_backup_codes(
            _signed_in(exchange)[1], fields.text("password")
        )
    )
    return json_response({"status": True, "backupCodes": codes}, exchange.out)


async def disable(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """Remove 2FA, rotate the session, forget the trusted device."""
    parts = exchange.parts
    names = parts.names
    new_session, _ = await parts.hashing(
        lambda: parts.two_factor.disable(
            *_signed_in(exchange), fields.text("password"), exchange.now
        )
    )
    exchange.set_session_cookie(new_session)
    # The service already deleted every trusted-device record of the user.
    if exchange.signed(names.trust_device) is not None:
        exchange.clear(names.trust_device)
    return json_response({"status": True}, exchange.out)


async def send_otp(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """The e-mail/SMS factor has no sender here: 400 OTP_NOT_CONFIGURED."""
    raise HttpError(SEND_OTP_NOT_CONFIGURED)


ENDPOINTS = (
    Endpoint("POST", "/two-factor/enable", enable, ENABLE),
    Endpoint(
        "POST", "/two-factor/verify-totp", verify_totp, VERIFY_TOTP, on_error=_clear_spent_challenge
    ),
    Endpoint(
        "POST", "/two-factor/verify-otp", verify_totp, VERIFY_TOTP, on_error=_clear_spent_challenge
    ),
    Endpoint(
        "POST",
        "/two-factor/verify-backup-code",
        verify_backup_code,
        VERIFY_BACKUP,
        on_error=_clear_spent_challenge,
    ),
    Endpoint("POST", "/two-factor/get-totp-uri", get_totp_uri, PASSWORD),
    Endpoint("POST", "/two-factor/generate-backup-codes", generate_backup_codes, PASSWORD),
    Endpoint("POST", "/two-factor/disable", disable, PASSWORD),
    Endpoint("POST", "/two-factor/send-otp", send_otp, SEND_OTP),
)
