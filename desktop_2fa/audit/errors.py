"""Why an audit, or one of its checks, stopped short."""

from __future__ import annotations


class AuditError(Exception):
    """Base of everything `desktop_2fa.audit` raises."""


class UnknownCheck(AuditError):
    """`--only` named checks that do not exist.

    Attributes:
        ids: the unknown names; known: every check id, in order.
    """

    def __init__(self, ids: tuple[str, ...], known: tuple[str, ...]) -> None:
        super().__init__(f"no such check: {', '.join(ids)} (the checks are: {', '.join(known)})")
        self.ids = ids
        self.known = known


class Inconclusive(AuditError):
    """The server answered in a way the check cannot judge (it FAILs as 'could not complete')."""


class WaitTooLong(AuditError):
    """Waiting out a rate limit would go past --max-wait.

    Attributes:
        needed: seconds the server asked for; left: seconds of the budget left.
    """

    def __init__(self, needed: float, left: float, where: str) -> None:
        super().__init__(
            f"not finished: {where} asks for {needed:.0f} s more, "
            f"but only {left:.0f} s of --max-wait are left"
        )
        self.needed = needed
        self.left = left


class Cancelled(AuditError):
    """The tester stopped the audit."""
