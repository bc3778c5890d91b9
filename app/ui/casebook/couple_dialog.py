"""Creating or editing a couple: a code and two partners with names, pronouns and colours."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from crucible.app.domain.vocabulary import partner_colour
from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog

if TYPE_CHECKING:
    from crucible.app.services.casebook import CoupleOutline


class ColourButton(QPushButton):
    """A button showing a colour; clicking it opens QColorDialog."""

    def __init__(self, colour: str, name: str) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self._name = name
        self.colour = colour
        self._paint()
        self.clicked.connect(self.choose)

    def _paint(self) -> None:
        self.setText(self.colour)
        text = "#000000" if QColor(self.colour).lightness() > 140 else "#ffffff"
        self.setStyleSheet(f"background-color: {self.colour}; color: {text}; padding: 4px 12px;")

    def choose(self) -> None:
        """Pick a colour (non-blocking: the dialog reports back when closed)."""
        dialog = QColorDialog(QColor(self.colour), self)
        dialog.setWindowTitle(f"Crucible — {self._name}")
        dialog.setOption(QColorDialog.ColorDialogOption.DontUseNativeDialog, True)
        dialog.colorSelected.connect(self.set_colour)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def set_colour(self, colour: QColor | str) -> None:
        """Show a new colour."""
        self.colour = QColor(colour).name().upper()
        self._paint()


class CoupleDialog(FormDialog):
    """Code, and for each partner: name, pronouns, colour."""

    def __init__(
        self, parent: QWidget, couple: CoupleOutline | None, error_colour: Callable[[], str]
    ) -> None:
        super().__init__(
            parent,
            "Edit couple" if couple else "New couple",
            "&Save" if couple else "&Create",
            error_colour,
        )
        self.code = forms.text_field("Couple code", "e.g. C-0007")
        self.code.setMaxLength(32)
        self.add_row("&Code:", self.code)
        self.partner_fields: dict[str, tuple[QLineEdit, QLineEdit, ColourButton]] = {}
        for key, mnemonic in (("A", "&A"), ("B", "&B")):
            name = forms.text_field(f"Partner {key} name")
            pronouns = forms.text_field(f"Partner {key} pronouns", "e.g. she/her, they/them")
            colour = ColourButton(partner_colour(key, None), f"Partner {key} colour")
            self.add_row(f"Partner {mnemonic}:", name)
            row = QHBoxLayout()
            row.addWidget(pronouns, 1)
            row.addWidget(colour)
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(0, 0, 0, 0)
            self.add_row("  Pronouns, colour:", holder, pronouns)
            self.partner_fields[key] = (name, pronouns, colour)
        if couple is not None:
            self.code.setText(couple.code)
            for partner in couple.partners:
                name, pronouns, colour = self.partner_fields[partner.key]
                name.setText(partner.name)
                pronouns.setText(partner.pronouns)
                colour.set_colour(partner_colour(partner.key, partner.colour))

    def values(self) -> tuple[str, list[tuple[str, str, str, str]]]:
        """The code and (key, name, pronouns, colour) for A and B."""
        return self.code.text(), [
            (key, name.text(), pronouns.text(), colour.colour)
            for key, (name, pronouns, colour) in self.partner_fields.items()
        ]
