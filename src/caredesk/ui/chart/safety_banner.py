"""The safety banner at the top of the chart: while a screen's safety flag is open (PHQ-9 item 9
above 0, the AHC interpersonal-safety items above 10), a red line says what was positive and
when, with "Record safety check…" (Alt+H). It leaves only when the check is saved: nothing
else dismisses it (SPEC section 3; caredesk.domain.safety).

It reads the open flags when a chart opens and again when the hub reports this patient's
assessments changed (a screen saved in the call panel shows it at once).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from caredesk.domain.calendar import us_month_day
from caredesk.domain.safety import SafetyFlag
from caredesk.errors import CareDeskError
from caredesk.services import assessments as screens
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.assess.safety_notice import AlertFrame
from caredesk.ui.chart.safety_check_dialog import SafetyCheckDialog
from caredesk.ui.common.forms import button
from caredesk.ui.common.hub import hub


def banner_line(flag: SafetyFlag) -> str:
    """'PHQ-9 item 9 positive on 11/24 - safety check needed' (the queue's month/day)."""
    return f"{flag.what} on {us_month_day(flag.taken_on)} - safety check needed"


class SafetyBanner(AlertFrame):
    """`show_patient(ws, id)` / `clear()`; hidden while the patient has no open flag."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Safety flag", parent)
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self.flags: list[SafetyFlag] = []
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.text.font()
        font.setBold(True)
        self.text.setFont(font)
        self.check_button = button("Record safety c&heck…", "Record safety check")
        self.check_button.setToolTip("Who checked, when and what was done; the flag leaves when it is saved (Alt+H)")
        self.check_button.clicked.connect(self.record_check)
        lay = QHBoxLayout(self)
        m = self.fontMetrics().height() // 2
        lay.setContentsMargins(m, m // 2, m, m // 2)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignVCenter)
        hub().changed.connect(self._changed)
        self.clear()

    def show_patient(self, ws: Workspace, patient_id: int | None) -> None:
        self.ws, self.patient_id = ws, patient_id
        self.reload()

    def clear(self) -> None:
        self.ws, self.patient_id, self.flags = None, None, []
        self._show()

    def reload(self) -> None:
        if self.ws is None or self.patient_id is None or not self.ws.is_open:
            return
        try:
            self.flags = screens.open_safety_flags(self.ws, self.patient_id)
        except CareDeskError:
            self.flags = []  # the chart says why it could not open; no banner then
        self._show()

    def _show(self) -> None:
        lines = [banner_line(f) for f in self.flags]
        self.text.setText("\n".join(lines))
        self.setAccessibleDescription(". ".join(lines))
        self.setVisible(bool(self.flags))

    def _changed(self, changes: Changes, _source: object) -> None:
        if self.patient_id is not None and self.patient_id in changes.patients and changes.touches(Kind.ASSESSMENT):
            self.reload()

    def record_check(self) -> SafetyCheckDialog | None:
        """Open the safety-check form for the open flags (window-modal; it publishes when saved)."""
        if self.ws is None or not self.flags:
            return None
        dialog = SafetyCheckDialog(self.ws, list(self.flags), self.window())
        dialog.open()
        return dialog
