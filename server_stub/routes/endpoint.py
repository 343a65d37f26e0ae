"""The request pipeline every endpoint goes through, in better-auth's order.

1. read the body (413 above the cap) and parse it (400 bad JSON, 415 type);
2. the router-wide Origin rule for non-GET requests (403), and callbackURL;
3. zod-like validation (400 VALIDATION_ERROR);
4. sign-in/sign-up's form CSRF rule (403);
5. the handler, whose service errors become envelopes.
(The rate limiter runs before all of this, as middleware.)

Handlers run on the event loop and hand their store calls and password
hashing to worker threads (`AppParts.blocking`, `AppParts.hashing`), so a slow
query or a scrypt never stalls the other requests. A client that goes away
before its body is complete gets no answer and one INFO access line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from server_stub.http.body import Fields, Schema, parse_body, read_limited, validate
from server_stub.http.cookies import parse_cookie_header
from server_stub.http.errors import INTERNAL, HttpError
from server_stub.routes.errors import headers_for, problem_for
from server_stub.routes.exchange import AppParts, Exchange
from server_stub.routes.render import NO_RESPONSE, problem_response
from server_stub.services.accounts import ClientMeta
from server_stub.services.errors import ServiceError
from server_stub.storage.records import StorageUnavailable

LOGGER = logging.getLogger("server_stub")

Headers = dict[str, str]
Handler = Callable[[Exchange, Fields, Headers], Awaitable[Response]]
Cleanup = Callable[[Exchange, ServiceError], None]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One route below the base path.

    Attributes:
        schema: body schema; None for GET endpoints (no body is read).
        sign_in_form: apply `formCsrfMiddleware` (sign-in, sign-up).
        on_error: cookie changes that go with a service error (e.g. clearing
            the challenge cookie when its attempts are spent).
    """

    method: str
    path: str
    handler: Handler
    schema: Schema | None = None
    sign_in_form: bool = False
    on_error: Cleanup | None = None


def _now(parts: AppParts) -> datetime:
    # Millisecond precision everywhere, like JavaScript dates and the store.
    moment = parts.clock()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def header_map(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers by lower-case name; the first occurrence wins (like Starlette)."""
    headers: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        if key not in headers:
            headers[key] = value.decode("latin-1")
    return headers


def bind(parts: AppParts, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint function for `endpoint`."""

    async def handle(request: Request) -> Response:
        headers = header_map(request.scope["headers"])
        cookie_header = headers.get("cookie")
        exchange = Exchange(
            parts=parts,
            now=_now(parts),
            cookies=parse_cookie_header(cookie_header) if cookie_header else {},
            meta=ClientMeta(parts.addresses.of(request.scope), headers.get("user-agent", "")),
        )
        try:
            fields = Fields({})
            if endpoint.schema is not None:
                raw = await read_limited(
                    request.stream(),
                    headers.get("content-length"),
                    parts.settings.max_body_bytes,
                    parts.settings.body_timeout,
                )
                body = parse_body(raw, headers.get("content-type"))
                origin, referer = headers.get("origin"), headers.get("referer")
                parts.origins.check_request(cookie_header is not None, origin, referer)
                if isinstance(body, dict):
                    callback = body.get("callbackURL")
                    if isinstance(callback, str) and callback:
                        parts.origins.check_callback_url(callback)
                fields = validate(endpoint.schema, body)
                if endpoint.sign_in_form:
                    parts.origins.check_sign_in_form(
                        cookie_header is not None,
                        origin,
                        referer,
                        fetch_site=headers.get("sec-fetch-site"),
                        fetch_mode=headers.get("sec-fetch-mode"),
                        fetch_dest=headers.get("sec-fetch-dest"),
                    )
            return await endpoint.handler(exchange, fields, headers)
        except ClientDisconnect:
            return NO_RESPONSE  # the access log notes it; nobody is left to answer
        except HttpError as e:
            return problem_response(e.problem, exchange.out)
        except ServiceError as e:
            if endpoint.on_error is not None:
                endpoint.on_error(exchange, e)
            return problem_response(problem_for(e), exchange.out, headers_for(e))
        except StorageUnavailable as e:
            LOGGER.error(
                "%s %s: the database did not answer: %s", endpoint.method, endpoint.path, e
            )
            return problem_response(INTERNAL, exchange.out)
        except Exception:
            LOGGER.exception("unexpected error in %s %s", endpoint.method, endpoint.path)
            return problem_response(INTERNAL, exchange.out)

    handle.__name__ = endpoint.path.strip("/").replace("/", "_").replace("-", "_")
    return handle
