"""Search as you type and the display order of the codes list.

Matching is the vault's own rule (`edits.matches`: issuer, name,
"issuer:name", group or id prefix, ignoring case), so the search box finds
what `desktop-2fa code QUERY` finds. Order: favourites first, then groups,
then the rest, each by issuer and name (`codes_model.sort_key`).
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
    """Filters on the search text and an optional group; sorts by `CodeRole.SORT_KEY`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._query = ""
        self._group: str | None = None
        self._keys: list[str] | None = None  # the source model's sort keys, by source row
        self.setSortRole(CodeRole.SORT_KEY)
        # Not dynamic: with it, every new code (1,000 rows at a rollover) makes
        # Qt re-check each row's place, about 13 ms. Codes never change the
        # order or the filter; account changes call `refresh()`.
        self.setDynamicSortFilter(False)
        self.sort(0, Qt.SortOrder.AscendingOrder)

    def refresh(self) -> None:
        """Re-filter and re-sort after accounts were added, removed or renamed."""
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.sort(0, Qt.SortOrder.AscendingOrder)

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        if text == self._query:
            return
        self.beginFilterChange()
        self._query = text
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_group(self, group: str | None) -> None:
        """Show only accounts of `group` ("" for those without one); None shows all."""
        if group == self._group:
            return
        self.beginFilterChange()
        self._group = group
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        # One Python call per comparison instead of two data() round trips:
        # sorting 1,000 accounts after unlock drops from about 55 ms to 15 ms.
        keys = self._keys
        if keys is None:
            return super().lessThan(left, right)
        return keys[left.row()] < keys[right.row()]

    def setSourceModel(self, model: QAbstractItemModel | None) -> None:
        super().setSourceModel(model)
        self._keys = getattr(model, "sort_keys", None)

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
