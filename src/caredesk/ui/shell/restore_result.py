"""What a restore did, said once it is done: rows restored, the backup's date, where the replaced
store is kept, and a new recovery code (shown once) after a restore with the recovery code."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.services.backup import Restored
from caredesk.ui.common.forms import button, heading, info_label


def result_text(done: Restored, data_dir: Path) -> str:
    """'Restored the backup made 11/24/2026: 170 patients, 12,345 rows in 27 tables, each checked …'"""
    patients = done.rows.get("patients", 0)
    text = (
        f"Restored the backup made {done.made_on} into {data_dir}: {patients:,} patient"
        f"{'' if patients == 1 else 's'}, {sum(done.rows.values()):,} rows in {len(done.rows)} tables, "
        "each checked against the backup."
    )
    if done.replaced is not None:
        text += f" The store it replaced is kept, unchanged, in {done.replaced} (delete it once you have checked)."
    return text


class ResultPanel(QWidget):
    """The dialog's second page; Open is held back until a new recovery code is marked saved."""

    def __init__(self) -> None:
        super().__init__()
        self.text = info_label("Restore result")
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.code_intro = heading(
            "The passphrase is set, and the backup's old recovery code no longer opens the restored store. "
            "This is your NEW recovery code: write it down or print it now. CareDesk cannot show it again.",
            "warning",
        )
        self.code = QLabel()
        self.code.setProperty("role", "code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.code.setAccessibleName("New recovery code")
        self.saved = QCheckBox("I have &saved my new recovery code")
        self.saved.setAccessibleName("I have saved my new recovery code")
        self.open_button = button("&Open the restored store", primary=True)
        self.saved.toggled.connect(self.open_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Backup restored", "section"))
        layout.addWidget(self.text)
        for w in (self.code_intro, self.code, self.saved):
            layout.addWidget(w)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        layout.addLayout(row)

    def show_result(self, text: str, new_code: str | None, *, opens: bool = True) -> None:
        """`opens`: the restored store is open and the button goes into it (else it only closes)."""
        self.open_button.setText("&Open the restored store" if opens else "&Close")
        self.open_button.setAccessibleName(self.open_button.text().replace("&", ""))
        self.text.setText(text)
        self.text.setAccessibleDescription(text)
        for w in (self.code_intro, self.code, self.saved):
            w.setVisible(new_code is not None)
        self.code.setText(new_code or "")
        self.code.setAccessibleDescription(" ".join(new_code or ""))  # read out character by character
        self.saved.setChecked(False)
        self.open_button.setEnabled(new_code is None)
        (self.saved if new_code is not None else self.open_button).setFocus()
