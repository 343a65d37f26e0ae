"""Enrollment into the vault, from the flow and from the command line."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_2fa.cli.main import main
from desktop_2fa.core.otp import generate
from desktop_2fa.core.uri import parse as parse_uri
from desktop_2fa.enroll.client import AuthClient
from desktop_2fa.enroll.errors import AlreadyEnrolled, FlowOrderError
from desktop_2fa.enroll.flow import EnrollmentFlow, Step, finish_pending
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.model import BackupSource
from desktop_2fa.vault.store import OpenVault, VaultFile
from server_stub.runner import RunningServer, start_in_thread
from server_stub.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture
def server() -> Iterator[RunningServer]:
    running = start_in_thread(Settings(secret="f" * 40))
    yield running
    running.stop()


def _flow(server: RunningServer, vault: OpenVault, log: list[str] | None = None) -> EnrollmentFlow:
    return EnrollmentFlow(
        AuthClient(server.base_url),
        vault,
        email="bob@example.test",
        password=PASSWORD,
        clock=time.time,
        log=(log if log is not None else []).append,
    )


def test_flow_stores_before_activating_and_marks_the_account(
    server: RunningServer, scratch_vault: OpenVault
) -> None:
    flow = _flow(server, scratch_vault)
    with pytest.raises(FlowOrderError):
        flow.activate()
    flow.sign_in(sign_up=True)
    enabled = flow.enable()
    account = flow.store()
    assert flow.step is Step.STORED
    # On disk before activation: a refused code cannot lose the secret.
    on_disk = VaultFile(scratch_vault.path).unlock("pw").data.accounts
    assert [a.id for a in on_disk] == [account.id]
    flow.activate()
    assert flow.step is Step.DONE
    stored = on_disk[0]
    assert (stored.issuer, stored.name) == ("Desktop2FA Reference", "bob@example.test")
    assert stored.enrollment is not None
    # The marker holds the auth base URL the requests went to (issue 12).
    assert (stored.enrollment.server, stored.enrollment.email) == (
        server.base_url + "/api/auth",
        "bob@example.test",
    )
    assert [c.code for c in stored.backup_codes.codes] == list(enabled.backup_codes)
    assert stored.backup_codes.source is BackupSource.ENROLLMENT
    # pending on disk until the server accepted the first code, then not
    assert stored.enrollment.pending
    assert not scratch_vault.data.accounts[0].enrollment.pending
    assert not VaultFile(scratch_vault.path).unlock("pw").data.accounts[0].enrollment.pending


@pytest.mark.parametrize("server_turned_it_on", [False, True])
def test_a_pending_enrollment_can_be_finished(
    server: RunningServer, scratch_vault: OpenVault, server_turned_it_on: bool
) -> None:
    flow = _flow(server, scratch_vault)
    flow.sign_in(sign_up=True)
    flow.enable()
    account = flow.store()
    if server_turned_it_on:  # activated, but the vault never heard (killed right then)
        flow.client.activate(generate(account.params, time.time()).value)
    assert scratch_vault.data.accounts[0].enrollment.pending
    with AuthClient(server.base_url) as client:
        finished = finish_pending(client, scratch_vault, account.id, PASSWORD, time.time)
        assert not finished.enrollment.pending
        session = client.get_session()
        assert session is not None and session.user.two_factor_enabled
    with pytest.raises(FlowOrderError):
        finish_pending(AuthClient(server.base_url), scratch_vault, account.id, PASSWORD, time.time)


def test_enrolling_again_says_so(server: RunningServer, scratch_vault: OpenVault) -> None:
    _flow(server, scratch_vault).run(sign_up=True)
    before = scratch_vault.data
    with pytest.raises(AlreadyEnrolled, match="already has two-factor sign-in on"):
        _flow(server, scratch_vault).run(sign_up=False)
    assert scratch_vault.data == before  # the working secret is untouched


def test_a_pending_enrollment_is_replaced_with_a_note(
    server: RunningServer, scratch_vault: OpenVault
) -> None:
    first = _flow(server, scratch_vault)
    first.sign_in(sign_up=True)
    first.enable()
    stale = first.store()  # never activated: the server's 2FA is still off
    log: list[str] = []
    second = _flow(server, scratch_vault, log)
    account = second.run(sign_up=False)
    assert [a.id for a in scratch_vault.data.accounts] == [account.id]
    assert account.id != stale.id
    assert log == [f"replacing {stale.label}: its enrollment was never activated"]


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    vault_path: Path,
    fast_kdf: KdfParams,
) -> Run:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    monkeypatch.setenv("DESKTOP_2FA_VAULT", str(vault_path))
    monkeypatch.setenv("DESKTOP_2FA_PASSWORD", "pw")
    monkeypatch.setenv("DESKTOP_2FA_SERVER_PASSWORD", PASSWORD)

    def _run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return _run


def test_cli_enroll_sign_in_and_backup_codes_offline(cli: Run, server: RunningServer) -> None:
    url = server.base_url
    status, out, err = cli("enroll", "--server", url, "--email", "bob@example.test", "--sign-up")
    assert status == 0, err
    assert out == (
        f"Enrolled bob@example.test at {url}/api/auth: Desktop2FA Reference (bob@example.test) "
        "is in the vault with 10 backup codes; two-factor sign-in is on.\n"
    )
    again = cli("enroll", "--server", url, "--email", "bob@example.test")
    assert again[0] == 1 and "already has two-factor sign-in on" in again[2]

    status, out, err = cli("sign-in", "--server", url, "--email", "bob@example.test")
    assert status == 0, err
    assert "The server asks for a second factor (twoFactorRedirect)." in err
    label = "Desktop2FA Reference (bob@example.test)"
    assert out == f"Signed in as bob@example.test with the code of {label}.\n"

    status, out, err = cli(
        "sign-in", "--server", url, "--email", "bob@example.test", "--backup-code"
    )
    assert status == 0, err
    assert "a backup code (now marked used in the vault)" in out

    server.stop()  # backup codes are shown with no network at all
    codes = json.loads(cli("backup-codes", "Desktop2FA", "--json")[1])["codes"]
    assert len(codes) == 10
    assert [c["used"] for c in codes] == [True] + [False] * 9
    status, out, _ = cli("backup-codes", "Desktop2FA")
    assert (
        out.splitlines()[0]
        == "Desktop2FA Reference (bob@example.test): 9 of 10 unused (enrollment)"
    )
    assert f"{codes[0]['code']}  used " in out


def test_cli_sign_in_with_an_unknown_account(cli: Run, server: RunningServer) -> None:
    client = AuthClient(server.base_url)
    client.sign_up("eve@example.test", PASSWORD, "Eve")
    uri = client.enable(PASSWORD).totp_uri
    client.activate(generate(parse_uri(uri).params, time.time()).value)
    status, _, err = cli("sign-in", "--server", server.base_url, "--email", "eve@example.test")
    assert status == 1
    assert err.splitlines()[-1] + "\n" == (
        f"desktop-2fa: error: no account in the vault is enrolled for eve@example.test at "
        f"{server.base_url}; name one with --account\n"
    )


def test_cli_enroll_against_a_down_server_is_one_line(cli: Run, closed_port: str) -> None:
    status, out, err = cli("enroll", "--server", closed_port, "--email", "a@example.test")
    assert (status, out) == (1, "")
    assert err.startswith("desktop-2fa: error: cannot connect to http://127.0.0.1:")
    assert err.count("\n") == 1
