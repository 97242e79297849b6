"""The chart's "Care plan" tab: the draft as a tree of problems, goals and interventions.

Every edit is a ContentCommand on a QUndoStack. The draft is saved 1.5 s after the last
change, and at once when the patient changes or the chart is cleared (lock, auto-lock,
closing), so a crash or a lock loses at most the last pause in typing.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.careplan import CarePlanContent, Goal, Intervention
from caredesk.domain.careplan_templates import BLANK, TEMPLATES, problem_from_template, template_for_icd10
from caredesk.domain.patients import Chart
from caredesk.errors import CareDeskError
from caredesk.services import care_plans
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.careplan import commands as edit
from caredesk.ui.careplan.commands import ContentCommand, MergeKey, Path
from caredesk.ui.careplan.fields import ItemForm, PlanUndoKeys, SectionsForm
from caredesk.ui.careplan.history import HistoryPanel, jump_to
from caredesk.ui.common.forms import InlineMessage, button, heading, user_message
from caredesk.ui.common.hub import hub

log = logging.getLogger(__name__)

AUTOSAVE_MS = 1500
PATH_ROLE = Qt.ItemDataRole.UserRole


def item_label(path: Path, item: Any) -> str:
    if path[0] == "p":
        code = f" ({item.condition_icd10})" if item.condition_icd10 else ""
        return (item.title or "Untitled problem") + code
    if path[0] == "g":
        return f"Goal: {item.measure or 'no measure'}" + (f" — {item.target}" if item.target else "")
    return f"Action: {item.action or 'no action'} ({item.owner.value})"


class CarePlanEditor(QWidget):
    """The chart's care-plan tab (a ChartTab: the shell hands it to the chart)."""

    tab_title = "Care plan"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Care plan editor")
        hub().changed.connect(self._changed)
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self.content = CarePlanContent()
        self._dirty = False
        self._filling = False
        self.undo_stack = QUndoStack(self)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(AUTOSAVE_MS)
        self._save_timer.timeout.connect(self.save_now)
        keys = PlanUndoKeys(self)

        # Own actions rather than QUndoStack.createUndoAction: that one puts the command's
        # text into the button ("Undo add problem High blood pressure") and crowds the row.
        self.undo_action = QAction("&Undo", self, enabled=False)
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = QAction("&Redo", self, enabled=False)
        self.redo_action.triggered.connect(self.undo_stack.redo)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda t: self.undo_action.setToolTip(f"Undo {t} (Ctrl+Z)"))
        self.undo_stack.redoTextChanged.connect(lambda t: self.redo_action.setToolTip(f"Redo {t} (Ctrl+Shift+Z)"))
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

        self.template_menu = QMenu(self)
        self.template_menu.triggered.connect(lambda a: self.add_from_template(*a.data()))
        self.add_problem_button = QToolButton()
        self.add_problem_button.setText("Add &problem ▾")
        # Qt's own menu arrow overlapped the text; the ▾ in the text says the same.
        self.add_problem_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.add_problem_button.setAccessibleName("Add problem from a template")
        self.add_problem_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_problem_button.setMenu(self.template_menu)
        self.add_goal_button = button("Add &goal")
        self.add_goal_button.clicked.connect(self.add_goal)
        self.add_action_button = button("Add &intervention")
        self.add_action_button.clicked.connect(self.add_intervention)
        self.remove_button = button("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button = button("Move &up")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = button("Move &down")
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        undo_button, redo_button = QToolButton(), QToolButton()
        undo_button.setDefaultAction(self.undo_action)
        redo_button.setDefaultAction(self.redo_action)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Problems, goals and interventions")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(self._selection_changed)
        self.message = InlineMessage("Care plan message")
        self.saved_note = heading("", "muted")
        self.saved_note.setAccessibleName("Draft save state")

        adds = QHBoxLayout()
        for w in (self.add_problem_button, self.add_goal_button, self.add_action_button):
            adds.addWidget(w)
        adds.addStretch(1)
        adds.addWidget(undo_button)
        adds.addWidget(redo_button)
        order = QHBoxLayout()
        for w in (self.remove_button, self.up_button, self.down_button):
            order.addWidget(w)
        order.addStretch(1)
        # Containers first, then what goes in them: a widget moved into a new parent has the
        # style sheet re-applied to it and all it holds, so each part is moved once (issue 14).
        self.inner = QTabWidget()
        self.inner.setAccessibleName("Care plan parts")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.message)
        lay.addWidget(self.inner, 1)
        lay.addWidget(self.saved_note)
        problems = QWidget()
        self.inner.addTab(problems, "Problems")
        pv = QVBoxLayout(problems)
        pv.addLayout(adds)
        # Tree above the form: the chart pane is often only ~60 characters wide.
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        pv.addWidget(split, 1)
        left = QWidget()
        split.addWidget(left)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.tree, 1)
        lv.addLayout(order)
        form_scroll = _scrolled()
        split.addWidget(form_scroll)
        self.form = ItemForm(keys, form_scroll)  # in its area before its fields are made
        self.form.changed.connect(self._item_edited)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        sections_scroll = _scrolled()
        self.inner.addTab(sections_scroll, "Sections")
        self.sections = SectionsForm(keys, sections_scroll)
        self.sections.changed.connect(self._section_edited)
        # Made in the inner tab widget's page stack, so addTab does not move it (see ChartView).
        stack = self.inner.findChild(
            QStackedWidget, "qt_tabwidget_stackedwidget", Qt.FindChildOption.FindDirectChildrenOnly
        )
        self.history = HistoryPanel(self.save_now, stack)
        self.history.revert_requested.connect(self.revert_to_version)
        self.history.problem_activated.connect(lambda problem: jump_to(self, problem))
        self.inner.addTab(self.history, "Finalize and versions")
        # The draft row's changes follow the edits made on the other tabs.
        self.inner.currentChanged.connect(self._inner_tab_changed)
        # The whole goal form without a scroll bar; the tree takes the rest. Measured once the
        # editor is assembled: measuring polishes the form, and every move of a polished
        # widget into a new parent re-applies the style sheet to all of it (issue 14).
        form_scroll.setMinimumHeight(self.form.sizeHint().height() + 4)
        self._update_buttons()

    # -- opening, saving, clearing ----------------------------------------------
    def open(self, ws: Workspace, chart: Chart) -> None:
        """Show this patient's draft (saving the previous patient's first)."""
        self.clear()
        assert chart.patient.id is not None
        try:
            draft = care_plans.get_draft(ws, chart.patient.id)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self.ws, self.patient_id = ws, chart.patient.id
        self._build_template_menu(chart)
        self._show(draft.content, ("p", 0) if draft.content.problems else None)
        self.history.load(ws, chart.patient.id)
        self.setEnabled(True)

    def _inner_tab_changed(self, index: int) -> None:
        if self.inner.widget(index) is self.history:
            self.history.refresh()

    def _changed(self, changes: Changes, source: object) -> None:
        """Copies recorded or a version finalized elsewhere (the due batch, another tab):
        the history shows it. The draft being edited is never reloaded under the user."""
        if source is self.history or source is self.history.copy or self.patient_id not in changes.patients:
            return
        if changes.touches(Kind.CARE_PLAN):
            self.history.refresh()

    def _build_template_menu(self, chart: Chart) -> None:
        # The patient's conditions suggest templates; those come first and link the code.
        suggested: dict[str, str] = {}
        for c in chart.conditions:
            key = template_for_icd10(c.icd10)
            if key is not None:
                suggested.setdefault(key, c.icd10)
        self.template_menu.clear()
        blank = QAction("Blank problem (write your own)", self.template_menu)
        blank.setData((BLANK, ""))
        self.template_menu.addAction(blank)
        self.template_menu.addSeparator()
        for key in sorted(TEMPLATES, key=lambda k: k not in suggested):
            code = suggested.get(key, "")
            text = TEMPLATES[key].title + (f" — suggested for {code}" if code else "")
            action = QAction(text, self.template_menu)
            action.setData((key, code))
            self.template_menu.addAction(action)

    def save_now(self) -> bool:
        """Write the draft if it changed; False (with a message) when the store refused."""
        self._save_timer.stop()
        if not self._dirty or self.ws is None or self.patient_id is None:
            return True
        try:
            care_plans.save_draft(self.ws, self.patient_id, self.content)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return False
        self._dirty = False
        self.saved_note.setText(f"Draft saved at {self.ws.clock.now().astimezone(self.ws.tz).strftime('%H:%M')}.")
        return True

    def clear(self) -> None:
        """Save pending edits, then drop every piece of the plan from the widgets."""
        if self.ws is not None and self.ws.is_open and not self.save_now():
            log.warning("care plan draft could not be saved before clearing")
        self._save_timer.stop()
        self.ws, self.patient_id, self._dirty = None, None, False
        self.undo_stack.clear()
        self.content = CarePlanContent()
        self.template_menu.clear()
        self.form.clear()
        self.sections.clear()
        self.tree.clear()
        self.history.clear()
        self.message.clear()
        self.saved_note.clear()
        self.setEnabled(False)

    # -- showing ---------------------------------------------------------------
    def apply_content(self, content: CarePlanContent, select: Path | None, refill: bool) -> None:
        """Called by ContentCommand on redo/undo: take the content and schedule the save."""
        if refill:
            self._show(content, select)
        else:
            self.content = content
            item = self._tree_item(select)
            if item is not None and select is not None:
                item.setText(0, item_label(select, edit.get_item(content, select)))
        self._dirty = True
        self.saved_note.setText("Unsaved changes…")
        self._save_timer.start()

    def _show(self, content: CarePlanContent, select: Path | None) -> None:
        self.content = content
        self._filling = True
        try:
            self.tree.clear()
            for p, problem in enumerate(content.problems):
                top = self._node(self.tree.invisibleRootItem(), ("p", p), problem)
                for g, goal in enumerate(problem.goals):
                    self._node(top, ("g", p, g), goal)
                for i, action in enumerate(problem.interventions):
                    self._node(top, ("i", p, i), action)
            self.tree.expandAll()
            item = self._tree_item(select)
            self._set_current(item)
        finally:
            self._filling = False
        self.form.show_item(
            select if item is not None else None,
            edit.get_item(content, select) if item is not None and select else None,
        )
        self.sections.show_content(content)
        self._update_buttons()

    def _node(self, parent: QTreeWidgetItem, path: Path, item: Any) -> QTreeWidgetItem:
        node = QTreeWidgetItem(parent, [item_label(path, item)])
        node.setData(0, PATH_ROLE, path)
        return node

    def _tree_item(self, path: Path | None) -> QTreeWidgetItem | None:
        if path is None:
            return None
        it = self.tree.invisibleRootItem()
        if path[1] >= it.childCount():
            return None
        top = it.child(path[1])
        if top is None or path[0] == "p":
            return top
        index = path[2] + (len(self.content.problems[path[1]].goals) if path[0] == "i" else 0)
        return top.child(index) if index < top.childCount() else None

    def selected_path(self) -> Path | None:
        item = self.tree.currentItem()
        return tuple(item.data(0, PATH_ROLE)) if item is not None else None

    def select(self, path: Path) -> None:
        self._set_current(self._tree_item(path))

    def _set_current(self, item: QTreeWidgetItem | None) -> None:
        """Make `item` the current one; None leaves no item current (as setCurrentItem(None) does)."""
        self.tree.setCurrentIndex(self.tree.indexFromItem(item) if item is not None else QModelIndex())

    def _selection_changed(self, current: QTreeWidgetItem | None, _previous: Any) -> None:
        if self._filling:
            return
        path = tuple(current.data(0, PATH_ROLE)) if current is not None else None
        self.form.show_item(path, edit.get_item(self.content, path) if path else None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        path = self.selected_path()
        for b in (self.add_goal_button, self.add_action_button, self.remove_button, self.up_button, self.down_button):
            b.setEnabled(path is not None)

    # -- edits (each one an undoable command) ------------------------------------
    def _push(self, text: str, after: CarePlanContent, select: Path | None, merge_key: MergeKey | None = None) -> None:
        self.undo_stack.push(ContentCommand(self, text, self.content, after, self.selected_path(), select, merge_key))

    def add_from_template(self, key: str, icd10: str = "") -> None:
        if self.ws is None:
            return
        try:
            problem = problem_from_template(key, self.ws.today(), icd10=icd10)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        after, path = edit.add_problem(self.content, problem)
        self._push(f"add problem {problem.title or 'blank'}", after, path)

    def add_goal(self) -> None:
        self._add_child(Goal(measure=""), "add goal")

    def add_intervention(self) -> None:
        self._add_child(Intervention(action=""), "add intervention")

    def _add_child(self, item: Goal | Intervention, text: str) -> None:
        path = self.selected_path()
        if path is None:
            return
        after, new_path = edit.add_child(self.content, path[1], item)
        self._push(text, after, new_path)
        self.inner.setCurrentIndex(0)

    def remove_selected(self) -> None:
        path = self.selected_path()
        if path is not None:
            after, select = edit.remove(self.content, path)
            self._push("remove item", after, select)

    def move_selected(self, delta: int) -> None:
        path = self.selected_path()
        moved = edit.move(self.content, path, delta) if path is not None else None
        if moved is not None:
            self._push("move item", moved[0], moved[1])

    def revert_to_version(self, number: int) -> None:
        """The draft becomes version `number` again: one undoable edit, saved like any other."""
        if self.ws is None or self.patient_id is None:
            return
        try:
            version = next((v for v in care_plans.versions(self.ws, self.patient_id) if v.number == number), None)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        if version is None:
            return
        self._push(
            f"start again from version {number}", version.content, ("p", 0) if version.content.problems else None
        )
        self.history.refresh()  # saves the draft, then shows it is the same as the version
        self.history.message.show_info(f"The draft is version {number} again. Undo (Ctrl+Z) brings the changes back.")

    def _item_edited(self, path: Path, item: Any, field: str) -> None:
        self._push(f"edit {field.replace('_', ' ')}", edit.replace_item(self.content, path, item), path, (path, field))

    def _section_edited(self, field: str, value: Any) -> None:
        path = self.selected_path()
        after = replace(self.content, **{field: value})
        self._push(f"edit {field.replace('_', ' ')}", after, path, ("section", field))


def _scrolled() -> QScrollArea:
    """An empty frameless scroll area sizing its widget (set once the area is in place)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop: a scroll area shows no focus
    return scroll
