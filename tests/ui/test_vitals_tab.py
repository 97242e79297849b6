"""The chart's Vitals & labs tab through its real widgets, on a store made like `caredesk init` makes it.

The canary patient (tests/ui/conftest.py) has BP 152/94, A1c 8.1 and weight 181 lb, all of 11/02/2026;
the clock's today is 11/24/2026.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from caredesk.domain.queue import ReasonKind
from caredesk.services import observations as obs
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.vitals_dialogs import CorrectReadingDialog, TargetDialog
from caredesk.ui.chart.vitals_tab import MEASURES, VitalsTab
from caredesk.ui.queue.page import QueuePage


def _open(window, qtbot, patient_id: int) -> VitalsTab:
    page = window.view.show_page(PatientsPage)
    page.select_patient(patient_id)
    qtbot.waitUntil(lambda: page.chart.patient_id == patient_id)
    tab = page.chart.tab(VitalsTab)
    page.chart.show_tab(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    return tab


def _rows(tab: VitalsTab) -> list[tuple[str, ...]]:
    m = tab.model
    return [tuple(m.index(r, c).data() for c in range(m.columnCount())) for r in range(m.rowCount())]


def _enter(qtbot, tab: VitalsTab, measure: str, text: str) -> None:
    tab.entry.measure.setCurrentIndex(MEASURES.index(measure))
    tab.value.clear()
    qtbot.keyClicks(tab.value, text)
    qtbot.keyClick(tab.value, Qt.Key.Key_Return)


def _when_modal(act: Callable[[object], None]) -> list[object]:
    """Run `act` on the next modal dialog once it is up (the tab's dialogs run with exec())."""
    seen: list[object] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, run)
            return
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(20, run)
    return seen


def _queue_clinical(window, pid: int) -> list[str]:
    model = window.view.page(QueuePage).model
    row = model.row_of(pid)
    if row is None:
        return []
    return [r.text for r in model.queue_row(row).entry.reasons if r.kind is ReasonKind.CLINICAL]


def test_the_tab_reads_when_shown_and_lists_readings_newest_first_against_their_targets(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    page = unlocked.view.show_page(PatientsPage)
    page.select_patient(pid)
    qtbot.waitUntil(lambda: page.chart.patient_id == pid)
    tab = page.chart.tab(VitalsTab)
    assert tab.tab_title == "Vitals && labs" and page.chart.tabs.tabText(page.chart.tabs.indexOf(tab)) == tab.tab_title
    assert tab.model.rowCount() == 0  # not read while hidden: opening a chart stays fast
    page.chart.show_tab(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3)
    # ADA Standards of Care 2025: BP < 130/80 (10.4), A1c < 7% (6.5); weight has no default target.
    assert sorted(_rows(tab)) == [
        ("11/02/2026", "A1c", "8.1%", "Above target"),
        ("11/02/2026", "Blood pressure", "152/94 mmHg", "Above target"),
        ("11/02/2026", "Weight", "181 lb", "No target"),
    ]
    assert tab.chart.accessibleDescription().startswith("1 reading on 11/02/2026")


def test_a_blood_pressure_typed_142_over_88_is_saved_and_the_queue_and_summary_follow(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    _enter(qtbot, tab, "blood pressure", "168/102")
    assert tab.message.text() == "Added Blood pressure 168/102 mmHg on 11/24/2026."
    assert _rows(tab)[0] == ("11/24/2026", "Blood pressure", "168/102 mmHg", "Above target")
    assert tab.value.text() == "" and tab.value.hasFocus()  # ready for the next reading
    # SPEC section 3: a last BP >= 160/100 is a clinical reason to call, at once.
    assert _queue_clinical(unlocked, pid) == ["BP 168/102 on 11/24"]
    summary = unlocked.view.page(PatientsPage).chart.observations
    shown = {summary.item(r, 0).text(): summary.item(r, 1).text() for r in range(summary.rowCount())}
    assert shown["Blood pressure"] == "168/102 mmHg"
    _enter(qtbot, tab, "blood pressure", "128/78")
    assert _queue_clinical(unlocked, pid) == []  # a newer normal reading ends it


def test_a_refused_value_is_named_keeps_the_text_and_saves_nothing(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    ws = unlocked.workspace
    for measure, text, said in (
        ("A1c", "7,2", "A1c must be written with a decimal point and no commas, such as 7.2."),
        ("weight", "182 lb", "Weight must be the number alone, without a unit (lb is understood)."),
        ("weight", "1800", "Weight must be between 20 and 700 lb."),
        ("blood pressure", "88/142", "Blood pressure must have the systolic above the diastolic, as in 142/88."),
        ("blood pressure", "142", "Blood pressure must be written systolic/diastolic, such as 142/88."),
    ):
        _enter(qtbot, tab, measure, text)
        assert tab.message.text() == said
        assert tab.value.text() == text and tab.value.hasFocus()
    assert len(obs.readings(ws, pid)) == 3


def test_a_future_date_typed_is_refused_in_words_at_once_and_nothing_is_saved(unlocked, canary_store, qtbot):
    """A keyboard-only tester's 12/05/2026 (today 11/24/2026): the field names it as it is left,
    puts today back, and says so; Enter in the field refuses it the same way."""
    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    tab.entry.measure.setCurrentIndex(MEASURES.index("A1c"))
    qtbot.keyClicks(tab.value, "7.2")
    refused = "Reading date cannot be after today, 11/24/2026 ('12/05/2026' was not taken)."
    for leave in (Qt.Key.Key_Tab, Qt.Key.Key_Return):
        tab.message.clear()
        tab.day.setFocus(Qt.FocusReason.TabFocusReason)
        tab.day.lineEdit().selectAll()
        qtbot.keyClicks(tab.day, "12/05/2026")
        qtbot.keyClick(tab.day, leave)
        assert tab.message.text() == refused
        assert tab.day.text() == "11/24/2026"
    assert len(obs.readings(unlocked.workspace, pid)) == 3


def test_choosing_a_reading_charts_its_measure_and_the_band_says_whose_target(unlocked, canary_store, qtbot):
    tab = _open(unlocked, qtbot, canary_store["canary"])
    row = next(r for r, values in enumerate(_rows(tab)) if values[1] == "A1c")
    tab.table.selectRow(row)
    assert tab.trend_measure.currentText() == "A1c"
    assert tab.band.text() == "Target: below 7% (clinic default)"
    assert tab.chart.accessibleName() == "A1c"
    tab.trend_measure.setCurrentIndex(MEASURES.index("blood pressure"))
    assert tab.band.text() == "Target: below 130/80 mmHg (clinic default)"  # ADA 2025, 10.4
    assert "latest 152/94 mmHg" in tab.chart.accessibleDescription()


def test_set_a_patients_own_a1c_target_from_the_tab(unlocked, canary_store, qtbot):
    # ADA Standards of Care 2025, 6.5: a less stringent goal (< 8.5%) may suit some older adults.
    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    tab.trend_measure.setCurrentIndex(MEASURES.index("A1c"))

    def fill(dialog) -> None:
        assert isinstance(dialog, TargetDialog)
        _low, high = dialog.fields[next(iter(dialog.fields))]
        qtbot.keyClicks(high, "8,5")
        dialog.save_button.click()
        assert dialog.message.text().startswith("Target high must be written with a decimal point")
        high.clear()
        qtbot.keyClicks(high, "8.5")
        dialog.save_button.click()

    seen = _when_modal(fill)
    tab.target_button.click()
    assert seen and not seen[0].isVisible()
    assert tab.band.text() == "Target: below 8.5% (this patient's own)"
    a1c = next(values for values in _rows(tab) if values[1] == "A1c")
    assert a1c[3] == "In target"
    assert obs.targets(unlocked.workspace, pid)["A1c"].high == 8.5  # ObservationKind is a str enum

    seen = _when_modal(lambda d: d.default_button.click())
    tab.target_button.click()
    assert tab.band.text() == "Target: below 7% (clinic default)"


def test_correct_a_mistyped_reading_with_enter_and_remove_one_with_delete(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    _enter(qtbot, tab, "weight", "128")  # meant 182
    tab.table.setFocus()
    tab.table.selectRow(0)

    def correct(dialog) -> None:
        assert isinstance(dialog, CorrectReadingDialog)
        assert dialog.value.text() == "128"
        dialog.value.clear()
        qtbot.keyClicks(dialog.value, "182")
        qtbot.keyClick(dialog.value, Qt.Key.Key_Return)

    seen = _when_modal(correct)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert seen
    assert _rows(tab)[0] == ("11/24/2026", "Weight", "182 lb", "No target")

    asked: list[str] = []

    def confirm(box) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    _when_modal(confirm)
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert asked and asked[0].startswith("Remove Weight 182 lb of 11/24/2026?")
    assert [v[1] for v in _rows(tab)].count("Weight") == 1
    assert tab.message.text() == "Removed Weight 182 lb of 11/24/2026."


def test_correct_a_blood_pressure_in_one_field(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    row = next(r for r, values in enumerate(_rows(tab)) if values[1] == "Blood pressure")
    tab.table.selectRow(row)

    def correct(dialog) -> None:
        dialog.value.clear()
        qtbot.keyClicks(dialog.value, "162/94 mmHg")
        dialog.save_button.click()
        assert dialog.message.text() == "Blood pressure must be the number alone, without a unit (mmHg is understood)."
        dialog.value.clear()
        qtbot.keyClicks(dialog.value, "126/78")
        dialog.save_button.click()

    seen = _when_modal(correct)
    tab.correct_button.click()
    assert seen
    bp = next(values for values in _rows(tab) if values[1] == "Blood pressure")
    assert bp == ("11/02/2026", "Blood pressure", "126/78 mmHg", "In target")


def test_tab_leaves_the_readings_table(unlocked, canary_store, qtbot):
    tab = _open(unlocked, qtbot, canary_store["canary"])
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Tab)
    assert not tab.table.hasFocus()
    assert tab.correct_button.hasFocus()


def test_every_control_has_an_accessible_name(unlocked, canary_store, qtbot):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QTableView

    tab = _open(unlocked, qtbot, canary_store["canary"])
    controls = tab.findChildren(QAbstractButton) + tab.findChildren(QComboBox) + tab.findChildren(QLineEdit)
    controls += tab.findChildren(QTableView) + tab.findChildren(QAbstractSpinBox)
    # A combo box's or date field's own inner line edit is named by its owner.
    inner = [c for c in controls if isinstance(c.parent(), (QComboBox, QAbstractSpinBox))]
    unnamed = [type(c).__name__ for c in controls if c not in inner and c.isVisibleTo(tab) and not c.accessibleName()]
    assert unnamed == []
    assert len(controls) - len(inner) >= 9  # measure, value, date, add, trend, target, table, correct, remove


def test_lock_drops_every_reading_from_the_tab(unlocked, canary_store, qtbot):
    tab = _open(unlocked, qtbot, canary_store["canary"])
    assert tab.model.rowCount() == 3
    unlocked.lock_action.trigger()
    qtbot.waitUntil(lambda: unlocked.workspace is None)
    assert tab.model.rowCount() == 0 and tab.patient_id is None and tab.ws is None
    assert tab.chart.accessibleDescription() == "No readings yet" and tab.band.text() == ""


def test_another_patient_opens_on_summary_without_reading_this_tab(unlocked, canary_store, qtbot):
    from datetime import date

    tab = _open(unlocked, qtbot, canary_store["canary"])
    page = unlocked.view.page(PatientsPage)
    other = canary_store["Abbott"]
    obs.add_reading(unlocked.workspace, other, kind="weight", value=150, observed_on=date(2026, 11, 20))
    page.select_patient(other)
    qtbot.waitUntil(lambda: page.chart.patient_id == other)
    qtbot.wait(20)  # the event loop runs: a tab still shown would read now
    assert page.chart.tabs.currentIndex() == 0 and tab.patient_id == other
    assert tab.model.rowCount() == 0  # read when shown, not for a view nobody sees
    page.chart.show_tab(tab)
    assert _rows(tab) == [("11/20/2026", "Weight", "150 lb", "No target")]


def test_a_reading_saved_elsewhere_shows_at_once(unlocked, canary_store, qtbot):
    from datetime import date

    from caredesk.ui.common.hub import publish

    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    saved = obs.add_reading(unlocked.workspace, pid, kind="SpO2", value=91, observed_on=date(2026, 11, 23))
    publish(saved.changes, None)  # as the call panel or the CLI's next unlock would
    assert _rows(tab)[0] == ("11/23/2026", "SpO2", "91%", "Below target")  # BTS 2017: 92% as the floor


def test_a_blood_pressure_band_with_a_floor_names_both_halves(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    tab.trend_measure.setCurrentIndex(MEASURES.index("blood pressure"))

    def fill(dialog) -> None:
        (sys_low, sys_high), (_dia_low, dia_high) = dialog.fields.values()
        for field, text in ((sys_low, "100"), (sys_high, "140"), (dia_high, "90")):
            field.clear()
            qtbot.keyClicks(field, text)
        dialog.save_button.click()

    seen = _when_modal(fill)
    tab.target_button.click()
    assert seen
    assert tab.band.text() == "Target: systolic 100-140 mmHg, diastolic below 90 mmHg (this patient's own)"
    bp = next(values for values in _rows(tab) if values[1] == "Blood pressure")
    assert bp[3] == "Above target"  # 152/94: both halves over the patient's own ceilings


def test_the_words_under_the_chart_agree_with_the_table_at_the_ceiling(unlocked, canary_store, qtbot):
    """ADA Standards of Care 2025 (10.4) and the 6.5 A1c goal are "below" targets: 130/80 and 7% miss them.
    The chart's words once said "at most 130 mmHg (latest in target)" beside a table saying "Above target"."""
    pid = canary_store["canary"]
    tab = _open(unlocked, qtbot, pid)
    _enter(qtbot, tab, "blood pressure", "130/80")
    assert _rows(tab)[0][3] == "Above target"
    tab.trend_measure.setCurrentIndex(MEASURES.index("blood pressure"))
    words = tab.chart.accessibleDescription()
    assert words.endswith("target below 130/80 mmHg (latest above target)"), words
    _enter(qtbot, tab, "A1c", "7")
    tab.trend_measure.setCurrentIndex(MEASURES.index("A1c"))
    words = tab.chart.accessibleDescription()
    assert words.endswith("target below 7% (latest above target)"), words
