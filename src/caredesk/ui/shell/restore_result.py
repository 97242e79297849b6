"""The restore dialog's job and its second page: what a restore did (rows restored, the
backup's date, where the replaced store is kept), and after a restore with the recovery code
the new code, shown once and in effect only on Open (issue 11 item 5)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.app import AppContext
from caredesk.errors import CareDeskError, StoreLocked
from caredesk.services.access import PendingKeyChange
from caredesk.services.backup import Restored, restore_backup
from caredesk.services.restore_facts import Replacing, replaced_line, secrets_line
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import button, heading, info_label
from caredesk.ui.shell.recovery_code_view import RecoveryCodeView
from caredesk.ui.shell.single_instance import InstanceLock

log = logging.getLogger(__name__)


def result_text(done: Restored, data_dir: Path, replacing: Replacing | None = None) -> str:
    """'Restored the backup made 11/24/2026: 170 patients, 12,345 rows in 27 tables, each checked …'"""
    patients = done.rows.get("patients", 0)
    text = (
        f"Restored the backup made {done.made_on} into {data_dir}: {patients:,} patient"
        f"{'' if patients == 1 else 's'}, {sum(done.rows.values()):,} rows in {len(done.rows)} tables, "
        "each checked against the backup."
    )
    if done.replaced is not None:
        text += " " + replaced_line(done.replaced, replacing)
    if done.pending is None:
        text += " " + secrets_line(done.made_on)
    return text


def where_text(context: AppContext) -> str:
    """The restore form's line on what happens to the data folder."""
    folder = context.data_dir
    if context.has_store():
        return (
            f"The backup is checked first, then it replaces the store in {folder}. That store is kept "
            "unchanged in a replaced-<date> folder there."
        )
    return f"The backup is checked, then put into {folder}. It opens with the secrets it had when it was made."


def restore_and_open(
    context: AppContext, file: Path, secret: str, code: str | None
) -> tuple[Restored, Workspace | None]:
    """The dialog's job, on a worker thread: restore `file` with the passphrase `secret`, or with
    the recovery `code` and the new passphrase `secret`; then the restored store, open (after a
    restore with the code: open by it, the new code not yet in effect, `Restored.pending`).
    None when it restored but cannot open now (a back-off from earlier wrong tries, say)."""
    if code is not None:
        done = restore_backup(
            context.folder, file, clock=context.clock, recovery_code=code, new_passphrase=secret, access=context.access
        )
        return done, None if done.pending is None else done.pending.workspace
    done = restore_backup(context.folder, file, clock=context.clock, passphrase=secret)
    try:
        return done, context.access.unlock(secret)
    except CareDeskError:  # restored all the same: the result says so
        return done, None


def take_lock_back(instance_lock: InstanceLock | None) -> str | None:
    """The window's hold on its data folder again after the restore job (ok or not); what to
    add to the message when another CareDesk took it meanwhile."""
    if instance_lock is None:
        return None
    try:
        instance_lock.acquire()
    except StoreLocked as exc:
        log.error("the data folder's lock could not be taken back after a restore")
        return f"{exc} Close the other CareDesk, then start this one again."
    return None


def close_pair(result: tuple[Restored, Workspace | None]) -> None:
    """A finished job's store, closed when nobody takes the result (the dialog went away)."""
    if result[1] is not None:
        result[1].lock()


def not_opened(done: Restored) -> str:
    """Why the restored store is not open, and how to open it."""
    if done.waiting is not None:
        return (
            f"It did not open by itself ({done.waiting}) and the passphrase was not changed: unlock it with "
            "the passphrase the backup had, or with the recovery code you typed."
        )
    return "It did not open by itself: unlock it with its passphrase."


class ResultPanel(QWidget):
    """The dialog's second page. After a restore with the recovery code it shows the NEW code
    with Copy / Print… / Save recovery kit… (RecoveryCodeView); Open is held back until the code
    is marked saved, and only Open puts the new code and passphrase in effect (the dialog
    commits `Restored.pending`): closing before that leaves the typed code working."""

    def __init__(self) -> None:
        super().__init__()
        self.text = info_label("Restore result")
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.code_intro = heading(CODE_INTRO, "warning")
        self.view = RecoveryCodeView()
        self.view.saved.setText("I have &saved my new recovery code")
        self.view.saved.setAccessibleName("I have saved my new recovery code")
        self.open_button = button("&Open the restored store", primary=True)
        self.view.saved_changed.connect(self.open_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Backup restored", "section"))
        layout.addWidget(self.text)
        layout.addWidget(self.code_intro)
        layout.addWidget(self.view)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        layout.addLayout(row)

    @property
    def code(self) -> QLabel:
        return self.view.code

    @property
    def saved(self) -> QCheckBox:
        return self.view.saved

    def show_result(self, text: str, pending: PendingKeyChange | None, *, opens: bool = True) -> None:
        """`opens`: the restored store is open and the button goes into it (else it only closes).
        `pending`: a new recovery code to show; the kit is made from its open workspace."""
        self.open_button.setText("&Open the restored store" if opens else "&Close")
        self.open_button.setAccessibleName(self.open_button.text().replace("&", ""))
        self.text.setText(text)
        self.text.setAccessibleDescription(text)
        for w in (self.code_intro, self.view):
            w.setVisible(pending is not None)
        if pending is None:
            self.view.reset()
        else:
            self.view.show_code(pending.recovery_code, lambda: pending.workspace)
        self.open_button.setEnabled(pending is None)
        (self.saved if pending is not None else self.open_button).setFocus()


CODE_INTRO = (
    "This is your NEW recovery code. It and your new passphrase take effect when you tick the box and press "
    "Open; the code you typed then stops working. If you close this window before that, nothing changes: the "
    "restored store still opens with the code you typed (and the backup's passphrase)."
)
