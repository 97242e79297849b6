"""Print all due care plans: the list, a print job and a folder in the background, cancel, lock, record as given.
Also the Edit menu's undo/redo for the care plan."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton
from shiboken6 import isValid

from caredesk.domain.careplan import GivenMethod
from caredesk.domain.careplan_templates import problem_from_template
from caredesk.services import care_plans, plan_printing
from caredesk.ui.careplan.pdf_print import new_printer
from tests.ui.conftest import CANARY_FAMILY, CANARY_MRN
from tests.ui.test_care_plan_editor import open_plan


def finalize_some(window, ids: dict[str, int]) -> None:
    """Plans for the canary, Abbott, Baker (paused) and Young; Young's copy already given."""
    ws = window.workspace
    today = ws.today()
    for key in ("canary", "Abbott", "Baker", "Young"):
        content = care_plans.CarePlanContent(
            problems=(problem_from_template("hypertension", today),), next_review=date(2027, 2, 1)
        )
        care_plans.save_draft(ws, ids[key], content)
        care_plans.finalize(ws, ids[key], "Nurse Kim")
    care_plans.record_copy_given(ws, ids["Young"], 1, today, GivenMethod.IN_PERSON)


def file_printer(path) -> QPrinter:
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def printed_audit(ws) -> list[str]:
    with ws.uow() as uow:
        return [e.detail for e in uow.audit_log.all() if e.action == "printed"]


def test_due_plans_print_as_one_job_then_are_recorded_as_mailed(unlocked, canary_store, qtbot, tmp_path):
    finalize_some(unlocked, canary_store)
    editor = open_plan(qtbot, unlocked, canary_store["Abbott"])  # an open chart follows the batch's record
    assert "copy not given yet" in editor.history.versions.item(1).text()
    assert unlocked.due_plans_action.isEnabled()
    dialog = unlocked.print_due_plans()
    assert dialog.isVisible()
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert [line.split(" · ")[0] for line in lines] == [
        "Abbott, Grace",
        "Baker, Henry",
        f"{CANARY_FAMILY}, {lines[2].split(', ')[1].split(' · ')[0]}",
    ]
    assert all("version 1, finalized" in line for line in lines)
    assert dialog.intro.text().startswith("3 patients have a finalized care plan")

    out = tmp_path / "job.pdf"
    dialog.print_to(file_printer(out))
    qtbot.waitUntil(lambda: not dialog.tasks.busy, timeout=20_000)
    assert dialog.message.text() == "3 care plans printed to job.pdf."
    # One job: every page of every plan (single-sided, so no blank backs), a PDF file of the plans'
    # own pages (their text, no page images), the user's alone.
    expected = sum(
        len(
            PdfReader(
                __import__("io").BytesIO(plan_printing.render(unlocked.workspace, c.version, large_print=False))
            ).pages
        )
        for c in dialog.copies
    )
    pages = PdfReader(out).pages
    assert len(pages) == expected and not any(page.images for page in pages)
    assert "My care plan" in pages[0].extract_text() and out.stat().st_mode & 0o777 == 0o600
    assert printed_audit(unlocked.workspace) == ["printed to a PDF file"] * 3

    assert dialog.record_row.isVisible() and dialog.record_label.text() == "Record these 3 copies as given on"
    assert dialog.method.currentText() == "mail"
    dialog.record_button.click()
    assert dialog.message.text() == "Recorded 3 copies as given (mail, 11/24/2026)."
    assert plan_printing.due_copies(unlocked.workspace) == [] and dialog.list.count() == 0
    assert dialog.intro.text().startswith("Every finalized care plan has been given")
    assert not dialog.start_button.isEnabled()
    assert "copy given 11/24/2026 (mail)" in editor.history.versions.item(1).text()


def test_due_plans_saved_into_a_folder_in_large_print(unlocked, canary_store, qtbot, tmp_path):
    finalize_some(unlocked, canary_store)
    dialog = unlocked.print_due_plans()
    dialog.to_folder.setChecked(True)
    assert dialog.start_button.text() == "Save…"
    dialog.large_print.setChecked(True)
    dialog.save_to_folder(tmp_path / "plans")
    qtbot.waitUntil(lambda: not dialog.tasks.busy, timeout=20_000)
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == [
        "MRN20002-v1.pdf",
        "MRN20003-v1.pdf",
        f"{CANARY_MRN}-v1.pdf",
    ]
    assert dialog.message.text() == f"3 care plans saved in {tmp_path / 'plans'}."
    assert printed_audit(unlocked.workspace) == ["saved as PDF, large print"] * 3
    assert CANARY_FAMILY not in " ".join(p.name for p in (tmp_path / "plans").iterdir())


def test_a_plan_past_its_review_date_is_warned_and_unticked_and_any_can_be_left_out(
    unlocked, canary_store, qtbot, tmp_path, clock
):
    """Issue 12: plans promising a review "by March 3, 2026" went out in November without a word.
    Now each is named with its passed review date and left unticked; the care manager chooses."""
    finalize_some(unlocked, canary_store)
    ws = unlocked.workspace
    stale = care_plans.CarePlanContent(
        problems=(problem_from_template("hypertension", ws.today()),), next_review=date(2026, 11, 30)
    )
    care_plans.save_draft(ws, canary_store["Baker"], stale)
    care_plans.finalize(ws, canary_store["Baker"], "Nurse Kim")  # version 2, review by 11/30
    clock.advance(days=7)  # Tuesday 12/01: that review date has passed
    dialog = unlocked.print_due_plans()
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    baker = next(i for i, line in enumerate(lines) if line.startswith("Baker"))
    assert lines[baker].endswith(" · review date 11/30/2026 has passed")
    assert dialog.list.item(baker).checkState() == Qt.CheckState.Unchecked
    assert "1 is past the review date the copy promises: it is not ticked" in dialog.intro.text()
    abbott = next(i for i, line in enumerate(lines) if line.startswith("Abbott"))
    dialog.list.item(abbott).setCheckState(Qt.CheckState.Unchecked)  # left out by choice
    dialog.save_to_folder(tmp_path / "plans")
    qtbot.waitUntil(lambda: not dialog.tasks.busy, timeout=20_000)
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == [f"{CANARY_MRN}-v1.pdf"]
    for i in range(dialog.list.count()):
        dialog.list.item(i).setCheckState(Qt.CheckState.Unchecked)
    assert not dialog.start_button.isEnabled()  # nothing ticked, nothing to send


def test_cancel_stops_between_plans_and_offers_to_record_only_what_went_out(unlocked, canary_store, qtbot, tmp_path):
    finalize_some(unlocked, canary_store)
    dialog = unlocked.print_due_plans()
    dialog.save_to_folder(tmp_path / "plans")
    dialog.progress.findChild(QPushButton).click()  # the progress dialog's Cancel
    qtbot.waitUntil(lambda: not dialog.tasks.busy, timeout=20_000)
    written = sorted(p.name for p in (tmp_path / "plans").iterdir())
    assert len(written) < 3 and len(dialog.sent) == len(written)
    assert dialog.message.text().startswith(f"Cancelled after {len(written)} of 3")
    assert dialog.record_row.isVisible() == bool(written)
    assert dialog.progress is None and dialog.start_button.isEnabled()  # can be started again


def test_lock_during_a_batch_stops_it_and_closes_the_dialog(unlocked, canary_store, qtbot, tmp_path):
    finalize_some(unlocked, canary_store)
    dialog = unlocked.print_due_plans()
    dialog.save_to_folder(tmp_path / "plans")
    unlocked.lock()
    assert unlocked.workspace is None and not dialog.isVisible() and not dialog.tasks.busy
    assert not unlocked.due_plans_action.isEnabled()
    qtbot.waitUntil(lambda: not isValid(dialog))  # closed and deleted; a late result has nobody to show it
    # At most the plan in progress at the lock was written, whole (never a .partial left behind).
    assert len(list((tmp_path / "plans").iterdir())) <= 1


def test_nothing_due_says_so(unlocked, canary_store):
    dialog = unlocked.print_due_plans()
    assert dialog.list.count() == 0 and not dialog.start_button.isEnabled()
    assert dialog.intro.text().startswith("Every finalized care plan has been given")


def test_edit_menu_undoes_and_redoes_the_care_plan_on_screen(unlocked, canary_store, qtbot):
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    unlocked.edit.update()
    assert not unlocked.edit.undo.isEnabled()
    editor.add_from_template("copd")
    unlocked.edit.update()
    assert unlocked.edit.undo.isEnabled() and unlocked.edit.undo.text() == "&Undo add problem COPD\tCtrl+Z"
    unlocked.edit.undo.trigger()
    assert editor.content.problems == ()
    unlocked.edit.update()
    assert unlocked.edit.redo.isEnabled() and not unlocked.edit.undo.isEnabled()
    unlocked.edit.redo.trigger()
    assert [p.title for p in editor.content.problems] == ["COPD"]
    from caredesk.ui.queue.page import QueuePage

    unlocked.view.show_page(QueuePage)  # the plan is off screen: the menu must not change it unseen
    unlocked.edit.update()
    assert not unlocked.edit.undo.isEnabled() and not unlocked.edit.redo.isEnabled()


def test_a_folder_chosen_after_the_dialog_closed_starts_nothing(unlocked, canary_store, tmp_path):
    """E.g. a native folder picker still open when the idle lock closed the dialog."""
    finalize_some(unlocked, canary_store)
    dialog = unlocked.print_due_plans()
    dialog.reject()
    dialog.save_to_folder(tmp_path / "plans")
    assert not dialog.tasks.busy and not (tmp_path / "plans").exists()


def test_recording_names_the_patient_when_one_copy_cannot_be_recorded(unlocked, canary_store, qtbot, tmp_path):
    finalize_some(unlocked, canary_store)
    dialog = unlocked.print_due_plans()
    dialog.save_to_folder(tmp_path / "plans")
    qtbot.waitUntil(lambda: not dialog.tasks.busy, timeout=20_000)
    dialog.given_on.setDate(dialog.given_on.date().addDays(-1))  # before the plans were finalized (today)
    dialog.record_button.click()
    assert dialog.message.text() == ("Copy given date cannot be before version 1 was finalized (MRN MRN20002).")
    assert len(plan_printing.due_copies(unlocked.workspace)) == 3  # nothing recorded
    assert dialog.record_button.isEnabled()  # the nurse can fix the date and try again
