"""The EHR summary leaving CareDesk: one patient's PDF or text, or the month's batch, written
atomically (services.files.write_atomic) and audited by id with counts, never a name.

The batch writes a folder of files, one per patient, named by month and MRN
("ehr-summary-2026-11-000123.pdf"), not one PDF of every patient: the practice files each
summary in that patient's chart in the EHR, one document per chart; a combined PDF would have
to be split by hand first, and a page split off wrongly lands one patient's data in another's
chart. A file per patient also lets a failing patient be named and skipped while the others are
written, and a cancel keep what is done.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from caredesk.domain import audit as actions
from caredesk.domain.calendar import Month
from caredesk.errors import CareDeskError
from caredesk.interop.ehr_summary import month_summary, summary_patients
from caredesk.interop.ehr_summary_text import summary_text
from caredesk.interop.ehr_summary_values import MonthSummary
from caredesk.services import billing_report, export_audit, practice
from caredesk.services.files import write_atomic
from caredesk.services.workspace import Workspace

log = logging.getLogger(__name__)

ENTITY = "EHR summary"
PDF, TEXT = "pdf", "text"

Progress = Callable[[int, int], None]  # (done, total)


def default_name(month: Month, kind: str = PDF, mrn: str | None = None) -> str:
    """'ehr-summary-2026-11.pdf', or with the MRN for a batch's file: never the patient's name."""
    suffix = "pdf" if kind == PDF else "txt"
    if mrn is None:
        return f"ehr-summary-{month}.{suffix}"
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", mrn).lstrip(".") or "patient"
    return f"ehr-summary-{month}-{safe}.{suffix}"


def render(summary: MonthSummary, kind: str) -> bytes:
    if kind == PDF:
        from caredesk.pdf.ehr_summary import render_summary

        return render_summary(summary)
    return summary_text(summary).encode("utf-8")


def save(ws: Workspace, summary: MonthSummary, patient_id: int, path: Path, kind: str = PDF) -> None:
    """One patient's summary written to `path` (PDF or UTF-8 text), audited by the patient's id."""
    write_atomic(path, render(summary, kind))
    how = "saved as PDF" if kind == PDF else "saved as text"
    export_audit.record(ws, _action(kind), ENTITY, patient_id, f"{summary.month}, {how}, 1 patient")


def audit_shown(ws: Workspace, summary: MonthSummary, patient_id: int, how: str) -> None:
    """Text that left the app without a file ('copied to the clipboard', 'printed to standard output')."""
    export_audit.record(ws, actions.EXPORTED, ENTITY, patient_id, f"{summary.month}, text {how}, 1 patient")


def audit_batch_shown(ws: Workspace, month: Month, count: int, how: str) -> None:
    """The month's texts that left the app without files (printed to standard output)."""
    export_audit.record(ws, actions.EXPORTED, ENTITY, str(month), f"text {how}, {count} patients")


def _action(kind: str) -> str:
    return actions.PRINTED if kind == PDF else actions.EXPORTED


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    written: tuple[str, ...]  # MRNs, in the order written
    total: int
    failed: tuple[tuple[str, str], ...] = ()  # (MRN, why in words)
    cancelled: bool = False

    def failed_lines(self) -> list[str]:
        return [f"Not written: MRN {mrn}: {why}" for mrn, why in self.failed]


def summaries(ws: Workspace, month: Month) -> tuple[int, Iterator[tuple[str, int, MonthSummary | str]]]:
    """(how many, then each batch patient's (MRN, id, summary or why it could not be made)):
    every patient with care-management time or a code in `month` (summary_patients), by name.
    A patient whose summary cannot be made is given with the reason in words (logged by the
    exception's type only), never stopping the others."""
    billing_report.check_month(month, ws.today())
    report = billing_report.month_report(ws, month)
    profile = practice.get_profile(ws)
    rows = summary_patients(report)

    def each() -> Iterator[tuple[str, int, MonthSummary | str]]:
        for row in rows:
            try:
                made: MonthSummary | str = month_summary(ws, row.patient_id, month, report=report, profile=profile)
            except CareDeskError as exc:
                made = str(exc)
            except Exception as exc:  # one patient's summary never stops the others
                log.error("an EHR summary in the batch could not be made: %s", type(exc).__name__)  # no data
                made = "the summary could not be made (an unexpected error, written to the log)"
            yield row.mrn, row.patient_id, made

    return len(rows), each()


def batch(
    ws: Workspace,
    month: Month,
    folder: Path,
    kind: str = PDF,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> BatchOutcome:
    """The month's summaries (summaries()), one file each in `folder` (made when missing). A
    patient whose summary cannot be made or laid out is named by MRN in `failed` and the batch
    goes on; a file that cannot be written stops it (the next would fail alike) with a
    CareDeskError naming the MRN. Stops between patients on cancel. Audited once, with the
    count, by the month."""
    total, each = summaries(ws, month)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CareDeskError(f"Cannot create the folder {folder} ({exc.strerror}).") from None
    written: list[str] = []
    failed: list[tuple[str, str]] = []
    stopped = False
    try:
        for done in range(1, total + 1):
            if cancelled():  # before the next summary is read: a cancel stops at once
                stopped = True
                break
            mrn, _pid, made = next(each)
            data = _laid_out(made, kind)
            if isinstance(data, str):
                failed.append((mrn, data))
            else:
                try:
                    write_atomic(folder / default_name(month, kind, mrn), data)
                except CareDeskError as exc:
                    raise CareDeskError(f"MRN {mrn}: {exc}") from None
                written.append(mrn)
            if progress is not None:
                progress(done, total)
    finally:
        if written:
            how = "saved as PDF files" if kind == PDF else "saved as text files"
            export_audit.record(ws, _action(kind), ENTITY, str(month), f"{how}, {len(written)} patients")
    return BatchOutcome(tuple(written), total, tuple(failed), stopped)


def _laid_out(made: MonthSummary | str, kind: str) -> bytes | str:
    """The file's bytes, or why there is none (the summary's or the layout's failure)."""
    if isinstance(made, str):
        return made
    try:
        return render(made, kind)
    except CareDeskError as exc:
        return str(exc)
    except Exception as exc:
        log.error("an EHR summary in the batch could not be laid out: %s", type(exc).__name__)  # no data
        return "the summary could not be laid out (an unexpected error, written to the log)"
