"""A form's explanation keeps every line when the message line under the form appears."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from crucible.app.ui.shell.profile_dialog import COMPLETE_FIRST, ProfileDialog


def test_the_intro_keeps_its_lines_after_a_refusal(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = ProfileDialog(parent, None, lambda: "#a4161a", first_time=True)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.fail("Please enter your name as it should appear on reports, and once more so it wraps.")
    qtbot.wait(50)
    intro = next(label for label in dialog.findChildren(QLabel) if label.text() == COMPLETE_FIRST)
    assert intro.height() >= intro.heightForWidth(intro.width())
    assert intro.geometry().top() >= 0
    dialog.close()
