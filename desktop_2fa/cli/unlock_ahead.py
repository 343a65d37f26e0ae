"""Give the vault's key derivation a head start.

`desktop-2fa code` must answer in about 150 ms, and Argon2id alone takes about
100 ms of it. libargon2 releases the GIL, so when the password comes from a
file or the environment (scripts, the benchmark) the derivation is started in
a background thread before the argument parser, the crypto library and the
vault model are imported; those imports then run on the other core. The real
unlock later asks for the same key and simply collects it (`argon2id.derive`).

Whatever runs before the derivation starts adds to every `code`, so this
module and what it imports stay light: the header is read from the end of the
file (`header.peek`, not the whole 5 MB of a 10,000-account vault), and
nothing here imports typing, dataclasses, pathlib or the crypto library.

Everything here is best effort and silent: on any doubt it does nothing, and
the normal path reports every error properly. It says nothing twice: the
password comes from `context.password` (the same first-line rule), and the
header goes through the envelope's own checks and the KDF ceilings
(`header.check_format`, `header.kdf_values`).
"""

from __future__ import annotations

import os

from desktop_2fa.cli import context

# Commands that unlock the vault with the current password.
_UNLOCKING = {"code", "list", "add", "remove", "backup-codes", "passwd", "export", "enroll",
              "sign-in", "import", "restore"}  # fmt: skip
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
    path = values.get("--vault") or os.environ.get(context.VAULT_ENV)
    if not path:
        return  # the default folder needs platformdirs; not worth it for a guess
    if "--password-file" not in values and context.PASSWORD_ENV not in os.environ:
        return  # a prompt comes later; no head start to be had
    # Only now: `scan`, `roundtrip`... need none of this.
    from desktop_2fa.vault import argon2id, header
    from desktop_2fa.vault.errors import VaultError

    try:
        password = context.password_from(values.get("--password-file"))
        members = header.peek(os.path.expanduser(path))
        if members is None:
            return  # not laid out as desktop-2fa writes it: the unlock will say why
        kdf = header.kdf_values(header.check_format(members).get("kdf"))
    except (context.UserError, VaultError, OSError):
        return
    argon2id.prefetch(password, *kdf)
