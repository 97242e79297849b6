"""Contacts and minutes from a terminal: the history, and correcting or voiding a mistaken entry.

    caredesk contacts --mrn M [--month YYYY-MM] [--json]
    caredesk contact correct ID [--date D --outcome O --channel C --note TEXT --follow-up D|none
                                 --minutes N --program P --patient-mrn M2] --reason TEXT
    caredesk contact void ID --reason TEXT
    caredesk time correct ID [--date D --minutes N --program P --staff S --activity A
                              --patient-mrn M2] --reason TEXT
    caredesk time void ID --reason TEXT

Contacts and time entries are numbered separately; `contacts` shows both ids.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from caredesk.app import AppContext
from caredesk.cli.common import (
    DATE,
    EXIT_USAGE,
    Command,
    Subparsers,
    date_arg,
    date_value,
    fail,
    note_long_entry,
    open_workspace,
)
from caredesk.domain.calendar import Month
from caredesk.domain.corrections import STANDARD_REASONS
from caredesk.domain.patients import Program
from caredesk.errors import ValidationError
from caredesk.services import billing_report, contact_corrections, contact_history
from caredesk.services import patients as patient_records
from caredesk.services.contact_history import HistoryRow
from caredesk.services.workspace import Workspace

REASON_HELP = f"why (required): {', '.join(STANDARD_REASONS)}, or your own words (kept with a void, not in the audit)"


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser("contacts", parents=[common, secret], help="a patient's contacts and minutes, newest first")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--month", metavar="YYYY-MM", help="only this calendar month")
    s.add_argument("--json", action="store_true", help="print a JSON object")

    s = sub.add_parser("contact", help="correct or void a contact (with its minutes)")
    actions = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = actions.add_parser("correct", parents=[common, secret], help="correct a contact logged by mistake")
    c.add_argument("id", type=int, help="the contact's id (see caredesk contacts)")
    c.add_argument("--date", metavar=DATE, help="the day the contact was made (its minutes move too)")
    c.add_argument("--outcome", help="reached, voicemail, no answer, wrong number or declined")
    c.add_argument("--channel", help="phone, video, home visit, portal or letter")
    c.add_argument("--note", help="the note, in full")
    c.add_argument("--follow-up", metavar="DATE|none", type=_follow_up_value, help="the next follow-up date, or none")
    c.add_argument("--minutes", type=int, help="the contact's minutes (1-600; void them to take them back)")
    c.add_argument("--program", help="the program its minutes count for")
    c.add_argument("--patient-mrn", metavar="MRN", help="move the contact and its minutes to this patient")
    c.add_argument("--reason", required=True, help=REASON_HELP)
    v = actions.add_parser("void", parents=[common, secret], help="void a contact and its minutes")
    v.add_argument("id", type=int, help="the contact's id (see caredesk contacts)")
    v.add_argument("--reason", required=True, help=REASON_HELP)

    s = sub.add_parser("time", help="correct or void minutes (a time entry)")
    actions = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = actions.add_parser("correct", parents=[common, secret], help="correct minutes logged by mistake")
    c.add_argument("id", type=int, help="the time entry's id (see caredesk contacts)")
    c.add_argument("--date", metavar=DATE, help="the day the minutes were spent")
    c.add_argument("--minutes", type=int, help="whole minutes, 1-600 (void them to take them back)")
    c.add_argument("--program", help="the program the minutes count for")
    c.add_argument("--staff", help="clinical staff or physician/QHP")
    c.add_argument("--activity", help="phone call, care plan, care coordination, medication review ...")
    c.add_argument("--patient-mrn", metavar="MRN", help="move minutes logged without a contact to this patient")
    c.add_argument("--reason", required=True, help=REASON_HELP)
    v = actions.add_parser("void", parents=[common, secret], help="void minutes: they count in no month")
    v.add_argument("id", type=int, help="the time entry's id (see caredesk contacts)")
    v.add_argument("--reason", required=True, help=REASON_HELP)


# -- the history ---------------------------------------------------------------------------


def cmd_contacts(args: argparse.Namespace, context: AppContext) -> int:
    try:
        month = Month.parse(args.month) if args.month else None
    except ValidationError as exc:
        return fail(f"--month: {exc.message}", EXIT_USAGE)  # 'is written YYYY-MM' or '2026-13 is not a real month'
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        rows = contact_history.exported_history(ws, patient.id, month, "json" if args.json else "text")
        counted = month or Month.of(ws.today())
        billed = billing_report.patient_row(ws, patient.id, counted)  # which of them count (SPEC 3)
    finally:
        ws.lock()
    totals = contact_history.program_minutes(rows, counted)
    if args.json:
        out = {
            "mrn": patient.mrn,
            "month": str(month) if month else None,
            "minutes_month": str(counted),
            "minutes_by_program": {p.value: m for p, m in totals.items()},
            "minutes_not_counted": billed.not_counted if billed else 0,
            "not_counted_why": list(billed.not_counted_why) if billed else [],
            "entries": [_row_json(r) for r in rows],
        }
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    scope = f"in {month}" if month else "in all months"
    print(f"Contacts and minutes of MRN {patient.mrn} {scope}: {len(rows)} row{'' if len(rows) == 1 else 's'}")
    for r in rows:
        for line in _row_lines(r):
            print(line)
    spent = ", ".join(f"{p.value} {m} min" for p, m in totals.items()) or "none"
    # Logged, not billed: minutes after a program ended, or before consent, count for nothing,
    # and the month report says so (a tester read "counted" 12 min beside a report without them).
    print(f"Minutes logged in {counted}: {spent} (what counts for billing: caredesk report billing --month {counted})")
    if billed is not None and billed.not_counted:
        why = "; ".join(billed.not_counted_why)
        print(f"  {billed.total_minutes} of them count for billing: {why}")
    return 0


def _row_json(r: HistoryRow) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": r.kind, "id": r.record_id, "date": r.on.isoformat()}
    if r.contact is not None:
        c = r.contact
        out |= {
            "time": r.time_of_day.strftime("%H:%M") if r.time_of_day else None,
            "channel": c.channel.value,
            "outcome": c.outcome.value,
            "follow_up": c.follow_up.isoformat() if c.follow_up else None,
        }
    else:
        out["contact_id"] = r.of_contact
    out |= {
        "note": r.note,
        "minutes": r.minutes,
        "time_entries": [
            {
                "id": e.id,
                "date": e.on.isoformat(),
                "minutes": e.minutes,
                "program": e.program.value,
                "staff_type": e.staff_type.value,
                "activity": e.activity.value,
            }
            for e in r.entries
        ],
        "voided": None
        if r.voided is None
        else {"at": r.voided.at.isoformat(), "by": r.voided.by, "reason": r.voided.reason},
    }
    return out


def _row_lines(r: HistoryRow) -> list[str]:
    if r.contact is not None:
        head = f"{r.on.isoformat()}  contact {r.record_id}: {r.contact.channel.value}, {r.contact.outcome.value}"
        if r.contact.follow_up is not None:
            head += f", follow-up {r.contact.follow_up.isoformat()}"
    else:
        activity = r.activity.value if r.activity else "minutes"
        head = f"{r.on.isoformat()}  time entry {r.record_id}: {activity}"
        if r.of_contact is not None:
            head += f" (of contact {r.of_contact})"
    lines = [head]
    for e in r.entries:
        where = f"time entry {e.id}, " if r.contact is not None else ""
        day = f", {e.on.isoformat()}" if e.on != r.on else ""
        lines.append(f"            {where}{e.minutes} min {e.program.value}, {e.staff_type.value}{day}")
    if r.note:
        lines.extend(f"            {line}" for line in r.note.splitlines())
    if r.voided is not None:
        v = r.voided
        lines.append(f"            VOIDED {v.at.date().isoformat()} by {v.by}: {v.reason}")
    return lines


# -- correcting and voiding -------------------------------------------------------------------


def _follow_up_value(text: str) -> date | str:
    """argparse type of --follow-up: a date, or "none" to clear it (a malformed date is usage)."""
    return "none" if text.strip().lower() == "none" else date_value(text)


def _follow_up(value: date | str | None) -> date | contact_corrections.Keep | None:
    if value is None:
        return contact_corrections.KEEP
    return None if value == "none" else date_arg("--follow-up", value)


def _patient_id(ws: Workspace, mrn: str | None) -> int | None:
    if mrn is None:
        return None
    patient = patient_records.by_mrn(ws, mrn)
    return patient.id


def cmd_contact(args: argparse.Namespace, context: AppContext) -> int:
    if args.action == "void":
        ws = open_workspace(args, context)
        try:
            contact_corrections.void_contact(ws, args.id, reason=args.reason)
        finally:
            ws.lock()
        print(f"Voided contact {args.id} and its minutes: they count in no month; the history keeps it.")
        return 0
    on = date_arg("--date", args.date)
    follow_up = _follow_up(args.follow_up)
    ws = open_workspace(args, context)
    try:
        saved = contact_corrections.correct_contact(
            ws,
            args.id,
            on=on,
            outcome=args.outcome,
            channel=args.channel,
            note=args.note,
            follow_up=follow_up,
            patient_id=_patient_id(ws, args.patient_mrn),
            minutes=args.minutes,
            program=_program(args.program),
            reason=args.reason,
        )
        c = saved.value
        day = c.at.astimezone(ws.tz).date()
    finally:
        ws.lock()
    moved = f", now with MRN {args.patient_mrn.strip()}" if args.patient_mrn else ""
    print(f"Corrected contact {c.id}: {day.isoformat()}, {c.channel.value}, {c.outcome.value}{moved}.")
    return 0


def cmd_time(args: argparse.Namespace, context: AppContext) -> int:
    if args.action == "void":
        ws = open_workspace(args, context)
        try:
            contact_corrections.void_time_entry(ws, args.id, reason=args.reason)
        finally:
            ws.lock()
        print(f"Voided time entry {args.id}: its minutes count in no month; the history keeps it.")
        return 0
    on = date_arg("--date", args.date)
    ws = open_workspace(args, context)
    try:
        saved = contact_corrections.correct_time_entry(
            ws,
            args.id,
            on=on,
            minutes=args.minutes,
            program=_program(args.program),
            staff_type=args.staff,
            activity=args.activity,
            patient_id=_patient_id(ws, args.patient_mrn),
            reason=args.reason,
        )
    finally:
        ws.lock()
    e = saved.value
    moved = f", now with MRN {args.patient_mrn.strip()}" if args.patient_mrn else ""
    print(
        f"Corrected time entry {e.id}: {e.on.isoformat()}, {e.minutes} min {e.program.value}, "
        f"{e.staff_type.value}{moved}."
    )
    note_long_entry(e.minutes, e.id)
    return 0


def _program(text: str | None) -> Program | str | None:
    """A program as typed ('ccm' is CCM); the service names the field when it is none."""
    if text is None:
        return None
    by_name = {p.value.casefold(): p for p in Program}
    return by_name.get(text.strip().casefold(), text)


COMMANDS: dict[str, Command] = {"contacts": cmd_contacts, "contact": cmd_contact, "time": cmd_time}
