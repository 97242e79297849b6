"""The Add patient form on a small screen (a keyboard-only tester at 1440x900): the field a
refusal names is whole in view once the message line has taken its room under the form (the
consent method was half hidden behind it); at 125% on that screen the form fits without
scrolling (two columns), Tab goes down one column then the other, each label beside its field."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QScrollArea, QWidget

from caredesk.domain.patients import Program
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.record_fields import DIALOG_LINES, scrolled_form
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


# A 1440x900 screen at 125% scaling, in the logical pixels the dialog is laid out in.
SCREEN_AT_125 = (1440 / 1.25, 900 / 1.25)


def test_the_form_fits_a_1440x900_screen_at_125_percent_without_scrolling(unlocked, qtbot):
    # In one column the form was about 750 px tall and scrolled there (the screen is 720 px
    # then). In two columns (the patient; contact and program) it fits with the dialog's
    # title, message and buttons, on the test screen too.
    dialog = unlocked.view.show_page(PatientsPage).add_patient()
    qtbot.waitExposed(dialog)
    area = dialog.findChild(QScrollArea)
    line = dialog.fontMetrics().height()
    content = area.widget().sizeHint()
    assert content.height() + DIALOG_LINES * line <= SCREEN_AT_125[1]
    assert dialog.sizeHint().width() + 2 * line <= SCREEN_AT_125[0]
    assert area.property("scrolls") is None and area.verticalScrollBar().maximum() == 0
    assert area.height() >= content.height()
    _fill(dialog, birth="31/12/1950")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.height() > 0)
    assert dialog.frameGeometry().height() + DIALOG_LINES * line <= SCREEN_AT_125[1] + 4 * line
    assert area.verticalScrollBar().maximum() == 0
    dialog.reject()


def test_every_label_stands_beside_its_field(unlocked, qtbot):
    dialog = unlocked.view.show_page(PatientsPage).add_patient()
    qtbot.waitExposed(dialog)
    labels = [w for w in dialog.findChildren(QLabel) if w.buddy() is not None and w.isVisible()]
    assert len(labels) >= 18
    for label in labels:
        buddy = label.buddy()
        top = buddy.mapTo(dialog, buddy.rect().topLeft())
        here = label.mapTo(dialog, label.rect().topLeft())
        assert here.x() + label.width() <= top.x(), label.text()  # to its left, in the same column
        assert top.x() - (here.x() + label.width()) < 20 * dialog.fontMetrics().averageCharWidth(), label.text()
        assert abs((here.y() + label.height() / 2) - (top.y() + buddy.height() / 2)) < label.height(), label.text()
    dialog.reject()


def _tab_walk(dialog, qtbot, steps: int) -> list[str]:
    names = [dialog.focusWidget().accessibleName()]
    for _ in range(steps):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        names.append(dialog.focusWidget().accessibleName())
    return names


def test_tab_goes_down_the_patient_column_then_contact_and_program(unlocked, qtbot):
    dialog = unlocked.view.show_page(PatientsPage).add_patient()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.mrn)
    dialog.program.setCurrentText(Program.APCM.value)  # every program field can take the cursor
    first = ["MRN", "Given name", "Family name", "Preferred name", "Date of birth", "Sex", "Language"]
    first += ["Primary-care provider", "Payer", "Risk tier"]
    second = ["Phone", "Phone type", "Add another phone number", "Address", "Preferred call window"]
    program = ["Program", "Start date", "Consent date", "Consent method", "Billing practitioner", "QMB"]
    walked = _tab_walk(dialog, qtbot, len(first + second + program))
    assert walked == [*first, *second, *program, "Add patient"]
    # A phone added goes in its place: after the one above it, before Another phone.
    qtbot.mouseClick(dialog.patient_fields.phones.more, Qt.MouseButton.LeftButton)
    assert dialog.focusWidget().accessibleName() == "Phone 2"
    assert _tab_walk(dialog, qtbot, 3) == ["Phone 2", "Phone 2 type", "Add another phone number", "Address"]
    dialog.reject()


def test_a_form_taller_than_the_screen_scrolls_and_is_ruled():
    """What a long form still gets (Edit patient with many phones, a small screen)."""
    form = QFormLayout()
    for i in range(80):
        form.addRow(f"Row {i}", QLineEdit())
    area = scrolled_form(form)
    screen = QGuiApplication.primaryScreen().availableGeometry().height()
    assert area.property("scrolls") is True
    assert area.minimumHeight() == screen - DIALOG_LINES * area.widget().fontMetrics().height()
    area.deleteLater()
