"""The import preview shows a plan as it is: counts, actions, an update's changes, refused rows."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from caredesk.domain.incoming import Action, FieldChange, ImportPlan, ImportProblem, IncomingPatient, PlannedPatient
from caredesk.domain.patients import Patient
from caredesk.ui.interop.import_preview import ImportPreview, Show, counts_text
from tests.conftest import TODAY


def planned(row: int, mrn: str, action: Action, *changes: FieldChange, flags: tuple[str, ...] = ()) -> PlannedPatient:
    patient = Patient(mrn=mrn, given_name="Testa", family_name=f"Example{row}", birth_date=date(1950, 1, row))
    return PlannedPatient(IncomingPatient(f"row {row}", patient, flags=flags), action, tuple(changes))


PLAN = ImportPlan(
    source="CSV file",
    patients=(
        planned(2, "000101", Action.ADD),
        planned(3, "000102", Action.UPDATE, FieldChange("Phone", "(555) 010-0101", "(555) 010-0102")),
        planned(4, "000103", Action.SAME, flags=("needs an ICD-10 code",)),
    ),
    problems=(
        ImportProblem("row 5", "DOB", "13/45/1950", "is not a date"),
        ImportProblem("row 5", "MRN", "", "is required"),
        ImportProblem("row 6", "Sex", "Q", "is not one of F, M, O, U"),
    ),
)


def test_counts_say_what_accepting_does_and_a_row_with_two_problems_counts_once() -> None:
    assert counts_text(PLAN) == "1 to add, 1 to update, 1 unchanged, 2 rows refused"


def test_updates_are_shown_first_with_their_changes(qtbot) -> None:
    preview = ImportPreview()
    qtbot.addWidget(preview)
    preview.show_plan(PLAN, TODAY)
    assert preview.proxy.show is Show.UPDATE and preview.proxy.rowCount() == 1
    assert preview.changes_model.rowCount() == 1
    cells = [preview.changes_model.index(0, c).data() for c in range(3)]
    assert cells == ["Phone", "(555) 010-0101", "(555) 010-0102"]
    preview.filter_buttons[Show.FLAGGED].click()
    assert preview.proxy.rowCount() == 1
    assert preview.proxy.index(0, 6).data() == "needs an ICD-10 code"
    assert preview.problems_model.rowCount() == 3
    assert preview.tabs.tabText(1) == "Re&fused rows (2)"


def test_the_error_report_is_saved_as_csv(qtbot, tmp_path: Path) -> None:
    preview = ImportPreview()
    qtbot.addWidget(preview)
    preview.show_plan(PLAN, TODAY)
    path = tmp_path / "problems.csv"
    assert preview.save_report(path)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1] == ["row 5", "DOB", "13/45/1950", "is not a date"]
    assert "saved to" in preview.message.text()
    assert not preview.save_report(tmp_path)  # a folder: refused, said under the table
    assert "not a regular file" in preview.message.text()
