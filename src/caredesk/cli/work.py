"""The CLI's day-to-day commands: the call queue, logging a contact, the billing report."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING

from caredesk.app import AppContext
from caredesk.cli import day_plan
from caredesk.cli.common import DATE, EXIT_USAGE, Command, Subparsers, date_arg, fail, note_long_entry, open_workspace
from caredesk.domain.calendar import us_date
from caredesk.domain.call_capacity import Capacity, CapacityUnit
from caredesk.errors import ValidationError
from caredesk.services import patients as patient_records

if TYPE_CHECKING:
    pass


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser("queue", parents=[common, secret], help="today's call queue, ranked, with reasons")
    s.add_argument("--date", metavar=DATE, help="the queue as of this date (default: today)")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")
    s.add_argument("--limit", type=int, metavar="N", help="only the first N patients")
    s.add_argument(
        "--plan",
        nargs="?",
        const="",
        metavar="CALLS",
        help="today's plan at the daily capacity (caredesk capacity), or for CALLS calls a day: "
        "who must be called today, who else fits, who waits",
    )

    s = sub.add_parser("log-contact", parents=[common, secret], help="log a call (or other contact) and its minutes")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--outcome", required=True, help="reached, voicemail, no answer, wrong number or declined")
    s.add_argument("--minutes", required=True, type=int, help="whole minutes spent (0 for a quick attempt)")
    s.add_argument("--date", metavar=DATE, help="back-fill a call made on an earlier day (never a future one)")
    s.add_argument(
        "--time",
        type=_clock_value,
        metavar="TIME",
        help="when it was made, clinic time: 2:30 PM or 14:30 (default: now for today's, midday for an "
        "earlier day's; never later than now)",
    )
    s.add_argument("--program", help="the program the minutes count for (default: the patient's main program)")
    s.add_argument("--note", default="", help="a short note")
    s.add_argument("--follow-up", metavar=DATE, help="the next follow-up date")
    s.add_argument("--channel", default="phone", help="phone, video, home visit, portal or letter")
    s.add_argument("--staff", default="clinical staff", help="clinical staff (default) or physician/QHP")

    s = sub.add_parser("report", parents=[common, secret], help="reports")
    s.add_argument("report", choices=["billing"], help="which report")
    s.add_argument("--month", required=True, metavar="YYYY-MM", help="the calendar month")
    s.add_argument("--csv", metavar="FILE", help="write the report as CSV")
    s.add_argument("--pdf", metavar="FILE", help="write the report as PDF")


def cmd_queue(args: argparse.Namespace, context: AppContext) -> int:
    from caredesk.services.call_capacity import get_capacity
    from caredesk.services.call_queue import CallQueue

    as_of = date_arg("--date", args.date)
    if args.limit is not None and args.limit < 1:
        return fail("--limit must be at least 1", EXIT_USAGE)
    asked: Capacity | None = None
    if args.plan is not None:
        if args.json or args.limit is not None:
            return fail("--plan prints today's plan: leave out --json and --limit", EXIT_USAGE)
        if args.plan:
            try:
                asked = Capacity(CapacityUnit.CALLS, day_plan.whole_number("--plan", args.plan))
            except ValidationError as exc:
                return fail(f"--plan: {exc.message}", EXIT_USAGE)
    ws = open_workspace(args, context)
    try:
        queue = CallQueue(ws)
        rows = queue.build(as_of)
        day = as_of or ws.today()
        if args.plan is not None:
            today_plan = queue.plan(asked or get_capacity(ws))
    finally:
        ws.lock()
    if args.plan is not None:
        return day_plan.print_plan(rows, today_plan, day)
    total = len(rows)
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
    shown = f"the first {len(rows)} of " if len(rows) < total else ""
    print(f"Call queue for {day.isoformat()}: {shown}{total} patient{'' if total == 1 else 's'}")
    for i, r in enumerate(rows, 1):
        minutes = f"{r.entry.minutes}/{r.entry.threshold} min" if r.entry.threshold else f"{r.entry.minutes} min"
        phone = r.patient.phones[0] if r.patient.phones else "no phone"
        print(f"{i:>3}. {r.patient.display_name} ({r.patient.mrn}) {phone}  {minutes}")
        for reason in r.entry.reasons:
            print(f"       - {reason.text}")
    return 0


def _clock_value(text: str) -> time:
    """argparse type of --time: a time that is none is a usage error (exit 2), as a DATE's is."""
    from caredesk.domain.appointments import parse_clock_time

    try:
        return parse_clock_time("--time", text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def cmd_log_contact(args: argparse.Namespace, context: AppContext) -> int:
    from caredesk.services.calls import NoProgramForMinutes, log_contact

    on = date_arg("--date", args.date)
    follow_up = date_arg("--follow-up", args.follow_up)
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
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
            time_of_day=args.time,
        )
    except NoProgramForMinutes as exc:
        # The way out in this command's own words: the GUI's "save the call without minutes".
        fix = (
            f"correct the end date (caredesk enroll --mrn {args.mrn} --program P --change --end DATE)"
            if exc.ended
            else f"correct the start date (caredesk enroll --mrn {args.mrn} --program P --change --start DATE)"
            if exc.later
            else f"enroll the patient first (caredesk enroll --mrn {args.mrn} ...)"
        )
        raise ValidationError(
            "--minutes",
            f"the patient is not enrolled in a program on {us_date(exc.day)}, so {exc.minutes} min cannot be "
            f"logged: log the contact with --minutes 0, or {fix}",
        ) from None
    finally:
        ws.lock()
    entry = logged.time_entry
    print(
        f"Logged {logged.contact.outcome.value} for {patient.mrn}"
        + (f", {entry.minutes} min {entry.program.value}" if entry else ", no minutes")
        + (f", follow-up {follow_up.isoformat()}" if follow_up else "")
        + "."
    )
    if entry is not None:
        note_long_entry(entry.minutes, entry.id)
    if logged.transition_met:
        print("TCM interactive contact recorded for the recent discharge.")
    if logged.letter_task is not None:
        print("Three calls unanswered this month: a letter task was added.")
    return 0


def cmd_report(args: argparse.Namespace, context: AppContext) -> int:
    from caredesk.domain.calendar import Month
    from caredesk.services import billing_report

    try:
        month = Month.parse(args.month)
    except ValidationError as exc:
        return fail(f"--month: {exc.message}", EXIT_USAGE)  # 'is written YYYY-MM' or '2026-13 is not a real month'
    ws = open_workspace(args, context)
    try:
        try:
            billing_report.check_month(month, ws.today())
        except ValidationError as exc:
            return fail(f"--month: {exc.message}", EXIT_USAGE)  # '2030-01 has not begun (today is ...)'
        report = billing_report.month_report(ws, month)
        if args.csv:
            billing_report.write_csv(ws, report, Path(args.csv))
        if args.pdf:
            billing_report.write_pdf(ws, report, Path(args.pdf))
    finally:
        ws.lock()
    print(
        f"Billing for {month}: {report.patients_text()}, "
        f"{report.ready_count} with codes earned, {report.minutes_text()}."
    )
    for code, units in report.units_by_code.items():
        print(f"  {code}: {units}")
    if report.rows:
        print("Per patient (MRN, minutes, codes; why not):")
    for row in report.rows:  # as the README promises: the biller reads who bills what, and why not
        print(f"  {row.mrn}  {row.minutes_text()}  {row.result.line_text()}")
    for what, path in (("CSV", args.csv), ("PDF", args.pdf)):
        if path:
            print(f"{what} written to {path}")
    return 0


COMMANDS: dict[str, Command] = {"queue": cmd_queue, "log-contact": cmd_log_contact, "report": cmd_report}
