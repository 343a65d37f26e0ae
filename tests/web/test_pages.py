"""The guide's pages at `/` (issue 15): served by default, `--no-web` drops them,
and without a built bundle they say how to build it while the API works."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from server_stub.process import spawn
from server_stub.web.pages import front_end_app
from tests.web.conftest import BASE, FRONT, Client

ROOT = Path(__file__).resolve().parents[2]
PAGES = {"/": "sign-in", "/settings": "settings", "/verify-2fa": "verify"}


def _meta(page: str, name: str) -> str:
    found = re.search(rf'<meta name="{name}" content="([^"]*)">', page)
    assert found, f"no <meta name={name}>"
    return found.group(1)


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize(("path", "name"), PAGES.items())
def test_each_page_is_served_with_the_bundle_and_a_tight_policy(
    make_client: Callable[..., Client], path: str, name: str
) -> None:
    response = make_client().get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f'data-page="{name}"' in response.text
    assert '<script type="module" src="/assets/app.js">' in response.text
    assert _meta(response.text, "d2fa-auth-url") == "/api/auth"
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "connect-src 'self';" in policy  # the page talks to its own server only
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_assets_are_the_built_bundle_and_the_stylesheet(
    make_client: Callable[..., Client], built: Path
) -> None:
    client = make_client()
    script = client.get("/assets/app.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.text == "console.log('bundle one');\n"
    # `make web` while the server runs: the next request gets the new bundle
    (built / "app.js").write_text("console.log('bundle two, longer');\n", encoding="utf-8")
    assert client.get("/assets/app.js").text == "console.log('bundle two, longer');\n"
    style = client.get("/assets/app.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")


@pytest.mark.usefixtures("dist")
def test_without_the_bundle_each_page_says_how_to_build_it_and_the_api_works(
    make_client: Callable[..., Client],
) -> None:
    client = make_client()
    for path in [*PAGES, "/assets/app.js"]:
        response = client.get(path)
        assert response.status_code == 503
        assert "make web" in response.text
        assert "apt-get install nodejs npm" in response.text
        assert "--no-web" in response.text
    assert client.get("/api/auth/ok").json() == {"ok": True}
    body = {"name": "Bo", "email": "bo@example.test", "password": "a long password"}
    assert client.post("/api/auth/sign-up/email", json=body).status_code == 200


@pytest.mark.usefixtures("built")
def test_web_off_leaves_only_the_api(make_client: Callable[..., Client]) -> None:
    client = make_client(web=False)
    for path in [*PAGES, "/assets/app.js", "/assets/app.css"]:
        response = client.get(path)
        assert response.status_code == 404 and response.content == b""
    assert client.get("/api/auth/ok").json() == {"ok": True}


@pytest.mark.usefixtures("built")
def test_the_pages_follow_the_configured_base_path_and_escape_the_app_name(
    make_client: Callable[..., Client],
) -> None:
    name = 'Acme <script>alert("x")</script> & Co'
    response = make_client(base_path="/auth/v1", app_name=name).get("/")
    assert _meta(response.text, "d2fa-auth-url") == "/auth/v1"
    assert "<script>alert" not in response.text
    assert "Acme &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in response.text


@pytest.mark.usefixtures("built")
def test_an_api_path_wins_over_a_page_of_the_same_name(
    make_client: Callable[..., Client],
) -> None:
    client = make_client(base_path="/assets")  # /assets/app.js is not an API path
    assert client.get("/assets/ok").json() == {"ok": True}
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("built")
def test_a_front_end_of_its_own_calls_the_api_on_the_other_origin(
    make_client: Callable[..., Client],
) -> None:
    client = make_client(front_end_app(BASE + "/api/auth", "Front"), base_url=FRONT)
    response = client.get("/verify-2fa")
    assert response.status_code == 200
    assert _meta(response.text, "d2fa-auth-url") == BASE + "/api/auth"
    policy = response.headers["content-security-policy"]
    assert f"connect-src 'self' {BASE};" in policy
    assert client.get("/api/auth/ok").status_code == 404  # it serves pages only


def test_the_command_line_serves_the_pages_by_default() -> None:
    with spawn("--memory") as server:
        page = httpx.get(server.base_url + "/verify-2fa")
        # 200 once `make web` has run, else the page that says how
        assert page.status_code in (200, 503)
        assert ("data-page" in page.text) == (page.status_code == 200)
        assert "Two-factor" in page.text or "make web" in page.text
    with spawn("--memory", env={**os.environ, "D2FA_SERVER_NO_WEB": "1"}) as server:
        assert httpx.get(server.base_url + "/verify-2fa").status_code == 404


def _codes_the_server_sends() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "server_stub").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes.update(re.findall(r'Problem\(\s*\d+,\s*"([A-Z_]+)"', text))
        if "validation_error(" in text:
            codes.add("VALIDATION_ERROR")
    return codes


def test_the_pages_have_words_for_every_error_the_server_sends() -> None:
    source = (ROOT / "web" / "src" / "messages.js").read_text(encoding="utf-8")
    table = source.split("export const MESSAGES = {", 1)[1].split("\n};", 1)[0]
    described = set(re.findall(r"^\s+([A-Z_]+):", table, flags=re.MULTILINE))
    sent = _codes_the_server_sends()
    assert {"INVALID_CODE", "INVALID_ORIGIN", "VALIDATION_ERROR"} <= sent  # the scan works
    assert sent - described == set()
