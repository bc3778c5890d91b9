"""The tooltip of the navigator's "co-signed" mark on a trainee's intensive.

The mark itself is part of the intensive's label (the navigator model adds
`COSIGNED_MARK` when the casebook's outline says the latest returned review
carries a supervisor's co-signature). It was once appended here, in the
delegate's `initStyleOption`: a Python call for every row painted, the
largest Python share of repainting the navigator on a ten-year vault. This
delegate says when in the tooltip: the review desk reads the dates from the
vault (``cosigned_intensives``) at unlock and after a return package is opened.
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

from crucible.app.ui.casebook.navigator_model import (
    ID_ROLE,
    INTENSIVE,
    KIND_ROLE,
    SUMMARY_ROLE,
)


class CosignedMark(QStyledItemDelegate):
    """Paints the navigator's items as Qt does; says when a co-signed intensive was co-signed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed: dict[int, datetime] = {}

    def set_cosigned(self, signed: Mapping[int, datetime]) -> None:
        """Which intensives are co-signed, and when."""
        self._signed = dict(signed)

    def is_cosigned(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        """Whether the item is an intensive whose latest returned review is co-signed.

        The casebook's outline says so (``IntensiveOutline.cosigned``), so the
        mark follows every reload of the navigator by itself.
        """
        if index.data(KIND_ROLE) != INTENSIVE:
            return False
        return bool(getattr(index.data(SUMMARY_ROLE), "cosigned", False))

    def signed_at(self, index: QModelIndex | QPersistentModelIndex) -> datetime | None:
        """When the intensive at ``index`` was co-signed, if this delegate was told."""
        return self._signed.get(index.data(ID_ROLE)) if self.is_cosigned(index) else None

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """The tooltip says when the supervisor co-signed."""
        if not self.is_cosigned(index):
            return super().helpEvent(event, view, option, index)
        signed = self.signed_at(index)
        when = f" on {signed:%Y-%m-%d}" if signed is not None else ""
        QToolTip.showText(
            event.globalPos(), f"{index.data()} — co-signed by your supervisor{when}", view
        )
        return True
