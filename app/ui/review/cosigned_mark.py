"""The navigator's "co-signed" mark on a trainee's intensive, drawn by a delegate.

The navigator's model is being rewritten for lazy loading elsewhere, so the
mark is not put into its labels: this delegate appends " · co-signed" when
it paints an intensive whose latest returned review carries a supervisor's
co-signature, and says so in the tooltip. The set of such intensives is
read from the vault by the review desk (``cosigned_intensives``) at unlock
and after a return package is opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from app.ui.casebook.navigator_model import ID_ROLE, INTENSIVE, KIND_ROLE

MARK = " · co-signed"


class CosignedMark(QStyledItemDelegate):
    """Paints the navigator's items as usual, with the mark on co-signed intensives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed: dict[int, datetime] = {}

    def set_cosigned(self, signed: Mapping[int, datetime]) -> None:
        """Which intensives are co-signed, and when."""
        self._signed = dict(signed)

    def signed_at(self, index: QModelIndex | QPersistentModelIndex) -> datetime | None:
        """When the intensive at ``index`` was co-signed, or None (or not an intensive)."""
        if index.data(KIND_ROLE) != INTENSIVE:
            return None
        return self._signed.get(index.data(ID_ROLE))

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The item's look, with the mark appended to a co-signed intensive's text."""
        super().initStyleOption(option, index)
        if self.signed_at(index) is not None:
            option.text = f"{option.text}{MARK}"

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """The tooltip says when the supervisor co-signed."""
        signed = self.signed_at(index)
        if signed is None:
            return super().helpEvent(event, view, option, index)
        QToolTip.showText(
            event.globalPos(),
            f"{index.data()} — co-signed by the supervisor on {signed:%Y-%m-%d}",
            view,
        )
        return True
