"""The OpenAPI 3.1 document, and schemathesis fuzzing a live server through it.

The fuzzer runs against a real `python -m server_stub` process (in memory,
rate limit off so the examples reach the handlers) with a bounded number of
examples per operation; no answer may be a 5xx.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from server_stub.process import ServerProcess, spawn
from server_stub.routes import ENDPOINTS
from server_stub.routes.openapi import PATH
from tests.server.support import Browser

SCHEMA_PATH = "/api/auth" + PATH


@pytest.fixture(scope="module")
def live_server() -> Iterator[ServerProcess]:
    with spawn("--memory", "--no-rate-limit", "--log-level", "warning", env=dict(os.environ)) as s:
        yield s


def test_document_describes_every_endpoint_from_the_validation_schemas(browser: Browser) -> None:
    response = browser.get("/open-api/generate-schema")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://127.0.0.1:3000/api/auth"}]
    described = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert described == {(e.method, e.path) for e in ENDPOINTS} - {
        ("GET", "/open-api/generate-schema")
    }
    sign_up = document["paths"]["/sign-up/email"]["post"]["requestBody"]
    shape = sign_up["content"]["application/json"]["schema"]
    assert shape["required"] == ["name", "email", "password"]
    assert shape["properties"]["email"] == {"type": "string", "format": "email"}
    assert sign_up["content"]["application/x-www-form-urlencoded"]["schema"] == shape
    sign_out = document["paths"]["/sign-out"]["post"]["requestBody"]
    assert sign_out["required"] is False


@pytest.fixture(scope="module")
def api_schema(live_server: ServerProcess) -> Any:
    return schemathesis.openapi.from_url(live_server.base_url + SCHEMA_PATH)


OPERATIONS = sorted({(e.method, e.path) for e in ENDPOINTS} - {("GET", PATH)})


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_fuzzing_finds_no_server_error(api_schema: Any, method: str, path: str) -> None:
    # Valid and invalid examples alike (schemathesis' positive and negative modes).
    operation = api_schema[path][method]
    examples = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=examples)
    def fuzz(case: Any) -> None:
        case.call_and_validate(checks=[not_a_server_error])

    fuzz()


def test_the_live_document_is_served(live_server: ServerProcess) -> None:
    assert httpx.get(live_server.base_url + SCHEMA_PATH).json()["servers"] == [
        {"url": live_server.base_url + "/api/auth"}
    ]
