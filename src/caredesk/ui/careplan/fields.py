"""Fields of the care-plan editor: an optional date, the selected item's form, the text sections.

Every field reports a change as a whole new item (or section value); the editor turns it
into an undoable command. Filling a field from the content never reports a change.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.careplan import SECTION_LABELS, TEXT_FIELDS, CarePlanContent, GoalStatus, Owner
from caredesk.ui.careplan.commands import Path
from caredesk.ui.common.forms import DateField, combo, heading
from caredesk.ui.common.print_warning import add_print_warning

_CTRL_SHIFT_Z = QKeyCombination(Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Z)


class OptionalDate(DateField):
    """A date that may be empty ("Not set"): typed MM/DD/YYYY or picked with F4 / Alt+Down."""

    def __init__(self, name: str):
        super().__init__(name, optional=True)


class PlanUndoKeys(QObject):
    """Lets Ctrl+Z / Ctrl+Shift+Z reach the plan's undo stack from inside a text field.

    A field would otherwise claim the keys for its own little undo, which knows nothing
    of the plan's structure and would fight with the plan's history.
    """

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)
                or event.keyCombination().toCombined() == _CTRL_SHIFT_Z.toCombined()
            )
        ):
            event.ignore()
            return True
        return False


def _line(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setAccessibleName(name)
    return field


def _text(name: str, lines: int = 3) -> QPlainTextEdit:
    field = QPlainTextEdit()
    field.setAccessibleName(name)
    field.setUndoRedoEnabled(False)  # the plan's undo stack owns undo
    field.setTabChangesFocus(True)
    field.setFixedHeight(field.fontMetrics().lineSpacing() * lines + 14)
    return field


class ItemForm(QStackedWidget):
    """The form of the selected problem, goal or intervention."""

    changed = Signal(object, object, str)  # path, new item, field name

    def __init__(self, keys: PlanUndoKeys, scroll: QScrollArea | None = None):
        """`scroll`: the area showing the form, which takes it before its fields are made (a built
        form moved in has the style sheet re-applied to all it holds, issue 14)."""
        super().__init__()
        if scroll is not None:
            scroll.setWidget(self)
        self._path: Path | None = None
        self._item: Any = None
        self._filling = False
        hint = heading("Select a problem, goal or intervention, or add a problem from a template.", "muted")
        empty = QWidget()
        QVBoxLayout(empty).addWidget(hint)
        self.addWidget(empty)

        self.p_title, self.p_icd10 = _line("Problem title"), _line("Problem ICD-10 code")
        self.p_plain = _text("Problem in the patient's words")
        self.g_measure, self.g_target = _line("Goal measure"), _line("Goal target")
        self.g_date = OptionalDate("Goal target date")
        self.g_status = combo("Goal status", [s.value for s in GoalStatus])
        self.g_plain = _text("Goal in the patient's words")
        self.i_action, self.i_frequency = _line("Intervention action"), _line("Intervention frequency")
        self.i_owner = combo("Intervention owner", [o.value for o in Owner])
        self.i_plain = _text("Intervention in the patient's words")
        self._pages = {
            "p": self._page(
                "Problem",
                [
                    ("Title", self.p_title, "title"),
                    ("ICD-10", self.p_icd10, "condition_icd10"),
                    ("Patient wording", self.p_plain, "plain"),
                ],
            ),
            "g": self._page(
                "Goal",
                [
                    ("Measure", self.g_measure, "measure"),
                    ("Target", self.g_target, "target"),
                    ("Target date", self.g_date, "target_date"),
                    ("Status", self.g_status, "status"),
                    ("Patient wording", self.g_plain, "plain"),
                ],
            ),
            "i": self._page(
                "Intervention",
                [
                    ("Action", self.i_action, "action"),
                    ("Owner", self.i_owner, "owner"),
                    ("Frequency", self.i_frequency, "frequency"),
                    ("Patient wording", self.i_plain, "plain"),
                ],
            ),
        }
        for w in self.findChildren(QWidget):
            w.installEventFilter(keys)

    def _page(self, title: str, rows: list[tuple[str, QWidget, str]]) -> QWidget:
        page = QWidget()
        self.addWidget(page)  # in place before its rows, so they are not moved again
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # rows stay together at the top instead of spreading out
        form.addRow(heading(title, "section"))
        for label, widget, field in rows:
            form.addRow(label, widget)
            if isinstance(widget, QLineEdit | QPlainTextEdit) and field != "condition_icd10":  # printed on the copy
                add_print_warning(form, widget, f"{title} {label.lower()}")
            self._connect(widget, field)
        return page

    def _connect(self, widget: QWidget, field: str) -> None:
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(lambda text: self._edited(field, text))
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(lambda: self._edited(field, widget.toPlainText()))
        elif isinstance(widget, OptionalDate):
            widget.dateChanged.connect(lambda _d: self._edited(field, widget.value()))
        elif isinstance(widget, QComboBox):
            kind: type[GoalStatus | Owner] = GoalStatus if field == "status" else Owner

            def picked(text: str) -> None:
                if text:
                    self._edited(field, kind(text))

            widget.currentTextChanged.connect(picked)

    def _edited(self, field: str, value: Any) -> None:
        if self._filling or self._item is None:
            return
        self._item = replace(self._item, **{field: value})
        self.changed.emit(self._path, self._item, field)

    def show_item(self, path: Path | None, item: Any) -> None:
        self._filling = True
        try:
            self._path, self._item = path, item
            if path is None:
                self.setCurrentIndex(0)
                return
            if path[0] == "p":
                self.p_title.setText(item.title)
                self.p_icd10.setText(item.condition_icd10)
                self.p_plain.setPlainText(item.plain)
            elif path[0] == "g":
                self.g_measure.setText(item.measure)
                self.g_target.setText(item.target)
                self.g_date.set_value(item.target_date)
                self.g_status.setCurrentText(item.status.value)
                self.g_plain.setPlainText(item.plain)
            else:
                self.i_action.setText(item.action)
                self.i_owner.setCurrentText(item.owner.value)
                self.i_frequency.setText(item.frequency)
                self.i_plain.setPlainText(item.plain)
            self.setCurrentWidget(self._pages[path[0]])
        finally:
            self._filling = False

    def clear(self) -> None:
        """Empty every field (on lock no patient text stays in a hidden page)."""
        self._filling = True
        try:
            for w in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
                w.clear()
            self.g_date.set_value(None)
        finally:
            self._filling = False
        self._path, self._item = None, None
        self.setCurrentIndex(0)


# The Sections tab's labels with their Alt keys (a keyboard-only tester found none). Letters
# chosen against the window's others: Alt+A Add patient, Alt+E Edit and Alt+F File menus.
SECTION_KEYS = {
    "barriers": "&Barriers",
    "strengths": "&Strengths",
    "symptom_management": "S&ymptom management",
    "expected_outcome": "E&xpected outcome and prognosis",
    "medication_management": "&Medication management",
    "community_services": "&Community services",
    "coordination": "C&oordination with outside agencies",
}


def _buddied(text: str, field: QWidget) -> QLabel:
    """A label whose '&' letter, with Alt, puts the focus in `field`."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


class SectionsForm(QWidget):
    """The plan-wide text sections and the next review date."""

    changed = Signal(str, object)  # field name, new value

    def __init__(self, keys: PlanUndoKeys, scroll: QScrollArea | None = None):
        """`scroll`: the area showing the form, which takes it before its fields are made."""
        super().__init__()
        if scroll is not None:
            scroll.setWidget(self)
        self._filling = False
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above: the pane is narrow
        self.next_review = OptionalDate("Next review date")
        self.next_review.dateChanged.connect(lambda _d: self._edited("next_review", self.next_review.value()))
        form.addRow(_buddied("&Next review date", self.next_review), self.next_review)
        self.texts: dict[str, QPlainTextEdit] = {}
        for field in TEXT_FIELDS:
            edit = _text(SECTION_LABELS[field])
            edit.textChanged.connect(lambda f=field, e=edit: self._edited(f, e.toPlainText()))
            self.texts[field] = edit
            form.addRow(_buddied(SECTION_KEYS[field], edit), edit)
            add_print_warning(form, edit, SECTION_LABELS[field])
        for w in self.findChildren(QWidget):
            w.installEventFilter(keys)

    def _edited(self, field: str, value: Any) -> None:
        if not self._filling:
            self.changed.emit(field, value)

    def show_content(self, content: CarePlanContent) -> None:
        self._filling = True
        try:
            self.next_review.set_value(content.next_review)
            for field, edit in self.texts.items():
                if edit.toPlainText() != getattr(content, field):
                    edit.setPlainText(getattr(content, field))
        finally:
            self._filling = False

    def clear(self) -> None:
        self.show_content(CarePlanContent())
