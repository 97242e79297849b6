"""Window settings: geometry, the idle-lock delay and backups (the last folder used, backup on
quit, how many to keep). Never patient data, not even ids: a folder path is a place, not a patient."""

from __future__ import annotations

from pathlib import Path
from typing import SupportsInt

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caredesk.ui.common.forms import dialog_buttons, heading

IDLE_MINUTES_DEFAULT = 10
IDLE_MINUTES_RANGE = (1, 120)


class AppSettings:
    def __init__(self, path: Path | None = None):
        # An explicit INI file keeps tests (and portable set-ups) away from the user's settings.
        self.qt = QSettings(str(path), QSettings.Format.IniFormat) if path else QSettings("CareDesk", "CareDesk")

    def _int(self, key: str, default: int, bounds: tuple[int, int]) -> int:
        stored = self.qt.value(key, default)
        if not isinstance(stored, str | bytes | SupportsInt):
            return default
        try:
            value = int(stored)
        except (TypeError, ValueError):
            return default
        low, high = bounds
        return min(high, max(low, value))

    @property
    def idle_minutes(self) -> int:
        return self._int("lock/idle_minutes", IDLE_MINUTES_DEFAULT, IDLE_MINUTES_RANGE)

    @idle_minutes.setter
    def idle_minutes(self, minutes: int) -> None:
        self.qt.setValue("lock/idle_minutes", int(minutes))

    # -- backups ---------------------------------------------------------------
    @property
    def backup_folder(self) -> Path | None:
        """The folder the last backup went to (None before the first)."""
        value = self.qt.value("backup/folder")
        return Path(value) if isinstance(value, str) and value else None

    @backup_folder.setter
    def backup_folder(self, folder: Path) -> None:
        self.qt.setValue("backup/folder", str(folder))

    @property
    def backup_on_quit(self) -> bool:
        return str(self.qt.value("backup/on_quit", "true")).lower() not in ("false", "0", "no")

    @backup_on_quit.setter
    def backup_on_quit(self, on: bool) -> None:
        self.qt.setValue("backup/on_quit", "true" if on else "false")

    @property
    def key_remembered(self) -> bool:
        """Whether the last unlock left the key in the keyring: the app then starts on "Opening
        your panel" rather than the passphrase page while it loads (a hint only, never a secret)."""
        return str(self.qt.value("unlock/key_remembered", "false")).lower() == "true"

    @key_remembered.setter
    def key_remembered(self, on: bool) -> None:
        self.qt.setValue("unlock/key_remembered", "true" if on else "false")

    @property
    def backups_kept(self) -> int:
        # Imported here: the backup services load after the unlock page is painted (issue 14).
        from caredesk.services.backup_schedule import KEEP_DEFAULT, KEEP_RANGE

        return self._int("backup/keep", KEEP_DEFAULT, KEEP_RANGE)

    @backups_kept.setter
    def backups_kept(self, n: int) -> None:
        self.qt.setValue("backup/keep", int(n))

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


def _minutes(n: int) -> str:
    return f"{n} minute" if n == 1 else f"{n} minutes"


def _counted(box: QSpinBox, one: str, many: str) -> None:
    """The spin box's unit after its number, singular for 1 ("1 minute idle", not "1 minutes idle")."""

    def follow(value: int) -> None:
        box.setSuffix(f" {one}" if value == 1 else f" {many}")

    box.valueChanged.connect(follow)
    follow(box.value())


class SettingsDialog(QDialog):
    def __init__(
        self,
        idle_minutes: int,
        parent: QWidget | None = None,
        *,
        on_quit: bool = True,
        keep: int | None = None,
        folder: Path | None = None,
    ):
        from caredesk.services.backup_schedule import KEEP_DEFAULT, KEEP_RANGE

        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)  # the folder path reads on one line or two
        self.idle = QSpinBox()
        self.idle.setRange(*IDLE_MINUTES_RANGE)
        # A number typed below the shortest becomes the shortest (not the value before), and
        # the note under it says so: a tester's 0 became 1 without a word.
        self.idle.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        _counted(self.idle, "minute idle", "minutes idle")
        self.idle.setValue(idle_minutes)
        self.idle.setAccessibleName("Lock after minutes idle")
        low, high = IDLE_MINUTES_RANGE
        self.idle_note = heading(
            f"The idle lock is {low} to {high} minutes: {_minutes(low)} is the shortest.", "warning"
        )
        self.idle_note.setAccessibleName("Idle lock note")
        self.idle_note.hide()
        self.idle.lineEdit().textEdited.connect(self._idle_typed)
        form = QFormLayout()
        form.addRow("&Lock after", self.idle)

        self.on_quit = QCheckBox("&Back up when quitting, once a day")
        self.on_quit.setAccessibleName("Back up when quitting, once a day")
        self.on_quit.setChecked(on_quit)
        self.keep = QSpinBox()
        self.keep.setRange(*KEEP_RANGE)
        _counted(self.keep, "newest backup", "newest backups")
        self.keep.setValue(KEEP_DEFAULT if keep is None else keep)
        self.keep.setAccessibleName("Backups to keep in the backup folder")
        backup_form = QFormLayout()
        backup_form.addRow("K&eep", self.keep)
        where = f"to {folder}" if folder else "to the folder of the last File > Back up now (none yet)"
        buttons = dialog_buttons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self.accept, self.reject
        )
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Security", "section"))
        layout.addLayout(form)
        layout.addWidget(self.idle_note)
        layout.addWidget(heading("CareDesk locks itself after this long without keyboard or mouse use.", "hint"))
        layout.addWidget(heading("Backups", "section"))
        layout.addWidget(self.on_quit)
        layout.addWidget(heading(f"A verified backup is written on quit {where}.", "hint"))
        layout.addLayout(backup_form)
        layout.addWidget(
            heading(
                "After each backup, older backups of this store in that folder are deleted; other files never are.",
                "hint",
            )
        )
        layout.addWidget(buttons)
        self.adjustSize()  # the wrapped hints' height at this width

    def _idle_typed(self, _text: str) -> None:
        """Show the note while the number typed is below the shortest idle lock."""
        typed = self.idle.cleanText().strip()
        self.idle_note.setVisible(typed.isdigit() and int(typed) < self.idle.minimum())

    @classmethod
    def over(cls, settings: AppSettings, parent: QWidget | None = None) -> SettingsDialog:
        """The dialog showing what `settings` hold."""
        return cls(
            settings.idle_minutes,
            parent,
            on_quit=settings.backup_on_quit,
            keep=settings.backups_kept,
            folder=settings.backup_folder,
        )

    def save(self, settings: AppSettings) -> None:
        """Write what the dialog shows into `settings` (after OK)."""
        settings.idle_minutes = self.idle.value()
        settings.backup_on_quit = self.on_quit.isChecked()
        settings.backups_kept = self.keep.value()
        settings.sync()
