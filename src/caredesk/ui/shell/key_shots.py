"""Screenshots of the key items: the recovery kit PDF (rendered with QtPdf, as print does),
File > Change passphrase… with a refusal naming its field, and File > Make a new recovery
code and kit… showing the new code. Taken over the user's own (synthetic, empty) store right
after it was created; the new code is never put in effect (the dialog is closed before Done)."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget

from caredesk.services import recovery_kit
from caredesk.ui.careplan.pdf_print import MemoryPdf
from caredesk.ui.shell.main_window import MainWindow

PAGE_PX = QSize(850, 1100)  # a US letter page at 100 dpi


def _save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def _wait(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the dialog did not reach the expected state")
        QApplication.processEvents()
        time.sleep(0.01)


def shoot_keys(window: MainWindow, out: Path, code: str, passphrase: str) -> list[Path]:
    ws = window.workspace
    assert ws is not None and not window.is_demo
    shots: list[Path] = []
    pdf = MemoryPdf(recovery_kit.kit_pdf(ws, code))
    try:
        for index in range(pdf.page_count):
            path = out / f"27-recovery-kit-pdf{'' if index == 0 else f'-{index + 1}'}.png"
            if not pdf.document.render(index, PAGE_PX).save(str(path)):
                raise OSError(f"could not write {path}")
            shots.append(path)
    finally:
        pdf.close()

    change = window.key_actions.open_change_passphrase()
    assert change is not None
    change.current.setText(passphrase)
    change.new.setText("a new passphrase for the shot")
    change.repeat.setText("a new passphrase for the shop")  # a slip, to show the message
    change.change_button.click()
    shots.append(_save(change, out / "28-change-passphrase.png"))
    change.reject()

    new_code = window.key_actions.open_new_recovery_code()
    assert new_code is not None
    new_code.passphrase.setText(passphrase)
    new_code.make_button.click()
    _wait(lambda: new_code.stack.currentIndex() == 1)
    shots.append(_save(new_code, out / "29-new-recovery-code.png"))
    new_code.reject()  # never put in effect
    for path in shots:
        print(path)
    return shots
