"""File > Community resources through its real widgets over a real store (issue 10, item 5):
entered in the app, searchable by need, importable from a CSV file with nothing partial
(SPEC section 7, Interchange: "row-level errors, and nothing partial").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.domain.community import Need
from caredesk.services import community as directory
from caredesk.ui.chart.resource_directory import ResourceDirectory
from caredesk.ui.chart.resource_form import ResourceDialog


@pytest.fixture
def dialog(qtbot, workspace) -> ResourceDirectory:
    directory.add_resource(
        workspace,
        name="Riverside Food Pantry",
        needs="food",
        phone="(555) 010-2000",
        address="12 Fictional Elm Street, Demoville",
        eligibility="County residents",
    )
    directory.add_resource(workspace, name="Metro Ride Line", needs="transportation;other", hours="Daily 6-22")
    widget = ResourceDirectory(workspace)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def form_of(parent) -> ResourceDialog:
    shown = [d for d in parent.findChildren(ResourceDialog) if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


def test_the_directory_lists_resources_by_name_and_filters_by_name_and_need(dialog):
    assert cells(dialog.table) == [
        ["Metro Ride Line", "Transportation, Other", "—", "Daily 6-22", "yes"],
        ["Riverside Food Pantry", "Food", "(555) 010-2000", "—", "yes"],
    ]
    assert dialog.count.text() == "Showing 2 of 2 resources."
    dialog.need.setCurrentIndex(dialog.need.findText("Food"))
    assert [r[0] for r in cells(dialog.table)] == ["Riverside Food Pantry"]
    dialog.need.setCurrentIndex(0)  # All needs
    dialog.search.setText("metro")
    assert [r[0] for r in cells(dialog.table)] == ["Metro Ride Line"]
    dialog.search.setText("river")
    assert dialog.detail.text() == "Address: 12 Fictional Elm Street, Demoville\nEligibility: County residents"


def test_the_search_box_ignores_accents_and_case_as_the_patient_search_does(dialog, workspace):
    directory.add_resource(workspace, name="Café Comunitario Ñandú", needs="food")
    dialog.load()  # as after the hub's change set
    dialog.search.setText("CAFE nandu")
    assert [r[0] for r in cells(dialog.table)] == ["Café Comunitario Ñandú"]


def test_a_resource_added_with_the_keyboard_is_listed(dialog, qtbot, workspace):
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # &Add…
    qtbot.waitUntil(lambda: any(d.isVisible() for d in dialog.findChildren(ResourceDialog)))
    form = form_of(dialog)
    form.activateWindow()
    qtbot.waitUntil(lambda: form.name.hasFocus())
    qtbot.keyClicks(form.name, "Eastside Utility Help")
    qtbot.keyClick(form.name, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.needs
    for _ in range(3):  # housing, food, transportation, then utilities
        qtbot.keyClick(form.needs, Qt.Key.Key_Down)
    qtbot.keyClick(form.needs, Qt.Key.Key_Space)
    assert form.needs.checked() == [Need.UTILITIES]
    qtbot.keyClick(form.needs, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.phone, "555.010.3300")
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert ["Eastside Utility Help", "Utilities", "555.010.3300", "—", "yes"] in cells(dialog.table)
    assert dialog.message.text() == "Saved Eastside Utility Help."
    assert [r.name for r in directory.resources(workspace, need="utilities")] == ["Eastside Utility Help"]


def test_a_bad_resource_is_named_and_nothing_is_saved(dialog, qtbot, workspace):
    form = dialog.add_resource()
    form.name.setText("Harbor Shelter")
    form.save_button.click()
    assert form.message.text() == f"Needs at least one is required ({', '.join(n.label for n in Need)})."
    form.needs.item(0).setCheckState(Qt.CheckState.Checked)  # housing
    form.phone.setText("12")
    form.save_button.click()
    assert form.message.text() == "Phone: 12 is not a phone number; type all 10 digits."
    assert form.focusWidget() is form.phone
    assert [r.name for r in directory.resources(workspace, include_inactive=True)] == [
        "Metro Ride Line",
        "Riverside Food Pantry",
    ]
    form.reject()


def test_an_inactive_resource_leaves_the_list_until_asked_for(dialog, qtbot, workspace):
    dialog.table.select_id(next(r.id for r in directory.resources(workspace) if r.name == "Metro Ride Line"))
    form = dialog.edit_resource()
    assert form is not None and form.name.text() == "Metro Ride Line"
    assert form.needs.checked() == [Need.TRANSPORTATION, Need.OTHER]
    form.active.setChecked(False)
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())
    # Saved inactive, it stays in view (the list shows inactive ones now), muted.
    assert dialog.inactive.isChecked()
    assert ["Metro Ride Line", "Transportation, Other", "—", "Daily 6-22", "no"] in cells(dialog.table)
    dialog.inactive.setChecked(False)
    assert [r[0] for r in cells(dialog.table)] == ["Riverside Food Pantry"]
    assert dialog.count.text() == "Showing 1 of 2 resources (1 inactive)."
    assert [r.name for r in directory.resources(workspace)] == ["Riverside Food Pantry"]


def test_a_csv_import_adds_every_row_and_says_how_many(dialog, qtbot, workspace, tmp_path: Path):
    csv = tmp_path / "resources.csv"
    csv.write_text(
        "Name,Needs,Phone,Hours\n"
        "Harbor Shelter,housing,(555) 010-4000,24/7\n"
        '"County Senior Rides","transportation;other",555-010-4100,Mon-Fri 8-4\n',
        encoding="utf-8",
    )
    dialog.import_file(csv)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Imported"))
    assert dialog.message.text() == "Imported 2 resources."
    assert [r[0] for r in cells(dialog.table)] == [
        "County Senior Rides",
        "Harbor Shelter",
        "Metro Ride Line",
        "Riverside Food Pantry",
    ]
    assert not dialog.problems.isVisible()


def test_a_csv_with_bad_rows_imports_nothing_and_lists_each_bad_row(dialog, qtbot, workspace, tmp_path: Path):
    csv = tmp_path / "resources.csv"
    csv.write_text(
        "name,needs,phone\n"
        "Harbor Shelter,housing,(555) 010-4000\n"
        "Bad Phone Place,food,12\n"
        "No Need Center,,555-010-4200\n",
        encoding="utf-8",
    )
    dialog.import_file(csv)
    qtbot.waitUntil(lambda: dialog.problems.isVisible())
    assert dialog.message.text() == (
        "Nothing imported from resources.csv: 2 rows need correcting. Fix them in the file and import it again."
    )
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert problems == [
        "Row 3: phone: 12 is not a phone number; type all 10 digits",
        f"Row 4: needs at least one is required ({', '.join(n.label for n in Need)})",
    ]
    assert [r.name for r in directory.resources(workspace, include_inactive=True)] == [
        "Metro Ride Line",
        "Riverside Food Pantry",
    ]  # not even the good row
    assert dialog.import_button.isEnabled()


def test_ctrl_shift_r_opens_the_directory_from_the_main_window(unlocked, qtbot):
    window = unlocked
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.resources_action.isEnabled()
    qtbot.keyClick(
        QApplication.focusWidget() or window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ResourceDirectory)))
    (shown,) = [d for d in window.findChildren(ResourceDirectory) if d.isVisible()]
    assert shown.empty.isVisible() and shown.empty.text().startswith("No community resources yet")
    shown.reject()
    window.lock()
    assert not window.resources_action.isEnabled()
