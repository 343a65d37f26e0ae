"""The pages and their assets, as (path, endpoint) pairs any Starlette app can mount.

Every page is the same shell (`templates/page.html`) around its own markup,
with the API's URL in a `<meta>` for the bundle to read: the server's own
base path when it serves them, or another server's URL when they are a
front-end of their own (`front_end_app`). Values from settings are
HTML-escaped. A Content-Security-Policy lets the page load nothing and talk
to nobody but its own origin and the API.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from string import Template

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server_stub.http.origin import origin_of

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
#: Where `make web` writes the bundle (git-ignored).
DIST = HERE / "dist"
BUNDLE_NAME = "app.js"

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its path, the name the bundle dispatches on, title and markup file."""

    path: str
    name: str
    title: str
    template: str


PAGES = (
    Page("/", "sign-in", "Sign in", "sign-in.html"),
    Page("/settings", "settings", "Account settings", "settings.html"),
    Page("/verify-2fa", "verify", "Two-factor authentication", "verify.html"),
)


def content_security_policy(auth_url: str) -> str:
    """Scripts, styles and requests only from this origin (and the API's, if elsewhere)."""
    connect = "'self'"
    api_origin = origin_of(auth_url) if "://" in auth_url else None
    if api_origin is not None:
        connect += " " + api_origin
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class Bundle:
    """The built JavaScript, re-read when `make web` replaces it while the server runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, int], bytes] | None = None

    def read(self) -> bytes | None:
        """The bundle's bytes, or None when it is not built."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._cached is None or self._cached[0] != key:
                try:
                    self._cached = (key, self.path.read_bytes())
                except OSError:
                    return None
            return self._cached[1]


class WebPages:
    """Renders the pages once and answers the page and asset paths.

    Args:
        auth_url: the API as the page should call it: a path on the same
            origin (`/api/auth`) or an absolute URL on another one.
        app_name: shown in titles and the page header.
        dist: the folder holding the built bundle (default: `DIST`).
    """

    def __init__(self, auth_url: str, app_name: str, dist: Path | None = None) -> None:
        self.auth_url = auth_url
        self.bundle = Bundle((dist or DIST) / BUNDLE_NAME)
        self.headers = {
            "Content-Security-Policy": content_security_policy(auth_url),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-cache",
        }
        shell = Template((TEMPLATES / "page.html").read_text(encoding="utf-8"))
        self.pages = {
            page.path: shell.substitute(
                page=html.escape(page.name),
                title=html.escape(page.title),
                app_name=html.escape(app_name),
                auth_url=html.escape(auth_url),
                content=(TEMPLATES / page.template).read_text(encoding="utf-8"),
            ).encode()
            for page in PAGES
        }
        self.not_built = (
            Template((TEMPLATES / "not-built.html").read_text(encoding="utf-8"))
            .substitute(app_name=html.escape(app_name), auth_path=html.escape(auth_url))
            .encode()
        )
        self.stylesheet = (STATIC / "app.css").read_bytes()

    def _not_built(self) -> Response:
        # 503: the server is up, this part of it is not there yet.
        return Response(
            self.not_built,
            status_code=503,
            media_type="text/html; charset=utf-8",
            headers={**self.headers, "Content-Security-Policy": "default-src 'none'"},
        )

    async def page(self, request: Request) -> Response:
        """A page, or the "how to build" page while the bundle is missing."""
        if self.bundle.read() is None:
            return self._not_built()
        return Response(
            self.pages[request.url.path],
            media_type="text/html; charset=utf-8",
            headers=self.headers,
        )

    async def script(self, request: Request) -> Response:
        body = self.bundle.read()
        if body is None:
            return self._not_built()
        return Response(body, media_type="text/javascript; charset=utf-8", headers=self.headers)

    async def style(self, request: Request) -> Response:
        return Response(self.stylesheet, media_type="text/css; charset=utf-8", headers=self.headers)

    def endpoints(self) -> list[tuple[str, Endpoint]]:
        """Every GET path the pages need, with its endpoint."""
        found: list[tuple[str, Endpoint]] = [(page.path, self.page) for page in PAGES]
        found += [("/assets/app.js", self.script), ("/assets/app.css", self.style)]
        return found


def front_end_app(auth_url: str, app_name: str, dist: Path | None = None) -> Starlette:
    """The pages alone, as their own ASGI app: a front-end on another origin.

    `auth_url` is the API's absolute URL (`http://127.0.0.1:3000/api/auth`);
    that server must list this app's origin with `--trusted-origin`.
    """
    pages = WebPages(auth_url, app_name, dist)
    return Starlette(routes=[Route(path, endpoint) for path, endpoint in pages.endpoints()])
