"""The list stays put: its order depends on the chosen sort only, never on filter history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_2fa.ui.codes_model import CodeRole
from tests.ui.conftest import unlock


def order(win) -> list[str]:
    proxy = win.proxy
    return [proxy.index(r, 0).data(CodeRole.ISSUER) for r in range(proxy.rowCount())]


def test_search_then_escape_gives_the_same_order(qtbot: QtBot, daily) -> None:
    before = order(daily)
    assert len(before) == 30
    search = daily.codes_page.search
    qtbot.keyClicks(search, "paypal")
    assert order(daily) == ["PayPal"]
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert order(daily) == before
    qtbot.keyClicks(search, "a")
    narrowed = order(daily)
    assert narrowed == [issuer for issuer in before if issuer in narrowed]
    qtbot.keyClick(search, Qt.Key.Key_Backspace)
    assert order(daily) == before


def test_a_group_then_all_groups_gives_the_same_order(qtbot: QtBot, daily) -> None:
    before = order(daily)
    groups = daily.codes_page.groups
    for name in ("Finance", "Work", "No group"):
        groups.setCurrentIndex(groups.findText(name))
        shown = order(daily)
        assert shown == [issuer for issuer in before if issuer in shown]
    groups.setCurrentIndex(groups.findText("All groups"))
    assert order(daily) == before


def test_favouriting_in_a_filtered_view_moves_no_other_row(qtbot: QtBot, daily) -> None:
    before = order(daily)
    search = daily.codes_page.search
    qtbot.keyClicks(search, "o")
    filtered = order(daily)
    target = filtered[len(filtered) // 2]
    daily.view.setCurrentIndex(daily.proxy.index(filtered.index(target), 0))
    daily.favourite_action.trigger()
    others = [issuer for issuer in order(daily) if issuer != target]
    assert others == [issuer for issuer in filtered if issuer != target]
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    after = order(daily)
    assert [i for i in after if i != target] == [i for i in before if i != target]
    # and it is the order a fresh unlock shows for the same vault
    daily.lock()
    unlock(qtbot, daily)
    assert order(daily) == after


def test_the_no_match_text_follows_every_keystroke(qtbot: QtBot, daily) -> None:
    search = daily.codes_page.search
    qtbot.keyClicks(search, "zq")
    assert daily.proxy.rowCount() == 0
    assert "“zq”" in daily.codes_page.empty.text()
    qtbot.keyClicks(search, "w")
    assert "“zqw”" in daily.codes_page.empty.text()
    qtbot.keyClick(search, Qt.Key.Key_Backspace)
    assert "“zq”" in daily.codes_page.empty.text()


def test_unlocking_shows_the_top_of_the_list(qtbot: QtBot, daily) -> None:
    """The favourites come first: after a lock, the list opened scrolled to wherever it
    was left, with the favourites out of sight above."""
    from PySide6.QtCore import QPoint

    daily.resize(520, 400)
    bottom = daily.proxy.index(daily.proxy.rowCount() - 1, 0)
    daily.view.setCurrentIndex(bottom)
    daily.view.scrollTo(bottom)
    qtbot.wait(10)
    assert daily.view.indexAt(QPoint(1, 1)).row() > 0
    daily.lock()
    unlock(qtbot, daily)
    qtbot.wait(10)
    assert daily.view.indexAt(QPoint(1, 1)).row() == 0
    assert order(daily)[0] == "Google"  # the favourite, in sight
