"""A recovery code on screen, with what a user does with it: Copy, Print…, Save recovery kit….

Shown when a store is created, after a reset with the recovery code (the unlock panel's
code page) and when a new code is made from the passphrase (File menu). The code is kept
nowhere readable, so this is the only moment a kit can be made (issue 11 item 5).

Copy goes through caredesk.ui.common.clipboard: the code leaves the clipboard after 30 s,
on lock and on quit. The kit is rendered in memory (services.recovery_kit) and either
printed through PDFium like a care plan, or saved where the user says, 0600.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.errors import CareDeskError
from caredesk.services import recovery_kit
from caredesk.ui.common import clipboard
from caredesk.ui.common.forms import InlineMessage, button, heading, user_message

if TYPE_CHECKING:  # annotations only: not imported before the unlock page's first paint (issue 14)
    from caredesk.services.workspace import Workspace

log = logging.getLogger(__name__)

KIT_DOC_NAME = "CareDesk recovery kit"  # the print queue shows it: never the code


class RecoveryCodeView(QWidget):
    """The code, large and selectable; Copy / Print… / Save recovery kit…; 'I have saved it'.

    `workspace` gives the kit its data folder and date (None: no kit offered). `saved_changed`
    follows the check box, for the owner's Continue or Done button.
    """

    saved_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._code = ""
        self._workspace: Callable[[], Workspace | None] = lambda: None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.code = QLabel()
        self.code.setProperty("role", "code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.code.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.code.setAccessibleName("Recovery code")
        layout.addWidget(self.code)
        row = QHBoxLayout()
        self.copy_button = button("&Copy code", "Copy the recovery code")
        self.print_button = button("&Print…", "Print the recovery kit")
        self.save_button = button("Save recovery &kit…", "Save the recovery kit as a PDF")
        row.addStretch(1)
        for b in (self.copy_button, self.print_button, self.save_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.copy_button.clicked.connect(self.copy)
        self.print_button.clicked.connect(self.print_kit)
        self.save_button.clicked.connect(lambda: self.save_kit())  # not clicked's `checked` as the path
        self.message = InlineMessage("Recovery kit message")
        layout.addWidget(self.message)
        warn = heading(
            "Anyone with this code can open your store, so keep it somewhere safe, away from this computer. "
            "CareDesk does not keep a readable copy and cannot show it again.",
            "hint",
        )
        layout.addWidget(warn)
        self.saved = QCheckBox("I have saved my recovery code")
        self.saved.setAccessibleName("I have saved my recovery code")
        self.saved.toggled.connect(self.saved_changed)
        layout.addWidget(self.saved)

    def show_code(self, code: str, workspace: Callable[[], Workspace | None]) -> None:
        self._code = code
        self._workspace = workspace
        self.code.setText(code)
        self.code.setAccessibleDescription(" ".join(code))  # read out character by character
        self.message.clear()
        self.saved.setChecked(False)

    def reset(self) -> None:
        self._code = ""
        self._workspace = lambda: None
        self.code.clear()
        self.code.setAccessibleDescription("")
        self.message.clear()
        self.saved.setChecked(False)

    # -- actions ---------------------------------------------------------------
    def copy(self) -> None:
        if self._code:
            clipboard.copy_text(self._code)
            self.message.show_info("Copied. CareDesk clears it from the clipboard in 30 seconds.")

    def _kit(self) -> bytes | None:
        ws = self._workspace()
        if not self._code or ws is None or not ws.is_open:
            return None
        try:
            return recovery_kit.kit_pdf(ws, self._code)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return None

    def save_kit(self, path: Path | None = None) -> Path | None:
        """Ask where (unless `path` is given: tests), write the kit; the path written or None."""
        data = self._kit()
        if data is None:
            return None
        if path is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save recovery kit", str(Path(folder) / recovery_kit.SUGGESTED_NAME), "PDF (*.pdf)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            recovery_kit.save_kit(path, data)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return None
        log.info("recovery kit saved")
        self.message.show_info(f"Saved to {path}. Print it, keep the paper safe, then delete the file.")
        return path

    def print_kit(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog  # printing loads on first use

        from caredesk.ui.careplan.pdf_print import PrinterSink, new_printer

        data = self._kit()
        if data is None:
            return
        printer = new_printer()
        printer.setDocName(KIT_DOC_NAME)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print recovery kit")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        sink = PrinterSink(printer, two_sided=False)
        try:
            sink.send(data)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        finally:
            sink.finish()
        log.info("recovery kit printed")
        self.message.show_info("Sent to the printer. Keep the paper somewhere safe, away from this computer.")
