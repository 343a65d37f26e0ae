"""Dependencies point downwards only (DESIGN.md, "Layers").

Every module is parsed with `ast` and every import in it, at any depth (a lazy
import inside a function counts too), is checked against the rules below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
WEB = {"starlette", "fastapi", "uvicorn"}

# desktop_2fa sub-packages and the desktop_2fa sub-packages each may import.
ALLOWED_INSIDE = {
    "core": {"core"},
    "vault": {"core", "vault"},
    "scan": {"core", "scan"},
    "importers": {"core", "vault", "scan", "importers"},
    "exporters": {"core", "vault", "exporters"},
    "enroll": {"core", "vault", "enroll"},
    "audit": {"core", "enroll", "audit"},
    "load": {"core", "vault", "enroll", "load"},
}
LOAD_ENGINE = {"locust", "gevent", "zmq"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _top(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def _violations(package: str, rule: str, check: object) -> list[str]:
    bad = []
    for path in _modules(package):
        rel = path.relative_to(ROOT)
        for name in _imports(path):
            if check(rel, name):  # type: ignore[operator]
                bad.append(f"{rel}: imports {name} ({rule})")
    return bad


def test_nothing_below_ui_imports_qt() -> None:
    bad = _violations(
        "desktop_2fa",
        "Qt only in desktop_2fa/ui",
        lambda rel, name: _top(name) in QT and rel.parts[1] != "ui",
    )
    assert bad == []


def test_desktop_2fa_never_imports_the_web_framework() -> None:
    bad = _violations("desktop_2fa", "no web framework", lambda rel, name: _top(name) in WEB)
    assert bad == []


def test_server_services_import_no_web_framework_or_http_client() -> None:
    bad = _violations(
        "server_stub",
        "services are framework-free",
        lambda rel, name: "services" in rel.parts and _top(name) in WEB | {"httpx"} | QT,
    )
    assert bad == []


def test_server_has_its_own_otp_code_path() -> None:
    """Two independent TOTP implementations let client-vs-server tests catch bugs."""
    bad = _violations(
        "server_stub",
        "server must not use desktop_2fa",
        lambda rel, name: _top(name) == "desktop_2fa",
    )
    assert bad == []


@pytest.mark.parametrize("layer", sorted(ALLOWED_INSIDE))
def test_lower_layers_do_not_import_higher_ones(layer: str) -> None:
    def forbidden(rel: Path, name: str) -> bool:
        parts = name.split(".")
        if rel.parts[1] != layer or parts[0] != "desktop_2fa" or len(parts) < 2:
            return False
        target = parts[1]
        if target in ("__init__",) or target == "__version__":
            return False
        return target not in ALLOWED_INSIDE[layer]

    assert (
        _violations("desktop_2fa", f"{layer} may import {sorted(ALLOWED_INSIDE[layer])}", forbidden)
        == []
    )


def test_only_the_locust_file_imports_the_load_engine() -> None:
    """Locust monkey-patches the standard library for gevent: it runs in its own process."""
    bad = _violations(
        "desktop_2fa",
        "Locust only in desktop_2fa/load/locustfile.py",
        lambda rel, name: (
            _top(name) in LOAD_ENGINE and rel.as_posix() != "desktop_2fa/load/locustfile.py"
        ),
    )
    assert bad == []


def test_the_rules_see_lazy_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n    import cv2\n")
    assert {"PySide6.QtCore", "cv2"} <= _imports(sample)
