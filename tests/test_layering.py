"""Dependencies point downwards only (DESIGN.md, "Layers").

Every module is parsed with `ast` and every import in it, at any depth (a lazy
import inside a function counts too), is checked against the rules below.
Relative imports are resolved against the module's package first, so
`from ..ui import x` cannot slip past a rule. Imports under
`if TYPE_CHECKING:` are seen too; a rule that allows them says so.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
WEB = {"starlette", "fastapi", "uvicorn"}

# desktop_2fa sub-packages and the desktop_2fa sub-packages each may import.
BELOW_UI = {
    "core",
    "vault",
    "scan",
    "importers",
    "exporters",
    "enroll",
    "audit",
    "load",
    "iconpacks",
}
ALLOWED_INSIDE = {
    "core": {"core"},
    "vault": {"core", "vault"},
    "scan": {"core", "scan"},
    "importers": {"core", "vault", "scan", "importers"},
    "exporters": {"core", "vault", "exporters"},
    "enroll": {"core", "vault", "enroll"},
    "audit": {"core", "enroll", "audit"},
    "load": {"core", "vault", "enroll", "load"},
    "iconpacks": {"vault", "iconpacks"},
    # Issue 11: the CLI and the UI meet only in the one launcher, desktop_2fa/app.py.
    "cli": BELOW_UI | {"cli", "app"},
    "ui": BELOW_UI | {"ui"},  # and `app` for types only, see below
    "app": BELOW_UI | {"ui", "app"},  # the composition root builds both sides
}
LOAD_ENGINE = {"locust", "gevent", "zmq"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _package(path: Path) -> list[str]:
    """The dotted package a module's relative imports start from."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1]  # a package's __init__ and a plain module both start at their folder


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = _package(path)
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes inside `if TYPE_CHECKING:` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def _imports(path: Path, *, runtime_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _type_checking_only(tree) if runtime_only else set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            if node.module:
                found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _top(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def _violations(package: str, rule: str, check: object, *, runtime_only: bool = False) -> list[str]:
    bad = []
    for path in _modules(package):
        rel = path.relative_to(ROOT)
        for name in _imports(path, runtime_only=runtime_only):
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


def _layer(rel: Path) -> str:
    """desktop_2fa/<layer>/..., or "app" for desktop_2fa/app.py."""
    return rel.parts[1].removesuffix(".py")


@pytest.mark.parametrize("layer", sorted(ALLOWED_INSIDE))
def test_lower_layers_do_not_import_higher_ones(layer: str) -> None:
    def forbidden(rel: Path, name: str) -> bool:
        parts = name.split(".")
        if _layer(rel) != layer or parts[0] != "desktop_2fa" or len(parts) < 2:
            return False
        target = parts[1]
        if target in ("__init__",) or target == "__version__":
            return False
        if layer == "ui" and target == "app":
            return False  # types only: test_the_ui_uses_the_launcher_for_types_only
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


def test_the_ui_uses_the_launcher_for_types_only() -> None:
    """`ui.app.run` receives the built services; the UI never builds or imports them."""
    bad = _violations(
        "desktop_2fa",
        "ui imports desktop_2fa.app under TYPE_CHECKING only",
        lambda rel, name: _layer(rel) == "ui" and name.split(".")[:2] == ["desktop_2fa", "app"],
        runtime_only=True,
    )
    assert bad == []


def test_only_the_launcher_reaches_the_bundled_server() -> None:
    bad = _violations(
        "desktop_2fa",
        "the bundled server only through desktop_2fa/app.py",
        lambda rel, name: _top(name) == "server_stub" and rel.as_posix() != "desktop_2fa/app.py",
    )
    assert bad == []


def test_the_rules_see_relative_imports() -> None:
    def resolved(module: Path, source: str) -> str:
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.ImportFrom)
        return _absolute(module, node)

    window = ROOT / "desktop_2fa" / "ui" / "main_window.py"
    assert resolved(window, "from . import session") == "desktop_2fa.ui"
    assert resolved(window, "from ..cli import context") == "desktop_2fa.cli"
    assert resolved(window, "from .wizard.qr import qr_pixmap") == "desktop_2fa.ui.wizard.qr"
    init = ROOT / "desktop_2fa" / "vault" / "__init__.py"
    assert resolved(init, "from .store import VaultFile") == "desktop_2fa.vault.store"


def test_the_rules_see_type_checking_imports_and_can_set_them_apart(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from x import Y\nimport z\n"
    )
    assert "x.Y" in _imports(sample)
    assert "x.Y" not in _imports(sample, runtime_only=True) and "z" in _imports(sample)


def test_the_rules_see_lazy_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n    import cv2\n")
    assert {"PySide6.QtCore", "cv2"} <= _imports(sample)
