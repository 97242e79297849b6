"""A table with the keyboard focus shows it, even with no rows (keyboard-only tester: an empty
Conditions list, and the table reached by Shift+Tab, gave no sign of where the focus was)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItemModel
from PySide6.QtWidgets import QLineEdit, QTableView, QTableWidget, QVBoxLayout, QWidget


def _edge(table: QTableView, inset: int) -> QColor:
    image = table.grab().toImage()
    ratio = image.devicePixelRatio()
    return QColor(image.pixel(round(inset * ratio), round(table.height() / 2 * ratio)))


@pytest.mark.parametrize("make", [lambda: QTableView(), lambda: QTableWidget(0, 2)])
def test_an_empty_table_with_the_focus_has_an_accent_frame_and_moves_nothing(themed, qtbot, make):
    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    before = QLineEdit()
    table = make()
    if not isinstance(table, QTableWidget):
        table.setModel(QStandardItemModel(0, 2, table))  # no rows, as an empty Conditions list
    layout.addWidget(before)
    layout.addWidget(table)
    box.resize(400, 300)
    box.show()
    qtbot.waitExposed(box)
    box.activateWindow()
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    calm = (_edge(table, 0), _edge(table, 1), table.viewport().geometry())
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.waitUntil(table.hasFocus)
    accent = QColor(themed.primary)
    assert _edge(table, 0) == accent and _edge(table, 1) == accent, (_edge(table, 0).name(), themed.primary)
    assert table.viewport().geometry() == calm[2]  # nothing inside moves by a pixel
    qtbot.keyClick(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(before.hasFocus)
    assert (_edge(table, 0), _edge(table, 1), table.viewport().geometry()) == calm
    assert calm[0] == QColor(themed.border)  # the quiet frame is the theme's border, as before
