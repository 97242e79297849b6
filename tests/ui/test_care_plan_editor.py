"""The chart's care-plan tab: templates, editing, undo/redo, autosave, lock, finalize, history."""

from __future__ import annotations

from datetime import timedelta

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPlainTextEdit, QTreeWidget

from caredesk.services import care_plans
from caredesk.ui.careplan.editor import AUTOSAVE_MS, CarePlanEditor
from caredesk.ui.careplan.pdf_print import new_printer
from caredesk.ui.chart.patients_page import PatientsPage
from tests.ui.conftest import CANARY_FAMILY, CANARY_GIVEN, unlock_with
from tests.ui.test_patients_and_lock import visible_texts


def open_plan(qtbot, window, patient_id: int) -> CarePlanEditor:
    page = window.view.show_page(PatientsPage)
    assert page.select_patient(patient_id)
    qtbot.waitUntil(lambda: page.chart.patient_id == patient_id)
    page.chart.show_tab(page.chart.tab(CarePlanEditor))
    editor = page.chart.tab(CarePlanEditor)
    assert editor.patient_id == patient_id
    return editor


def tree_texts(tree: QTreeWidget) -> list[str]:
    out = []
    root = tree.invisibleRootItem()
    for i in range(root.childCount()):
        top = root.child(i)
        out.append(top.text(0))
        out += [top.child(j).text(0) for j in range(top.childCount())]
    return out


def test_template_menu_suggests_the_patients_conditions(unlocked, canary_store, qtbot):
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    actions = [a for a in editor.template_menu.actions() if not a.isSeparator()]
    texts = [a.text() for a in actions]
    assert texts[0] == "Blank problem (write your own)"  # issue 12: a problem with no template
    assert set(texts[1:3]) == {"High blood pressure — suggested for I11.9", "Type 2 diabetes — suggested for E11.9"}
    assert texts[3:6] == ["Heart failure", "COPD", "Depression"]
    assert {"Atrial fibrillation", "Chronic kidney disease", "Memory loss (dementia)", "High cholesterol"} <= set(texts)
    assert len(texts) == 15
    actions[0].trigger()
    assert editor.content.problems[-1].title == "" and editor.content.problems[-1].goals == ()
    assert tree_texts(editor.tree)[-1] == "Untitled problem"


def test_add_edit_undo_redo_and_autosave(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    editor = open_plan(qtbot, unlocked, pid)
    hypertension = next(a for a in editor.template_menu.actions() if a.text().startswith("High blood"))
    hypertension.trigger()
    assert editor.content.problems[0].title == "High blood pressure"
    assert editor.content.problems[0].condition_icd10 == "I11.9"
    assert "Goal: Home blood pressure — below 130/80 on most readings" in tree_texts(editor.tree)

    editor.select(("g", 0, 0))
    editor.form.g_target.selectAll()
    qtbot.keyClicks(editor.form.g_target, "below 140/90")
    assert editor.content.problems[0].goals[0].target == "below 140/90"
    assert "Goal: Home blood pressure — below 140/90" in tree_texts(editor.tree)
    assert editor.undo_stack.count() == 2  # the typing merged into one command

    editor.undo_action.trigger()
    assert editor.content.problems[0].goals[0].target == "below 130/80 on most readings"
    assert editor.form.g_target.text() == "below 130/80 on most readings"
    editor.redo_action.trigger()
    assert editor.form.g_target.text() == "below 140/90"

    # Autosave after the pause in typing, without any explicit save.
    qtbot.waitUntil(
        lambda: care_plans.get_draft(unlocked.workspace, pid).content == editor.content, timeout=AUTOSAVE_MS + 3000
    )
    editor.undo_action.trigger()
    editor.undo_action.trigger()
    assert editor.content.problems == ()
    assert editor.tree.topLevelItemCount() == 0


def test_ctrl_z_in_a_field_undoes_the_plan_edit(unlocked, canary_store, qtbot):
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    editor.add_from_template("diabetes", "E11.9")
    editor.select(("p", 0))
    editor.form.p_title.setFocus()
    qtbot.keyClicks(editor.form.p_title, " (new)")
    assert editor.content.problems[0].title == "Type 2 diabetes (new)"
    qtbot.keyClick(editor.form.p_title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.content.problems[0].title == "Type 2 diabetes"
    qtbot.keyClick(
        editor.form.p_title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert editor.content.problems[0].title == "Type 2 diabetes (new)"


def test_add_remove_and_reorder(unlocked, canary_store, qtbot):
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    editor.add_from_template("diabetes")
    editor.add_from_template("copd")
    assert [p.title for p in editor.content.problems] == ["Type 2 diabetes", "COPD"]
    editor.move_selected(-1)
    assert [p.title for p in editor.content.problems] == ["COPD", "Type 2 diabetes"]
    assert editor.selected_path() == ("p", 0)
    editor.add_goal()
    assert editor.selected_path() == ("g", 0, 2)
    qtbot.keyClicks(editor.form.g_measure, "Walking distance")
    assert editor.content.problems[0].goals[2].measure == "Walking distance"
    editor.remove_selected()
    assert len(editor.content.problems[0].goals) == 2
    editor.add_intervention()
    assert editor.selected_path() == ("i", 0, 3)
    editor.undo_stack.undo()
    editor.select(("p", 1))
    editor.remove_selected()
    assert [p.title for p in editor.content.problems] == ["COPD"]


def test_lock_saves_and_clears_then_the_draft_comes_back(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    editor = open_plan(qtbot, unlocked, pid)
    editor.add_from_template("hypertension", "I11.9")
    editor.select(("p", 0))
    editor.form.p_plain.setPlainText(f"{CANARY_GIVEN} {CANARY_FAMILY} worries about her pressure.")
    editor.sections.texts["barriers"].setPlainText(f"{CANARY_FAMILY} lives alone")
    unlocked.lock()  # well inside the debounce: the lock itself must save
    texts = visible_texts(unlocked) + [e.toPlainText() for e in unlocked.findChildren(QPlainTextEdit)]
    texts += [editor.tree.topLevelItem(i).text(0) for i in range(editor.tree.topLevelItemCount())]
    texts += [a.text() for a in editor.template_menu.actions()]
    assert not [t for t in texts if CANARY_FAMILY in t or "I11.9" in t]

    unlock_with(qtbot, unlocked)
    page = unlocked.view.show_page(PatientsPage)
    qtbot.waitUntil(lambda: page.chart.patient_id == pid)  # the selection is restored
    editor = page.chart.tab(CarePlanEditor)
    assert editor.content.problems[0].title == "High blood pressure"
    assert editor.content.barriers == f"{CANARY_FAMILY} lives alone"
    assert CANARY_GIVEN in editor.form.p_plain.toPlainText()


def test_opening_another_patient_saves_the_draft(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    editor = open_plan(qtbot, unlocked, pid)
    editor.add_from_template("depression")
    open_plan(qtbot, unlocked, canary_store["Abbott"])
    assert editor.content.problems == ()
    assert care_plans.get_draft(unlocked.workspace, pid).content.problems[0].title == "Depression"


def test_finalize_refuses_then_finalizes_and_shows_history(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    editor = open_plan(qtbot, unlocked, pid)
    history = editor.history
    history.finalize_button.click()
    problems = [history.problems.item(i).text() for i in range(history.problems.count())]
    assert not history.problems.isHidden()
    assert any("add at least one problem" in p for p in problems)
    assert any("Next review date" in p for p in problems)

    editor.add_from_template("hypertension", "I11.9")
    editor.sections.next_review.set_value(unlocked.workspace.today() + timedelta(days=90))
    history.finalize_button.click()
    assert history.message.text() == "Version 1 finalized."
    assert history.problems.count() == 0
    assert history.versions.count() == 2  # the draft, then version 1
    assert history.versions.item(0).text() == "Draft · the same as version 1"
    assert history.versions.item(1).text().startswith("Version 1 · ")
    assert "copy not given yet" in history.versions.item(1).text()
    assert history.versions.currentRow() == 1  # the new version is shown

    editor.select(("g", 0, 0))
    editor.form.g_target.setText("below 140/90")
    history.finalize_button.click()
    assert history.message.text() == "Version 2 finalized."
    assert history.versions.item(1).text().startswith("Version 2 · ")
    diff = [history.diff.item(i).text() for i in range(history.diff.count())]
    assert diff and any("below 140/90" in line for line in diff)
    history.versions.setCurrentRow(2)
    assert "first version" in history.diff_title.text()

    history.finalize_button.click()  # nothing changed since version 2
    assert any("nothing changed" in history.problems.item(i).text() for i in range(history.problems.count()))
    assert len(care_plans.versions(unlocked.workspace, pid)) == 2


def test_preview_save_print_and_record_copy_given(unlocked, canary_store, qtbot, tmp_path):
    pid = canary_store["canary"]
    editor = open_plan(qtbot, unlocked, pid)
    history = editor.history
    assert not history.copy.print_button.isEnabled()  # no version yet
    # ... and no "Given on" row: its disabled date field showed Qt's 01/01/2000 (a fresh tester)
    assert history.copy.given_on.isHidden() and history.copy.given_label.isHidden()
    editor.add_from_template("diabetes", "E11.9")
    today = unlocked.workspace.today()
    editor.sections.next_review.set_value(today + timedelta(days=60))
    history.finalize_button.click()
    assert history.message.text() == "Version 1 finalized."

    copy = history.copy
    assert not copy.given_on.isHidden() and copy.given_on.date().toPython() == today
    copy.large_print.setChecked(True)
    copy.print_button.click()
    preview = copy.preview
    assert preview is not None and preview.isVisible() and preview.large_print.isChecked()
    large_pages = preview.pdf.page_count
    assert preview.pages.text() == f"{large_pages} page{'s' if large_pages != 1 else ''}"
    preview.large_print.setChecked(False)  # re-rendered at 13 pt: never more pages than large print
    assert preview.pdf.page_count <= large_pages and len(preview.view.page_rects()) == preview.pdf.page_count

    out = tmp_path / "copy.pdf"
    assert preview.save_to(out)
    assert out.read_bytes() == preview.data  # what was on screen is what was saved
    assert preview.message.text() == "Saved as copy.pdf."
    assert copy.message.text().startswith("Version 1 saved. Record the copy as given below")
    assert not preview.save_to(tmp_path / "missing-folder" / "copy.pdf")
    assert preview.message.text().startswith("Cannot write")

    broken = new_printer()  # a file that cannot be written: a message naming it, no audit line
    broken.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    broken.setOutputFileName(str(tmp_path / "missing-folder" / "p.pdf"))
    assert not preview.print_to(broken)
    assert preview.message.text().startswith(f"Cannot write {tmp_path / 'missing-folder' / 'p.pdf'}")

    printed = tmp_path / "printed.pdf"
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    assert preview.print_to(printer)
    assert printed.read_bytes() == preview.data  # printed to a file: the copy's own PDF, as Save as PDF writes
    assert preview.message.text() == "Printed to printed.pdf."
    with unlocked.workspace.uow() as uow:
        how = [e.detail for e in uow.audit_log.all() if e.action == "printed"]
    assert how == ["saved as PDF", "printed to a PDF file"]
    preview.reject()
    assert preview.pdf.page_count == 0 and preview.data == b""  # closing drops the patient's PDF from memory
    qtbot.waitUntil(lambda: copy.preview is None)

    copy.given_on.setDate(copy.given_on.date().addDays(1))  # tomorrow: refused inline
    copy.given_button.click()
    assert "future" in copy.message.text()
    copy.given_on.setDate(copy.given_on.date().addDays(-1))
    copy.method.setCurrentText("mail")
    copy.given_button.click()
    assert copy.message.text() == "Copy of version 1 recorded as given."
    assert f"copy given {today.strftime('%m/%d/%Y')} (mail)" in history.versions.item(1).text()
    assert not copy.given_button.isEnabled()  # once per version
    assert care_plans.versions(unlocked.workspace, pid)[0].given_method.value == "mail"


def test_a_goal_date_can_be_unset_and_the_undo_button_stays_short(unlocked, canary_store, qtbot):
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    assert not editor.undo_action.isEnabled()
    editor.add_from_template("copd")
    assert editor.undo_action.isEnabled() and editor.undo_action.text() == "&Undo"
    assert "add problem COPD" in editor.undo_action.toolTip()
    editor.select(("g", 0, 1))
    editor.form.g_date.set_value(None)  # "Not set": finalize will then name this goal
    assert editor.content.problems[0].goals[1].target_date is None
    editor.form.g_status.setCurrentText("met")
    assert editor.content.problems[0].goals[1].status.value == "met"
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert editor.content.problems[0].goals[1].target_date is not None


def test_closing_the_app_mid_edit_keeps_the_draft(make_window, canary_store, qtbot):
    pid = canary_store["canary"]
    window = make_window()
    unlock_with(qtbot, window)
    editor = open_plan(qtbot, window, pid)
    editor.add_from_template("heart failure")
    editor.select(("p", 0))
    qtbot.keyClicks(editor.form.p_title, " with low EF")
    window.close()  # inside the 1.5 s debounce

    again = make_window()
    unlock_with(qtbot, again)
    editor = open_plan(qtbot, again, pid)
    assert editor.content.problems[0].title == "Heart failure with low EF"
    assert editor.tree.topLevelItem(0).text(0) == "Heart failure with low EF"


def test_print_goes_through_the_print_dialog(unlocked, canary_store, qtbot, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication

    pid = canary_store["canary"]
    editor = open_plan(qtbot, unlocked, pid)
    editor.add_from_template("hypertension")
    editor.sections.next_review.set_value(unlocked.workspace.today() + timedelta(days=30))
    editor.history.finalize_button.click()
    preview = editor.history.copy.open_preview()
    out = tmp_path / "via-dialog.pdf"

    papers = []

    def file_printer(paper):  # no printer is installed here: Qt's dialog then offers "print to file"
        printer = new_printer(paper)
        printer.setOutputFileName(str(out))
        papers.append((paper, printer.pageLayout().pageSize().id()))
        return printer

    preview.printer_factory = file_printer
    seen = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        if isinstance(dialog, QPrintDialog):
            dialog.accept()
        elif dialog is not None:
            dialog.reject()

    QTimer.singleShot(50, answer)
    preview.print_with_dialog()
    assert isinstance(seen[0], QPrintDialog) and seen[0].windowTitle() == "Print the patient's copy"
    assert preview.message.text() == "Printed to via-dialog.pdf."
    # A fresh tester's "Print to File" was A4, 300 dpi page images (1.6 MB, no text, no fonts), 0644:
    # now the copy's own pages, on its Letter paper, its text there to read, the user's alone.
    assert papers == [(preview.pdf.page_size(0), QPageSize.PageSizeId.Letter)]
    pages = PdfReader(out).pages
    assert len(pages) == preview.pdf.page_count and not any(page.images for page in pages)
    assert {(page.mediabox.width, page.mediabox.height) for page in pages} == {(612, 792)}
    assert "My care plan" in pages[0].extract_text()
    assert out.stat().st_mode & 0o777 == 0o600


def test_the_draft_row_reviews_what_finalizing_would_change_and_can_start_again(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    editor = open_plan(qtbot, unlocked, pid)
    history = editor.history
    editor.add_from_template("hypertension")
    editor.inner.setCurrentWidget(history)  # the tab shows the draft as it is now
    assert history.versions.item(0).text() == "Draft · not finalized yet"
    assert history.versions.currentRow() == 0 and history.revert_button.isHidden()
    assert not history.copy.print_button.isEnabled()  # a draft is never printed for the patient
    editor.sections.next_review.set_value(unlocked.workspace.today() + timedelta(days=60))
    history.finalize_button.click()

    editor.inner.setCurrentIndex(0)
    editor.add_from_template("copd")
    editor.select(("g", 0, 0))
    editor.form.g_target.setText("below 135/85")
    editor.inner.setCurrentWidget(history)
    assert history.versions.item(0).text() == "Draft · 2 changes since version 1"
    history.versions.setCurrentRow(0)
    lines = [history.diff.item(i).text() for i in range(history.diff.count())]
    assert "Problem 'COPD' added" in lines and any("below 135/85" in line for line in lines)
    assert history.diff_title.text() == "What finalizing this draft would change from version 1"

    assert history.revert_button.isVisible()
    history.revert_button.click()
    assert [p.title for p in editor.content.problems] == ["High blood pressure"]
    assert (
        care_plans.get_draft(unlocked.workspace, pid).content == care_plans.versions(unlocked.workspace, pid)[0].content
    )
    assert history.versions.item(0).text() == "Draft · the same as version 1"
    assert history.message.text().startswith("The draft is version 1 again.")
    editor.undo_stack.undo()  # the changes come back
    assert [p.title for p in editor.content.problems] == ["High blood pressure", "COPD"]


def test_a_copy_with_no_number_to_call_is_warned_about_at_finalize_and_before_printing(unlocked, canary_store, qtbot):
    """A fresh tester's copy went out with no phone number at all ("Call my doctor's office and ask
    for my care manager", "The number on your appointment card"): Practice details were empty and
    nothing said so. A warning, not a refusal: the version is finalized and the copy can still go."""
    from caredesk.domain.practice import PracticeProfile
    from caredesk.services import clinical, practice

    pid = canary_store["Young"]
    ws = unlocked.workspace
    assert not any(m.phone for m in clinical.record(ws, pid).care_team)
    practice.save_profile(ws, PracticeProfile(care_manager_name="Ana Ruiz", care_manager_credentials="RN"))
    editor = open_plan(qtbot, unlocked, pid)
    editor.add_from_template("hypertension")
    editor.sections.next_review.set_value(ws.today() + timedelta(days=30))
    history = editor.history
    history.finalize_button.click()
    warned = (
        "Version 1 finalized. The patient's copy has no phone number for the doctor's office or the care manager. "
        "Set Practice phone (and Your direct phone, if patients may call you) in File > Practice details… "
        "before the copy goes out."
    )
    assert history.message.text() == warned and history.message.property("role") == "warning"
    assert care_plans.versions(ws, pid)[0].number == 1
    preview = history.copy.open_preview()
    assert preview.message.text().startswith("The patient's copy has no phone number for the doctor's office")
    assert preview.print_button.isEnabled() and preview.save_button.isEnabled()  # warned, not blocked
    preview.reject()

    # The care manager's direct line alone still leaves the office without a number: said, without
    # asking for the direct line again.
    practice.save_profile(ws, PracticeProfile(care_manager_name="Ana Ruiz", care_manager_phone="(312) 555-0100"))
    preview = history.copy.open_preview()
    assert preview.message.text().endswith("Set Practice phone in File > Practice details… before the copy goes out.")
    preview.reject()
    practice.save_profile(ws, PracticeProfile(care_manager_name="Ana Ruiz", practice_phone="(312) 555-0199"))
    preview = history.copy.open_preview()
    assert preview.message.text() == ""  # the office's number prints: nothing to say
    preview.reject()
