"""The last resort for an unexpected exception: a calm dialog, and a log line without values.

The exception's message is never shown or logged, because it may quote patient data;
only its type and stack frames (file:line:function) go to the log.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from caredesk.logs import describe_exception

log = logging.getLogger("caredesk.crash")

TITLE = "Something went wrong"
TEXT = (
    "CareDesk ran into an unexpected problem. Your saved work is safe. "
    "If it happens again, lock CareDesk and start it again; the details were written to the log."
)


def handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        QApplication.quit()
        return
    log.error("unexpected error: %s", describe_exception(exc_type, tb))
    if QApplication.instance() is None:
        print(TITLE, file=sys.stderr)  # never the message or the traceback
        return
    box = QMessageBox(QMessageBox.Icon.Warning, TITLE, TEXT, QMessageBox.StandardButton.Ok, QApplication.activeWindow())
    box.setAccessibleName(TITLE)
    box.exec()


def install() -> None:
    sys.excepthook = handle
