"""The chart's "Clinical" tab: conditions, allergies, care team, and medications with adherence.

Four sections, read when the tab is shown (tab_parts.LazyTab) and again when this patient's
clinical records change anywhere. Conditions are entered by ICD-10-CM code with the official
description shown before saving; medications list the current ones and, below, the stopped ones
with the day and why (a dose change stops the old record and starts a new one, so the history
shows). Every write goes through services.clinical and is published: a second chronic condition
re-ranks the queue and recomputes the month's bill at once.

Keys: Alt+C, Alt+L, Alt+T and Alt+M go to the four lists; in a list Insert adds, Enter edits
(changes the dose of a medication) and Delete removes (stops a medication); Tab leaves the list
for its buttons. Alt+O, Alt+G, Alt+B and Alt+N add a condition, allergy, member, medication; Alt+W
records no known allergies. Three sections have an Edit… and a Remove…: Alt+I and Alt+R answer
those of the section the focus is in (Conditions until the focus goes to another), whose buttons
show the underline; eleven buttons could not each have a letter of their own among the tab's
others (a keyboard-only tester found none at all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.allergies import NO_KNOWN_ALLERGIES, is_none_known
from caredesk.domain.patients import Allergy, CareTeamMember, Condition, Medication
from caredesk.services import clinical
from caredesk.services.changes import Kind, Saved
from caredesk.services.clinical import ClinicalRecord
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.clinical_dialogs import (
    AdherenceDialog,
    AdherenceHistoryDialog,
    AllergyDialog,
    ConditionDialog,
    DoseDialog,
    MedicationDialog,
    MemberDialog,
    StopDialog,
)
from caredesk.ui.chart.clinical_rows import (
    FitTable,
    allergy_row,
    button_row,
    condition_row,
    current_row,
    list_keys,
    member_row,
    selected,
    stopped_row,
)
from caredesk.ui.chart.tab_parts import FormDialog, LazyTab, RecordTable, run_action
from caredesk.ui.common import theme
from caredesk.ui.common.forms import button, heading
from caredesk.ui.common.message_box import MessageBox

NO_CONDITIONS = "No conditions recorded. CCM needs two or more chronic conditions."
ALLERGIES_NOT_ASKED = "No allergies recorded: not asked yet."
NO_TEAM = "No care-team members recorded."
NO_MEDICATIONS = "No current medications recorded."
NONE_STOPPED = "No stopped medications."


class ClinicalTab(LazyTab):
    tab_title = "Clinical"
    kinds = (Kind.CLINICAL,)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Clinical")
        self.record: ClinicalRecord | None = None
        self.dialog: QDialog | QMessageBox | None = None  # the form or question open now

        # Containers first, then what goes in them: moving a widget into a parent re-applies the
        # style sheet to all it holds, so the scroll area and its page are in place while empty
        # (the page filled first and moved in last: making this tab 28 -> 16 ms, issue 14).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.message)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop: it shows no focus (Shift+Tab off Conditions)
        outer.addWidget(scroll, 1)
        body = QWidget()
        scroll.setWidget(body)
        lay = QVBoxLayout(body)

        self.conditions = FitTable("Conditions", ("ICD-10", "Condition", "Chronic", "Onset"), 1)
        self.chronic_count = heading("", "muted")
        self.chronic_count.setAccessibleName("Chronic conditions")
        self.no_conditions = heading(NO_CONDITIONS, "muted")
        self.add_condition_button = button("Add c&ondition…", "Add condition")
        self.edit_condition_button = button("Edit…", "Edit condition")
        self.remove_condition_button = button("Remove…", "Remove condition")

        self.allergies = FitTable("Allergies", ("Substance", "Reaction"), 1)
        self.no_allergies = heading(ALLERGIES_NOT_ASKED, "muted")
        self.add_allergy_button = button("Add aller&gy…", "Add allergy")
        self.none_known_button = button("No kno&wn allergies", "Record no known allergies")
        self.edit_allergy_button = button("Edit…", "Edit allergy")
        self.remove_allergy_button = button("Remove…", "Remove allergy")

        self.team = FitTable("Care team", ("Role", "Name", "Phone", "Organization"), 1, 3)
        self.no_team = heading(NO_TEAM, "muted")
        self.add_member_button = button("Add mem&ber…", "Add care-team member")
        self.edit_member_button = button("Edit…", "Edit care-team member")
        self.remove_member_button = button("Remove…", "Remove care-team member")

        self.current = FitTable("Current medications", ("Medication", "Dose", "Frequency", "Adherence", "Since"), 0, 2)
        self.no_current = heading(NO_MEDICATIONS, "muted")
        self.add_med_button = button("Add medicatio&n…", "Add medication")
        self.dose_button = button("Change &dose…", "Change dose")
        self.stop_button = button("Sto&p…", "Stop medication")
        self.check_button = button("Adherence chec&k…", "Adherence check")
        self.history_button = button("Adherence histor&y…", "Adherence history")
        self.stopped = FitTable("Stopped medications", ("Medication", "Taken", "Why stopped"), 0, 2)
        self.stopped.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # history: read only
        self.no_stopped = heading(NONE_STOPPED, "muted")
        # Each section with an Edit… and a Remove…: its list, and every widget of it the focus can be in.
        self._sections = [
            (table, edit, remove, (table, add, edit, remove, *more))
            for table, add, edit, remove, *more in (
                (self.conditions, self.add_condition_button, self.edit_condition_button, self.remove_condition_button),
                (
                    self.allergies,
                    self.add_allergy_button,
                    self.edit_allergy_button,
                    self.remove_allergy_button,
                    self.none_known_button,
                ),
                (self.team, self.add_member_button, self.edit_member_button, self.remove_member_button),
            )
        ]
        for *_parts, widgets in self._sections:
            for w in widgets:
                w.installEventFilter(self)
        self._keys_to(self.conditions)
        self._wire()

        lay.addWidget(self._title("&Conditions", self.conditions))
        lay.addWidget(self.chronic_count)
        for w in (self.conditions, self.no_conditions):
            lay.addWidget(w)
        lay.addLayout(button_row(self.add_condition_button, self.edit_condition_button, self.remove_condition_button))
        lay.addWidget(self._title("A&llergies", self.allergies))
        for w in (self.allergies, self.no_allergies):
            lay.addWidget(w)
        lay.addLayout(
            button_row(
                self.add_allergy_button, self.none_known_button, self.edit_allergy_button, self.remove_allergy_button
            )
        )
        lay.addWidget(self._title("Care &team", self.team))
        for w in (self.team, self.no_team):
            lay.addWidget(w)
        lay.addLayout(button_row(self.add_member_button, self.edit_member_button, self.remove_member_button))
        lay.addWidget(self._title("&Medications", self.current))
        for w in (self.current, self.no_current):
            lay.addWidget(w)
        # Two rows: the chart pane is often only ~60 characters wide.
        lay.addLayout(button_row(self.add_med_button, self.dose_button, self.stop_button))
        lay.addLayout(button_row(self.check_button, self.history_button))
        stopped_title = heading("Stopped medications", "section")
        lay.addWidget(stopped_title)
        for w in (self.stopped, self.no_stopped):
            lay.addWidget(w)
        lay.addStretch(1)
        self.drop()

    def _keys_to(self, table: RecordTable) -> None:
        """Alt+I and Alt+R to the Edit… and Remove… of `table`'s section; the others' answer
        Enter and Delete in their list, as their tooltips say."""
        for t, edit, remove, _widgets in self._sections:
            here = t is table
            edit.setText("Ed&it…" if here else "Edit…")
            remove.setText("&Remove…" if here else "Remove…")
            edit.setToolTip(f"{edit.accessibleName()} (Enter in the list, or Alt+I in this section)")
            remove.setToolTip(f"{remove.accessibleName()} (Delete in the list, or Alt+R in this section)")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            for table, _edit, _remove, widgets in self._sections:
                if watched in widgets:
                    self._keys_to(table)
        return super().eventFilter(watched, event)

    def _title(self, text: str, table: RecordTable) -> QLabel:
        label = QLabel(text)
        label.setBuddy(table)  # Alt+letter puts the focus in the list
        theme.set_role(label, "section")
        return label

    def _wire(self) -> None:
        pairs: list[tuple[QPushButton, Callable[[], object]]] = [
            (self.add_condition_button, self.add_condition),
            (self.edit_condition_button, self.edit_condition),
            (self.remove_condition_button, self.remove_condition),
            (self.add_allergy_button, self.add_allergy),
            (self.none_known_button, self.record_none_known),
            (self.edit_allergy_button, self.edit_allergy),
            (self.remove_allergy_button, self.remove_allergy),
            (self.add_member_button, self.add_member),
            (self.edit_member_button, self.edit_member),
            (self.remove_member_button, self.remove_member),
            (self.add_med_button, self.add_medication),
            (self.dose_button, self.change_dose),
            (self.stop_button, self.stop_medication),
            (self.check_button, self.check_adherence),
            (self.history_button, self.show_history),
        ]
        for b, action in pairs:
            b.clicked.connect(lambda _checked=False, a=action: a())
        list_keys(self.conditions, self.add_condition, self.edit_condition, self.remove_condition)
        list_keys(self.allergies, self.add_allergy, self.edit_allergy, self.remove_allergy)
        list_keys(self.team, self.add_member, self.edit_member, self.remove_member)
        list_keys(self.current, self.add_medication, self.change_dose, self.stop_medication)
        for table in (self.conditions, self.allergies, self.team, self.current):
            table.current_changed.connect(self._update_buttons)
        self.add_condition_button.setToolTip("Add a condition by its ICD-10-CM code (Insert in the list)")
        self.add_med_button.setToolTip("Add a current medication (Insert in the list)")
        self.stop_button.setToolTip("Stop the selected medication, with the reason (Delete in the list)")
        self.dose_button.setToolTip("A new dose from a day: the old one is kept as stopped (Enter in the list)")

    # -- reading -----------------------------------------------------------------
    def load(self) -> None:
        assert self.ws is not None and self.patient_id is not None
        record = clinical.record(self.ws, self.patient_id)
        self.record = record
        self.conditions.fill([condition_row(c) for c in record.conditions])
        n = record.chronic_count
        self.chronic_count.setText(f"{n} chronic condition{'' if n == 1 else 's'}" if record.conditions else "")
        self.allergies.fill([allergy_row(a) for a in record.allergies])
        self.team.fill([member_row(m) for m in record.care_team])
        self.current.fill([current_row(m) for m in record.current_medications])
        self.stopped.fill([stopped_row(m) for m in record.stopped_medications])
        self.setEnabled(True)
        self._update_buttons()

    def drop(self) -> None:
        self.record = None
        if self.dialog is not None:
            self.dialog.reject()  # a lock closes a form with what was typed in it
            self.dialog = None
        for table in (self.conditions, self.allergies, self.team, self.current, self.stopped):
            table.fill([])
        self.chronic_count.clear()
        self.setEnabled(self.patient_id is not None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.record is not None
        for table, empty in (
            (self.conditions, self.no_conditions),
            (self.allergies, self.no_allergies),
            (self.team, self.no_team),
            (self.current, self.no_current),
            (self.stopped, self.no_stopped),
        ):
            table.setVisible(table.rowCount() > 0)
            empty.setVisible(has and table.rowCount() == 0)
        for b in (self.add_condition_button, self.add_allergy_button, self.add_member_button, self.add_med_button):
            b.setEnabled(has)
        self.none_known_button.setEnabled(has and self.allergies.rowCount() == 0)
        for table, buttons in (
            (self.conditions, (self.edit_condition_button, self.remove_condition_button)),
            (self.team, (self.edit_member_button, self.remove_member_button)),
            (self.current, (self.dose_button, self.stop_button, self.check_button, self.history_button)),
        ):
            for b in buttons:
                b.setEnabled(table.current_id() is not None)
        allergy = self.selected_allergy()
        self.edit_allergy_button.setEnabled(allergy is not None and not is_none_known(allergy))
        self.remove_allergy_button.setEnabled(allergy is not None)

    def selected_condition(self) -> Condition | None:
        return selected(self.conditions, self.record.conditions if self.record else ())

    def selected_allergy(self) -> Allergy | None:
        return selected(self.allergies, self.record.allergies if self.record else ())

    def selected_member(self) -> CareTeamMember | None:
        return selected(self.team, self.record.care_team if self.record else ())

    def selected_medication(self) -> Medication | None:
        return selected(self.current, self.record.current_medications if self.record else ())

    # -- writing -------------------------------------------------------------------
    def _open(self, make: Callable[[], FormDialog], table: RecordTable) -> FormDialog | None:
        """Open a form over the tab (window-modal); once saved, its record is selected in `table`."""
        if self.ws is None or self.patient_id is None or self.record is None:
            return None
        dialog = make()
        self.dialog = dialog

        def done(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            saved = dialog.saved
            if saved is not None and getattr(saved, "id", None) is not None:
                table.select_id(saved.id)  # the hub has refreshed the lists already
                table.setFocus()

        dialog.finished.connect(done)
        dialog.open()
        return dialog

    def _ask(self, text: str, action: Callable[[], Saved[Any]]) -> QMessageBox | None:
        """A Yes/No question (No by default); Yes runs `action` and publishes what changed."""
        if self.ws is None:
            return None
        box = MessageBox(QMessageBox.Icon.Question, "Remove", text, parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAccessibleName("Confirm removal")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # its question names the record
        self.dialog = box

        def done(result: int) -> None:
            if self.dialog is box:
                self.dialog = None
            if result == QMessageBox.StandardButton.Yes:
                run_action(self, action)

        box.finished.connect(done)
        box.open()
        return box

    def add_condition(self) -> FormDialog | None:
        return self._open(lambda: ConditionDialog(self._ws(), self._pid(), parent=self), self.conditions)

    def edit_condition(self) -> FormDialog | None:
        c = self.selected_condition()
        if c is None:
            return None
        return self._open(lambda: ConditionDialog(self._ws(), self._pid(), c, parent=self), self.conditions)

    def remove_condition(self) -> QMessageBox | None:
        c = self.selected_condition()
        if c is None or c.id is None:
            return None
        cid = c.id
        return self._ask(
            f"Remove {c.icd10} {c.display} from this patient's conditions?",
            lambda: clinical.remove_condition(self._ws(), cid),
        )

    def add_allergy(self) -> FormDialog | None:
        return self._open(lambda: AllergyDialog(self._ws(), self._pid(), parent=self), self.allergies)

    def edit_allergy(self) -> FormDialog | None:
        a = self.selected_allergy()
        if a is None or is_none_known(a):
            return None
        return self._open(lambda: AllergyDialog(self._ws(), self._pid(), a, parent=self), self.allergies)

    def remove_allergy(self) -> QMessageBox | None:
        a = self.selected_allergy()
        if a is None or a.id is None:
            return None
        aid = a.id
        what = f'"{NO_KNOWN_ALLERGIES}"' if is_none_known(a) else f"the allergy to {a.substance}"
        return self._ask(f"Remove {what}?", lambda: clinical.remove_allergy(self._ws(), aid))

    def record_none_known(self) -> bool:
        if self.ws is None or self.patient_id is None:
            return False
        pid = self.patient_id
        return run_action(self, lambda: clinical.record_no_known_allergies(self._ws(), pid))

    def add_member(self) -> FormDialog | None:
        return self._open(lambda: MemberDialog(self._ws(), self._pid(), parent=self), self.team)

    def edit_member(self) -> FormDialog | None:
        m = self.selected_member()
        if m is None:
            return None
        return self._open(lambda: MemberDialog(self._ws(), self._pid(), m, parent=self), self.team)

    def remove_member(self) -> QMessageBox | None:
        m = self.selected_member()
        if m is None or m.id is None:
            return None
        mid = m.id
        return self._ask(
            f"Take {m.name} ({m.role}) off the care team?", lambda: clinical.remove_member(self._ws(), mid)
        )

    def add_medication(self) -> FormDialog | None:
        return self._open(lambda: MedicationDialog(self._ws(), self._pid(), parent=self), self.current)

    def change_dose(self) -> FormDialog | None:
        m = self.selected_medication()
        if m is None:
            return None
        return self._open(lambda: DoseDialog(self._ws(), m, parent=self), self.current)

    def stop_medication(self) -> FormDialog | None:
        m = self.selected_medication()
        if m is None:
            return None
        return self._open(lambda: StopDialog(self._ws(), m, parent=self), self.stopped)

    def check_adherence(self) -> FormDialog | None:
        m = self.selected_medication()
        if m is None:
            return None
        dialog = self._open(lambda: AdherenceDialog(self._ws(), m, parent=self), self.current)
        if dialog is not None and m.id is not None:
            dialog.finished.connect(lambda _r, mid=m.id: self.current.select_id(mid))
        return dialog

    def show_history(self) -> AdherenceHistoryDialog | None:
        m = self.selected_medication()
        if m is None or self.ws is None:
            return None
        dialog = AdherenceHistoryDialog(self.ws, m, parent=self)
        dialog.open()
        return dialog

    def _ws(self) -> Workspace:
        assert self.ws is not None
        return self.ws

    def _pid(self) -> int:
        assert self.patient_id is not None
        return self.patient_id
