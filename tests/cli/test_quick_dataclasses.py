"""`dataclasses` for the quick path still behaves as `dataclasses` (issue 13).

Imported without `inspect`: each case runs in a fresh interpreter, this one
has both modules loaded long since. With the methods it compiles kept in a
file: the code objects are the ones `dataclasses` compiles itself.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_2fa.cli.quick_dataclasses import CACHE_FILE, MAX_BYTES, MethodCache
from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.vault import edits
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import VaultData
from desktop_2fa.vault.store import VaultFile


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_inspect_stays_unloaded_until_a_class_without_a_docstring_needs_it() -> None:
    out = _run(
        """
        import sys
        from desktop_2fa.cli.quick_dataclasses import import_dataclasses
        import_dataclasses()
        print("inspect" in sys.modules, "dataclasses" in sys.modules)
        from dataclasses import dataclass

        @dataclass(frozen=True, slots=True)
        class Documented:
            '''Says what it is.'''
            x: int

        print("inspect" in sys.modules)

        @dataclass(frozen=True)
        class Point:
            x: int
            y: int = 2

        print(Point.__doc__)
        import inspect
        print(type(inspect).__name__, inspect.signature(Point))
        """
    )
    assert out.splitlines() == [
        "False True",
        "False",
        "Point(x: int, y: int = 2)",
        "module (x: int, y: int = 2) -> None",
    ]


def test_an_import_of_inspect_afterwards_gets_the_real_module() -> None:
    out = _run(
        """
        from desktop_2fa.cli.quick_dataclasses import import_dataclasses
        import_dataclasses()
        import inspect, sys
        print(type(sys.modules["inspect"]) is type(sys), inspect.isfunction(print))
        """
    )
    assert out == "True False"


def test_nothing_changes_where_either_module_is_loaded_already() -> None:
    out = _run(
        """
        import inspect, sys
        from desktop_2fa.cli.quick_dataclasses import import_dataclasses
        import_dataclasses()
        import dataclasses
        print(dataclasses.inspect is inspect, sys.modules["inspect"] is inspect)
        """
    )
    assert out == "True True"


# --- the methods `dataclasses` compiles, kept for the next start -----------------------------

METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


def _classes() -> tuple[type, ...]:
    """Dataclasses of every kind the program uses: frozen and slotted, plain, bare."""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Frozen:
        """A frozen record with defaults."""

        a: int
        b: str = "x"
        c: tuple[int, ...] = dataclasses.field(default_factory=tuple)

    @dataclasses.dataclass
    class Plain:
        """A mutable one."""

        items: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True, repr=False, eq=False)
    class Bare:
        """Neither repr nor eq."""

        x: int

    return Frozen, Plain, Bare


def _codes(classes: tuple[type, ...]) -> dict[tuple[str, str], object]:
    """The code object of each method `dataclasses` wrote (under `__repr__`'s wrapper)."""
    found = {}
    for cls in classes:
        for name in METHODS:
            method = cls.__dict__.get(name)
            method = getattr(method, "__wrapped__", method)
            found[cls.__name__, name] = getattr(method, "__code__", None)
    return found


def test_methods_from_the_kept_file_are_the_ones_dataclasses_compiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = _codes(_classes())  # by `dataclasses` itself
    assert sum(code is not None for code in written.values()) == 12
    path = str(tmp_path / "__pycache__" / "methods.bin")
    first = MethodCache(path)
    monkeypatch.setattr(dataclasses, "exec", first.exec, raising=False)
    assert _codes(_classes()) == written
    assert first.added
    first.save()

    later = MethodCache(path)
    later.load()
    assert later.codes == first.codes
    monkeypatch.setattr(dataclasses, "exec", later.exec, raising=False)
    frozen, plain, bare = classes = _classes()
    assert _codes(classes) == written
    assert not later.added  # nothing compiled: every text came from the file
    record = frozen(1)
    assert (record, hash(record), repr(record)) == (frozen(1), hash(frozen(1, "x")), repr(record))
    assert repr(record).endswith("Frozen(a=1, b='x', c=())")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.a = 2  # type: ignore[misc]
    assert plain().items is not plain().items
    assert bare(1) != bare(1)


def _header(version: int = sys.hexversion) -> tuple[object, ...]:
    return ("desktop-2fa dataclass methods", version, marshal.version)


CODE = compile("x = 1", "<string>", "exec")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal data",
        marshal.dumps([1, 2, 3]),
        marshal.dumps((_header(sys.hexversion + 1), {"x = 1": CODE})),  # another Python's
        marshal.dumps((("something else", sys.hexversion, marshal.version), {"x = 1": CODE})),
        marshal.dumps((_header(), ["x = 1"])),
        marshal.dumps((_header(), {"x = 1": "not code"})),
        marshal.dumps((_header(), {"x = 1": CODE})) + b"\0" * MAX_BYTES,  # larger than any
    ],
    ids=["empty", "junk", "list", "other-python", "other-header", "no-dict", "no-code", "huge"],
)
def test_a_file_that_is_not_ours_is_not_used(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "methods.bin"
    path.write_bytes(content)
    cache = MethodCache(str(path))
    cache.load()
    assert cache.codes == {}
    namespace: dict[str, object] = {}
    cache.exec("x = 1", namespace)  # compiled as without a file
    assert namespace["x"] == 1
    assert cache.added


def test_without_namespaces_it_runs_in_the_callers_as_the_builtin_does() -> None:
    cache = MethodCache("unused")
    marker = "the caller's"

    def caller() -> object:
        seen = marker  # noqa: F841 - read by the executed text
        cache.exec("found = (seen, TYPE_OF_TEST)")
        return sys._getframe().f_locals["found"]

    assert caller() == ("the caller's", "module global")


TYPE_OF_TEST = "module global"


def test_a_failed_save_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "methods.bin"
    old = MethodCache(str(path))
    old.exec("x = 1", {})
    old.save()
    kept = path.read_bytes()
    newer = MethodCache(str(path))
    newer.load()
    newer.exec("y = 2", {})

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    newer.save()  # says nothing: the next start compiles again
    assert path.read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["methods.bin"]


@pytest.fixture
def kept_methods() -> Iterator[Path]:
    """The package's own file, put back as it was after the test."""
    path = Path(CACHE_FILE)
    before = path.read_bytes() if path.exists() else None
    yield path
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(before)


def test_code_and_list_compile_nothing_after_make_or_after_a_first_start(
    kept_methods: Path, cli_env: Callable[[str], None], vault_path: Path, fast_kdf: KdfParams
) -> None:
    """`make` writes the file (`python -m desktop_2fa.cli.quick_dataclasses`); each
    quick command then finds every method in it, the HOTP save's too. Without it,
    the first start writes it, unless PYTHONDONTWRITEBYTECODE says not to."""
    hotp = OtpParams(OtpKind.HOTP, b"k" * 20)
    VaultFile(vault_path).create("pw", VaultData(), kdf=fast_kdf).apply(
        lambda data: edits.add_accounts(
            data, [edits.Draft(AccountSpec("Counter", "bob", hotp))], datetime.now(UTC)
        )[0]
    )
    cli_env("pw")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = (["code", "Counter"], ["list"], ["code"], ["list", "--json"])

    def run(*argv: str, **extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "desktop_2fa", *argv],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    kept_methods.unlink(missing_ok=True)
    run("list", PYTHONDONTWRITEBYTECODE="1")
    assert not kept_methods.exists()
    run("list")
    assert kept_methods.exists()

    warm = subprocess.run(
        [sys.executable, "-m", "desktop_2fa.cli.quick_dataclasses"], env=env, check=False
    )
    assert warm.returncode == 0
    after_make = kept_methods.read_bytes()
    outputs = [run(*argv) for argv in commands]
    assert kept_methods.read_bytes() == after_make
    assert "Counter" in outputs[0]
