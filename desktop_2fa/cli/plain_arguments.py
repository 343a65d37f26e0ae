"""`desktop-2fa code QUERY` and `list`, read without argparse when they are plain.

A script calling `desktop-2fa code` in a loop pays for the argument parser
every time: importing argparse, building the parser and the subcommand's
(gettext looks up a translation for each label, which imports `locale`) is
about 5 ms of CPU, while the key derivation wants both cores (issue 13).
The common forms need none of it: `code`, its QUERY and `--json`, `list`
and `--json`, and the global `--vault PATH` and `--password-file PATH`,
each at most once and spelled out in full.

`parse` reads exactly those and gives what argparse would; anything else
(`--at`, `--help`, an abbreviation, a value that starts with "-", an option
given twice, a second QUERY, a link in place of the command) gives None, and
argparse reads it as before: it alone says what is wrong. A test compares the
two on every form (`tests/cli/test_plain_arguments.py`), so an option added
to `code` or `list` without being added here fails it.
"""

from __future__ import annotations

from types import SimpleNamespace

# The commands read here: their positional argument (if any), their flags
# (each `store_true`), and the defaults argparse gives the options left out.
_COMMANDS: dict[str, tuple[str | None, dict[str, str], dict[str, object]]] = {
    "code": ("query", {"--json": "json"}, {"at": None}),
    "list": (None, {"--json": "json"}, {}),
}
# Options every command takes, before or after its name (`parser._common`).
_GLOBAL = {"--vault": "vault", "--password-file": "password_file"}


def parse(arguments: list[str]) -> SimpleNamespace | None:
    """The namespace argparse would give for a plain `code` or `list`; None for anything else."""
    found: dict[str, object] = {}
    command = None
    i = 0
    while i < len(arguments):
        arg = arguments[i]
        i += 1
        value: object = arg
        if arg.startswith("-"):
            name, eq, value = arg.partition("=")
            if name in _GLOBAL:
                if not eq:
                    if i == len(arguments) or arguments[i].startswith("-"):
                        return None  # argparse decides what that means
                    value = arguments[i]
                    i += 1
                key = _GLOBAL[name]
            elif command is not None and not eq and arg in _COMMANDS[command][1]:
                key, value = _COMMANDS[command][1][arg], True
            else:
                return None
        elif command is None:
            if arg not in _COMMANDS:
                return None
            command, key = arg, "command"
        else:
            positional = _COMMANDS[command][0]
            if positional is None:
                return None
            key = positional
        if key in found:
            return None
        found[key] = value
    if command is None:
        return None
    positional, flags, defaults = _COMMANDS[command]
    if positional is not None:
        found.setdefault(positional, None)
    for key in flags.values():
        found.setdefault(key, False)
    from desktop_2fa.cli import quick_dataclasses

    quick_dataclasses.import_dataclasses()
    from desktop_2fa.cli import read_commands

    found["handler"] = getattr(read_commands, f"cmd_{command}")
    return SimpleNamespace(**defaults, **found)


def done() -> None:
    """After the command: keep what the quick path compiled for the next start."""
    from desktop_2fa.cli import quick_dataclasses

    quick_dataclasses.save()
