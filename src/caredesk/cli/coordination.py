"""Tasks, appointments and hospital stays from a terminal.

    caredesk task add --mrn M --title T [--due D]
    caredesk task done|reopen|cancel ID
    caredesk task list --mrn M [--all] [--json]
    caredesk appt add --mrn M --at "MM/DD/YYYY HH:MM" --kind pcp|specialist|tcm|test|other --with NAME
                      [--where PLACE] [--stay ID]
    caredesk appt kept|missed|cancel ID
    caredesk appt list --mrn M [--json]
    caredesk stay add --mrn M --facility F --discharged D [--admitted D] [--complexity moderate|high]
    caredesk stay contact ID --on D [--channel phone|video|portal|home visit]
    caredesk stay visit ID --on D
    caredesk stay reconciled ID --on D
    caredesk stay list --mrn M [--json]

Dates are typed MM/DD/YYYY or YYYY-MM-DD; times as 9:30 AM or 14:30. IDs are those the
list commands print. Every write goes through the same services as the chart, so the queue
(`caredesk queue`) shows the change at once.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from typing import Any

from caredesk.app import AppContext
from caredesk.cli.common import (
    DATE,
    Command,
    Subparsers,
    date_arg,
    patient_id_of,
    print_json,
    with_workspace,
)
from caredesk.domain import checks
from caredesk.domain.appointments import Appointment, AppointmentKind, AppointmentStatus, parse_clock_time
from caredesk.domain.contacts import Channel
from caredesk.domain.coordination import Task
from caredesk.domain.transitions import Deadline
from caredesk.errors import ValidationError
from caredesk.services import appointments as appointment_service
from caredesk.services import stays as stay_service
from caredesk.services import tasks as task_service
from caredesk.services.changes import Kind
from caredesk.services.stays import StayView
from caredesk.services.workspace import Workspace

KINDS = {
    "pcp": AppointmentKind.PCP,
    "specialist": AppointmentKind.SPECIALIST,
    "tcm": AppointmentKind.TCM_VISIT,
    "test": AppointmentKind.TEST,
    "other": AppointmentKind.OTHER,
}
OUTCOMES = {"kept": AppointmentStatus.KEPT, "missed": AppointmentStatus.MISSED, "cancel": AppointmentStatus.CANCELLED}


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    shared = [common, secret]

    def group(name: str, help_text: str) -> Any:
        p = sub.add_parser(name, help=help_text)
        return p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def for_patient(actions: Any, name: str, help_text: str) -> argparse.ArgumentParser:
        s: argparse.ArgumentParser = actions.add_parser(name, parents=shared, help=help_text)
        s.add_argument("--mrn", required=True, help="the patient's MRN")
        return s

    def for_record(actions: Any, name: str, help_text: str, what: str) -> argparse.ArgumentParser:
        s: argparse.ArgumentParser = actions.add_parser(name, parents=shared, help=help_text)
        s.add_argument("id", type=int, metavar="ID", help=f"the {what}'s id (from the list command)")
        return s

    g = group("task", "a patient's tasks")
    s = for_patient(g, "add", "add a task")
    s.add_argument("--title", required=True, help="what is to be done")
    s.add_argument("--due", metavar=DATE, help="when it is due (today or later)")
    for name, text in (
        ("done", "mark a task done"),
        ("reopen", "open a closed task again"),
        ("cancel", "cancel a task"),
    ):
        for_record(g, name, text, "task")
    s = for_patient(g, "list", "the patient's open tasks (with --all, closed ones too)")
    s.add_argument("--all", action="store_true", help="done and cancelled tasks too")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")

    g = group("appt", "appointments arranged for a patient")
    s = for_patient(g, "add", "schedule an appointment")
    s.add_argument(
        "--at",
        required=True,
        type=_day_and_time,
        metavar='"MM/DD/YYYY HH:MM"',
        help="the day and time (9:30 AM or 14:30)",
    )
    s.add_argument("--kind", required=True, choices=sorted(KINDS), help="the kind of appointment")
    s.add_argument("--with", dest="with_whom", required=True, metavar="NAME", help="with whom")
    s.add_argument("--where", default="", metavar="PLACE", help="where")
    s.add_argument("--stay", type=int, metavar="ID", help="the hospital stay it follows up (a TCM visit)")
    for name, text in (
        ("kept", "the appointment was kept"),
        ("missed", "the appointment was missed"),
        ("cancel", "the appointment was cancelled"),
    ):
        for_record(g, name, text, "appointment")
    s = for_patient(g, "list", "the patient's appointments, earliest first")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")

    g = group("stay", "hospital stays and their TCM deadlines")
    s = for_patient(g, "add", "record a discharge (its TCM deadlines enter the queue)")
    s.add_argument("--facility", required=True, help="the hospital, SNF or rehab facility")
    s.add_argument("--discharged", required=True, metavar=DATE, help="the discharge date")
    s.add_argument("--admitted", metavar=DATE, help="the admission date")
    s.add_argument("--complexity", default="moderate", choices=["moderate", "high"], help="medical decision making")
    s = for_record(g, "contact", "the TCM interactive contact was made", "stay")
    s.add_argument("--on", required=True, metavar=DATE, help="the day of the contact")
    s.add_argument(
        "--channel",
        default=Channel.PHONE.value,
        help="phone, video, portal or home visit (a letter is not an interactive contact)",
    )
    for name, text in (("visit", "the face-to-face visit was made"), ("reconciled", "medications were reconciled")):
        s = for_record(g, name, text, "stay")
        s.add_argument("--on", required=True, metavar=DATE, help="the day it was done")
    s = for_patient(g, "list", "the patient's stays with their three deadlines")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")


def _typed_date(option: str, text: str | None) -> date | None:
    return date_arg(option, text)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


# -- task -----------------------------------------------------------------------------
def _task_json(t: Task) -> dict[str, Any]:
    return {
        "id": t.id,
        "title": t.title,
        "due": _iso(t.due),
        "status": t.status.value,
        "kind": t.kind.value,
        "closed_at": t.done_at.isoformat() if t.done_at else None,
    }


def cmd_task(args: argparse.Namespace, context: AppContext) -> int:
    due = _typed_date("--due", getattr(args, "due", None))

    def work(ws: Workspace) -> int:
        if args.action == "add":
            t = task_service.add_task(ws, patient_id_of(ws, args), args.title, due).value
            print(f"Added task {t.id} for MRN {args.mrn}" + (f", due {t.due.isoformat()}." if t.due else "."))
        elif args.action == "list":
            found = task_service.tasks(ws, patient_id_of(ws, args), include_done=args.all)
            if args.json:
                print_json([_task_json(t) for t in found])
                return 0
            for t in found:
                print(f"{t.id:>5}  {t.status.value:<9} {_iso(t.due) or '-':<10}  {t.title}")
            print(f"{len(found)} task{'' if len(found) == 1 else 's'}")
        else:
            change = {
                "done": task_service.complete_task,
                "reopen": task_service.reopen_task,
                "cancel": task_service.cancel_task,
            }[args.action]
            t = change(ws, args.id).value
            print(f"Task {t.id} is {t.status.value}.")
        return 0

    return with_workspace(args, context, work)


# -- appt -----------------------------------------------------------------------------
def _day_and_time(text: str) -> tuple[date, time]:
    """argparse type of --at: a day and a time that are none are a usage error (exit 2), as a
    DATE option's are (README "Command line"); the clinic's zone is added once the store is open."""
    parts = text.strip().split(maxsplit=1)
    try:
        if len(parts) != 2:
            raise ValidationError("--at", 'must be a day and a time, "MM/DD/YYYY HH:MM"')
        return checks.parse_date("--at", parts[0]), parse_clock_time("--at", parts[1])
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _at(ws: Workspace, day_and_time: tuple[date, time]) -> datetime:
    day, clock = day_and_time
    return datetime.combine(day, clock, tzinfo=ws.tz)


def _appointment_json(a: Appointment, ws: Workspace) -> dict[str, Any]:
    return {
        "id": a.id,
        "at": a.at.astimezone(ws.tz).isoformat(),
        "kind": a.kind.value,
        "with": a.with_whom,
        "where": a.place,
        "status": a.status.value,
        "stay": a.transition_id,
    }


def cmd_appt(args: argparse.Namespace, context: AppContext) -> int:
    def work(ws: Workspace) -> int:
        if args.action == "add":
            a = appointment_service.schedule(
                ws,
                patient_id_of(ws, args),
                at=_at(ws, args.at),
                kind=KINDS[args.kind],
                with_whom=args.with_whom,
                place=args.where,
                transition_id=args.stay,
            ).value
            when = a.at.astimezone(ws.tz).strftime("%Y-%m-%d %H:%M")
            print(f"Scheduled appointment {a.id} for MRN {args.mrn}: {a.kind.value}, {when}.")
        elif args.action == "list":
            found = appointment_service.appointments(ws, patient_id_of(ws, args))
            if args.json:
                print_json([_appointment_json(a, ws) for a in found])
                return 0
            for a in found:
                when = a.at.astimezone(ws.tz).strftime("%Y-%m-%d %H:%M")
                where = f", {a.place}" if a.place else ""
                print(f"{a.id:>5}  {when}  {a.status.value:<9} {a.kind.value}: {a.with_whom}{where}")
            print(f"{len(found)} appointment{'' if len(found) == 1 else 's'}")
        else:
            saved = appointment_service.record_outcome(ws, args.id, OUTCOMES[args.action])
            print(f"Appointment {saved.value.id} is {saved.value.status.value}.")
            if saved.value.transition_id is not None and Kind.TRANSITION in saved.changes.kinds:
                print(f"Stay {saved.value.transition_id}: face-to-face visit date updated.")
        return 0

    return with_workspace(args, context, work)


# -- stay -----------------------------------------------------------------------------
def _deadline_json(view: StayView, d: Deadline) -> dict[str, Any]:
    return {"due": d.due.isoformat(), "done_on": _iso(d.done_on), "status": view.status(d).value}


def _stay_json(view: StayView) -> dict[str, Any]:
    t = view.stay
    return {
        "id": t.id,
        "facility": t.facility,
        "admitted": _iso(t.admitted_on),
        "discharged": t.discharged_on.isoformat(),
        "complexity": t.complexity.value,
        "tcm_period_ends": view.period_ends.isoformat(),
        "contact": {
            **_deadline_json(view, view.contact),
            "channel": t.contact_channel.value if t.contact_channel else None,
            "timely_attempts": [d.isoformat() for d in view.attempts],
        },
        "visit": _deadline_json(view, view.visit),
        "medication_reconciliation": _deadline_json(view, view.reconciliation),
    }


def _stay_lines(view: StayView) -> list[str]:
    t = view.stay
    out = [
        f"{t.id:>5}  discharged {t.discharged_on.isoformat()} from {t.facility} ({t.complexity.value}), "
        f"TCM period to {view.period_ends.isoformat()}"
    ]
    for label, d in (
        ("contact", view.contact),
        ("visit", view.visit),
        ("medication reconciliation", view.reconciliation),
    ):
        done = f", done {d.done_on.isoformat()}" if d.done_on else ""
        if d is view.contact and t.contact_channel is not None:
            done += f" by {t.contact_channel.value}"
        out.append(f"       {label}: due {d.due.isoformat()}, {view.status(d).value}{done}")
    if t.contacted_on is None and view.attempts:
        out.append(f"       timely unanswered attempts: {', '.join(d.isoformat() for d in view.attempts)}")
    return out


def cmd_stay(args: argparse.Namespace, context: AppContext) -> int:
    on = _typed_date("--on", getattr(args, "on", None))
    discharged = _typed_date("--discharged", getattr(args, "discharged", None))
    admitted = _typed_date("--admitted", getattr(args, "admitted", None))

    def work(ws: Workspace) -> int:
        if args.action == "add":
            assert discharged is not None
            pid = patient_id_of(ws, args)
            view_id = stay_service.add_stay(
                ws,
                pid,
                facility=args.facility,
                discharged_on=discharged,
                admitted_on=admitted,
                complexity=args.complexity,
            ).value.id
            print(f"Added stay {view_id} for MRN {args.mrn}.")
            (view,) = [v for v in stay_service.stays(ws, pid) if v.stay.id == view_id]
            print("\n".join(_stay_lines(view)[1:]))
        elif args.action == "list":
            views = stay_service.stays(ws, patient_id_of(ws, args))
            if args.json:
                print_json([_stay_json(v) for v in views])
                return 0
            for v in views:
                print("\n".join(_stay_lines(v)))
            print(f"{len(views)} stay{'' if len(views) == 1 else 's'}")
        else:
            if args.action == "contact":
                saved = stay_service.record_contact(ws, args.id, on=on, channel=args.channel.strip().lower())
                step = "TCM contact"
            elif args.action == "visit":
                saved = stay_service.record_visit(ws, args.id, on=on)
                step = "face-to-face visit"
            else:
                saved = stay_service.record_reconciliation(ws, args.id, on=on)
                step = "medication reconciliation"
            assert on is not None
            print(f"Stay {saved.value.id}: {step} recorded on {on.isoformat()}.")
        return 0

    return with_workspace(args, context, work)


COMMANDS: dict[str, Command] = {"task": cmd_task, "appt": cmd_appt, "stay": cmd_stay}
