"""Who the client is, for rate limits and session records (PROTOCOL.md §0).

The socket peer address, unless that peer is a configured trusted proxy: then
the right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
better-auth believes `X-Forwarded-For` from anyone, which lets a client pick
its own rate-limit bucket; we do not.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import Scope


class ClientAddress:
    """Resolves the client address of a request."""

    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self._proxies = frozenset(trusted_proxies)

    def resolve(self, peer: str | None, forwarded_for: str | None) -> str:
        """The address to key limits on ("" when the transport has none)."""
        address = peer or ""
        if not self._proxies or address not in self._proxies or not forwarded_for:
            return address
        for entry in reversed(forwarded_for.split(",")):
            hop = entry.strip()
            if hop and hop not in self._proxies:
                return hop
        return address

    def of(self, scope: Scope) -> str:
        """The client address of an ASGI request.

        Every `X-Forwarded-For` line counts, joined in order (RFC 9110 section
        5.3): a proxy may add a line of its own after the client's rather than
        extend it, and only the right-most entries are the proxies' word.
        """
        client = scope.get("client")
        headers = scope.get("headers", ())
        lines = [value.decode("latin-1") for name, value in headers if name == b"x-forwarded-for"]
        return self.resolve(client[0] if client else None, ", ".join(lines) or None)
