"""Screenshots of the key items: the recovery kit PDF (rendered with PDFium, as print does),
File > Change passphrase… with a refusal naming its field, and File > Make a new recovery
code and kit… showing the new code. Taken over the user's own (synthetic, empty) store right
after it was created; the new code is never put in effect (the dialog is closed before Done)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize

from caredesk.services import recovery_kit
from caredesk.ui.common.pdf_pages import PdfPages
from caredesk.ui.shell.main_window import MainWindow
from caredesk.ui.shell.shot_tools import shoot_widget, wait_for

PAGE_PX = QSize(850, 1100)  # a US letter page at 100 dpi


def shoot_keys(window: MainWindow, out: Path, code: str, passphrase: str) -> list[Path]:
    ws = window.workspace
    assert ws is not None and not window.is_demo
    shots: list[Path] = []
    pdf = PdfPages(recovery_kit.kit_pdf(ws, code))
    try:
        for index in range(pdf.page_count):
            path = out / f"27-recovery-kit-pdf{'' if index == 0 else f'-{index + 1}'}.png"
            if not pdf.render(index, PAGE_PX).save(str(path)):
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
    shots.append(shoot_widget(change, out, "28-change-passphrase"))
    change.reject()

    new_code = window.key_actions.open_new_recovery_code()
    assert new_code is not None
    new_code.passphrase.setText(passphrase)
    new_code.make_button.click()
    wait_for(lambda: new_code.stack.currentIndex() == 1, timeout=30.0)
    shots.append(shoot_widget(new_code, out, "29-new-recovery-code"))
    new_code.reject()  # never put in effect
    for path in shots:
        print(path)
    return shots
