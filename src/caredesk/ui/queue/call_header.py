"""A compact chart header for the call panel: who, how to reach them, programs, consent, risk.

Shorter than the chart's own header: during a call the nurse needs the phone number
and the call window at a glance, and the form below must stay on screen. Its height
is the same for every patient (the name is one line, elided with the whole name in its
tooltip; phones and programs have two lines each), so the timer and the form never move
when another patient is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout

from caredesk.domain.calendar import age_on, us_date
from caredesk.domain.patients import Chart
from caredesk.ui.common import theme
from caredesk.ui.common.forms import button, info_label


def consent_line(chart: Chart, today: date) -> str:
    """Each active program with its own consent: 'CCM consent since 03/02/2025 · PCM no consent on file'.

    Consent is per program (CMS requires it before billing each one), so one date never
    stands for all of them.
    """
    parts = []
    for e in chart.active_enrollments(today):
        given = e.consent_date is not None and e.consent_date <= today
        parts.append(
            f"{e.program.value} consent since {us_date(e.consent_date)}"
            if given and e.consent_date
            else f"{e.program.value} no consent on file"
        )
    return " · ".join(parts) or chart.not_enrolled_text(today)


def not_counted_part(queue_reason: str | None) -> str:
    """' (14 min after CCM ended 11/20 count for nothing)' from the queue's own reason 'Not
    enrolled: CCM ended 11/20 (14 min after CCM ended 11/20 count for nothing)' (built by
    caredesk.domain.queue._not_enrolled in the bill's words, SPEC 3 "Billing"); '' when the
    reason says no such minutes, is another reason, or there is none."""
    if not queue_reason or not queue_reason.startswith("Not enrolled: "):
        return ""
    _ended, sep, rest = queue_reason.partition(" (")
    return f" ({rest}" if sep else ""


class ElidedLabel(QLabel):
    """One line; a text too long for it ends in "…" and is whole in the tooltip."""

    def __init__(self, name: str, role: str):
        super().__init__()
        self.setAccessibleName(name)
        theme.set_role(self, role)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    @property
    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width) if width > 0 else ""
        self.setText(shown or self._full)

    def clear(self) -> None:
        self._full = ""
        self.setToolTip("")
        self.setAccessibleDescription("")
        super().clear()


class CallHeader(QFrame):
    open_chart = Signal(int)  # the patient id: "show the full chart"

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("card", True)
        self.patient_id: int | None = None
        # The queue row's enrollment reason for a patient id (the queue page sets it; None when
        # the patient has no row): already in memory, so showing a patient reads nothing more.
        self.queue_reason: Callable[[int], str | None] = lambda _pid: None
        m = self.fontMetrics().height()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(m, int(0.7 * m), m, int(0.7 * m))
        lay.setSpacing(m // 4)
        self.name = ElidedLabel("Patient name", "title")
        self.risk = QLabel()
        self.risk.setAccessibleName("Risk tier")
        self.chart_button = button("Open full &chart", "Open the full chart", link=True)
        self.chart_button.setToolTip("Show this patient on the Patients page")
        self.chart_button.clicked.connect(self._open_chart)
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.risk, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(top)
        self.identity = info_label("Age and MRN", "muted")
        self.phones = info_label("Phone numbers")
        self.call_window = info_label("Call window")
        self.programs = info_label("Programs and consent")
        for label in (self.identity, self.phones, self.call_window, self.programs):
            lay.addWidget(label)
        lay.addStretch(1)  # the room kept for a second line of phones or programs
        lay.addWidget(self.chart_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setMinimumHeight(self._reserved_height(lay))

    def _reserved_height(self, lay: QVBoxLayout) -> int:
        """One line of name, identity and call window, two of phones and of programs."""
        lines = ((self.name, 1), (self.identity, 1), (self.phones, 2), (self.call_window, 1), (self.programs, 2))
        for label, _n in lines:
            label.ensurePolished()  # the title's font comes from the style sheet
        margins = lay.contentsMargins()
        return (
            margins.top()
            + margins.bottom()
            + 2 * self.frameWidth()
            + sum(label.fontMetrics().lineSpacing() * n for label, n in lines)
            + self.chart_button.sizeHint().height()
            + lay.spacing() * len(lines)
        )

    def show_chart(self, chart: Chart, today: date) -> None:
        p = chart.patient
        self.patient_id = p.id
        preferred = f' "{p.preferred_name}"' if p.preferred_name and p.preferred_name != p.given_name else ""
        self.name.set_full_text(f"{p.family_name}, {p.given_name}{preferred}")
        self.identity.setText(f"Age {age_on(p.birth_date, today)} · DOB {us_date(p.birth_date)} · MRN {p.mrn}")
        self.phones.setText(
            "☎ " + "  ·  ".join(f"{ph.number} ({ph.kind})" for ph in p.phones) if p.phones else "No phone on file"
        )
        self.call_window.setText(f"Best time to call: {p.call_window}" if p.call_window else "No preferred call time")
        programs = consent_line(chart, today)
        if not chart.active_enrollments(today) and p.id is not None:
            # Which minutes count for nothing, as the queue row says it (a tester saw only the end).
            programs += not_counted_part(self.queue_reason(p.id))
        self.programs.setText(programs)
        missing = any(e.consent_date is None or e.consent_date > today for e in chart.active_enrollments(today))
        theme.set_role(self.programs, "warning" if missing else "")
        self.risk.setText(f"{p.risk_tier.value.capitalize()} risk")
        theme.set_risk(self.risk, p.risk_tier.value)
        self.risk.show()

    @property
    def full_name(self) -> str:
        """The name as shown, never elided."""
        return self.name.full_text

    def clear(self) -> None:
        self.patient_id = None
        for label in (self.name, self.identity, self.phones, self.call_window, self.programs, self.risk):
            label.clear()
            label.setAccessibleDescription("")
        self.risk.hide()

    def _open_chart(self) -> None:
        if self.patient_id is not None:
            self.open_chart.emit(self.patient_id)
