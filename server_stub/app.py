"""The composition root of the server: `create_app(settings, store)`.

No module-level state: every app owns its services, limiter and keys, so
tests build a fresh one per test and several can live in one process.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Router, request_response
from starlette.types import ASGIApp, Receive, Scope, Send

from server_stub.http.access_log import AccessLogMiddleware
from server_stub.http.client_address import ClientAddress
from server_stub.http.cookies import CookieNames, CookieSigner
from server_stub.http.cors import CorsMiddleware
from server_stub.http.origin import OriginPolicy
from server_stub.http.rate_limit import RateLimiter, RateLimitMiddleware
from server_stub.routes import ENDPOINTS
from server_stub.routes.endpoint import bind
from server_stub.routes.exchange import AppParts
from server_stub.services.accounts import AccountService
from server_stub.services.at_rest import AtRestKeys
from server_stub.services.passwords import PasswordHasher
from server_stub.services.two_factor import TwoFactorService
from server_stub.settings import Clock, Settings, system_clock
from server_stub.storage.protocol import Store
from server_stub.web.pages import WebPages
from server_stub.worker_threads import worker_threads

#: Concurrent scrypt computations (each needs 32 MiB).
HASH_THREADS = 4
#: Worker threads per process for handlers that touch the store.
STORE_THREADS = 16


async def _not_found(request: Request, exc: Exception) -> Response:
    """Unknown path or wrong method: 404 with an empty body, like better-call."""
    return Response(status_code=404)


class ExactRouter(Router):
    """Routes on the exact (method, path): one dict lookup per request.

    Every endpoint of the protocol is a fixed path, so regex matching would
    only cost time. Anything else (other paths, methods, a trailing slash,
    HEAD) gets better-call's empty 404.
    """

    def __init__(self, table: dict[tuple[str, str], ASGIApp]) -> None:
        super().__init__(redirect_slashes=False)
        self.table = table

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan
            await super().app(scope, receive, send)
            return
        handler = self.table.get((scope["method"], scope["path"]))
        if handler is None:
            await Response(status_code=404)(scope, receive, send)
            return
        await handler(scope, receive, send)


def create_app(
    settings: Settings,
    store: Store,
    *,
    clock: Clock = system_clock,
    password_hasher: PasswordHasher | None = None,
) -> Starlette:
    """Build the ASGI app.

    Args:
        settings: must have `base_url` set (the runner fills it in).
        store: where users, sessions and second factors live.
        clock: read once per request; tests pass one they can move.
        password_hasher: scrypt parameters (tests may pass cheaper ones).

    Raises:
        ValueError: `settings.base_url` is None.
    """
    if settings.base_url is None:
        raise ValueError("settings.base_url must be set before the app is built")
    accounts = AccountService(store, settings, password_hasher or PasswordHasher())
    parts = AppParts(
        settings=settings,
        clock=clock,
        accounts=accounts,
        two_factor=TwoFactorService(store, settings, accounts, AtRestKeys(settings.secret)),
        names=CookieNames.for_server(settings.secure_cookies),
        signer=CookieSigner(settings.secret, settings.secure_cookies),
        origins=OriginPolicy(settings.base_url, settings.trusted_origins),
        addresses=ClientAddress(settings.trusted_proxies),
        threads=worker_threads(
            "store", max_threads=STORE_THREADS, parallel=min(store.parallel_calls, STORE_THREADS)
        ),
        hash_threads=worker_threads("hash", max_threads=HASH_THREADS, parallel=HASH_THREADS),
    )
    table: dict[tuple[str, str], ASGIApp] = {
        (endpoint.method, settings.base_path + endpoint.path): request_response(
            bind(parts, endpoint)
        )
        for endpoint in ENDPOINTS
    }
    if settings.web:  # the guide's pages; an API path of the same name wins
        for path, page in WebPages(settings.base_path, settings.app_name).endpoints():
            table.setdefault(("GET", path), request_response(page))
    middleware = [Middleware(AccessLogMiddleware)]
    if settings.trusted_origins:  # outside the limiter, so a 429 is readable too
        middleware.append(
            Middleware(
                CorsMiddleware, origins=settings.trusted_origins, base_path=settings.base_path
            )
        )
    if settings.rate_limit is not None:
        middleware.append(
            Middleware(
                RateLimitMiddleware,
                limiter=RateLimiter(settings.rate_limit, store, {e.path for e in ENDPOINTS}),
                addresses=parts.addresses,
                base_path=settings.base_path,
                now=clock,
                threads=parts.threads,
            )
        )
    app = Starlette(middleware=middleware, exception_handlers={HTTPException: _not_found})
    app.router = ExactRouter(table)
    return app
