"""better-auth's error envelope: `{"message": <text>, "code": <UPPER_SNAKE>}`."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One error answer: status, code (None only for the rate limiter) and message."""

    status: int
    code: str | None
    message: str

    def body(self) -> bytes:
        """The JSON envelope."""
        data = (
            {"message": self.message}
            if self.code is None
            else {
                "message": self.message,
                "code": self.code,
            }
        )
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


class HttpError(Exception):
    """Raised inside request handling; becomes the envelope of its `Problem`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code or problem.message)
        self.problem = problem


def validation_error(message: str) -> HttpError:
    """400 VALIDATION_ERROR with zod's issue text."""
    return HttpError(Problem(400, "VALIDATION_ERROR", message))


BAD_JSON = Problem(400, "BAD_REQUEST", "Invalid JSON in request body")
UNAUTHORIZED = Problem(401, "UNAUTHORIZED", "Unauthorized")
TOO_LARGE = Problem(413, "PAYLOAD_TOO_LARGE", "Request body is too large")
BODY_TIMEOUT = Problem(408, "REQUEST_TIMEOUT", "The request body did not arrive in time")
INTERNAL = Problem(500, "INTERNAL_SERVER_ERROR", "Internal server error")
