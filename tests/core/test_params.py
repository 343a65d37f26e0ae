from __future__ import annotations

import pytest

from desktop_2fa.core.errors import InvalidParams
from desktop_2fa.core.params import OtpKind, OtpParams


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"digits": 12}, "digits", "digits must be 6 to 10, got 12"),
        ({"digits": 5}, "digits", "digits must be 6 to 10, got 5"),
        ({"period": 0}, "period", "period must be 1 to 300 seconds, got 0"),
        ({"period": 301}, "period", "period must be 1 to 300 seconds, got 301"),
        ({"counter": -1}, "counter", "counter must be 0 to 2^64-1, got -1"),
        ({"secret": b""}, "secret", "secret is empty"),
    ],
)
def test_out_of_range_params_are_named(kwargs: dict[str, object], field: str, message: str) -> None:
    base: dict[str, object] = {"kind": OtpKind.TOTP, "secret": b"0123456789"}
    base.update(kwargs)
    with pytest.raises(InvalidParams) as info:
        OtpParams(**base)  # type: ignore[arg-type]
    assert info.value.field == field
    assert str(info.value) == message
