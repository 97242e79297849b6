"""What a keyboard-only tester found cut short in the call panel at 1280x800: the Program box
of a patient in no program read "No active progra"."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox

from caredesk.ui.queue.page import QueuePage


def _text_room(combo: QComboBox) -> int:
    """The width the combo box's style gives its text."""
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return field.width()


def test_the_program_box_shows_its_whole_text_for_a_patient_in_no_program(unlocked, canary_store, qtbot):
    unlocked.resize(1280, 800)
    page = unlocked.view.show_page(QueuePage)
    assert page.select_patient(canary_store["Abbott"])  # in no program
    program = page.panel.form.program
    qtbot.waitUntil(lambda: program.currentText() == "Not enrolled")  # as the header: "Not enrolled in a program"
    assert not program.isEnabled()
    assert _text_room(program) >= program.fontMetrics().horizontalAdvance(program.currentText())
    # However narrow the panel is made, the box keeps its items' width; with room it still
    # stretches to the row's end (as wide as the note above it), after the box's own timers too.
    note = page.panel.form.note

    def right_edge(widget) -> int:
        return widget.mapTo(page.panel, widget.rect().topRight()).x()

    for who in ("Abbott", "canary", "Young"):
        assert page.select_patient(canary_store[who])
        qtbot.wait(100)
        assert right_edge(program) == right_edge(note), who
    assert program.minimumWidth() >= program.fontMetrics().horizontalAdvance("Not enrolled")
