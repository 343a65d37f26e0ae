"""Search and group filter over the codes model, in the order of the chosen sort.

The filter matches what `desktop-2fa code QUERY` finds. The order is each
row's rank in the chosen sort (`CodesModel.ranks`, see `codes_order`), a total
order; every filter change sorts again, so the rows shown are always in that
order, whatever was searched or filtered before (issue 11).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from desktop_2fa.ui.codes_model import CodeRole
from desktop_2fa.vault.edits import matches


class CodesFilter(QSortFilterProxyModel):
    """Filters on the search text and an optional group; sorts by the model's ranks."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._query = ""
        self._group: str | None = None
        self._ranks: list[int] | None = None  # the source model's ranks, by source row
        # Not dynamic: with it, every new code (1,000 rows at a rollover) makes
        # Qt re-check each row's place, about 13 ms. Codes never change the
        # order or the filter; account and filter changes sort explicitly.
        self.setDynamicSortFilter(False)
        self.sort(0, Qt.SortOrder.AscendingOrder)

    def refresh(self) -> None:
        """Re-filter and re-sort after accounts or the sort changed."""
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.sort(0, Qt.SortOrder.AscendingOrder)

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        if text == self._query:
            return
        self._query = text
        self.refresh()

    def set_group(self, group: str | None) -> None:
        """Show only accounts of `group` ("" for those without one); None shows all."""
        if group == self._group:
            return
        self._group = group
        self.refresh()

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        # One Python call per comparison instead of two data() round trips.
        ranks = self._ranks
        if ranks is None:
            return super().lessThan(left, right)
        return ranks[left.row()] < ranks[right.row()]

    def setSourceModel(self, model: QAbstractItemModel | None) -> None:
        super().setSourceModel(model)
        self._ranks = getattr(model, "ranks", None)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._query and self._group is None:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        account = index.data(CodeRole.ACCOUNT)
        if account is None:
            return False
        if self._group is not None and account.group != self._group:
            return False
        return matches(account, self._query)
