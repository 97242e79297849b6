"""The letter to a patient we could not reach: write the PDF, record it as sent.

caredesk letter --mrn M --out FILE.pdf [--large-print]     write the letter
caredesk letter --mrn M --sent [--on DATE]                 record it as mailed (closes the letter task)
caredesk letter --mrn M --out FILE.pdf --sent              both: the PDF first, then the record
"""

from __future__ import annotations

import argparse
from pathlib import Path

from caredesk.app import AppContext
from caredesk.cli.common import DATE, EXIT_ERROR, EXIT_USAGE, Command, Subparsers, date_arg, fail, open_workspace
from caredesk.domain.calendar import us_date
from caredesk.errors import ValidationError
from caredesk.services import letters
from caredesk.services import patients as patient_records


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "letter",
        parents=[common, secret],
        help="the letter to a patient whose calls went unanswered: write it as a PDF, record it as sent",
    )
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--out", metavar="FILE", help="the PDF file to write")
    s.add_argument("--large-print", action="store_true", help="18 pt body text for readers who need it")
    s.add_argument("--sent", action="store_true", help="record the letter as mailed and close the letter task")
    s.add_argument("--on", metavar=DATE, help="with --sent: the day it was mailed (default: today)")


def cmd_letter(args: argparse.Namespace, context: AppContext) -> int:
    if args.out is None and not args.sent:
        return fail("give --out FILE to write the letter, --sent to record it as mailed, or both", EXIT_USAGE)
    if args.on is not None and not args.sent:
        return fail("--on: only with --sent (the day the letter was mailed)", EXIT_USAGE)
    if args.large_print and args.out is None:
        return fail("--large-print: only with --out", EXIT_USAGE)
    on = date_arg("--on", args.on)
    out = Path(args.out) if args.out is not None else None
    if out is not None:
        if out.is_dir():
            return fail(f"{out} is a folder; give a file name for the PDF.", EXIT_ERROR)
        if not out.parent.is_dir():
            return fail(f"The folder {out.parent} does not exist.", EXIT_ERROR)
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        day = on or ws.today()
        if args.sent:  # refused before anything is written
            try:
                letters.check_sent(ws, patient.id, day)
            except ValidationError as exc:
                raise ValidationError("--on", exc.message) if exc.field == "date" else exc from None
        if out is not None:  # written first: a letter that cannot be written is not recorded as sent
            letters.save(ws, patient.id, out, large_print=args.large_print)
            print(f"Letter for MRN {patient.mrn} written to {out}" + (" (large print)." if args.large_print else "."))
        if args.sent:
            sent = letters.record_sent(ws, patient.id, day).value
            closed = "; the letter task is closed." if sent.tasks_closed else "."
            print(f"Letter for MRN {patient.mrn} recorded as sent on {us_date(day)}{closed}")
    finally:
        ws.lock()
    return 0


COMMANDS: dict[str, Command] = {"letter": cmd_letter}
