"""An OpenAPI 3.1 document of the endpoints, where better-auth's openAPI plugin serves it.

`GET {base path}/open-api/generate-schema` describes every endpoint from the
same `Endpoint` table and body schemas the server validates with, so the
document cannot drift from the code; testers fuzz the server with it
(schemathesis, `tests/server/test_openapi.py`). Error answers are better-auth's
envelope; success bodies are described loosely (PROTOCOL.md has them whole).
"""

from __future__ import annotations

from starlette.responses import Response

from server_stub import __version__
from server_stub.http.body import Field, Fields, Kind, Schema
from server_stub.routes.endpoint import Endpoint, Headers
from server_stub.routes.exchange import Exchange
from server_stub.routes.render import json_response

PATH = "/open-api/generate-schema"

_KINDS: dict[Kind, dict[str, object]] = {
    Kind.STRING: {"type": "string"},
    Kind.NONEMPTY_STRING: {"type": "string", "minLength": 1},
    Kind.EMAIL: {"type": "string", "format": "email"},
    Kind.BOOLEAN: {"type": "boolean"},
    Kind.TOTP_METHOD: {"type": "string", "enum": ["otp", "totp"], "default": "totp"},
}
_ERROR = {
    "type": "object",
    "description": "better-auth's envelope; the rate limiter's 429 has no `code`",
    "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
    "required": ["message"],
}
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"


def _body(schema: Schema) -> dict[str, object]:
    properties = {field.name: _KINDS[field.kind] for field in schema.fields}
    required = [field.name for field in schema.fields if _required(field)]
    shape: dict[str, object] = {"type": "object", "properties": properties}
    if required:
        shape["required"] = required
    content = {kind: {"schema": shape} for kind in (_JSON, _FORM)}
    return {"required": not schema.optional_body, "content": content}


def _required(field: Field) -> bool:
    return field.required and field.kind is not Kind.TOTP_METHOD


def _operation(endpoint: Endpoint) -> dict[str, object]:
    doc = (endpoint.handler.__doc__ or endpoint.path).strip()
    error = {
        "description": "error",
        "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    operation: dict[str, object] = {
        "operationId": endpoint.handler.__name__,
        "summary": doc.splitlines()[0],
        "responses": {
            "200": {"description": "success", "content": {_JSON: {"schema": {}}}},
            "4XX": error,
        },
    }
    if endpoint.schema is not None:
        operation["requestBody"] = _body(endpoint.schema)
    return operation


def document(endpoints: tuple[Endpoint, ...], server_url: str) -> dict[str, object]:
    """The OpenAPI 3.1 document for `endpoints`, served below `server_url`."""
    paths: dict[str, dict[str, object]] = {}
    for endpoint in endpoints:
        if endpoint.path != PATH:
            paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "desktop-2fa reference server (better-auth 1.7 two-factor protocol)",
            "version": __version__,
        },
        "servers": [{"url": server_url}],
        "components": {
            "schemas": {"Error": _ERROR},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "better-auth.session_token"}
            },
        },
        "paths": paths,
    }


async def generate_schema(exchange: Exchange, fields: Fields, headers: Headers) -> Response:
    """This document (better-auth's openAPI plugin path)."""
    from server_stub.routes import auth, two_factor

    settings = exchange.parts.settings
    server = f"{settings.base_url}{settings.base_path}"
    return json_response(document(auth.ENDPOINTS + two_factor.ENDPOINTS, server), exchange.out)


ENDPOINTS = (Endpoint("GET", PATH, generate_schema),)
