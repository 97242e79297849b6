"""The main window: the unlock panel in front of the workspace view, File menu, auto-lock.

Locking follows KeePassXC's DatabaseWidget::lock(): guard re-entry, close child dialogs,
remember the selection (ids, in memory only), drop patient data from every widget,
close the store, show the unlock panel. After the next unlock of the same store the
selection comes back.

At program start (`preload=True`) the window paints its unlock page first and makes the
pages afterwards (issue 14; caredesk.ui.shell.staged_start).

An unsaved call is never dropped (SPEC §5): Ctrl+L, leaving the demo and quitting ask
Save / Keep as draft / Discard / Cancel; an idle lock keeps it as a draft without asking.
A chart contact form open at any lock or quit (Log contact…, Log other time…, Correct…,
Void…) keeps what was typed as a draft of its own; its tab offers it back after the unlock.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import QDialog, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from caredesk.ui.common import clipboard
from caredesk.ui.shell.backup_actions import BackupActions
from caredesk.ui.shell.edit_menu import EditMenu
from caredesk.ui.shell.file_menu import FileMenu
from caredesk.ui.shell.first_paint import AfterFirstPaint
from caredesk.ui.shell.inactivity import InactivityTimer
from caredesk.ui.shell.lock_key_in_dialogs import LockKeyInDialogs
from caredesk.ui.shell.notice_bar import NoticeBar
from caredesk.ui.shell.outside_writes import OutsideWrites
from caredesk.ui.shell.session_lock import SessionLockWatch
from caredesk.ui.shell.settings import AppSettings, SettingsDialog
from caredesk.ui.shell.single_instance import InstanceLock
from caredesk.ui.shell.staged_start import StagedStart
from caredesk.ui.shell.unlock import UnlockPanel

# The pages and what they bring (the database layer) load after the first paint (issue 14).
if TYPE_CHECKING:
    from caredesk.app import AppContext
    from caredesk.services.workspace import Workspace
    from caredesk.ui.careplan.due_plans import DuePlansDialog
    from caredesk.ui.chart.patient_form import AddPatientDialog
    from caredesk.ui.chart.resource_directory import ResourceDirectory
    from caredesk.ui.shell.bring_forward import ForwardRequests
    from caredesk.ui.shell.practice_dialog import PracticeDialog
    from caredesk.ui.shell.preload import Preloader
    from caredesk.ui.shell.workspace_view import WorkspaceView

log = logging.getLogger(__name__)
D = TypeVar("D", bound=QDialog)

TITLE = "CareDesk"
CALL_HOLDS_IDLE_LOCK_MINUTES = 60
DEMO_TITLE = "CareDesk — DEMO PANEL (synthetic data)"
# What the unlock page says about why the window locked (no patient data: it shows before the
# passphrase); by SessionLockWatch's reasons, others "Locked when the computer's session locked."
LOCKED = "Locked."
SESSION_LOCKED = {
    "screen locked": "Locked when the screen locked.",
    "going to sleep": "Locked when the computer went to sleep.",
    "user switched": "Locked when another user took over the computer.",
    "remote session disconnected": "Locked when the remote session disconnected.",
}


def idle_locked(minutes: int) -> str:
    return f"Locked after {minutes} minute{'' if minutes == 1 else 's'} without use."


class MainWindow(QMainWindow):
    def __init__(
        self,
        context: AppContext,
        settings: AppSettings,
        *,
        instance_lock: InstanceLock | None = None,
        preload: bool = False,
    ):
        """`preload`: build the pages after the first paint (program start); otherwise now."""
        super().__init__()
        self.context = context
        self.data_dir = context.data_dir
        self.settings = settings
        self.instance_lock = instance_lock
        self.workspace: Workspace | None = None
        self.is_demo = False
        self._locking = False
        self._closed = False
        self._saved_selection: tuple[Path, dict[str, Any]] | None = None
        self.forward_requests: ForwardRequests | None = None  # listening once started

        self.unlock_panel = UnlockPanel(context, check_keyring=not preload)
        self.unlock_panel.unlocked.connect(self._on_unlocked)
        self.staged = StagedStart(self, open_workspace=self._on_unlocked, show_opening=self._show_opening)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock_panel)
        self.notices = NoticeBar()  # what the unlock found (failed attempts, audit problems)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.notices)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.idle = InactivityTimer(self)
        LockKeyInDialogs(self, self.lock)  # Ctrl+L from inside a form too
        self.idle.set_interval_ms(settings.idle_minutes * 60_000)
        self.idle.idle.connect(self._idle_lock)
        self.clipboard = clipboard.guard()  # watches every copy from now on (SPEC §4)
        self.session_lock = SessionLockWatch(self)  # screen lock, suspend, user switch
        self.session_lock.locked.connect(self._os_session_locked)
        self.backups = BackupActions(self)  # Back up now, Restore, the last-backup line, backup on quit
        self.outside = OutsideWrites(self)  # writes by a `caredesk` command shown while unlocked
        self._build_menu()
        self._restore_window()
        self._show_locked()
        self.staged.begin(preload=preload)

    @property
    def view(self) -> WorkspaceView:
        """The unlocked view (made now, waiting for the preload, if it was still to come)."""
        view = self.staged.view
        return self.staged.make_view(pages_later=False) if view is None else view

    @property
    def has_view(self) -> bool:
        return self.staged.view is not None

    @property
    def preloader(self) -> Preloader | None:
        """While the pages' modules load and the pages are made at start; None once all are."""
        return self.staged.preloader

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.staged.painted()

    # -- construction ----------------------------------------------------------
    def _build_menu(self) -> None:
        self.file_menu = FileMenu(self)
        # What tests and the screenshot tools reach through the window.
        menu = self.file_menu
        self.lock_action, self.due_plans_action = menu.lock_action, menu.due_plans_action
        self.add_patient_action, self.resources_action = menu.add_patient_action, menu.resources_action
        self.practice_action, self.own_store_action = menu.practice_action, menu.own_store_action
        self.interop, self.key_actions = menu.interop, menu.key_actions
        self.edit = EditMenu(self, lambda: self.workspace is not None)  # undo/redo of the care plan on screen

    def print_due_plans(self) -> DuePlansDialog | None:
        """Every finalized plan whose copy is not given yet, printed or saved in the background."""
        if self.workspace is None:
            return None
        from caredesk.ui.careplan.due_plans import DuePlansDialog  # PDFium and printing load on first use

        return self.open_modal(DuePlansDialog(self.workspace, self))

    def _restore_window(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def start(self) -> None:
        """First page at program start (the unlock panel's, see StagedStart.start_panel); from
        now on a second start on this folder brings this window forward (bring_forward)."""
        self.staged.start_panel()
        if self.staged.preloader is None:
            self.session_lock.start(self)
        else:  # program start: its D-Bus connections (7-20 ms) after the first paint; no store is open before
            AfterFirstPaint(self, lambda: self.session_lock.start(self))
        if self.instance_lock is None:
            return
        preloader = self.staged.preloader
        if preloader is None:
            self._listen_for_second_start()
        else:  # QtNetwork (~10 ms to import) loads with the pages, after the first paint
            preloader.loaded.connect(self._listen_for_second_start)

    def _listen_for_second_start(self) -> None:
        from caredesk.ui.shell.bring_forward import ForwardRequests

        if self.forward_requests is None and not self._closed:
            self.forward_requests = ForwardRequests(self.data_dir, self)
            self.forward_requests.asked.connect(self.bring_forward)

    def bring_forward(self) -> None:
        """Shown, restored if minimized, raised and asked to be the active window (the window
        manager may only flash it in the task bar, which still tells the user where it is)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def _show_opening(self) -> None:
        self.unlock_panel.busy.show_work(
            "Opening your panel", "Building today's queue: who to call and why. This takes a moment."
        )
        self.unlock_panel.setCurrentWidget(self.unlock_panel.busy)

    # -- unlocking and locking -------------------------------------------------
    def _on_unlocked(self, workspace: Workspace, is_demo: bool) -> None:
        if self._closed:
            workspace.lock()
            return
        if not self.staged.can_open:  # today's queue page is not made yet
            self.staged.wait_for(workspace, is_demo)
            self._show_opening()
            return
        from caredesk.ui.queue.page import QueuePage

        self.workspace = workspace
        self.is_demo = is_demo
        if not is_demo:
            self.settings.key_remembered = self.unlock_panel.remembered
        # The pages read in the background; the unlock panel shows progress until
        # today's queue is ready, and the window keeps painting meanwhile.
        queue = self.view.page(QueuePage)
        queue.ready.connect(self._show_workspace, Qt.ConnectionType.SingleShotConnection)
        self._show_opening()
        self.outside.start(workspace)  # its baseline before the pages read: nothing in between is missed
        self.view.load(workspace, demo=is_demo)
        saved, self._saved_selection = self._saved_selection, None
        if saved is not None and saved[0] == workspace.folder_path:
            self.view.restore(saved[1])
        self.file_menu.set_open(True, demo=is_demo)
        self.setWindowTitle(DEMO_TITLE if is_demo else TITLE)
        self.idle.start()
        self.backups.unlocked(workspace)
        # Every real unlock (passphrase, keyring, recovery code, restore) goes through the
        # context's one Access, which keeps what that unlock found; the demo has nothing to say.
        self.notices.show_notices(None if is_demo else self.context.access)
        log.info("workspace opened")

    def _show_workspace(self) -> None:
        if self.workspace is not None and self.has_view:
            self.stack.setCurrentWidget(self.view)
            # The page's list, not the Sections list (where Space, Enter and Ctrl+S did nothing).
            page = self.view.stack.currentWidget()
            target = getattr(page, "table", None)
            if isinstance(target, QWidget):
                target.setFocus(Qt.FocusReason.OtherFocusReason)
            from caredesk.ui.chart.kept_contact_forms import kept_line

            if kept := kept_line(self.workspace):  # a form a lock or quit kept (SPEC §5), after a restart too
                self.statusBar().showMessage(kept)
            log.info("workspace shown")

    def _settle_call(self, action: str) -> bool:
        """Ask about an unsaved call before `action`; True when it may go ahead."""
        if self.workspace is None or not self.has_view:
            return True
        from caredesk.ui.queue.page import QueuePage

        return self.view.page(QueuePage).settle_call(action)

    def lock(self) -> None:
        """Ctrl+L: ask about an unsaved call, then lock (Cancel keeps the window open)."""
        if self._locking or self.workspace is None:
            return
        from caredesk.ui.queue.unsaved_call import LOCK

        if not self._settle_call(LOCK):
            return
        self._lock_now()

    def leave_demo(self) -> None:
        """File > Open my store…: lock the demo panel and show the unlock (or create) page;
        a key remembered in the keyring opens the store at once."""
        if not self.is_demo or self._locking:
            return
        from caredesk.ui.queue.unsaved_call import LEAVE_DEMO

        if not self._settle_call(LEAVE_DEMO):
            return
        self._lock_now()
        self.unlock_panel.start(try_keyring=True)

    def _lock_now(self, why: str = LOCKED) -> None:
        """Lock without asking: an unsaved call becomes a draft as the call panel clears. The
        unlock page then says `why`, and whether anything typed was kept."""
        if self._locking or self.workspace is None:
            return
        self._locking = True
        kept = False
        try:
            self.idle.stop()
            self.outside.stop()
            self.backups.locking()  # a backup in progress stops before the store closes
            for dialog in self.findChildren(QDialog):
                if dialog.isVisible():
                    keep = getattr(dialog, "keep_draft", None)  # a chart contact form, Add patient
                    if callable(keep):
                        # what was typed goes to the store as a draft before the form closes (SPEC §5)
                        kept = bool(keep()) or kept
                    dialog.reject()
            ws, self.workspace = self.workspace, None
            if self.has_view:
                kept = self._call_unsaved() or kept  # the call panel keeps it as it clears
                self._saved_selection = (ws.folder_path, self.view.selection())
                self.view.clear()
            self.clipboard.clear_now()  # a copied MRN or note does not outlive the session
            try:
                ws.lock()
            finally:
                self._show_locked()
                self.unlock_panel.start(try_keyring=False)
                self.unlock_panel.say_why_locked(why, kept=kept)
            log.info("workspace locked")
        finally:
            self._locking = False

    def _call_unsaved(self) -> bool:
        from caredesk.ui.queue.page import QueuePage

        return self.view.page(QueuePage).panel.drafts.unsaved

    def lock_for_restore(self) -> bool:
        """Before a restore from the File menu: ask about an unsaved call, then lock; False on Cancel."""
        from caredesk.ui.queue.unsaved_call import LOCK

        if self._locking or not self._settle_call(LOCK):
            return False
        self._lock_now()
        return True

    def open_restored(self, workspace: Workspace) -> None:
        """The restored store, opened by the restore dialog: shown as after an unlock."""
        self._saved_selection = None  # ids from before the restore may name other patients now
        self._on_unlocked(workspace, False)

    def _idle_lock(self) -> None:
        # A nurse on a long call types nothing for minutes: while the call timer runs
        # (up to the hour after which it warns as unusually long) the idle lock waits.
        # Ctrl+L still locks at once; a paused or stopped timer does not hold it off.
        from caredesk.ui.queue.page import QueuePage

        timer = self.view.page(QueuePage).panel.timer if self.has_view else None
        if (
            self.workspace is not None
            and timer is not None
            and timer.running
            and not timer.too_long(CALL_HOLDS_IDLE_LOCK_MINUTES)
        ):
            log.info("idle lock postponed: a call timer is running")
            self.idle.start()
            return
        log.info("locking after idle time")
        self._lock_now(idle_locked(self.settings.idle_minutes))

    def _os_session_locked(self, reason: str) -> None:
        # The computer locked or sleeps: nobody is there to answer about an unsaved call,
        # so it is kept as a draft, as on idle; a running call timer does not hold this off.
        if self.workspace is not None:
            log.info("locking: %s", reason)
            self._lock_now(SESSION_LOCKED.get(reason, "Locked when the computer's session locked."))

    def _show_locked(self) -> None:
        self.is_demo = False
        self.backups.locked()
        self.file_menu.set_open(False)
        self.notices.clear()
        self.statusBar().clearMessage()  # "Updated with changes made outside…" was about the store shown
        self.stack.setCurrentWidget(self.unlock_panel)
        self.setWindowTitle(TITLE)

    def set_idle_interval_ms(self, ms: int) -> None:
        """The idle delay in milliseconds (tests use a few dozen)."""
        self.idle.set_interval_ms(ms)

    # -- settings --------------------------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog.over(self.settings, self)
        dialog.setAccessibleName("Settings")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            dialog.save(self.settings)
            self.set_idle_interval_ms(self.settings.idle_minutes * 60_000)
        dialog.deleteLater()

    def add_patient(self) -> AddPatientDialog | None:
        """The add-patient form from any page (Ctrl+N): the Patients page opens the new chart."""
        if self.workspace is None or not self.has_view:
            return None
        from caredesk.ui.chart.patients_page import PatientsPage

        return self.view.show_page(PatientsPage).add_patient()

    def open_practice_details(self) -> PracticeDialog | None:
        """The care manager and the practice named on patients' plans (kept in the store)."""
        if self.workspace is None:
            return None
        from caredesk.ui.shell.practice_dialog import PracticeDialog

        return self.open_modal(PracticeDialog(self.workspace, self))

    def open_resources(self) -> ResourceDirectory | None:
        """File > Community resources (Ctrl+Shift+R): the directory referrals are made to."""
        if self.workspace is None:
            return None
        from caredesk.ui.chart.resource_directory import ResourceDirectory

        return self.open_modal(ResourceDirectory(self.workspace, self))

    def open_modal(self, dialog: D) -> D:
        """Window-modal, deleted when closed; a lock rejects it like every child dialog."""
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # -- closing ---------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed and self.workspace is not None:
            from caredesk.ui.queue.unsaved_call import QUIT

            if not self._settle_call(QUIT):
                event.ignore()  # Cancel, or the call could not be saved: the window stays
                return
        # The demo panel is never backed up on quit (its made-up patients would fill the real folder).
        real = None if self.is_demo else self.workspace
        if not self._closed and self.backups.before_quit(real, self.close):
            event.ignore()  # the day's backup runs first; it closes the window again when it ends
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Lock (audited), save the window layout, release the data folder. Safe to repeat."""
        if self._closed:
            return
        self._closed = True
        self.backups.shutdown()
        self._lock_now()
        self.session_lock.stop()
        self.clipboard.clear_now()  # also when quitting from the unlock page
        self.unlock_panel.shutdown()
        self.staged.shutdown()
        QThreadPool.globalInstance().waitForDone()
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.sync()
        if self.forward_requests is not None:
            self.forward_requests.close()  # before the folder is free for the next instance
        if self.instance_lock is not None:
            self.instance_lock.release()
        log.info("window closed")

    def central_page(self) -> QWidget | None:
        return self.stack.currentWidget()
