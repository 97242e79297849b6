"""The call timer as the care manager sees it: big mm:ss, its state, Start / Pause / Stop.

Only the display: the CallPanel owns the CallTimer and connects the buttons.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.ui.common import theme
from caredesk.ui.common.forms import button


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
        self.start_button = button("Start", "Start call timer", primary=True)
        self.start_button.setToolTip("Start the call timer (Space in the queue)")
        self.pause_button = button("&Pause", "Pause or resume call timer")
        self.stop_button = button("S&top", "Stop call timer")
        self.stop_button.setToolTip("Stop the timer; its minutes go into Minutes")
        for b in (self.start_button, self.pause_button, self.stop_button):
            b.setDefault(False)
            b.setAutoDefault(False)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.time_label)
        texts.addWidget(self.state_label)
        row.addLayout(texts)
        row.addStretch(1)
        for b in (self.start_button, self.pause_button, self.stop_button):
            row.addWidget(b)
