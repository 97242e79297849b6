"""The safety protocol said where it is needed: in the interview the moment a safety answer is
given, and at the top of the chart until a safety check is documented (SPEC section 3).

What to do comes first, in the order a care manager does it on the phone. 988 is the US
Suicide & Crisis Lifeline (call or text, since July 2022); 1-800-799-7233 the National
Domestic Violence Hotline (for the AHC interpersonal-safety items). The flag itself never
blocks the interview: the notice sits beside the questions.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from caredesk.domain.assessments import Instrument
from caredesk.ui.common import theme

OBJECT_NAME = "safetyAlert"

_SELF_HARM = (
    "Stay on the line; ask now about thoughts, plans and means.",
    "In immediate danger: call 911 (emergency services) and stay with the patient.",
    "Give the 988 Suicide & Crisis Lifeline: call or text 988.",
    "Tell the PCP today.",
    "Finish the screen; then record the safety check in the chart (who, when, what was done).",
)
_HARMED = (
    "Ask whether the patient is safe where they are right now.",
    "In immediate danger: call 911 (emergency services).",
    "Give the crisis lines: 988 (call or text), National Domestic Violence Hotline 1-800-799-7233.",
    "Tell the PCP today.",
    "Finish the screen; then record the safety check in the chart (who, when, what was done).",
)


def protocol(instrument: Instrument) -> tuple[str, ...]:
    """What to do, step by step, for a safety answer on this instrument."""
    return _SELF_HARM if instrument in (Instrument.PHQ9, Instrument.PHQ2) else _HARMED


def alert_style() -> str:
    """A red, high-contrast frame in the light and the dark palette (the theme's 'high' colours)."""
    c = theme.current()
    return (
        f"QFrame#{OBJECT_NAME} {{ background: {c.high_bg}; border: 2px solid {c.error}; border-radius: 6px; }}"
        f"QFrame#{OBJECT_NAME} QLabel {{ color: {c.high_fg}; background: transparent; border: none; }}"
    )


class AlertFrame(QFrame):
    """The red frame both the notice and the chart's banner use."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName(name)
        self.setStyleSheet(alert_style())


class SafetyNotice(AlertFrame):
    """`show_for(instrument, what)`: the headline ('PHQ-9 item 9 answered "Several days"') and
    the protocol's steps; `clear()` hides it. The text is also its accessible description."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Safety notice", parent)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.headline.setFont(font)
        self.steps = QLabel()
        self.steps.setWordWrap(True)
        lay = QVBoxLayout(self)
        m = self.fontMetrics().height() // 2
        lay.setContentsMargins(m, m, m, m)
        lay.addWidget(self.headline)
        lay.addWidget(self.steps)
        self.clear()

    def show_for(self, instrument: Instrument, what: str) -> None:
        steps = protocol(instrument)
        self.headline.setText(f"SAFETY: {what}")
        self.steps.setText("\n".join(f"{n}. {s}" for n, s in enumerate(steps, start=1)))
        self.setAccessibleDescription(f"Safety: {what}. " + " ".join(steps))
        self.show()

    def clear(self) -> None:
        self.headline.clear()
        self.steps.clear()
        self.setAccessibleDescription("")
        self.hide()
