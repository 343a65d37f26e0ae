"""Subcommands that move accounts in and out: import, scan, export.

The parser (`parser.COMMANDS`) imports this module only for these three
commands. Heavy modules (OpenCV, zxing-cpp, numpy, Qt, cryptography) are
imported inside the handlers: `scan IMAGE` must not load the vault or Qt.
Package errors become `UserError`, i.e. one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from desktop_2fa.cli import context
from desktop_2fa.cli.context import UserError
from desktop_2fa.cli.unlock import open_vault
from desktop_2fa.core.text import LINE_LIMIT, escaped, shown

if TYPE_CHECKING:
    from desktop_2fa.importers.base import ImportResult
    from desktop_2fa.importers.session import AddOutcome, SourceFile
    from desktop_2fa.vault.model import VaultData

Handler = Callable[[argparse.Namespace], int]

IMPORT_PASSWORD_ENV = "DESKTOP_2FA_IMPORT_PASSWORD"  # noqa: S105 - a variable name
EXPORT_PASSWORD_ENV = "DESKTOP_2FA_EXPORT_PASSWORD"  # noqa: S105
# Listed here so that building the parser loads no importer; a test keeps these
# equal to the registries.
IMPORT_FORMATS = (
    "aegis", "2fas", "andotp", "bitwarden", "freeotp-plus", "ente", "proton-authenticator",
    "proton-pass", "authenticator-pro", "freeotp", "steam", "authy", "google-authenticator-db",
    "microsoft-authenticator-db", "battlenet", "duo", "totp-authenticator", "otpauth", "qr-image",
)  # fmt: skip
# `import --help` says what is not read and why; a test keeps it equal to
# importers.left_out (literal here for the same reason as IMPORT_FORMATS).
IMPORT_NOT_SUPPORTED = (
    "Authy cloud backups and Authy Desktop: Authy has no export and the format of its backups"
    " is not public; use the token files from a rooted phone; Microsoft Authenticator cloud "
    "backup: it is encrypted by Microsoft's service and not documented; use the PhoneFactor "
    "database from a rooted phone; Duo Mobile restore backups: they are encrypted with keys "
    "held by Duo and not documented; use duokit/accounts.json from a rooted phone; LastPass "
    "Authenticator: its export is not publicly documented; move the accounts one by one with "
    "their QR codes; Bitwarden 'account restricted' export: it opens only with the Bitwarden "
    "account's key; export again as 'Password protected'; Proton Pass PGP-encrypted export: "
    "desktop-2fa carries no OpenPGP; export again without encryption; Steam Desktop "
    "Authenticator encrypted .maFile: its key material is in manifest.json; remove SDA's "
    "encryption first; Authenticator Plus: its database is SQLCipher-encrypted; export from "
    "the app to Authenticator Pro or a plain format first; Yandex Key and mOTP entries: they "
    "use other algorithms than TOTP/HOTP; they are listed as not imported."
)
EXPORT_FORMATS = ("aegis", "otpauth", "qr-png", "qr-svg", "google-qr")
PASSWORD_ATTEMPTS = 3


def _at_the_edge(handler: Handler) -> Handler:
    """Turn the errors of importers, exporters and scan into one-line `UserError`s."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from desktop_2fa.exporters.errors import ExportFailed
        from desktop_2fa.importers.errors import ImportFailed, UnknownFormat
        from desktop_2fa.scan.errors import ScanError

        try:
            return handler(args)
        except UnknownFormat as e:
            raise UserError(f"{e}; name the format with --format") from e
        except (ImportFailed, ExportFailed, ScanError) as e:
            raise UserError(str(e)) from e

    return run


def _first_line(path: str) -> str:
    return context.read_password_file(path)


def _ask(prompt: str, refusal: str) -> str:
    import getpass

    if not sys.stdin.isatty():
        raise UserError(refusal)
    try:
        return getpass.getpass(prompt)
    except EOFError as e:
        raise UserError("no password given") from e


MAX_ERRORS_SHOWN = 20  # entries that could not be read, before "and N more"


def _print_outcome(result: ImportResult, outcome: AddOutcome) -> None:
    failed = result.errors
    end = ":" if failed else "."
    print(
        f"Imported {len(outcome.added)}, skipped {len(outcome.duplicates)} duplicates, "
        f"{len(failed)} could not be read{end}"
    )
    _print_some(failed)


def _print_some(items: Sequence[object], out: TextIO | None = None) -> None:
    """One indented line each (escaped: names from outside), then "and N more"."""
    for item in items[:MAX_ERRORS_SHOWN]:
        print(f"  {shown(str(item), LINE_LIMIT)}", file=out)
    if len(items) > MAX_ERRORS_SHOWN:
        print(f"  and {len(items) - MAX_ERRORS_SHOWN} more", file=out)


def _save_imported(args: argparse.Namespace, result: ImportResult) -> int:
    from desktop_2fa.importers.session import add_imported

    vault = open_vault(args)
    now = context.now_dt()

    def edit(data: VaultData) -> tuple[VaultData, AddOutcome]:
        # One save for the whole import, applied to the latest contents.
        new, outcome = add_imported(data, result.entries, now)
        return (new if outcome.added else data), outcome

    outcome = vault.apply_with(edit)
    _print_outcome(result, outcome)
    # Nothing taken and something refused: a script must see that it failed.
    return 1 if result.errors and not outcome.added and not outcome.duplicates else 0


# --- import --------------------------------------------------------------------------


def _import_format(value: str) -> str:
    if value not in IMPORT_FORMATS:
        raise argparse.ArgumentTypeError(
            f"unknown format {value!r} (choose from {', '.join(IMPORT_FORMATS)})"
        )
    return value


def _import_passwords(args: argparse.Namespace) -> tuple[Callable[[str, str], str], int]:
    """Where encrypted files' passwords come from, and how many tries a typo gets."""
    if args.import_password_file:
        fixed = _first_line(args.import_password_file)
        return (lambda _file, _title: fixed), 1
    if os.environ.get(IMPORT_PASSWORD_ENV) is not None:
        env = os.environ[IMPORT_PASSWORD_ENV]
        return (lambda _file, _title: env), 1

    def prompt(file: str, title: str) -> str:
        return _ask(
            f"Password of {file} ({title} export): ",
            f"{file} is encrypted: use --import-password-file or set {IMPORT_PASSWORD_ENV} "
            "when not running in a terminal",
        )

    return prompt, PASSWORD_ATTEMPTS


def _source_file(name: str) -> SourceFile:
    """The file's bytes, read no further than an export can be long."""
    from desktop_2fa.importers.errors import FileTooLarge
    from desktop_2fa.importers.session import MAX_FILE_BYTES, SourceFile

    try:
        with open(Path(name).expanduser(), "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:  # said before the rest is read (a 1 GB file...)
                raise FileTooLarge(max(os.fstat(f.fileno()).st_size, len(data)), MAX_FILE_BYTES)
    except OSError as e:
        raise UserError(f"cannot read {name}: {e.strerror or e}") from e
    return SourceFile(name, data)


@_at_the_edge
def cmd_import(args: argparse.Namespace) -> int:
    from desktop_2fa.importers.session import import_files

    files = [_source_file(name) for name in args.files]
    password, attempts = _import_passwords(args)
    # Every file is read and decrypted before the vault is opened: a bad file
    # stops the import before anything is written.
    result = import_files(files, format_name=args.format, password=password, attempts=attempts)
    return _save_imported(args, result)


# --- scan ----------------------------------------------------------------------------


def _scan_screen() -> tuple[str, ...]:
    from desktop_2fa.app import grab_screens  # Qt, through the one launcher
    from desktop_2fa.scan.decode import decode_screens

    return decode_screens(grab_screens(), "the screen grab")


def _scan_camera(args: argparse.Namespace) -> tuple[str, ...]:
    import time

    from desktop_2fa.scan.camera import Camera, scan_camera

    with Camera.open(args.camera_index) as camera:
        print(
            f"Hold the QR code in front of camera {args.camera_index} "
            f"(up to {args.timeout:g} s, Ctrl+C stops)...",
            file=sys.stderr,
        )
        return scan_camera(camera, max_seconds=args.timeout, clock=time.monotonic)


def _scanned_texts(args: argparse.Namespace) -> tuple[str, ...]:
    if args.screen:
        return _scan_screen()
    if args.camera:
        return _scan_camera(args)
    from desktop_2fa.scan.image import decode_file

    return decode_file(args.image)


def _print_texts(texts: Sequence[str]) -> None:
    """Each code's text; a Google export is expanded to one otpauth:// URI per account."""
    from desktop_2fa.core import migration, uri

    for text in texts:
        if not migration.is_migration_uri(text):
            if not text.lower().startswith("otpauth://"):
                print("note: this QR code does not hold an otpauth:// URI", file=sys.stderr)
            print(escaped(text))  # whole, to be copied; but never a raw control character
            continue
        payload = migration.parse_uri(text)
        print(f"# Google Authenticator export, {payload.part}", file=sys.stderr)
        for params in payload.otp_parameters:
            try:
                print(uri.format(migration.to_account(params)))
            except migration.MigrationError as e:
                print(f"note: {shown(params.label)}: {e}", file=sys.stderr)


@_at_the_edge
def cmd_scan(args: argparse.Namespace) -> int:
    texts = _scanned_texts(args)
    if not args.add:
        _print_texts(texts)
        return 0
    from desktop_2fa.importers.uri_texts import UriText, UriTextsState

    state = UriTextsState(tuple(UriText(f"QR code {n}", t) for n, t in enumerate(texts, 1)))
    result = state.convert()  # a Google export with a missing part is refused whole
    if not result.entries:
        reasons = "; ".join(str(e) for e in result.errors) or "no account in it"
        raise UserError(f"nothing to add from the QR code ({reasons})")
    return _save_imported(args, result)


# --- export --------------------------------------------------------------------------


def _export_format(value: str) -> str:
    if value not in EXPORT_FORMATS:
        raise argparse.ArgumentTypeError(
            f"unknown format {value!r} (choose from {', '.join(EXPORT_FORMATS)})"
        )
    return value


def _export_password(args: argparse.Namespace) -> str:
    if args.export_password_file:
        password = _first_line(args.export_password_file)
    elif os.environ.get(EXPORT_PASSWORD_ENV) is not None:
        password = os.environ[EXPORT_PASSWORD_ENV]
    else:
        refusal = (
            f"no export password: use --export-password-file or set {EXPORT_PASSWORD_ENV} "
            "when not running in a terminal"
        )
        password = _ask("Password for the export file: ", refusal)
        if password != _ask("Password for the export file (again): ", refusal):
            raise UserError("the two passwords differ; nothing was exported")
    if not password:
        raise UserError("the export password must not be empty")
    if len(password) < 8:
        print("warning: a password under 8 characters is easy to guess", file=sys.stderr)
    return password


@_at_the_edge
def cmd_export(args: argparse.Namespace) -> int:
    from desktop_2fa.exporters.files import write_export
    from desktop_2fa.exporters.registry import by_name

    exporter = by_name(args.format)
    out = Path(args.out).expanduser()
    if out.resolve() == context.vault_path(args).resolve():
        raise UserError(f"{out} is the vault itself; choose another file to export to")
    if out.exists() and not args.force:  # say so before asking for any password
        raise UserError(f"{out} already exists; choose another name or add --force to replace it")
    vault = open_vault(args)
    password = _export_password(args) if exporter.needs_password else None
    result = exporter.export(vault.data.accounts, password)
    written = write_export(result, out, multi_file=exporter.multi_file, force=args.force)
    where = f"{out} ({len(written)} files)" if exporter.multi_file else str(out)
    print(f"Exported {result.exported} account(s) to {where}")
    if exporter.plain_secrets:
        print(
            f"warning: {out} holds your secrets in plain text; anyone who reads it can "
            "produce your codes. Keep it safe and delete it when you are done.",
            file=sys.stderr,
        )
    if result.skipped:
        print(f"{len(result.skipped)} account(s) could not be exported:", file=sys.stderr)
        _print_some(result.skipped, sys.stderr)
    return 0


# --- wiring --------------------------------------------------------------------------


def options_import(p: argparse.ArgumentParser) -> None:
    p.epilog = f"Not supported: {IMPORT_NOT_SUPPORTED}"
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="export files (give all QR images of a Google export at once)")  # fmt: skip
    p.add_argument("--format", type=_import_format, metavar="NAME",
                   help=f"format ({', '.join(IMPORT_FORMATS)}); guessed if left out")  # fmt: skip
    p.add_argument("--import-password-file", metavar="PATH",
                   help="read encrypted exports' password from the first line of PATH "
                   f"(default: ${IMPORT_PASSWORD_ENV}, else a prompt)")  # fmt: skip


def options_scan(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("image", nargs="?", metavar="IMAGE", help="an image file to read")
    source.add_argument("--screen", action="store_true", help="read every screen")
    source.add_argument("--camera", action="store_true", help="read from a camera")
    p.add_argument("--camera-index", type=int, default=0, metavar="N",
                   help="which camera (default 0)")  # fmt: skip
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="how long the camera looks for a code (default 30)")  # fmt: skip
    p.add_argument("--add", action="store_true",
                   help="add the accounts to the vault instead of printing their URIs "
                   "(printed URIs contain the secrets)")  # fmt: skip


def options_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", type=_export_format, required=True, metavar="NAME",
                   help=f"the output format ({', '.join(EXPORT_FORMATS)})")  # fmt: skip
    p.add_argument("out", metavar="OUT",
                   help="file to write (a folder for qr-png, qr-svg and google-qr)")  # fmt: skip
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--export-password-file", metavar="PATH",
                   help="read the Aegis export's password from the first line of PATH "
                   f"(default: ${EXPORT_PASSWORD_ENV}, else asked twice)")  # fmt: skip
