"""The Contacts & minutes tab's line about a form kept when CareDesk locked, and its Resume.

SPEC §5: what was typed in Log contact…, Log other time…, Correct… or Void… survives an idle
lock, Ctrl+L or quitting as a draft in the store (ui.common.kept_form). After the unlock, and
whenever the patient's tab is shown, this line tells the user ("Unsaved contact, kept at 10:42 AM
when CareDesk locked.") and Resume opens that form again, filled as it was left; Discard
drops it. A correction or void whose entry was voided meanwhile cannot be resumed: it says so
and drops the draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from caredesk.domain.contact_form_draft import ContactFormDraft, ContactFormKind
from caredesk.errors import CareDeskError
from caredesk.services import contact_form_drafts, new_patient_drafts
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import user_message
from caredesk.ui.common.kept_bar import KeptBar
from caredesk.ui.common.kept_form import KeptForm, kept_time, take_kept_at_lock

if TYPE_CHECKING:
    from caredesk.ui.chart.contacts_tab import ContactsTab

WHAT = {
    ContactFormKind.LOG_CONTACT: "contact",
    ContactFormKind.LOG_TIME: "time entry",
    ContactFormKind.CORRECT: "correction",
    ContactFormKind.VOID: "void",
}


def kept_text(draft: ContactFormDraft, ws: Workspace, more: int = 0) -> str:
    """'Unsaved contact, kept at 10:42 AM when CareDesk locked.' (' 2 more kept.' after it). The time
    is when the lock kept it, said as such: 'from 10:42 AM' read as the contact's own time, which
    the form's Time field may give otherwise (a tester saw 'from 6:54 AM' over a 6:51 AM call)."""
    text = f"Unsaved {WHAT[draft.kind]}, kept at {kept_time(draft.updated_at, ws)} when CareDesk locked."
    return text + (f" {more} more kept." if more else "")


KEPT_LINE_START = "Unsaved"


def kept_line(ws: Workspace) -> str:
    """After an unlock (a restart too): 'Unsaved form kept for Al-Masri, Yusuf: Resume in the
    patient's Contacts & minutes tab.', then 'Unsaved new patient kept (Patients page).'
    for a kept Add patient form ('' when none, or when the store cannot be read)."""
    try:
        names = contact_form_drafts.patients_with_kept_forms(ws)
        new_patients = new_patient_drafts.kept(ws)
    except CareDeskError:
        return ""
    said = []
    if names:
        forms = "form" if len(names) == 1 else "forms"
        said.append(
            f"{KEPT_LINE_START} {forms} kept for {'; '.join(names)}: Resume in the patient's Contacts & minutes tab."
        )
    if new_patients:
        said.append(f"{KEPT_LINE_START} new patient kept (Patients page).")
    return " ".join(said)


class KeptFormsBar(KeptBar):
    """Shown while the tab's patient has a kept form; Resume reopens the oldest."""

    def __init__(self, tab: ContactsTab, parent: QWidget | None = None):
        super().__init__(
            "Unsaved form kept",
            ("Re&sume…", "Resume the unsaved form", "Open the form again, filled as it was left"),
            ("Dis&card", "Discard the unsaved form", "Throw away what was typed in it"),
            parent,
        )
        self.tab = tab
        self.drafts: list[ContactFormDraft] = []

    def show_for(self, ws: Workspace, patient_id: int) -> None:
        """Read the patient's kept forms and say so (hidden when none); the window's line about
        kept forms (kept_line, said at unlock) follows, so it never names one that is gone."""
        try:
            self.drafts = contact_form_drafts.kept(ws, patient_id)
        except CareDeskError:
            self.drafts = []  # the tab's own read says what is wrong with the store
        window = self.window()
        if isinstance(window, QMainWindow) and window.statusBar().currentMessage().startswith(KEPT_LINE_START):
            if line := kept_line(ws):
                window.statusBar().showMessage(line)
            else:
                window.statusBar().clearMessage()
        if not self.drafts:
            self.clear()
            return
        self.say(kept_text(self.drafts[0], ws, len(self.drafts) - 1))

    def opened(self, patient_id: int) -> None:
        """The tab's chart opened this patient: when a lock kept one of their forms this session,
        the tab comes to the front (once), so the unlock returns to the chart saying so."""
        if take_kept_at_lock(self.window(), patient_id):
            QTimer.singleShot(0, self._bring_forward)  # after the chart has shown its Summary

    def _bring_forward(self) -> None:
        tab: QWidget = self.tab
        tabs = tab.parentWidget()
        while tabs is not None and not isinstance(tabs, QTabWidget):
            tabs = tabs.parentWidget()
        if isinstance(tabs, QTabWidget) and tabs.indexOf(tab) >= 0 and self.tab.chart is not None:
            tabs.setCurrentWidget(tab)

    def clear(self) -> None:
        """Nothing of the patient's stays (on lock, or another patient)."""
        self.drafts = []
        self.unsay()

    def _refresh(self) -> None:
        tab = self.tab
        if tab.ws is not None and tab.patient_id is not None:
            self.show_for(tab.ws, tab.patient_id)

    def discard(self) -> None:
        if not self.drafts or self.tab.ws is None:
            return
        try:
            contact_form_drafts.discard(self.tab.ws, self.drafts[0].id or 0)
        except CareDeskError as exc:
            self.tab.message.show_error(user_message(exc))
        self._refresh()

    def resume(self) -> KeptForm | None:
        """Open the oldest kept form filled as it was left (returned for tests; None when it
        cannot be: its entry was voided meanwhile, said in the tab)."""
        if not self.drafts or self.tab.ws is None:
            return None
        draft, ws = self.drafts[0], self.tab.ws
        form = self._open(draft)
        if form is None:
            if draft.kind in (ContactFormKind.CORRECT, ContactFormKind.VOID):
                self.tab.message.show_warning(
                    f"The unsaved {WHAT[draft.kind]} was for an entry that is voided or gone now; it was discarded."
                )
                contact_form_drafts.discard(ws, draft.id or 0)
                self._refresh()
            return None
        form.resume(draft)
        form.message.show_info(
            f"Kept at {kept_time(draft.updated_at, ws)} when CareDesk locked: check it, then save it, or Esc to discard it."
        )
        self.hide()
        form.finished.connect(lambda _result: self._refresh())
        return form

    def _open(self, draft: ContactFormDraft) -> KeptForm | None:
        tab = self.tab
        if draft.kind is ContactFormKind.LOG_CONTACT:
            return tab.log_contact()
        if draft.kind is ContactFormKind.LOG_TIME:
            return tab.log_other_time()
        if not tab.select_record(draft.record or ""):
            return None
        return tab.correct_selected() if draft.kind is ContactFormKind.CORRECT else tab.void_selected()
