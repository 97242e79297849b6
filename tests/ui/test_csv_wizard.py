"""File > Import panel from CSV…, driven through its real widgets over a real store (issue 13):
the mapping, the preview with a refused row, the import in one step, the pages refreshed; a
cancelled wizard leaves the store's bytes as they were; the mapping is remembered per header."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from caredesk.services import patients
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.interop.csv_wizard import NOT_MAPPED, CsvImportWizard
from caredesk.ui.interop.import_steps import ImportWizard
from caredesk.ui.shell.main_window import MainWindow

HEADER = "MRN,Last Name,First Name,DOB,Sex,Phone,ICD-10 Codes\n"
ROWS = (
    "000501,Example,Testa,03/04/1950,F,(555) 010-0151,E11.9;I10\n"
    "000502,Sample,Testo,07/21/1948,M,(555) 010-0152,I10\n"
    "000503,Badrow,Testi,13/45/1950,F,(555) 010-0153,\n"  # month 13: refused, naming row 4 and DOB
)


@pytest.fixture(autouse=True)
def dialogs_deleted(qapp):
    """Delete the import and export dialogs once the test is done. The app deletes them when they
    close (deleteLater in its event loop); a test runs no loop, and a hidden QWizard holding a line
    edit, left alive under the closed window, crashed Qt inside the next test's re-theming
    (QApplication.setStyleSheet in ui.shell.launch.application, which the app itself calls once)."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ImportWizard):
            shiboken6.delete(widget)


def store_hash(window: MainWindow) -> str:
    """The store's bytes: the database, its write-ahead log and the audit anchor."""
    assert window.workspace is not None
    digest = hashlib.sha256()
    for name in ("caredesk.db", "caredesk.db-wal", "audit.anchor"):
        path = window.workspace.folder_path / name
        if path.exists():
            digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()


def open_wizard(qtbot, window: MainWindow, csv_path: Path) -> CsvImportWizard:
    wizard = window.interop.import_csv()
    assert isinstance(wizard, CsvImportWizard)
    qtbot.waitUntil(wizard.isVisible)
    wizard.load_file(csv_path)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=10_000)
    return wizard


def to_preview(qtbot, wizard: CsvImportWizard) -> None:
    assert wizard.mapping_page.isComplete(), wizard.mapping_page.message.text()
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    qtbot.waitUntil(lambda: wizard.preview_page.plan is not None, timeout=20_000)


def test_a_file_with_one_bad_row_imports_the_good_rows_after_one_confirmation(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    listed = window.view.page(PatientsPage).model.rowCount()
    csv_path = tmp_path / "registry.csv"
    csv_path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    wizard = open_wizard(qtbot, window, csv_path)

    page = wizard.mapping_page
    assert page.boxes["mrn"].currentText() == "MRN"  # guessed from the usual names
    assert page.boxes["birth_date"].currentText() == "DOB"
    assert page.sample_model.rowCount() == 3
    refused = page.sample_model.index(2, 8).data()
    assert "DOB" in refused and "13/45/1950" in refused

    to_preview(qtbot, wizard)
    preview = wizard.preview_page.preview
    assert preview.counts.text() == "2 to add, 0 to update, 0 unchanged, 1 row refused"
    problems = [preview.problems_model.problem(i) for i in range(preview.problems_model.rowCount())]
    assert [(p.where, p.field) for p in problems] == [("row 4", "DOB")]
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "&Import 2 patients"
    assert patients.patient_list(window.workspace)  # the canary panel only, nothing stored yet
    assert not any(s.mrn == "000501" for s in patients.patient_list(window.workspace))

    wizard.next()  # Import 2 patients
    qtbot.waitUntil(lambda: wizard.apply_page.saved is not None, timeout=20_000)
    assert "2 added" in wizard.apply_page.result.text()
    assert "1 refused row were not stored" in wizard.apply_page.result.text()
    stored = {s.mrn: s for s in patients.patient_list(window.workspace)}
    assert "000501" in stored and "000502" in stored and "000503" not in stored
    chart = patients.open_chart(window.workspace, stored["000501"].id)
    assert sorted(c.icd10 for c in chart.conditions) == ["E11.9", "I10"]
    # The change hub told the patient list: the two new patients are listed without a reload.
    qtbot.waitUntil(lambda: window.view.page(PatientsPage).model.rowCount() == listed + 2, timeout=10_000)
    wizard.accept()


def test_cancel_before_import_leaves_the_store_bytes_unchanged(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    csv_path = tmp_path / "registry.csv"
    csv_path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    before = store_hash(window)
    wizard = open_wizard(qtbot, window, csv_path)
    to_preview(qtbot, wizard)
    assert wizard.preview_page.to_store() == 2
    wizard.reject()  # Cancel on the preview
    assert store_hash(window) == before
    assert not any(s.mrn == "000501" for s in patients.patient_list(window.workspace))


def test_the_mapping_chosen_is_remembered_for_the_next_file_with_that_header(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    header = "Acct Ref,Last Name,First Name,DOB\n"  # "Acct Ref" is no usual MRN column name
    first = tmp_path / "october.csv"
    first.write_text(header + "000601,Example,Testa,03/04/1950\n", encoding="utf-8")
    wizard = open_wizard(qtbot, window, first)
    page = wizard.mapping_page
    assert page.boxes["mrn"].currentText() == NOT_MAPPED
    assert not page.isComplete() and "MRN" in page.message.text()
    page.boxes["mrn"].setCurrentIndex(page.boxes["mrn"].findText("Acct Ref"))
    to_preview(qtbot, wizard)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.apply_page.saved is not None, timeout=20_000)
    wizard.accept()

    second = tmp_path / "november.csv"
    second.write_text(header + "000602,Sample,Testo,07/21/1948\n", encoding="utf-8")
    wizard = open_wizard(qtbot, window, second)
    assert wizard.mapping_page.boxes["mrn"].currentText() == "Acct Ref"
    assert "last time" in wizard.mapping_page.facts.text()
    wizard.reject()


def test_an_unreadable_file_is_said_on_the_first_page(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    wizard = window.interop.import_csv()
    assert isinstance(wizard, CsvImportWizard)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wizard.load_file(empty)
    page = wizard.file_page
    qtbot.waitUntil(lambda: not page.job.busy and page.message.isVisible(), timeout=10_000)
    assert wizard.currentPage() is page
    assert page.message.text().startswith("empty.csv: is empty")
    wizard.load_file(tmp_path / "missing.csv")
    qtbot.waitUntil(lambda: "missing.csv" in page.message.text() and "No such file" in page.message.text())
    wizard.reject()


def test_cancelling_the_import_stores_nothing_and_says_so(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    csv_path = tmp_path / "big.csv"
    lines = [f"{700000 + i:06d},Example{i},Testa,03/04/1950,F,(555) 010-01{i % 100:02d},\n" for i in range(300)]
    csv_path.write_text(HEADER + "".join(lines), encoding="utf-8")
    before = store_hash(window)
    wizard = open_wizard(qtbot, window, csv_path)
    to_preview(qtbot, wizard)
    wizard.next()  # Import 300 patients
    wizard.apply_page.cancel_button.click()  # at once: the import checks every 50 patients and before its commit
    qtbot.waitUntil(lambda: not wizard.apply_page.job.busy, timeout=20_000)
    assert wizard.apply_page.result.text() == "Import cancelled: nothing was stored."
    assert wizard.apply_page.again_button.isVisible()
    assert store_hash(window) == before
    wizard.apply_page.again_button.click()  # a fresh preview, the choices kept
    assert wizard.currentPage() is wizard.preview_page
    qtbot.waitUntil(lambda: wizard.preview_page.plan is not None, timeout=20_000)
    assert wizard.preview_page.to_store() == 300
    wizard.reject()


def test_keyboard_only_enter_moves_on_imports_and_finishes(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    csv_path = tmp_path / "registry.csv"
    csv_path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    window.interop.import_csv_action.trigger()  # File > Import panel from CSV… (Ctrl+Shift+I)
    wizard = window.findChild(CsvImportWizard)
    assert wizard is not None
    qtbot.waitUntil(wizard.isVisible)
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard)
    path = wizard.file_page.path
    path.setFocus()
    qtbot.keyClicks(path, str(csv_path))
    qtbot.keyClick(path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=10_000)
    assert QApplication.focusWidget() is wizard.mapping_page.boxes["mrn"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.preview_page.plan is not None, timeout=20_000)
    assert QApplication.focusWidget() is wizard.preview_page.preview.table
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the Import 2 patients button
    qtbot.waitUntil(lambda: wizard.apply_page.saved is not None, timeout=20_000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Finish
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert {"000501", "000502"} <= {s.mrn for s in patients.patient_list(window.workspace)}


def test_every_control_is_named_for_screen_readers(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    csv_path = tmp_path / "registry.csv"
    csv_path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    wizard = open_wizard(qtbot, window, csv_path)
    to_preview(qtbot, wizard)
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QProgressBar

    unnamed = [
        type(w).__name__ + ":" + (w.text() if isinstance(w, QAbstractButton) else "")
        for w in wizard.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QAbstractItemView | QComboBox | QLineEdit | QProgressBar)
        and not w.accessibleName()
        and w.isVisibleTo(wizard)
        and type(w).__name__ not in ("QTableCornerButton", "QHeaderView", "QComboBoxListView")
    ]
    assert unnamed == []
    wizard.reject()


def test_a_lock_closes_the_wizard_and_stores_nothing(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    csv_path = tmp_path / "registry.csv"
    csv_path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    wizard = open_wizard(qtbot, window, csv_path)
    to_preview(qtbot, wizard)
    folder = window.workspace.folder_path
    window.lock()
    assert not wizard.isVisible()
    assert not window.interop.import_csv_action.isEnabled()
    assert window.interop.import_csv() is None
    from tests.ui.conftest import unlock_with

    unlock_with(qtbot, window)
    assert window.workspace.folder_path == folder
    assert not any(s.mrn == "000501" for s in patients.patient_list(window.workspace))


def test_a_consent_date_without_its_method_is_said_with_the_choice_on_the_page(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    csv_path = tmp_path / "consent.csv"
    csv_path.write_text(
        "MRN,Last Name,First Name,DOB,Program,Consent Date\n000901,Example,Testa,03/04/1950,CCM,10/01/2026\n",
        encoding="utf-8",
    )
    wizard = open_wizard(qtbot, window, csv_path)
    page = wizard.mapping_page
    assert page.boxes["consent_date"].currentText() == "Consent Date"
    assert not page.isComplete()
    assert "Consent method when a row does not say" in page.message.text()
    page.consent.setCurrentIndex(page.consent.findText("Verbal"))
    assert page.isComplete(), page.message.text()
    assert page.sample_model.index(0, 6).data() == "CCM"
    wizard.reject()


def test_a_lock_during_the_import_cancels_it_and_stores_nothing(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    csv_path = tmp_path / "big.csv"
    lines = [f"{710000 + i:06d},Example{i},Testa,03/04/1950,F,(555) 010-01{i % 100:02d},\n" for i in range(300)]
    csv_path.write_text(HEADER + "".join(lines), encoding="utf-8")
    wizard = open_wizard(qtbot, window, csv_path)
    to_preview(qtbot, wizard)
    wizard.next()  # Import 300 patients
    window.lock()  # Ctrl+L at once: the import is cancelled and waited for before the store closes
    assert not wizard.isVisible()
    from tests.ui.conftest import unlock_with

    unlock_with(qtbot, window)
    assert not any(s.mrn.startswith("710") for s in patients.patient_list(window.workspace))


def test_a_store_changed_since_the_preview_is_said_and_previewed_again(qtbot, unlocked, tmp_path):
    from datetime import date

    from caredesk.domain.patients import Patient
    from tests.conftest import add_patient

    window: MainWindow = unlocked
    csv_path = tmp_path / "registry.csv"
    csv_path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    wizard = open_wizard(qtbot, window, csv_path)
    to_preview(qtbot, wizard)
    # Meanwhile (another window, the CLI) a patient with the file's first MRN is added.
    add_patient(
        window.workspace, Patient(mrn="000501", given_name="Testa", family_name="Example", birth_date=date(1950, 3, 4))
    )
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.apply_page.job.busy, timeout=20_000)
    text = wizard.apply_page.result.text()
    assert (
        text.startswith("row 2: the store changed since the preview; preview again.") and "Nothing was stored" in text
    )
    assert not any(s.mrn == "000502" for s in patients.patient_list(window.workspace))
    wizard.apply_page.again_button.click()
    qtbot.waitUntil(lambda: wizard.preview_page.plan is not None, timeout=20_000)
    assert wizard.preview_page.preview.counts.text().startswith("1 to add, 1 to update")
    wizard.reject()


def test_imported_ccm_patients_reach_the_queue_and_the_month_without_a_reload(qtbot, unlocked, tmp_path):
    from caredesk.ui.month.page import MonthPage
    from caredesk.ui.queue.page import QueuePage

    window: MainWindow = unlocked
    csv_path = tmp_path / "enrolled.csv"
    csv_path.write_text(
        "MRN,Last Name,First Name,DOB,Phone,Program,Consent Date,Consent Method,ICD-10 Codes\n"
        "000801,Example,Testa,03/04/1950,(555) 010-0181,CCM,11/02/2026,verbal,E11.9;I10\n",
        encoding="utf-8",
    )
    wizard = open_wizard(qtbot, window, csv_path)
    to_preview(qtbot, wizard)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.apply_page.saved is not None, timeout=20_000)
    (new_id,) = wizard.apply_page.saved.value.patient_ids
    queue, month = window.view.page(QueuePage), window.view.page(MonthPage)
    # CCM with no minutes this month: the queue lists them to call, the month lists them as enrolled.
    qtbot.waitUntil(lambda: queue.model.row_of(new_id) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: any(r.patient_id == new_id for r in month.model.rows()), timeout=10_000)
    wizard.accept()


def test_one_column_chosen_for_two_fields_is_said_naming_both_and_next_is_off(qtbot, unlocked, tmp_path):
    # A tester's mapping put MRN under both MRN and Date of birth: the page names both fields.
    window: MainWindow = unlocked
    csv_path = tmp_path / "panel.csv"
    csv_path.write_text(HEADER + ROWS, encoding="utf-8")
    wizard = open_wizard(qtbot, window, csv_path)
    page = wizard.mapping_page
    assert page.isComplete(), page.message.text()
    page.boxes["birth_date"].setCurrentIndex(page.boxes["birth_date"].findText("MRN"))
    assert not page.isComplete()
    assert page.message.text() == (
        'The column "MRN" is chosen for both MRN and Date of birth: choose it for one field.'
    )
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.reject()
