"""Screenshots of the letter to a patient whose calls went unanswered: the Letter dialog and
the PDF's first page, normal and large print (rendered with PDFium, as the print preview does)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from caredesk.domain.coordination import TaskKind, TaskStatus
from caredesk.errors import CareDeskError
from caredesk.services import letters, tasks
from caredesk.services import patients as patient_records
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.letter_dialog import LetterDialog
from caredesk.ui.common.pdf_pages import PdfPages

PAGE_PX = QSize(850, 1100)  # a US letter page at 100 dpi


def _calls(ws: Workspace, pid: int) -> int:
    """How many unanswered calls the patient's letter would list (0: no letter can be written)."""
    try:
        return len(letters.letter_for(ws, pid).call_dates)
    except CareDeskError:
        return 0


def pick_letter_patient(ws: Workspace) -> int | None:
    """A demo patient the letter can be written for: three or more calls to list and an open
    letter task first, then the most calls."""

    def letter_open(pid: int) -> bool:
        return any(t.kind is TaskKind.LETTER and t.status is TaskStatus.OPEN for t in tasks.tasks(ws, pid))

    counts = {s.id: n for s in patient_records.patient_list(ws) if (n := _calls(ws, s.id))}
    if not counts:
        return None
    return max(counts, key=lambda pid: (counts[pid] >= 3 and letter_open(pid), min(counts[pid], 3), -pid))


def shoot_letter(ws: Workspace, out: Path) -> list[Path]:
    pid = pick_letter_patient(ws)
    if pid is None:
        return []
    dialog = LetterDialog(ws, pid)
    dialog.show()
    QApplication.processEvents()
    shots = [out / "24-letter-dialog.png"]
    if not dialog.grab().save(str(shots[0])):
        raise OSError(f"could not write {shots[0]}")
    dialog.reject()
    for large, name in ((False, "25-letter-pdf"), (True, "26-letter-pdf-large")):
        pdf = PdfPages(letters.render(ws, pid, large_print=large))
        path = out / f"{name}.png"
        if not pdf.render(0, PAGE_PX).save(str(path)):
            raise OSError(f"could not write {path}")
        pdf.close()
        shots.append(path)
    for path in shots:
        print(path)
    return shots
