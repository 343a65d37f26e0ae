"""Subcommands that talk to a two-factor server: enroll, sign-in, roundtrip."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from desktop_2fa.cli import context
from desktop_2fa.cli.context import UserError
from desktop_2fa.cli.unlock import open_vault
from desktop_2fa.core.text import LINE_LIMIT, escaped, json_safe, shown

if TYPE_CHECKING:
    import argparse

    from desktop_2fa.cli.bundled_server import BundledServer
    from desktop_2fa.enroll.client import AuthClient

SERVER_PASSWORD_ENV = "DESKTOP_2FA_SERVER_PASSWORD"  # noqa: S105 - a variable name


def _server_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    from desktop_2fa.cli.parser import number

    p.add_argument("--server", required=required, metavar="URL",
                   help="the server as better-auth's client takes it: http://127.0.0.1:3000 "
                   "means http://127.0.0.1:3000/api/auth; a URL with a path "
                   "(https://host/auth) is the auth base itself")  # fmt: skip
    p.add_argument("--timeout", type=number(0, inclusive=False), default=10.0, metavar="SECONDS",
                   help="connect/read timeout (default 10)")  # fmt: skip
    p.add_argument("--insecure", action="store_true",
                   help="do not verify TLS certificates (test servers only)")  # fmt: skip


def _account_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--email", required=True, help="the server account's e-mail")
    p.add_argument("--server-password-file", metavar="PATH",
                   help="read the server account's password from PATH "
                   "(default: $DESKTOP_2FA_SERVER_PASSWORD, else a prompt)")  # fmt: skip


def options_enroll(p: argparse.ArgumentParser) -> None:
    _server_options(p, required=True)
    _account_options(p)
    p.add_argument("--sign-up", action="store_true", help="create the server account first")
    p.add_argument("--name", default="", help="display name for --sign-up")


def options_sign_in(p: argparse.ArgumentParser) -> None:
    _server_options(p, required=True)
    _account_options(p)
    p.add_argument("--account", metavar="ACCOUNT",
                   help="vault account to use when none is marked as enrolled there")  # fmt: skip
    p.add_argument("--backup-code", nargs="?", const="", metavar="CODE",
                   help="answer with a backup code (default: the first unused one)")  # fmt: skip


def options_roundtrip(p: argparse.ArgumentParser) -> None:
    from desktop_2fa.cli.parser import number

    _server_options(p, required=False)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--quiet", action="store_true", help="no live progress on stderr")
    p.add_argument("--junit", metavar="FILE", help="also write the report as JUnit XML")
    p.add_argument("--max-wait", type=number(0), default=70.0, metavar="SECONDS",
                   help="total time to wait out rate limits (default 70)")  # fmt: skip


def read_server_password(args: argparse.Namespace) -> str:
    """The server account's password: --server-password-file, env, else a prompt."""
    if args.server_password_file:
        return context.read_password_file(args.server_password_file)
    if SERVER_PASSWORD_ENV in os.environ:
        return os.environ[SERVER_PASSWORD_ENV]
    return context.prompt(f"Password for {args.email} at {args.server}: ")


def _client(args: argparse.Namespace) -> AuthClient:
    from desktop_2fa.enroll.client import AuthClient

    def on_redirect(result: object) -> None:
        print("The server asks for a second factor (twoFactorRedirect).", file=sys.stderr)

    return AuthClient(
        args.server,
        timeout=args.timeout,
        verify=not args.insecure,
        on_two_factor_redirect=on_redirect,
    )


def _warn_clock(client: AuthClient) -> None:
    warning = client.clock_warning()
    if warning:
        print(f"warning: {shown(warning, LINE_LIMIT)}", file=sys.stderr)


def cmd_enroll(args: argparse.Namespace) -> int:
    from desktop_2fa.enroll.flow import EnrollmentFlow

    vault = open_vault(args)
    server_password = read_server_password(args)
    with _client(args) as client:
        flow = EnrollmentFlow(
            client,
            vault,
            email=args.email,
            password=server_password,
            clock=context.now,
            log=lambda line: print(shown(line, LINE_LIMIT), file=sys.stderr),
        )
        try:
            account = flow.run(sign_up=args.sign_up, name=args.name)
        finally:
            _warn_clock(client)
    print(
        f"Enrolled {shown(args.email)} at {shown(client.base_url)}: {shown(account.label)} "
        "is in the vault "
        f"with {len(account.backup_codes.codes)} backup codes; two-factor sign-in is on."
    )
    return 0


def cmd_sign_in(args: argparse.Namespace) -> int:
    from desktop_2fa.core.otp import generate, totp
    from desktop_2fa.enroll.errors import ServerError
    from desktop_2fa.enroll.flow import find_enrolled, mark_backup_code_used
    from desktop_2fa.vault import search

    vault = open_vault(args)
    server_password = read_server_password(args)
    with _client(args) as client:
        # The same normalised URL the enrollment stored (AuthClient.base_url).
        account = find_enrolled(vault.data, client.base_url, args.email)
        if account is None and args.account:
            account = search.select_one(vault.data, args.account)
        try:
            result = client.sign_in(args.email, server_password)
            if not result.two_factor_redirect:
                print(f"Signed in as {shown(args.email)} without a second factor.")
                return 0
            if account is None:
                raise UserError(
                    f"no account in the vault is enrolled for {shown(args.email)} at "
                    f"{shown(args.server)}; "
                    "name one with --account"
                )
            if args.backup_code is not None:
                code = args.backup_code or next(
                    (c.code for c in account.backup_codes.codes if not c.used), ""
                )
                if not code:
                    raise UserError(f"{shown(account.label)} has no unused backup code left")
                client.verify_backup_code(code)
                if any(c.code == code for c in account.backup_codes.codes):
                    mark_backup_code_used(vault, account.id, code, context.now())
                how = "a backup code (now marked used in the vault)"
            else:
                at = context.now()
                try:
                    client.verify_totp(generate(account.params, at).value)
                except ServerError as e:
                    if e.code != "INVALID_CODE":
                        raise
                    # This step's code may already be spent (servers that refuse
                    # replays, RFC 6238 section 5.2); the next step's is accepted
                    # within the +-1 window.
                    client.verify_totp(totp(account.params, at + account.params.period).value)
                how = f"the code of {shown(account.label)}"
            session = client.get_session()
        finally:
            _warn_clock(client)
    if session is None:
        raise UserError("the server accepted the second factor but gave no session")
    print(f"Signed in as {shown(session.user.email)} with {how}.")
    return 0


def cmd_roundtrip(args: argparse.Namespace) -> int:
    server = None
    base_url = args.server
    if base_url is None:
        # First of all: the server starts in a process of its own while this one
        # imports the client and makes the scratch vault (issue 13).
        from desktop_2fa.cli import bundled_server

        server = bundled_server.take_early() or bundled_server.start()
        base_url = server.base_url
        print(f"Started the bundled reference server at {base_url}", file=sys.stderr)
    try:
        return _roundtrip(args, base_url, server)
    finally:
        if server is not None:
            server.stop()


def _roundtrip(args: argparse.Namespace, base_url: str, server: BundledServer | None) -> int:
    import tempfile
    from pathlib import Path

    from desktop_2fa.enroll.client import AuthClient
    from desktop_2fa.enroll.report import Outcome
    from desktop_2fa.enroll.roundtrip import RoundTrip
    from desktop_2fa.vault.crypto import KdfParams
    from desktop_2fa.vault.rollback import SeenGenerations
    from desktop_2fa.vault.store import VaultFile

    def live(result: object) -> None:
        if not (args.json or args.quiet):
            step = result  # a StepResult
            mark = {Outcome.PASSED: "ok  ", Outcome.FAILED: "FAIL", Outcome.SKIPPED: "skip"}
            print(f"  {mark[step.outcome]} {step.name}", file=sys.stderr)  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory(prefix="desktop-2fa-roundtrip-") as scratch:
        # A scratch vault: the trip's throwaway account must not land in the
        # user's own vault. Cheap KDF, as it holds nothing worth protecting.
        seen = SeenGenerations(Path(scratch) / "generations.json")
        vault = VaultFile(Path(scratch) / "vault.json", seen).create(
            "roundtrip", kdf=KdfParams.new(time_cost=1, memory_kib=1024, lanes=1)
        )
        report = RoundTrip(
            lambda: AuthClient(base_url, timeout=args.timeout, verify=not args.insecure),
            vault,
            clock=context.now,
            max_wait=args.max_wait,
            on_step=live,
        ).run()
    if server is not None:
        server.stop()  # done with it: no need to keep it while the report is written
    if args.json:
        print(json_safe(report.as_json()))
    else:  # server messages are in it: no raw control character reaches the terminal
        print("\n".join(escaped(line) for line in report.as_table().splitlines()))
    if args.junit:  # after printing: a bad path must not hide the report
        from desktop_2fa.cli.report_files import write_report

        write_report(args.junit, report.as_junit())
    return 0 if report.passed else 1
