"""The codes list: model contract, grouping, countdown, next code, refresh cost, search, copy."""

from __future__ import annotations

import base64

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_2fa.core import uri
from desktop_2fa.core.otp import generate, hotp
from desktop_2fa.ui.codes_model import CodeRole, CodesModel
from desktop_2fa.ui.codes_order import group_code
from desktop_2fa.vault.model import Settings
from desktop_2fa.vault.store import VaultFile
from tests.ui.conftest import GITHUB, GOOGLE, PASSWORD, T0, unlock


def _row(win, issuer: str):
    for row in range(win.proxy.rowCount()):
        index = win.proxy.index(row, 0)
        if index.data(CodeRole.ISSUER) == issuer:
            return index
    raise AssertionError(issuer)


def test_qtmodeltester_on_codes_model_and_filter(qtmodeltester, unlocked) -> None:
    qtmodeltester.check(unlocked.model)
    qtmodeltester.check(unlocked.proxy)
    unlocked.codes_page.search.setText("git")
    qtmodeltester.check(unlocked.proxy)


def test_empty_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = CodesModel()
    qtmodeltester.check(model)


def test_codes_are_grouped_with_countdown_and_next_code(unlocked) -> None:
    index = _row(unlocked, "GitHub")
    spec = uri.parse(GITHUB)
    assert index.data(CodeRole.CODE) == group_code(generate(spec.params, T0).value)
    assert len(index.data(CodeRole.CODE)) == 7 and index.data(CodeRole.CODE)[3] == " "
    assert index.data(CodeRole.SECONDS_LEFT) == 20  # T0 is 10 s into its period
    assert index.data(CodeRole.NEXT_CODE) is None
    unlocked.tick(T0 + 16)  # 4 s left: the next code shows
    assert index.data(CodeRole.NEXT_CODE) == group_code(generate(spec.params, T0 + 20).value)
    unlocked.tick(T0 + 20)  # rolled over
    assert index.data(CodeRole.CODE) == group_code(generate(spec.params, T0 + 20).value)
    assert index.data(CodeRole.NEXT_CODE) is None


def test_group_code() -> None:
    assert group_code("123456") == "123 456"
    assert group_code("12345678") == "1234 5678"
    assert group_code("DDBK9") == "DDBK9"


def test_tick_signals_only_when_a_period_rolls_over(qtbot: QtBot, unlocked) -> None:
    changed: list[tuple[int, int]] = []
    unlocked.model.dataChanged.connect(lambda a, b, _roles: changed.append((a.row(), b.row())))
    for second in range(1, 20):
        unlocked.tick(T0 + second)
    assert changed == []
    unlocked.tick(T0 + 20)
    # both TOTP accounts share the 30 s period: one signal for their block; HOTP untouched
    assert len(changed) == 1
    first, last = changed[0]
    assert last - first + 1 == 2


def test_hotp_row_hides_its_code_until_asked(qtbot: QtBot, unlocked, vault_path) -> None:
    index = _row(unlocked, "Bank")
    assert index.data(CodeRole.CODE) is None and index.data(CodeRole.SECONDS_LEFT) is None
    unlocked.view.setCurrentIndex(index)
    assert unlocked.next_action.isEnabled()
    unlocked.next_action.trigger()
    account = unlocked.session.account(index.data(CodeRole.ACCOUNT_ID))
    assert index.data(CodeRole.RAW_CODE) == hotp(account.params, 3)
    assert account.params.counter == 4  # moved on and saved (RFC 4226 section 7.2)
    stored = VaultFile(vault_path).unlock(PASSWORD).data
    assert next(a for a in stored.accounts if a.issuer == "Bank").params.counter == 4


def test_hotp_button_in_the_row(qtbot: QtBot, unlocked) -> None:
    index = _row(unlocked, "Bank")
    rect = unlocked.view.visualRect(index)
    button = unlocked.view.code_delegate.button_rect(rect)
    with qtbot.waitSignal(unlocked.view.code_delegate.hotp_requested):
        qtbot.mouseClick(unlocked.view.viewport(), Qt.MouseButton.LeftButton, pos=button.center())
    assert index.data(CodeRole.RAW_CODE) is not None


def test_search_as_you_type(qtbot: QtBot, unlocked) -> None:
    qtbot.keyClick(unlocked, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert unlocked.codes_page.search.hasFocus()
    qtbot.keyClicks(unlocked.codes_page.search, "goo")
    assert unlocked.proxy.rowCount() == 1
    assert unlocked.proxy.index(0, 0).data(CodeRole.ISSUER) == "Google"
    assert unlocked.view.currentIndex().row() == 0
    qtbot.keyClick(unlocked.codes_page.search, Qt.Key.Key_Escape)
    assert unlocked.proxy.rowCount() == 3
    unlocked.codes_page.search.setText("nothing like it")
    assert unlocked.proxy.rowCount() == 0
    assert "No account matches" in unlocked.codes_page.empty.text()


def test_typing_in_the_list_searches(qtbot: QtBot, unlocked) -> None:
    unlocked.view.setFocus()
    qtbot.keyClicks(unlocked.view, "ban")
    assert unlocked.codes_page.search.text() == "ban"
    assert unlocked.proxy.rowCount() == 1


def test_favourites_first_then_groups(qtbot: QtBot, unlocked) -> None:
    unlocked.view.setCurrentIndex(_row(unlocked, "Google"))
    unlocked.favourite_action.trigger()
    assert unlocked.proxy.index(0, 0).data(CodeRole.ISSUER) == "Google"
    issuers = [unlocked.proxy.index(r, 0).data(CodeRole.ISSUER) for r in range(3)]
    assert issuers == ["Google", "Bank", "GitHub"]


def test_copy_with_enter_and_clear_after_the_setting(qtbot: QtBot, window, stored_vault) -> None:
    stored_vault(settings=Settings(clipboard_clear_seconds=1))
    window.unlock_page.reset()
    unlock(qtbot, window)
    clipboard = QGuiApplication.clipboard()
    index = _row(window, "GitHub")
    window.view.setCurrentIndex(index)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    code = index.data(CodeRole.RAW_CODE)
    assert clipboard.text() == code
    assert clipboard.mimeData().data("x-kde-passwordManagerHint").data() == b"secret"
    with qtbot.waitSignal(window.clipboard.cleared, timeout=3000):
        pass
    assert clipboard.text() == ""


def test_copy_by_double_click_and_ctrl_c(qtbot: QtBot, unlocked) -> None:
    clipboard = QGuiApplication.clipboard()
    index = _row(unlocked, "Google")
    rect = unlocked.view.visualRect(index)
    qtbot.mouseClick(unlocked.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(unlocked.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clipboard.text() == index.data(CodeRole.RAW_CODE)
    clipboard.clear()
    unlocked.view.setCurrentIndex(_row(unlocked, "GitHub"))
    unlocked.view.setFocus()
    qtbot.keyClick(unlocked.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == _row(unlocked, "GitHub").data(CodeRole.RAW_CODE)


def test_clipboard_is_left_alone_when_it_changed_meanwhile(qtbot: QtBot, unlocked) -> None:
    clipboard = QGuiApplication.clipboard()
    unlocked.clipboard.clear_seconds = 1
    unlocked.accounts.copy_account(_row(unlocked, "GitHub").data(CodeRole.ACCOUNT_ID))
    clipboard.setText("something the user copied")
    unlocked.clipboard.clear_if_ours()
    assert clipboard.text() == "something the user copied"


def test_enter_in_search_copies_the_first_match(qtbot: QtBot, unlocked) -> None:
    qtbot.keyClicks(unlocked.codes_page.search, "google")
    qtbot.keyClick(unlocked.codes_page.search, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == _row(unlocked, "Google").data(CodeRole.RAW_CODE)


def test_lock_clears_our_code_from_the_clipboard(qtbot: QtBot, unlocked) -> None:
    unlocked.accounts.copy_account(_row(unlocked, "GitHub").data(CodeRole.ACCOUNT_ID))
    assert QGuiApplication.clipboard().text()
    unlocked.lock()
    assert QGuiApplication.clipboard().text() == ""


def test_refresh_repaints_visible_rows_only_with_many_accounts(
    qtbot: QtBot, window, stored_vault
) -> None:
    uris = [
        f"otpauth://totp/Issuer{i:04d}:user{i}?secret="
        + base64.b32encode(f"secret-{i:04d}".encode()).decode().rstrip("=")
        for i in range(300)
    ]
    stored_vault(uris=[GOOGLE, *uris])
    window.unlock_page.reset()
    unlock(qtbot, window)
    assert window.model.rowCount() == 301
    computed = sum(1 for row in window.model._rows if row.code is not None)
    assert computed < 60  # only rows a view asked for got a code
