"""Screenshots of backup and restore: Back up now while it runs and when done, the last-backup
line fresh and after 7 days, and the restore dialog (its two ways in, a refusal, the result).

The restore is shot into a folder of its own, never over the demo panel being photographed.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk import app as app_context
from caredesk.services import backup_schedule as schedule
from caredesk.services.backup import LastBackup
from caredesk.services.demo_store import DEMO_PASSPHRASE
from caredesk.ui.shell.backup_dialog import STEPS
from caredesk.ui.shell.main_window import MainWindow
from caredesk.ui.shell.restore_dialog import RestoreDialog
from caredesk.ui.shell.shot_tools import shoot_widget, wait_for


def shoot_backup(window: MainWindow, out: Path, folder: Path) -> list[Path]:
    """Back up the open store into `folder` (a temporary one) through File > Back up now."""
    shots = [shoot_widget(window, out, "30-last-backup-none")]  # the status bar's warning
    dialog = window.backups.back_up_now()
    assert dialog is not None
    dialog.folder.setText(str(folder))
    # Hold the job once the copy is done, so the bar is caught part way.
    held, go_on = threading.Event(), threading.Event()

    def hold(done: int, _total: int) -> None:  # on the worker thread
        if done >= STEPS * 0.5 and not held.is_set():
            held.set()
            go_on.wait(30)

    dialog.run.relay.changed.connect(hold, Qt.ConnectionType.DirectConnection)
    dialog.start_button.click()
    try:
        wait_for(held.is_set, timeout=120.0)
        wait_for(lambda: dialog.bar.value() >= STEPS * 0.5, timeout=120.0)
        shots.append(shoot_widget(dialog, out, "31-backup-progress"))
    finally:
        go_on.set()
    wait_for(lambda: not dialog.run.running, timeout=120.0)
    shots.append(shoot_widget(dialog, out, "32-backup-done"))
    dialog.reject()
    shots.append(shoot_widget(window, out, "33-last-backup-fresh"))
    ws = window.workspace
    assert ws is not None
    indicator = window.backups.indicator
    indicator.show_line(schedule.indicator(LastBackup(ws.clock.now() - timedelta(days=9), ""), ws.today(), ws.tz))
    shots.append(shoot_widget(window, out, "34-last-backup-old"))
    indicator.show_for(ws)
    return shots


def shoot_restore(window: MainWindow, out: Path, backup: Path) -> list[Path]:
    """The restore dialog over an empty folder of its own: the form, the recovery-code way,
    a wrong passphrase, and the result."""
    shots = []
    with tempfile.TemporaryDirectory(prefix="caredesk-restore-shot-") as tmp:
        context = app_context.build(Path(tmp) / "new laptop", clock=window.context.clock)
        dialog = RestoreDialog(context, window)
        dialog.show()
        dialog.file.setText(str(backup))
        dialog.with_code.setChecked(True)
        dialog.code.setText("ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2")
        QApplication.processEvents()
        shots.append(shoot_widget(dialog, out, "35-restore-recovery-code"))
        dialog.with_passphrase.setChecked(True)
        dialog.passphrase.setText("not the passphrase")
        dialog.restore_button.click()
        wait_for(lambda: dialog.restore_button.isEnabled(), timeout=120.0)
        shots.append(shoot_widget(dialog, out, "36-restore-wrong-passphrase"))
        dialog.passphrase.setText(DEMO_PASSPHRASE)
        dialog.restore_button.click()
        wait_for(lambda: dialog.outcome.isVisible(), timeout=120.0)
        shots.append(shoot_widget(dialog, out, "37-restore-done"))
        dialog.stop()  # the restored copy is closed, not shown: the demo stays on screen
        dialog.hide()
        dialog.deleteLater()
    return shots


def shoot_backup_and_restore(window: MainWindow, out: Path) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="caredesk-backup-shot-") as tmp:
        shots = shoot_backup(window, out, Path(tmp))
        backup = next(Path(tmp).glob("*.cdbk"))
        shots += shoot_restore(window, out, backup)
    return shots
