"""`caredesk summary`: the monthly care-management summary for the practice's EHR.

    caredesk summary --month YYYY-MM --mrn M --out FILE [--text]   one patient's PDF (or text)
    caredesk summary --month YYYY-MM --mrn M --text                one patient's text on stdout
    caredesk summary --month YYYY-MM --out DIR [--text]            the month's batch, one file per patient
    caredesk summary --month YYYY-MM --text                        the batch's texts on stdout

The batch covers every patient with care-management time or a code in the month
(caredesk.interop.ehr_summary_files); a patient whose summary cannot be made is named by MRN
on stderr and the others are still written. Files are written whole or not at all and audited;
the command says that they hold patient data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caredesk.app import AppContext
from caredesk.cli.common import EXIT_ERROR, EXIT_USAGE, Command, Subparsers, fail, open_workspace, patient_id_of
from caredesk.domain.calendar import Month
from caredesk.errors import ValidationError
from caredesk.interop import ehr_summary_files as files
from caredesk.interop.ehr_summary import month_summary
from caredesk.interop.ehr_summary_text import summary_text
from caredesk.services import billing_report
from caredesk.services.workspace import Workspace

PATIENT_DATA = (
    "{what} holds patient data (protected health information): keep it where only the care team can "
    "read it, and delete it once it is filed in the EHR."
)
_EVERY = 25  # a progress line every so many patients when stderr is not a terminal


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "summary",
        parents=[common, secret],
        help="the month's care-management summary for the EHR (one patient, or every patient with time or a code)",
    )
    s.add_argument("--month", required=True, metavar="YYYY-MM", help="the calendar month")
    s.add_argument("--mrn", help="one patient (default: every patient with care-management time or a code)")
    s.add_argument(
        "--out",
        metavar="PATH",
        help="the file to write (with --mrn), else the folder for one file per patient "
        "(ehr-summary-YYYY-MM-<MRN>.pdf); leave out with --text to print the text",
    )
    s.add_argument("--text", action="store_true", help="plain text to paste into an EHR note, not a PDF")


def cmd_summary(args: argparse.Namespace, context: AppContext) -> int:
    try:
        month = Month.parse(args.month)
    except ValidationError as exc:
        return fail(f"--month: {exc.message}", EXIT_USAGE)
    if args.out is None and not args.text:
        return fail("--out is needed for a PDF (or --text to print the text)", EXIT_USAGE)
    out = Path(args.out) if args.out is not None else None
    if out is not None and args.mrn is None and out.exists() and not out.is_dir():
        return fail(f"{out} is a file; the month's summaries go into a folder, one file per patient.", EXIT_ERROR)
    if out is not None and args.mrn is not None and out.is_dir():
        return fail(f"{out} is a folder; give a file name for the summary.", EXIT_ERROR)
    kind = files.TEXT if args.text else files.PDF
    ws = open_workspace(args, context)
    try:
        try:
            billing_report.check_month(month, ws.today())
        except ValidationError as exc:
            return fail(f"--month: {exc.message}", EXIT_USAGE)  # '2030-01 has not begun (today is ...)'
        if args.mrn is not None:
            return _one(ws, args, month, out, kind)
        return _batch(ws, month, out, kind)
    finally:
        ws.lock()


def _one(ws: Workspace, args: argparse.Namespace, month: Month, out: Path | None, kind: str) -> int:
    patient_id = patient_id_of(ws, args)
    summary = month_summary(ws, patient_id, month)
    if out is None:
        sys.stdout.write(summary_text(summary))
        files.audit_shown(ws, summary, patient_id, "printed to standard output")
        return 0
    files.save(ws, summary, patient_id, out, kind)
    print(f"EHR summary for MRN {args.mrn}, {month.title}, written to {out}.")
    print(PATIENT_DATA.format(what="The file"))
    return 0


def _batch(ws: Workspace, month: Month, out: Path | None, kind: str) -> int:
    if out is None:
        return _batch_to_stdout(ws, month)
    progress = _Progress()
    outcome = files.batch(ws, month, out, kind, progress=progress.show)
    progress.finish()
    for line in outcome.failed_lines():  # one patient that failed never stops the rest
        print(line, file=sys.stderr)
    n = len(outcome.written)
    print(f"{n} EHR summar{'y' if n == 1 else 'ies'} for {month.title} written to {out} (one file per patient).")
    if n:
        print(PATIENT_DATA.format(what="Each file"))
    if outcome.failed:
        bad = len(outcome.failed)
        return fail(f"{bad} summar{'y' if bad == 1 else 'ies'} could not be made (listed above).", EXIT_ERROR)
    return 0


def _batch_to_stdout(ws: Workspace, month: Month) -> int:
    total, each = files.summaries(ws, month)
    progress = _Progress()
    failed: list[str] = []
    shown = 0
    for done, (mrn, _patient_id, made) in enumerate(each, 1):
        if isinstance(made, str):
            failed.append(f"Not written: MRN {mrn}: {made}")
        else:
            if shown:
                sys.stdout.write("\n" + "-" * 80 + "\n\n")  # between patients: one note each
            sys.stdout.write(summary_text(made))
            shown += 1
        progress.show(done, total)
    progress.finish()
    if shown:
        files.audit_batch_shown(ws, month, shown, "printed to standard output")
    for line in failed:
        print(line, file=sys.stderr)
    if failed:
        return fail(
            f"{len(failed)} summar{'y' if len(failed) == 1 else 'ies'} could not be made (listed above).", EXIT_ERROR
        )
    return 0


class _Progress:
    """'\\rsummaries 12/130' on a terminal; a line every 25 patients (and the last) otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = False

    def show(self, done: int, total: int) -> None:
        if self.tty:
            sys.stderr.write(f"\rsummaries {done}/{total}")
        elif done % _EVERY == 0 or done == total:
            sys.stderr.write(f"summaries {done}/{total}\n")
        else:
            return
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.tty and self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


COMMANDS: dict[str, Command] = {"summary": cmd_summary}
