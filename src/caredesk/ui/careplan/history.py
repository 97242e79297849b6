"""Finalizing the draft and the list of finalized versions with what each one changed.

The list starts with the draft itself: selecting it shows what finalizing would change,
the review a nurse wants before making a version, and offers to start the draft again
from the latest version (an undoable edit in the editor). What stops a finalize is a
list whose items go to what they name (click or Enter): the field to fill, or the
button that adds what is missing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from caredesk.domain.calendar import us_date
from caredesk.domain.careplan import CarePlanVersion
from caredesk.errors import CareDeskError
from caredesk.services import care_plans, plan_printing, practice
from caredesk.services.care_plans import FinalizeRefused
from caredesk.services.workspace import Workspace
from caredesk.ui.careplan.commands import Path
from caredesk.ui.careplan.copy_given import CopyPanel
from caredesk.ui.common.forms import InlineMessage, button, heading, user_message
from caredesk.ui.common.hub import publish

if TYPE_CHECKING:
    from caredesk.ui.careplan.editor import CarePlanEditor

log = logging.getLogger(__name__)

# "Problem 2 'High blood pressure', goal 1 'Home BP': needs a target" (careplan_rules' wording).
_WHERE = re.compile(r"^Problem (\d+)(?: '.*?')?(?:, (goal|intervention) (\d+)(?: '.*')?)?: (.+)$")
# What each refusal asks for: a field of the item's form, or the editor's button that adds it.
_FIELDS = {
    "needs a title": "form.p_title",
    "needs at least one goal": "add_goal_button",
    "needs at least one intervention": "add_action_button",
    "needs what is measured": "form.g_measure",
    "needs a target date": "form.g_date",
    "needs a target": "form.g_target",
    "needs an action": "form.i_action",
}


def locate(problem: str) -> tuple[Path | str | None, str] | None:
    """Where a finalize refusal points: (tree path, widget) with 0-based indices,
    ("sections", ...) for the next review date, (None, button) for "add a problem";
    None for what has no place to go (nothing changed since the last version)."""
    if problem.startswith("Next review date"):
        return "sections", "sections.next_review"
    if problem.startswith("Problems:"):
        return None, "add_problem_button"
    m = _WHERE.match(problem)
    if m is None or m[4] not in _FIELDS:
        return None
    p = int(m[1]) - 1
    path: Path = ("p", p) if m[2] is None else ("g" if m[2] == "goal" else "i", p, int(m[3]) - 1)
    return path, _FIELDS[m[4]]


def jump_to(editor: CarePlanEditor, problem: str) -> None:
    """Show and focus what a finalize refusal names."""
    target = locate(problem)
    if target is None:
        return
    where, name = target
    editor.inner.setCurrentIndex(1 if where == "sections" else 0)
    if isinstance(where, tuple):
        editor.select(where)
    widget: object = editor
    for part in name.split("."):
        widget = getattr(widget, part)
    if isinstance(widget, QWidget):
        widget.setFocus(Qt.FocusReason.OtherFocusReason)


def version_line(v: CarePlanVersion, tz: tzinfo) -> str:
    when = us_date(v.finalized_at.astimezone(tz).date())
    given = (
        f"copy given {us_date(v.given_on)} ({v.given_method.value})"
        if v.given_on is not None and v.given_method is not None
        else "copy not given yet"
    )
    return f"Version {v.number} · {when} by {v.finalized_by} · {given}"


def _list(name: str) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setWordWrap(True)
    widget.setSpacing(2)  # wrapped lines of one item, then a gap before the next
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return widget


DRAFT = 0  # the list row's number for the draft; versions count from 1


class HistoryPanel(QWidget):
    finalized = Signal(int)  # the new version's number
    problem_activated = Signal(str)  # a refusal in the list was clicked or Entered: go to it
    revert_requested = Signal(int)  # start the draft again from this version

    def __init__(self, save_draft_now: Callable[[], bool], parent: QWidget | None = None):
        super().__init__(parent)
        self._save_draft_now = save_draft_now  # finalize reads the stored draft, so save first
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self._versions: list[CarePlanVersion] = []
        self._draft_changes: list[str] = []

        self.finalize_button = button("Finali&ze version", "Finalize care plan version", primary=True)  # Alt+F is File
        self.finalize_button.clicked.connect(self.finalize)
        self.message = InlineMessage("Finalize result")
        self.problems = _list("What must be fixed before finalizing")
        self.problems.setToolTip("Click an item, or press Enter on it, to go to what it names")
        self.problems.itemActivated.connect(lambda item: self.problem_activated.emit(item.text()))
        self.problems.itemClicked.connect(lambda item: self.problem_activated.emit(item.text()))
        self.problems.hide()
        self.versions = _list("Finalized versions")
        self.versions.currentRowChanged.connect(self._show_diff)
        self.copy = CopyPanel()
        self.copy.recorded.connect(self._copy_recorded)
        self.diff_title = heading("", "section")
        self.diff = _list("What changed in this version")
        self.diff.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.revert_button = button(
            "&Start again from the latest version", "Discard the draft's changes (undo brings them back)"
        )
        self.revert_button.clicked.connect(self._revert_to_latest)
        self.revert_button.hide()

        top = QHBoxLayout()
        top.addWidget(self.finalize_button)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.message)
        lay.addWidget(self.problems)
        lay.addWidget(heading("Versions", "section"))
        lay.addWidget(self.versions, 1)
        lay.addWidget(self.copy)
        lay.addWidget(self.diff_title)
        lay.addWidget(self.diff, 2)
        revert_row = QHBoxLayout()
        revert_row.addWidget(self.revert_button)
        revert_row.addStretch(1)
        lay.addLayout(revert_row)

    def load(self, ws: Workspace, patient_id: int) -> None:
        self.ws, self.patient_id = ws, patient_id
        self.message.clear()
        self._set_problems([])
        self._reload()

    def refresh(self) -> None:
        """Read the draft and the versions again, keeping the selected row's version
        (the draft was edited, or a batch elsewhere recorded copies as given)."""
        if self.ws is not None and self.patient_id is not None:
            item = self.versions.currentItem()
            self._reload(item.data(Qt.ItemDataRole.UserRole) if item is not None else None)

    def _reload(self, select: int | None = None) -> None:
        """The draft row, then the versions newest first; `select` is a version number or DRAFT
        (default: the newest version, else the draft)."""
        assert self.ws is not None and self.patient_id is not None
        try:
            self._versions = care_plans.versions(self.ws, self.patient_id)
        except CareDeskError as exc:
            self._versions = []
            self.message.show_error(user_message(exc))
        self._draft_changes = self._read_draft_changes()
        self.versions.blockSignals(True)  # one _show_diff at the end, not one per row
        self.versions.clear()
        draft = QListWidgetItem(self._draft_line())
        draft.setData(Qt.ItemDataRole.UserRole, DRAFT)
        self.versions.addItem(draft)
        for v in reversed(self._versions):  # newest first: that is the one asked about
            item = QListWidgetItem(version_line(v, self.ws.tz))
            item.setData(Qt.ItemDataRole.UserRole, v.number)
            self.versions.addItem(item)
        if select is None or not any(v.number == select for v in self._versions):
            select = self._versions[-1].number if self._versions and select is None else DRAFT
        row = 0 if select == DRAFT else len(self._versions) - select + 1
        self.versions.setCurrentRow(row)
        self.versions.blockSignals(False)
        self._show_diff(row)

    def _read_draft_changes(self) -> list[str]:
        # What finalizing would change; the draft is read from the store, so save it first.
        if self.ws is None or self.patient_id is None or not self._save_draft_now():
            return []
        try:
            return care_plans.draft_changes(self.ws, self.patient_id)
        except CareDeskError as exc:
            return [user_message(exc)]

    def _draft_line(self) -> str:
        n = len(self._draft_changes)
        if not self._versions:
            return "Draft · not finalized yet"
        latest = self._versions[-1].number
        if n == 0:
            return f"Draft · the same as version {latest}"
        return f"Draft · {n} change{'s' if n != 1 else ''} since version {latest}"

    def _show_diff(self, row: int) -> None:
        self.diff.clear()
        self.revert_button.hide()
        if row < 0 or self.ws is None or self.patient_id is None:
            self.copy.set_version(None, None, None)
            return
        number = self.versions.item(row).data(Qt.ItemDataRole.UserRole)
        if number == DRAFT:  # only finalized versions are printed for the patient
            self.copy.set_version(None, None, None)
            if self._versions:
                self.diff_title.setText(
                    f"What finalizing this draft would change from version {self._versions[-1].number}"
                )
                self.revert_button.setVisible(bool(self._draft_changes))
            else:
                self.diff_title.setText("No finalized version yet: finalizing makes this draft version 1.")
            self.diff.addItems(self._draft_changes or ["No changes."])
            return
        self.copy.set_version(self.ws, self.patient_id, next(v for v in self._versions if v.number == number))
        if number == 1:
            self.diff_title.setText("Version 1 is the first version: nothing to compare with.")
            return
        self.diff_title.setText(f"What changed from version {number - 1} to version {number}")
        try:
            lines = care_plans.version_diff(self.ws, self.patient_id, number - 1, number)
        except CareDeskError as exc:
            lines = [user_message(exc)]
        self.diff.addItems(lines or ["No changes."])

    def _revert_to_latest(self) -> None:
        if self._versions:
            self.revert_requested.emit(self._versions[-1].number)

    def _copy_recorded(self, number: int) -> None:
        self._reload(number)
        self.copy.message.show_info(f"Copy of version {number} recorded as given.")

    def _set_problems(self, problems: list[str]) -> None:
        self.problems.clear()
        self.problems.addItems(problems)
        self.problems.setVisible(bool(problems))

    def finalize(self) -> None:
        if self.ws is None or self.patient_id is None or not self._save_draft_now():
            return
        self._set_problems([])
        try:
            finalized = care_plans.finalize(self.ws, self.patient_id, practice.signature(self.ws))
        except FinalizeRefused as exc:
            self.message.show_error("The plan cannot be finalized yet. Fix these first (click one to go to it):")
            self._set_problems(exc.problems)
            self.problems.setCurrentRow(0)
            self.problems.setFocus(Qt.FocusReason.OtherFocusReason)  # arrows pick one, Enter goes there
            return
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        log.info("care plan version finalized")
        version = finalized.value
        publish(finalized.changes, self)
        try:  # a copy with no number to call is worth saying at once (a warning: the plan is finalized)
            warning = plan_printing.numbers_warning(self.ws, self.patient_id)
        except CareDeskError:
            warning = None
        if warning:
            self.message.show_warning(f"Version {version.number} finalized. {warning}")
        else:
            self.message.show_info(f"Version {version.number} finalized.")
        self._reload(version.number)
        self.finalized.emit(version.number)

    def clear(self) -> None:
        self.ws, self.patient_id, self._versions, self._draft_changes = None, None, [], []
        self.message.clear()
        self.revert_button.hide()
        self._set_problems([])
        self.versions.clear()
        self.diff.clear()
        self.diff_title.clear()
        self.copy.clear()
