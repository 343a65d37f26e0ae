"""Organisation at Aegis's level: sorts, drag and drop, usage counts, densities, digit
grouping, tap-to-reveal and themes, each kept in the vault."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QDropEvent, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from desktop_2fa.ui.codes_model import ACCOUNT_MIME, CodeRole
from desktop_2fa.ui.codes_order import group_code
from desktop_2fa.vault.model import Density, DigitGrouping, SortMode, Theme
from desktop_2fa.vault.store import VaultFile
from tests.ui.conftest import PASSWORD, unlock
from tests.ui.test_list_order import order


def _view(win, field: str, value: object = True) -> None:
    win.view_menu.action(field, value).trigger()


def _stored(vault_path: Path):
    return VaultFile(vault_path).unlock(PASSWORD).data


@pytest.mark.parametrize("mode", list(SortMode))
def test_qtmodeltester_checks_the_proxy_in_every_sort(qtmodeltester, daily, mode) -> None:
    _view(daily, "sort", mode)
    qtmodeltester.check(daily.proxy)
    daily.codes_page.search.setText("a")
    qtmodeltester.check(daily.proxy)
    daily.codes_page.groups.setCurrentIndex(daily.codes_page.groups.findText("Work"))
    qtmodeltester.check(daily.proxy)


def test_each_sort_puts_favourites_first_then_its_order(qtbot: QtBot, daily, vault_path) -> None:
    _view(daily, "sort", SortMode.ISSUER)
    issuers = order(daily)
    assert issuers[0] == "Google"  # the favourite
    assert issuers[1:] == sorted(issuers[1:], key=str.casefold)
    _view(daily, "sort", SortMode.CUSTOM)
    vault_order = [a.issuer for a in _stored(vault_path).accounts]
    assert order(daily) == ["Google"] + [i for i in vault_order if i != "Google"]
    _view(daily, "sort", SortMode.NAME)  # names are userN@example.test
    names = [daily.proxy.index(r, 0).data(CodeRole.ACCOUNT).name for r in range(1, 30)]
    assert names == sorted(names, key=str.casefold)
    assert _stored(vault_path).settings.sort is SortMode.NAME  # kept in the vault


def test_copies_count_in_the_vault_and_order_the_usage_sorts(
    qtbot: QtBot, daily, vault_path, clock
) -> None:
    def copy(issuer: str) -> None:
        account = next(a for a in daily.session.data.accounts if a.issuer == issuer)
        daily.accounts.copy_account(account.id)

    for issuer in ("Stripe", "Stripe", "Zoom"):
        copy(issuer)
    clock.now += 60
    copy("Hetzner")
    # counted in the save worker (tests/ui/test_copy_counts.py)
    qtbot.waitUntil(lambda: sum(a.use_count for a in _stored(vault_path).accounts) == 4)
    qtbot.waitUntil(lambda: sum(a.use_count for a in daily.session.data.accounts) == 4)
    stored = {a.issuer: a for a in _stored(vault_path).accounts}
    assert (stored["Stripe"].use_count, stored["Zoom"].use_count) == (2, 1)
    assert stored["Hetzner"].last_used > stored["Zoom"].last_used
    _view(daily, "sort", SortMode.MOST_USED)
    assert order(daily)[:4] == ["Google", "Stripe", "Hetzner", "Zoom"]
    _view(daily, "sort", SortMode.RECENTLY_USED)
    assert order(daily)[:4] == ["Google", "Hetzner", "Stripe", "Zoom"]


def _drop(win, moved: str, onto: str, *, lower: bool) -> None:
    view = win.view
    target = next(
        win.proxy.index(r, 0)
        for r in range(win.proxy.rowCount())
        if win.proxy.index(r, 0).data(CodeRole.ISSUER) == onto
    )
    rect = view.visualRect(target)
    point = QPointF(rect.center().x(), rect.bottom() - 2 if lower else rect.top() + 2)
    mime = QMimeData()
    account = next(a for a in win.session.data.accounts if a.issuer == moved)
    mime.setData(ACCOUNT_MIME, account.id.encode())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        event = QDropEvent(
            point, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
    view._ours = lambda _event: True  # a drop only Qt's drag machinery can make
    view.dropEvent(event)


def test_drag_and_drop_orders_the_custom_sort(qtbot: QtBot, daily, vault_path) -> None:
    _view(daily, "sort", SortMode.CUSTOM)
    first = daily.proxy.index(1, 0)
    assert daily.proxy.flags(first) & Qt.ItemFlag.ItemIsDragEnabled
    _drop(daily, "Hetzner", "PayPal", lower=False)
    _drop(daily, "Zoom", "PayPal", lower=True)
    assert order(daily)[1:4] == ["Hetzner", "PayPal", "Zoom"]
    stored = [a.issuer for a in _stored(vault_path).accounts]
    assert stored[:3] == ["Hetzner", "PayPal", "Zoom"]
    # the same order after a lock, and only the custom sort lets rows be dragged
    daily.lock()
    unlock(qtbot, daily)
    assert order(daily)[1:4] == ["Hetzner", "PayPal", "Zoom"]
    _view(daily, "sort", SortMode.ISSUER)
    assert not daily.proxy.flags(daily.proxy.index(1, 0)) & Qt.ItemFlag.ItemIsDragEnabled


def test_move_up_and_down_from_the_keyboard(qtbot: QtBot, daily) -> None:
    assert not daily.move_up_action.isEnabled()  # only in the custom sort
    _view(daily, "sort", SortMode.CUSTOM)
    daily.view.setCurrentIndex(daily.proxy.index(3, 0))
    moving = order(daily)[3]
    daily.view.setFocus()
    qtbot.keyClick(
        daily.view, Qt.Key.Key_Up,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )  # fmt: skip
    assert order(daily)[2] == moving
    daily.move_down_action.trigger()
    daily.move_down_action.trigger()
    assert order(daily)[4] == moving
    assert daily.current_account().issuer == moving


def _drag_event(win, kind, onto: str, moved: str):  # type: ignore[no-untyped-def]
    """A drag of `moved` over the upper edge of `onto`'s row, as Qt's drag delivers it."""
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent

    target = next(
        win.proxy.index(r, 0)
        for r in range(win.proxy.rowCount())
        if win.proxy.index(r, 0).data(CodeRole.ISSUER) == onto
    )
    rect = win.view.visualRect(target)
    mime = QMimeData()
    account = next(a for a in win.session.data.accounts if a.issuer == moved)
    mime.setData(ACCOUNT_MIME, account.id.encode())
    point = QPoint(rect.center().x(), rect.top() + 2)
    event_type = QDragEnterEvent if kind == "enter" else QDragMoveEvent
    event = event_type(
        point, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    return event, mime


def test_the_list_takes_a_real_drag_of_its_own_rows(qtbot: QtBot, daily) -> None:
    """Qt asks the view (and its model) before a drop ever happens: a view that refuses
    the drag enter or move never gets the drop, whatever dropEvent would do."""
    _view(daily, "sort", SortMode.CUSTOM)
    daily.view._ours = lambda _event: True  # the drag's source is this view
    enter, _mime = _drag_event(daily, "enter", "PayPal", "Hetzner")
    daily.view.dragEnterEvent(enter)
    assert enter.isAccepted()
    move, _mime = _drag_event(daily, "move", "PayPal", "Hetzner")
    daily.view.dragMoveEvent(move)
    assert move.isAccepted()
    assert move.dropAction() == Qt.DropAction.MoveAction
    # other sorts take no drag
    _view(daily, "sort", SortMode.ISSUER)
    move, _mime = _drag_event(daily, "move", "PayPal", "Hetzner")
    daily.view.dragMoveEvent(move)
    assert not move.isAccepted()


def test_moving_up_never_sends_a_row_down_past_the_favourites(qtbot: QtBot, daily) -> None:
    """Favourites are listed first in every sort: the first other row is already as
    high as it can go, and a row dropped among the favourites goes to the top of the
    others, never to wherever the vault happens to keep the favourite."""
    _view(daily, "sort", SortMode.CUSTOM)
    assert order(daily)[0] == "Google"  # the favourite; the vault keeps it 20th
    before = order(daily)
    first_other = before[1]
    daily.view.setCurrentIndex(daily.proxy.index(1, 0))
    daily.move_up_action.trigger()
    assert order(daily) == before
    assert daily.current_account().issuer == first_other
    # the favourite moved down stays the last favourite
    daily.view.setCurrentIndex(daily.proxy.index(0, 0))
    daily.move_down_action.trigger()
    assert order(daily) == before
    # Hetzner dropped on the favourite's row: the top of the other rows
    _drop(daily, "Hetzner", "Google", lower=False)
    assert order(daily)[:3] == ["Google", "Hetzner", first_other]


def test_densities_change_the_rows_and_stay_in_the_vault(qtbot: QtBot, daily, vault_path) -> None:
    heights = {}
    for density in (Density.NORMAL, Density.COMPACT, Density.SMALL):
        _view(daily, "density", density)
        QApplication.processEvents()
        heights[density] = daily.view.visualRect(daily.proxy.index(0, 0)).height()
    assert heights[Density.NORMAL] > heights[Density.COMPACT] > heights[Density.SMALL]
    assert _stored(vault_path).settings.density is Density.SMALL


def test_digit_grouping(qtbot: QtBot, daily) -> None:
    index = daily.proxy.index(0, 0)
    raw = index.data(CodeRole.RAW_CODE)
    assert index.data(CodeRole.CODE) == f"{raw[:3]} {raw[3:]}"
    _view(daily, "digit_grouping", DigitGrouping.PAIRS)
    assert index.data(CodeRole.CODE) == f"{raw[:2]} {raw[2:4]} {raw[4:]}"
    _view(daily, "digit_grouping", DigitGrouping.NONE)
    assert index.data(CodeRole.CODE) == raw
    assert group_code("1234567", DigitGrouping.PAIRS) == "12 34 567"
    assert group_code("12345678", DigitGrouping.HALVES) == "1234 5678"


def test_show_next_code_can_be_turned_off(qtbot: QtBot, daily, clock) -> None:
    daily.tick(clock.now + 17)  # 3 s left in the period
    index = daily.proxy.index(0, 0)
    assert index.data(CodeRole.NEXT_CODE) is not None
    _view(daily, "show_next_code")  # the toggle unchecks
    assert index.data(CodeRole.NEXT_CODE) is None


def _paint_row(win, *, selected: bool) -> QImage:
    index = win.proxy.index(0, 0)
    view = win.view
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = QRect(QPoint(0, 0), view.visualRect(index).size())
    option.state = QStyle.StateFlag.State_Enabled | (
        QStyle.StateFlag.State_Selected if selected else QStyle.StateFlag.State_None
    )
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    view.code_delegate.paint(painter, option, index)
    painter.end()
    return image


def test_tap_to_reveal_hides_codes_except_on_the_selected_row(qtbot: QtBot, daily) -> None:
    shown = _paint_row(daily, selected=False)
    shown_selected = _paint_row(daily, selected=True)
    _view(daily, "tap_to_reveal")
    assert daily.view.code_delegate.tap_to_reveal
    assert _paint_row(daily, selected=False) != shown  # dots instead of the code
    assert _paint_row(daily, selected=True) == shown_selected
    # copying still gives the code
    daily.accounts.copy_top()
    assert QGuiApplication.clipboard().text() == daily.proxy.index(0, 0).data(CodeRole.RAW_CODE)


def _lightness(win) -> int:
    QApplication.processEvents()  # the palette reaches the widgets as an event
    return win.palette().color(win.backgroundRole()).lightness()


def test_themes_follow_the_choice_and_the_system(qtbot: QtBot, daily, vault_path) -> None:
    light = _lightness(daily)
    try:
        _view(daily, "theme", Theme.DARK)
        assert _lightness(daily) < 80 < light
        assert _stored(vault_path).settings.theme is Theme.DARK
        _view(daily, "theme", Theme.LIGHT)
        assert _lightness(daily) == light
        _view(daily, "theme", Theme.SYSTEM)  # offscreen reports no dark system scheme
        assert _lightness(daily) == light
    finally:
        daily.theme.set_theme(Theme.SYSTEM)


def test_the_tray_lists_in_the_chosen_order(qtbot: QtBot, daily) -> None:
    _view(daily, "sort", SortMode.CUSTOM)
    daily.codes_page.search.setText("bank")  # what is searched does not matter
    listed = [a.issuer for a in daily.model.ordered_accounts()]
    daily.codes_page.search.clear()
    assert listed == order(daily)


def _brightest(image: QImage) -> int:
    """The lightness of the lightest visible pixel (text or icon on its background)."""
    return max(
        QColor(image.pixel(x, y)).lightness()
        for x in range(image.width())
        for y in range(image.height())
        if QColor.fromRgba(image.pixel(x, y)).alpha() > 128
    )


def test_the_lock_screen_follows_the_dark_theme(
    qtbot: QtBot, window, stored_vault, fast_kdf
) -> None:
    """The unlock page is built before the vault's theme is known: its eye icons and the
    vault's path kept the light theme's dark grey, nearly invisible on dark."""
    from desktop_2fa.vault.model import Settings

    stored_vault(settings=Settings(theme=Theme.DARK))
    window.unlock_page.reset()
    unlock(qtbot, window)
    try:
        window.lock()
        page = window.unlock_page
        QApplication.processEvents()
        background = _lightness(page)
        assert background < 80
        eye = page.password.toggle.icon().pixmap(16, 16).toImage()
        assert _brightest(eye) > background + 80
        label = page.path_label
        path = page.grab(QRect(label.mapTo(page, QPoint(0, 0)), label.size())).toImage()
        assert _brightest(path) > background + 60
    finally:
        window.theme.set_theme(Theme.SYSTEM)
