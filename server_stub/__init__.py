"""Bundled reference server speaking better-auth 1.7's two-factor protocol.

Run it with `desktop-2fa-server` or `python -m server_stub` (see `--help`;
every option also reads a `D2FA_SERVER_*` variable), or in-process::

    from server_stub.runner import start_in_thread

    with start_in_thread() as server:  # free 127.0.0.1 port, in-memory store
        ...  # talk to server.auth_url

Layers (DESIGN.md): `routes` (HTTP only) -> `services` (rules, no web
framework) -> `storage` (a Protocol; SQLite by default, memory for tests).
`app.create_app(settings, store)` is the composition root; `http` holds the
HTTP-only helpers (cookies, Origin rule, bodies, rate limit, access log).
PROTOCOL.md (beside DESIGN.md) is the specification.
"""

__version__ = "0.1.0"
