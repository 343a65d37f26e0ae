"""`dataclasses` imported without `inspect` still behaves as `dataclasses` (issue 13).

Each case runs in a fresh interpreter: this one has both modules loaded long since.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


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
