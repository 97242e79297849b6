"""Window settings: geometry and the idle-lock delay. Never patient data, not even ids."""

from __future__ import annotations

from pathlib import Path
from typing import SupportsInt

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QVBoxLayout, QWidget

from caredesk.ui.common.forms import dialog_buttons, heading

IDLE_MINUTES_DEFAULT = 10
IDLE_MINUTES_RANGE = (1, 120)


class AppSettings:
    def __init__(self, path: Path | None = None):
        # An explicit INI file keeps tests (and portable set-ups) away from the user's settings.
        self.qt = QSettings(str(path), QSettings.Format.IniFormat) if path else QSettings("CareDesk", "CareDesk")

    @property
    def idle_minutes(self) -> int:
        stored = self.qt.value("lock/idle_minutes", IDLE_MINUTES_DEFAULT)
        if not isinstance(stored, str | bytes | SupportsInt):
            return IDLE_MINUTES_DEFAULT
        try:
            value = int(stored)
        except (TypeError, ValueError):
            return IDLE_MINUTES_DEFAULT
        low, high = IDLE_MINUTES_RANGE
        return min(high, max(low, value))

    @idle_minutes.setter
    def idle_minutes(self, minutes: int) -> None:
        self.qt.setValue("lock/idle_minutes", int(minutes))

    def window_geometry(self) -> QByteArray | None:
        value = self.qt.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self.qt.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qt.setValue("window/geometry", geometry)
        self.qt.setValue("window/state", state)

    def sync(self) -> None:
        self.qt.sync()


class SettingsDialog(QDialog):
    def __init__(self, idle_minutes: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.idle = QSpinBox()
        self.idle.setRange(*IDLE_MINUTES_RANGE)
        self.idle.setValue(idle_minutes)
        self.idle.setSuffix(" minutes idle")
        self.idle.setAccessibleName("Lock after minutes idle")
        form = QFormLayout()
        form.addRow("&Lock after", self.idle)
        buttons = dialog_buttons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self.accept, self.reject
        )
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Security", "section"))
        layout.addLayout(form)
        layout.addWidget(heading("CareDesk locks itself after this long without keyboard or mouse use.", "hint"))
        layout.addWidget(buttons)
