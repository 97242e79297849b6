"""The Add patient form on a small screen (a keyboard-only tester at 1440x900): the field a
refusal names is whole in view once the message line has taken its room under the form (the
consent method was half hidden behind it), and the form takes the screen's height it needs."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QScrollArea, QWidget

from caredesk.domain.patients import Program
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.record_fields import DIALOG_LINES
from tests.ui.test_add_patient import _fill


def _in_view(widget: QWidget) -> bool:
    area = widget.parentWidget()
    while not isinstance(area, QScrollArea):
        area = area.parentWidget()
    viewport = area.viewport()
    top_left = widget.mapTo(viewport, widget.rect().topLeft())
    return viewport.rect().contains(QRect(top_left, widget.size()))


def test_the_field_a_refusal_names_is_whole_in_view_above_the_message(unlocked, qtbot):
    dialog = unlocked.view.show_page(PatientsPage).add_patient()
    qtbot.waitExposed(dialog)
    _fill(dialog)
    dialog.program.setCurrentText(Program.CCM.value)
    dialog.consent.setText("01/01/1900")
    dialog.save_button.click()
    assert dialog.message.isVisible() and dialog.focusWidget() is dialog.consent
    qtbot.waitUntil(lambda: dialog.message.height() > 0)
    assert _in_view(dialog.consent)
    dialog.reject()


def test_the_form_takes_the_screens_height_before_it_scrolls(unlocked, qtbot):
    # At 1440x900 and 100% the form (about 750 px) scrolled in a scroll area held to three
    # quarters of the screen (675 px). The test screen is 800 px tall: the form still scrolls
    # there, but only by what the dialog's title, message and buttons leave it.
    dialog = unlocked.view.show_page(PatientsPage).add_patient()
    qtbot.waitExposed(dialog)
    area = dialog.findChild(QScrollArea)
    screen = dialog.screen().availableGeometry().height()
    line = dialog.fontMetrics().height()
    assert area.widget().sizeHint().height() > screen - DIALOG_LINES * line  # it must scroll here
    assert area.height() >= screen - DIALOG_LINES * line
    assert area.property("scrolls") is True  # ruled above and below: its cut row reads as inside
    _fill(dialog, birth="31/12/1950")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.height() > 0)
    assert dialog.frameGeometry().height() + 2 * line <= screen  # room left for a window title
    dialog.reject()
