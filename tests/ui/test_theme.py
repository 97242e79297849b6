"""The theme as a user sees it: controls stay visible in the dark palette (tester finding, issue 10)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton


def _indicator_edge_and_middle(qtbot, checked: bool) -> tuple[QColor, QColor]:
    box = QCheckBox("Remember on this computer")
    box.setChecked(checked)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    ratio = image.devicePixelRatio()
    edge = QColor(image.pixel(round(rect.left() * ratio), round(rect.center().y() * ratio)))
    middle = QColor(image.pixel(round((rect.left() + 2) * ratio), round((rect.top() + 2) * ratio)))
    return edge, middle


def _contrast(a: QColor, b: QColor) -> int:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))


def test_an_unticked_box_has_a_visible_border_and_a_ticked_one_is_filled(themed, qtbot):
    window = QColor(themed.window)
    edge, _ = _indicator_edge_and_middle(qtbot, checked=False)
    # The border is the theme's muted text colour, far from the window behind it (Fusion's own
    # outline differed from the dark window by about 10 of 255 per channel).
    assert _contrast(edge, window) > 60, (edge.name(), window.name())
    _, middle = _indicator_edge_and_middle(qtbot, checked=True)
    assert _contrast(middle, QColor(themed.primary)) < 30, (middle.name(), themed.primary)
