"""The call timer as the care manager sees it: big mm:ss, its state, Start / Pause / Stop.

Only the display: the CallPanel owns the CallTimer and connects the buttons. Alt+P
pauses and resumes, Alt+T stops: shortcuts that act at once and leave the focus in
the note (Alt+R is the outcome Reached, never Resume).
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.domain.timelog import CallTimer
from caredesk.ui.common import theme
from caredesk.ui.common.forms import KeyButton

PAUSE_KEY = "Alt+P"


def clock_text(seconds: float) -> str:
    """'mm:ss' of elapsed seconds (minutes keep counting past 59)."""
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


class TimerDisplay(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.time_label = QLabel("00:00")
        self.time_label.setAccessibleName("Call timer")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.6)
        font.setWeight(QFont.Weight.DemiBold)
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFamilies(["DejaVu Sans Mono", "Consolas", "Menlo", "monospace"])
        self.time_label.setFont(font)
        self.state_label = QLabel()
        self.state_label.setAccessibleName("Timer state")
        theme.set_role(self.state_label, "muted")
        self.start_button = KeyButton("Start", "Start call timer")
        self.start_button.setProperty("primary", True)
        self.start_button.setToolTip("Start the call timer (Space in the queue, or Space here)")
        self.pause_button = KeyButton("&Pause", "Pause or resume call timer")
        self.stop_button = KeyButton("S&top", "Stop call timer")
        self.stop_button.setToolTip("Stop the timer; its minutes go into Minutes (Alt+T)")
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.time_label)
        texts.addWidget(self.state_label)
        row.addLayout(texts)
        row.addStretch(1)
        for b in (self.start_button, self.pause_button, self.stop_button):
            row.addWidget(b)

    def show_state(self, timer: CallTimer, seconds: float, *, has_patient: bool) -> None:
        """The call's time so far (earlier runs included) and what the buttons can do."""
        self.time_label.setText(clock_text(seconds))
        self.time_label.setAccessibleDescription(f"{int(seconds // 60)} minutes timed")
        if timer.started:
            self.state_label.setText("Running" if timer.running else "Paused")
        elif seconds >= 1:
            self.state_label.setText(f"Stopped · {int(seconds // 60)} min")
        else:
            self.state_label.setText("Not started")
        self.start_button.setEnabled(has_patient and not timer.running)
        self.start_button.setText("Resume" if timer.paused else "Start")
        self.pause_button.setEnabled(timer.started)
        self.stop_button.setEnabled(timer.started)
        # Pause reads Resume while paused; Alt+P does both (setText would drop the key).
        self.pause_button.setText("Resume" if timer.paused else "&Pause")
        self.pause_button.setShortcut(QKeySequence(PAUSE_KEY))
        self.pause_button.setToolTip(f"{'Resume' if timer.paused else 'Pause'} the call timer ({PAUSE_KEY})")
