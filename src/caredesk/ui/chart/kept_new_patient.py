"""The Patients page's line about an Add patient form kept when CareDesk locked, and its Resume.

SPEC §5: what was typed in Add patient (an MRN, names, a phone) survives an idle lock, Ctrl+L or
quitting as a draft in the store (AddPatientDialog.keep_draft). After the unlock, and whenever
the page is loaded, this line says so ("Unsaved new patient, kept at 10:42 AM when CareDesk
locked.") with Finish adding… (Alt+H), which opens Add patient filled as it was left, and Discard (Alt+J). The line
names no one: it says what was kept and when, the form shows the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from caredesk.domain.new_patient_draft import NewPatientDraft
from caredesk.errors import CareDeskError
from caredesk.services import new_patient_drafts
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.kept_contact_forms import KEPT_LINE_START, kept_line
from caredesk.ui.chart.patient_form import AddPatientDialog
from caredesk.ui.common.kept_bar import KeptBar
from caredesk.ui.common.kept_form import kept_time


def kept_text(draft: NewPatientDraft, ws: Workspace, more: int = 0) -> str:
    """'Unsaved new patient, kept at 10:42 AM when CareDesk locked.' (' 1 more kept.' after it)."""
    text = f"Unsaved new patient, kept at {kept_time(draft.updated_at, ws)} when CareDesk locked."
    return text + (f" {more} more kept." if more else "")


class KeptNewPatientBar(KeptBar):
    """Shown while an Add patient form is kept; Resume reopens the oldest through `open_form`
    (the page's add_patient, so the new chart opens once it is added)."""

    def __init__(self, open_form: Callable[[], AddPatientDialog | None], parent: QWidget | None = None):
        # Alt+H and Alt+J: the only letters the Patients page and every chart tab beside it leave
        # free (Alt+M, say, is the chart's Medications tab).
        super().__init__(
            "Unsaved new patient kept",
            (
                "Finis&h adding…",
                "Resume the unsaved new patient",
                "Open Add patient again, filled as it was left (Alt+H)",
            ),
            ("Discard", "Discard the unsaved new patient", "Throw away what was typed in it (Alt+J)"),
            parent,
        )
        self.discard_button.setShortcut(QKeySequence("Alt+J"))
        self.open_form = open_form
        self.ws: Workspace | None = None
        self.drafts: list[NewPatientDraft] = []

    def show_for(self, ws: Workspace) -> None:
        """Read the kept forms and say so (hidden when none, or when the store cannot be read:
        the page's list says what is wrong with the store)."""
        self.ws = ws
        try:
            self.drafts = new_patient_drafts.kept(ws)
        except CareDeskError:
            self.drafts = []
        if not self.drafts:
            self.clear(keep_workspace=True)
            return
        self.say(kept_text(self.drafts[0], ws, len(self.drafts) - 1))

    def clear(self, *, keep_workspace: bool = False) -> None:
        """On lock: nothing stays."""
        if not keep_workspace:
            self.ws = None
        self.drafts = []
        self.unsay()

    def _refresh(self) -> None:
        """After Discard or the resumed form closing: the line, and the window's status line about
        kept forms (said at unlock), so neither offers a form that is gone."""
        if self.ws is None:
            return
        self.show_for(self.ws)
        window = self.window()
        if isinstance(window, QMainWindow) and window.statusBar().currentMessage().startswith(KEPT_LINE_START):
            window.statusBar().showMessage(kept_line(self.ws))

    def discard(self) -> None:
        if not self.drafts or self.ws is None:
            return
        with contextlib.suppress(CareDeskError):  # not dropped: the line stays, offering it still
            new_patient_drafts.discard(self.ws, self.drafts[0].id or 0)
        self._refresh()

    def resume(self) -> AddPatientDialog | None:
        """Open Add patient filled from the oldest kept form (returned for tests)."""
        if not self.drafts or self.ws is None:
            return None
        draft = self.drafts[0]
        form = self.open_form()
        if form is None:
            return None
        form.resume(draft)
        self.hide()
        form.finished.connect(lambda _result: self._refresh())
        return form
