"""What can go wrong talking to a two-factor server, one class per thing a user does
differently about it."""

from __future__ import annotations


class EnrollError(Exception):
    """Base of everything `desktop_2fa.enroll` raises."""


class ServerError(EnrollError):
    """The server answered with better-auth's `{"message","code"}` envelope.

    Attributes:
        status: HTTP status; code: better-auth's UPPER_SNAKE code; message: its text.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"the server refused: {message} ({status} {code})")
        self.status = status
        self.code = code
        self.server_message = message


class RateLimited(ServerError):
    """429: the server's rate limiter or account lock.

    Attributes:
        retry_after: seconds the server asked us to wait, or None when it did not say
            (the account lock of PROTOCOL.md section 6 sends no header).
    """

    def __init__(self, code: str, message: str, retry_after: float | None) -> None:
        super().__init__(429, code, message)
        self.retry_after = retry_after
        wait = f"; retry in {retry_after:g} s" if retry_after is not None else ""
        self.args = (f"the server is rate limiting us: {message}{wait}",)


class NetworkError(EnrollError):
    """No usable HTTP answer: refused connection, timeout, TLS failure, DNS."""


class UnexpectedResponse(EnrollError):
    """An HTTP answer that is not the protocol: HTML, a bare 500, wrong JSON shape.

    Attributes:
        status: the HTTP status received.
    """

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"the server's answer is not the better-auth protocol ({detail})")
        self.status = status


class AlreadyEnrolled(EnrollError):
    """Enrolling again would replace a working secret."""


class FlowOrderError(EnrollError):
    """A flow step was asked for before the steps it needs."""
