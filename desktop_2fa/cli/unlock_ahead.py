"""Give the vault's key derivation a head start.

`desktop-2fa code` must answer in about 150 ms, and Argon2id alone takes about
100 ms of it. libargon2 releases the GIL, so when the password comes from a
file or the environment (scripts, the benchmark) the derivation is started in
a background thread before the argument parser, the crypto library and the
vault model are imported; those imports then run on the other core. The real
unlock later asks for the same key and simply collects it (`argon2id.derive`).

Everything here is best effort and silent: on any doubt it does nothing, and
the normal path reports every error properly.
"""

from __future__ import annotations

import base64
import json
import os

from desktop_2fa.vault import argon2id

# Commands that unlock the vault with the current password.
_UNLOCKING = {"code", "list", "add", "remove", "backup-codes", "passwd", "export", "enroll",
              "sign-in", "import"}  # fmt: skip
_WITH_VALUE = {"--vault", "--password-file"}


def _options(arguments: list[str]) -> tuple[int | None, dict[str, str]]:
    """Where the command is (the first positional argument), and the global options."""
    command = None
    values: dict[str, str] = {}
    i = 0
    while i < len(arguments):
        arg = arguments[i]
        name, eq, value = arg.partition("=")
        if name in _WITH_VALUE:
            if not eq:
                i += 1
                value = arguments[i] if i < len(arguments) else ""
            values[name] = value
        elif command is None and not arg.startswith("-"):
            command = i
        i += 1
    return command, values


def command_index(arguments: list[str]) -> int | None:
    """The index of the subcommand (or whatever stands in its place), if any."""
    return _options(arguments)[0]


def start(arguments: list[str]) -> None:
    index, values = _options(arguments)
    if index is None or arguments[index] not in _UNLOCKING:
        return
    path = values.get("--vault") or os.environ.get("DESKTOP_2FA_VAULT")
    if not path:
        return  # the default folder needs platformdirs; not worth it for a guess
    try:
        if "--password-file" in values:
            with open(os.path.expanduser(values["--password-file"]), encoding="utf-8") as f:
                password = f.readline().rstrip("\r\n")
        elif "DESKTOP_2FA_PASSWORD" in os.environ:
            password = os.environ["DESKTOP_2FA_PASSWORD"]
        else:
            return  # a prompt comes later; no head start to be had
        with open(os.path.expanduser(path), "rb") as f:
            kdf = json.loads(f.read())["kdf"]
        salt = base64.b64decode(kdf["salt"], validate=True)
        time_cost, memory_kib, lanes = kdf["time_cost"], kdf["memory_kib"], kdf["lanes"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return
    if not all(isinstance(v, int) for v in (time_cost, memory_kib, lanes)):
        return
    # Same ceilings as the real unlock: a hostile header must not buy a 4 GiB run.
    if not (1 <= time_cost <= 64 and 1 <= lanes <= 64 and 8 * lanes <= memory_kib <= 4 << 20):
        return
    argon2id.prefetch(password, salt, time_cost, memory_kib, lanes)
