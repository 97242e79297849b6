"""Start the desktop app: arguments, logging, crash handler, one instance per folder."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from caredesk import APP_NAME, core_dumps, logs
from caredesk import app as app_context
from caredesk.clock import Clock
from caredesk.errors import StoreError, StoreLocked
from caredesk.paths import resolve_data_dir
from caredesk.resources import resource
from caredesk.ui.common import theme
from caredesk.ui.shell import crash
from caredesk.ui.shell.first_paint import AfterFirstPaint
from caredesk.ui.shell.main_window import MainWindow
from caredesk.ui.shell.settings import AppSettings
from caredesk.ui.shell.single_instance import InstanceLock

if TYPE_CHECKING:
    from caredesk.app import KdfParams

log = logging.getLogger(__name__)


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    fusion_set = not isinstance(app, QApplication)
    if not isinstance(app, QApplication):
        # Fusion named last on Qt's command line (the last -style counts) rather than set from
        # Python afterwards: see theme.apply.
        app = QApplication([sys.argv[0], *(argv or []), "-style", "Fusion"])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    icon = resource("caredesk.png")  # PNG, not SVG: no QtSvg plugin needed in the bundle
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    theme.apply(app, fusion_set=fusion_set)
    return app


def build_main_window(
    data_dir: Path,
    settings_path: Path | None = None,
    clock: Clock | None = None,
    *,
    kdf: KdfParams | None = None,
    demo_patients: int = 170,
    start: bool = True,
    preload: bool = False,
) -> MainWindow:
    """The window for one data folder; raises StoreLocked if another instance has it, StoreError
    for a synced or network folder. `preload`: the pages and the database layer load after the
    window's first paint (program start; caredesk.ui.shell.main_window)."""
    context = app_context.build(data_dir, clock=clock, kdf=kdf, demo_patients=demo_patients)
    refused = context.folder_refusal()
    if refused is not None:  # before the lock file (or the folder) is made there
        raise StoreError(refused)
    lock = InstanceLock(context.lock_file)
    lock.acquire()
    try:
        window = MainWindow(context, AppSettings(settings_path), instance_lock=lock, preload=preload)
        if start:
            window.start()
    except BaseException:
        lock.release()
        raise
    return window


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="caredesk-gui", description="CareDesk desktop app")
    parser.add_argument("--data-dir", help="the data folder (default: CAREDESK_DATA_DIR or the user data folder)")
    args, _qt_args = parser.parse_known_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    core_dumps.disable()  # before any store is opened: a crash writes no memory to disk
    args = parse_args(sys.argv[1:] if argv is None else argv)
    data_dir = resolve_data_dir(args.data_dir)
    app = application()
    refused = app_context.build(data_dir).folder_refusal()
    if refused is not None:  # nothing is written there: no folder, no logs/, no lock file
        return _tell(refused, "CareDesk cannot use this folder")
    with contextlib.suppress(OSError):  # the unlock panel explains an unusable folder
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    logs_dir = app_context.build(data_dir).logs_dir
    # The log file opens after the first paint (issue 14); its lines are kept until then, and
    # written on any way out before it.
    logs.hold()
    try:
        crash.install()
        log.info("starting")
        try:
            window = build_main_window(data_dir, None, preload=True)
        except StoreLocked as exc:
            from caredesk.ui.shell.bring_forward import ask_open_window

            if ask_open_window(data_dir):
                log.info("another instance holds the data folder: asked it to come forward")
                return 0
            log.info("another instance holds the data folder")
            return _tell(str(exc), "CareDesk is already open")
        AfterFirstPaint(window, lambda: _open_log(logs_dir))
        window.show()
        code = app.exec()
        window.shutdown()
        log.info("stopped")
        return code
    finally:
        _open_log(logs_dir)


def _open_log(logs_dir: Path) -> None:
    if logs.holding():
        logs.configure(logs_dir)


def _tell(text: str, name: str) -> int:
    """A message box before any window (the folder cannot be used); the exit status, 1."""
    from PySide6.QtWidgets import QMessageBox  # its class and enums: not before the first paint

    box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, text, QMessageBox.StandardButton.Ok)
    box.setAccessibleName(name)
    box.exec()
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
