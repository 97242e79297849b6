"""The CLI's day-to-day commands: the call queue, logging a contact, the billing report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from caredesk.cli.common import EXIT_ERROR, EXIT_USAGE, _fail, _open
from caredesk.store.vault import DataFolder


def _date_arg(field: str, text: str | None):  # type: ignore[no-untyped-def]
    from caredesk.domain.checks import parse_date

    return None if text is None else parse_date(field, text)


def cmd_queue(args: argparse.Namespace, folder: DataFolder) -> int:
    from caredesk.services.call_queue import CallQueue

    as_of = _date_arg("--date", args.date)
    if args.limit is not None and args.limit < 1:
        return _fail("--limit must be at least 1", EXIT_USAGE)
    ws = _open(args, folder)
    try:
        rows = CallQueue(ws).build(as_of)
        day = as_of or ws.today()
    finally:
        ws.lock()
    rows = rows[: args.limit] if args.limit else rows
    if args.json:
        out = [
            {
                "rank": i,
                "mrn": r.patient.mrn,
                "name": r.patient.display_name,
                "phone": r.patient.phones[0] if r.patient.phones else None,
                "call_window": r.patient.call_window or None,
                "minutes": r.entry.minutes,
                "threshold": r.entry.threshold,
                "due": r.entry.due.isoformat() if r.entry.due else None,
                "score": r.entry.score,
                "reasons": [
                    {"kind": x.kind.value, "text": x.text, "due": x.due.isoformat() if x.due else None}
                    for x in r.entry.reasons
                ],
            }
            for i, r in enumerate(rows, 1)
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"Call queue for {day.isoformat()}: {len(rows)} patients")
    for i, r in enumerate(rows, 1):
        minutes = f"{r.entry.minutes}/{r.entry.threshold} min" if r.entry.threshold else f"{r.entry.minutes} min"
        phone = r.patient.phones[0] if r.patient.phones else "no phone"
        print(f"{i:>3}. {r.patient.display_name} ({r.patient.mrn}) {phone}  {minutes}")
        for reason in r.entry.reasons:
            print(f"       - {reason.text}")
    return 0


def cmd_log_contact(args: argparse.Namespace, folder: DataFolder) -> int:
    from caredesk.services.calls import log_contact

    on = _date_arg("--date", args.date)
    follow_up = _date_arg("--follow-up", args.follow_up)
    ws = _open(args, folder)
    try:
        with ws.uow() as uow:
            patient = uow.patients.by_mrn(args.mrn)
        if patient is None or patient.id is None:
            return _fail(f"No patient with MRN {args.mrn}.", EXIT_ERROR)
        logged = log_contact(
            ws,
            patient.id,
            outcome=args.outcome,
            minutes=args.minutes,
            on=on,
            program=args.program,
            note=args.note,
            follow_up=follow_up,
            channel=args.channel,
            staff_type=args.staff,
        )
    finally:
        ws.lock()
    entry = logged.time_entry
    print(
        f"Logged {logged.contact.outcome.value} for {args.mrn}"
        + (f", {entry.minutes} min {entry.program.value}" if entry else ", no minutes")
        + (f", follow-up {follow_up.isoformat()}" if follow_up else "")
        + "."
    )
    if logged.transition_met:
        print("TCM interactive contact recorded for the recent discharge.")
    if logged.letter_task is not None:
        print("Three calls unanswered this month: a letter task was added.")
    return 0


def cmd_report(args: argparse.Namespace, folder: DataFolder) -> int:
    from caredesk.domain.calendar import Month
    from caredesk.services import billing_report

    try:
        month = Month.parse(args.month)
    except ValueError:
        return _fail("--month must be written YYYY-MM", EXIT_USAGE)
    ws = _open(args, folder)
    try:
        report = billing_report.month_report(ws, month)
        if args.csv:
            billing_report.write_csv(ws, report, Path(args.csv))
        if args.pdf:
            billing_report.write_pdf(ws, report, Path(args.pdf))
    finally:
        ws.lock()
    print(
        f"Billing for {month}: {len(report.rows)} enrolled patients, {report.ready_count} with codes earned, "
        f"{report.total_minutes} minutes."
    )
    for code, units in report.units_by_code.items():
        print(f"  {code}: {units}")
    for what, path in (("CSV", args.csv), ("PDF", args.pdf)):
        if path:
            print(f"{what} written to {path}")
    return 0
