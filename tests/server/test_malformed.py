"""No 500 for any malformed body: every one gets a 4xx in better-auth's envelope."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.support import PASSWORD, Browser, MovableClock, assert_error, enroll

POST_PATHS = [
    "/sign-up/email",
    "/sign-in/email",
    "/sign-out",
    "/two-factor/enable",
    "/two-factor/verify-totp",
    "/two-factor/verify-otp",
    "/two-factor/verify-backup-code",
    "/two-factor/get-totp-uri",
    "/two-factor/generate-backup-codes",
    "/two-factor/disable",
    "/two-factor/send-otp",
]
JSON = {"content-type": "application/json"}
ALLOWED = "Allowed types: application/x-www-form-urlencoded, application/json"


def assert_envelope(response: httpx.Response) -> None:
    """A 4xx with {"message","code"} (the limiter's 429 has no code; 404 is empty)."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    if response.status_code == 404:
        assert response.content == b""
        return
    body = response.json()
    assert isinstance(body, dict) and isinstance(body["message"], str)
    assert set(body) == {"message", "code"} and isinstance(body["code"], str)


@pytest.mark.parametrize("path", POST_PATHS)
@pytest.mark.parametrize("raw", ['{"code":', "{'a': 1}", "NaN", '{"a": Infinity}', "\xff{"])
def test_bad_json(browser: Browser, path: str, raw: str) -> None:
    response = browser.request("POST", path, content=raw.encode("latin-1"), headers=JSON)
    assert_error(response, 400, "BAD_REQUEST", "Invalid JSON in request body")


@pytest.mark.parametrize("path", POST_PATHS)
def test_wrong_content_type(browser: Browser, path: str) -> None:
    response = browser.request(
        "POST", path, content=b'{"code":"1"}', headers={"content-type": "text/plain"}
    )
    assert_error(
        response,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        f'Content-Type "text/plain" is not allowed. {ALLOWED}',
    )
    response = browser.request("POST", path, content=b'{"code":"1"}', headers={"content-type": ""})
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE", f"Content-Type is required. {ALLOWED}")


@pytest.mark.parametrize("body", [[], "x", 5, None, True])
def test_body_must_be_an_object(browser: Browser, body: object) -> None:
    kind = {list: "array", str: "string", int: "number", type(None): "null", bool: "boolean"}
    received = kind[type(body)]
    raw = json.dumps(body).encode()
    response = browser.request("POST", "/two-factor/verify-totp", content=raw, headers=JSON)
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        f"[body] Invalid input: expected object, received {received}",
    )
    response = browser.request("POST", "/sign-up/email", content=raw, headers=JSON)
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        f"[body] Invalid input: expected object, received {received}; "
        f"[body] Invalid input: expected record, received {received}",
    )


def test_missing_body_is_undefined(browser: Browser) -> None:
    response = browser.request("POST", "/two-factor/verify-totp")
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body] Invalid input: expected object, received undefined",
    )


@pytest.mark.parametrize(
    ("value", "received"),
    [
        (123456, "number"),
        (1.5, "number"),
        (True, "boolean"),
        (None, "null"),
        (["1"], "array"),
        ({}, "object"),
    ],
)
def test_wrong_types_name_what_was_received(browser: Browser, value: object, received: str) -> None:
    response = browser.post("/two-factor/verify-totp", {"code": value})
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        f"[body.code] Invalid input: expected string, received {received}",
    )


def test_overflowing_number_is_infinity(browser: Browser) -> None:
    response = browser.request(
        "POST", "/two-factor/verify-totp", content=b'{"code": 1e999}', headers=JSON
    )
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body.code] Invalid input: expected string, received Infinity",
    )


def test_all_issues_in_schema_order(browser: Browser) -> None:
    response = browser.post(
        "/sign-up/email", {"rememberMe": "yes", "password": "", "name": 1, "image": 2}
    )
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body.name] Invalid input: expected string, received number; "
        "[body.email] Invalid input: expected string, received undefined; "
        "[body.password] Too small: expected string to have >=1 characters; "
        "[body.image] Invalid input: expected string, received number; "
        "[body.rememberMe] Invalid input: expected boolean, received string",
    )


def test_boolean_fields(browser: Browser) -> None:
    response = browser.post("/two-factor/verify-backup-code", {"code": "x", "disableSession": 1})
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body.disableSession] Invalid input: expected boolean, received number",
    )


def test_form_encoded_bodies_are_accepted(browser: Browser) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = browser.request(
        "POST",
        "/sign-up/email",
        content=f"name=Bob&email=bob%40example.test&password={PASSWORD}".encode(),
        headers=form,
    )
    assert response.status_code == 200
    response = browser.request(
        "POST", "/two-factor/verify-totp", content=b"code=1&trustDevice=true", headers=form
    )
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "[body.trustDevice] Invalid input: expected boolean, received string",
    )


def test_unknown_fields_are_ignored(browser: Browser) -> None:
    response = browser.post(
        "/sign-up/email",
        {"name": "A", "email": "a@example.test", "password": PASSWORD, "role": "admin"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", POST_PATHS)
def test_body_over_64_kib_is_413(browser: Browser, path: str) -> None:
    body = json.dumps({"code": "1" * 70_000, "password": "x"}).encode()
    response = browser.request("POST", path, content=body, headers=JSON)
    assert_error(response, 413, "PAYLOAD_TOO_LARGE", "Request body is too large")


def test_huge_strings_below_the_cap(browser: Browser, clock: MovableClock) -> None:
    big = "é" * 20_000
    cases = [
        ("/sign-up/email", {"name": big, "email": "a@example.test", "password": big}),
        ("/sign-up/email", {"name": "x", "email": big, "password": PASSWORD}),
        ("/sign-in/email", {"email": "a@example.test", "password": big}),
        ("/sign-in/email", {"email": big, "password": "x"}),
    ]
    for path, body in cases:
        assert_envelope(browser.post(path, body))
    enroll(browser, clock)
    for path in POST_PATHS[3:]:
        assert_envelope(browser.post(path, {"code": big, "password": big, "issuer": big}))


def test_deep_nesting_is_bad_json_or_validation(browser: Browser) -> None:
    body = b'{"code":' + b"[" * 30_000 + b"]" * 30_000 + b"}"
    response = browser.request("POST", "/two-factor/verify-totp", content=body, headers=JSON)
    assert response.status_code == 400


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "code",
        "password",
        "email",
        "name",
        "trustDevice",
        "disableSession",
        "rememberMe",
        "method",
        "issuer",
        "callbackURL",
        "image",
    ]
)
bodies = json_values | st.dictionaries(field_names, json_values, max_size=6)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=st.sampled_from(POST_PATHS), body=bodies, signed_in=st.booleans())
def test_fuzzed_json_bodies_never_500(
    browser: Browser, clock: MovableClock, path: str, body: object, signed_in: bool
) -> None:
    if signed_in and not browser.jar:
        enroll(browser, clock)
    jar = dict(browser.jar) if signed_in else {}
    probe = Browser(browser.client, browser.runner, jar=jar)
    response = probe.request("POST", path, json=body)
    if response.status_code >= 400:
        assert_envelope(response)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    path=st.sampled_from(POST_PATHS),
    raw=st.binary(max_size=200),
    content_type=st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "",
            "application/json; charset=latin-1",
        ]
    ),
)
def test_fuzzed_raw_bodies_never_500(
    browser: Browser, path: str, raw: bytes, content_type: str
) -> None:
    response = browser.request("POST", path, content=raw, headers={"content-type": content_type})
    if response.status_code >= 400:
        assert_envelope(response)
