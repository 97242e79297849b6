"""Conditions, allergies, care team and medications from a terminal.

    caredesk condition add --mrn M --code E119 [--not-chronic] [--onset DATE]
    caredesk condition remove --mrn M --code E11.9
    caredesk condition list --mrn M [--json]
    caredesk allergy add --mrn M --substance S [--reaction R]     (or --none-known)
    caredesk allergy remove --mrn M --substance S
    caredesk allergy list --mrn M [--json]
    caredesk careteam add --mrn M --role R --name N [--phone P] [--organization O]
    caredesk careteam remove --mrn M --name N
    caredesk careteam list --mrn M [--json]
    caredesk med add --mrn M --name N [--dose D] [--frequency F] [--prescriber P] [--start DATE]
    caredesk med change --mrn M --name N --dose D [--frequency F] [--on DATE]
    caredesk med stop --mrn M --name N --reason R [--on DATE]
    caredesk med adherence --mrn M --name N --answer taken|missed|stopped|cost [--note T] [--on DATE]
    caredesk med list --mrn M [--json] [--all]

ICD-10-CM codes are checked against the code set: an unknown code or a category exits 1 with
the nearest billable codes on stderr. Medicines are named as listed (case does not matter);
dates (DATE) are MM/DD/YYYY or YYYY-MM-DD and never lie in the future.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from caredesk.app import AppContext
from caredesk.cli.common import (
    DATE,
    EXIT_USAGE,
    Command,
    Subparsers,
    date_arg,
    fail,
    open_workspace,
    print_json,
)
from caredesk.domain.allergies import NO_KNOWN_ALLERGIES
from caredesk.domain.medications import AdherenceAnswer
from caredesk.domain.patients import Medication, Patient
from caredesk.services import clinical, medications
from caredesk.services import patients as patient_records
from caredesk.services.workspace import Workspace

ANSWERS = {
    "taken": AdherenceAnswer.TAKEN,
    "missed": AdherenceAnswer.MISSED,
    "stopped": AdherenceAnswer.STOPPED,
    "cost": AdherenceAnswer.COST_OR_ACCESS,
}


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    shared = [common, secret]

    def group(name: str, help_text: str) -> Any:
        p = sub.add_parser(name, help=help_text)
        return p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(actions: Any, name: str, help_text: str) -> argparse.ArgumentParser:
        s: argparse.ArgumentParser = actions.add_parser(name, parents=shared, help=help_text)
        s.add_argument("--mrn", required=True, help="the patient's MRN")
        return s

    g = group("condition", "a patient's conditions (ICD-10-CM)")
    s = action(g, "add", "add a condition by its ICD-10-CM code")
    s.add_argument("--code", required=True, help="the ICD-10-CM code, with or without the dot (E119 or E11.9)")
    s.add_argument("--not-chronic", action="store_true", help="an acute condition (chronic ones count for CCM)")
    s.add_argument("--onset", metavar=DATE, help="when it began (never a future day)")
    s = action(g, "remove", "remove a condition entered by mistake")
    s.add_argument("--code", required=True, help="the ICD-10-CM code")
    s = action(g, "list", "the patient's conditions")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")

    g = group("allergy", "a patient's allergies")
    s = action(g, "add", f'add an allergy, or record "{NO_KNOWN_ALLERGIES}" with --none-known')
    s.add_argument("--substance", help="what the patient is allergic to")
    s.add_argument("--reaction", default="", help="what happens (rash, hives, anaphylaxis ...)")
    s.add_argument("--none-known", action="store_true", help="the patient has no known allergies")
    s = action(g, "remove", "remove an allergy (or the no-known-allergies entry)")
    s.add_argument("--substance", required=True, help="the substance as listed")
    s = action(g, "list", "the patient's allergies")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")

    g = group("careteam", "a patient's care team")
    s = action(g, "add", "add a care-team member")
    s.add_argument("--role", required=True, help="PCP, cardiologist, pharmacist, caregiver ...")
    s.add_argument("--name", required=True, help="the member's name")
    s.add_argument("--phone", default="", help="a phone number with its area code (all 10 digits of a US number)")
    s.add_argument("--organization", default="", help="the practice, clinic or agency")
    s = action(g, "remove", "take a member off the care team")
    s.add_argument("--name", required=True, help="the member's name as listed")
    s = action(g, "list", "the patient's care team")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")

    g = group("med", "a patient's medications and adherence")
    s = action(g, "add", "add a current medication")
    s.add_argument("--name", required=True, help="the medicine")
    s.add_argument("--dose", default="", help="how much (500 mg)")
    s.add_argument("--frequency", default="", help="how often (twice a day)")
    s.add_argument("--prescriber", default="", help="who prescribed it")
    s.add_argument("--start", metavar=DATE, help="when the patient started it (never a future day)")
    s = action(g, "change", "change the dose: the old one stops that day, the new one starts (history kept)")
    s.add_argument("--name", required=True, help="the current medicine, as listed")
    s.add_argument("--dose", required=True, help="the new dose")
    s.add_argument("--frequency", help="the new frequency (default: unchanged)")
    s.add_argument("--on", metavar=DATE, help="the day of the change (default: today)")
    s = action(g, "stop", "stop a medication")
    s.add_argument("--name", required=True, help="the current medicine, as listed")
    s.add_argument("--reason", required=True, help="why it was stopped")
    s.add_argument("--on", metavar=DATE, help="the day it was stopped (default: today)")
    s = action(g, "adherence", "record an adherence check (what the patient said on a call)")
    s.add_argument("--name", required=True, help="the current medicine, as listed")
    s.add_argument(
        "--answer",
        required=True,
        choices=sorted(ANSWERS),
        help="taken (as prescribed), missed (doses), stopped, cost (or access problem)",
    )
    s.add_argument("--note", default="", help="a short note")
    s.add_argument("--on", metavar=DATE, help="the day of the check (default: today)")
    s = action(g, "list", "current medications (with --all, stopped ones too)")
    s.add_argument("--all", action="store_true", help="stopped medications too, with the day and reason")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects, with each adherence history")


def _with_patient(args: argparse.Namespace, context: AppContext, work: Callable[[Workspace, int], int]) -> int:
    ws = open_workspace(args, context)
    try:
        patient: Patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        args.mrn = patient.mrn  # as stored, not as typed
        return work(ws, patient.id)
    finally:
        ws.lock()


def _id(record: Any) -> int:
    assert record.id is not None  # read from the store
    return int(record.id)


def _chronic_line(ws: Workspace, pid: int, mrn: str) -> None:
    n = clinical.record(ws, pid).chronic_count
    print(f"MRN {mrn} has {n} chronic condition{'' if n == 1 else 's'}.")


# -- condition ------------------------------------------------------------------------
def cmd_condition(args: argparse.Namespace, context: AppContext) -> int:
    onset = date_arg("--onset", getattr(args, "onset", None))

    def work(ws: Workspace, pid: int) -> int:
        if args.action == "add":
            c = clinical.add_condition(ws, pid, args.code, chronic=not args.not_chronic, onset=onset).value
            kind = "chronic" if c.chronic else "not chronic"
            print(f"Added {c.icd10} {c.display} ({kind}) for MRN {args.mrn}.")
            _chronic_line(ws, pid, args.mrn)
        elif args.action == "remove":
            gone = clinical.remove_condition(ws, _id(clinical.find_condition(ws, pid, args.code))).value
            print(f"Removed {gone.icd10} {gone.display} for MRN {args.mrn}.")
            _chronic_line(ws, pid, args.mrn)
        else:
            conditions = clinical.record(ws, pid).conditions
            if args.json:
                print_json(
                    [
                        {
                            "id": c.id,
                            "code": c.icd10,
                            "description": c.display,
                            "chronic": c.chronic,
                            "onset": c.onset.isoformat() if c.onset else None,
                        }
                        for c in conditions
                    ]
                )
            else:
                for c in conditions:
                    since = f", since {c.onset.isoformat()}" if c.onset else ""
                    print(f"{c.icd10:<8} {c.display} ({'chronic' if c.chronic else 'not chronic'}{since})")
                print(f"{len(conditions)} condition{'' if len(conditions) == 1 else 's'}")
        return 0

    return _with_patient(args, context, work)


# -- allergy --------------------------------------------------------------------------
def cmd_allergy(args: argparse.Namespace, context: AppContext) -> int:
    if args.action == "add" and args.none_known == bool(args.substance):
        return fail("allergy add needs --substance or --none-known (one of them)", EXIT_USAGE)
    if args.action == "add" and args.none_known and args.reaction:
        return fail("--reaction goes with --substance, not --none-known", EXIT_USAGE)

    def work(ws: Workspace, pid: int) -> int:
        if args.action == "add":
            if args.none_known:
                clinical.record_no_known_allergies(ws, pid)
                print(f'Recorded "{NO_KNOWN_ALLERGIES}" for MRN {args.mrn}.')
            else:
                a = clinical.add_allergy(ws, pid, substance=args.substance, reaction=args.reaction).value
                print(f"Added the allergy to {a.substance} for MRN {args.mrn}.")
        elif args.action == "remove":
            gone = clinical.remove_allergy(ws, _id(clinical.find_allergy(ws, pid, args.substance))).value
            print(f"Removed {gone.substance} from the allergies of MRN {args.mrn}.")
        else:
            record = clinical.record(ws, pid)
            allergies = record.allergies
            if args.json:
                print_json([{"id": a.id, "substance": a.substance, "reaction": a.reaction} for a in allergies])
            elif not allergies:
                print("No allergies recorded (not asked yet).")
            elif record.no_known_allergies:
                print(f"{NO_KNOWN_ALLERGIES} (the patient was asked).")
            else:
                for a in allergies:
                    print(a.substance + (f": {a.reaction}" if a.reaction else ""))
        return 0

    return _with_patient(args, context, work)


# -- care team ------------------------------------------------------------------------
def cmd_careteam(args: argparse.Namespace, context: AppContext) -> int:
    def work(ws: Workspace, pid: int) -> int:
        if args.action == "add":
            m = clinical.add_member(
                ws, pid, role=args.role, name=args.name, phone=args.phone, organization=args.organization
            ).value
            print(f"Added {m.name} ({m.role}) to the care team of MRN {args.mrn}.")
        elif args.action == "remove":
            gone = clinical.remove_member(ws, _id(clinical.find_member(ws, pid, args.name))).value
            print(f"Removed {gone.name} ({gone.role}) from the care team of MRN {args.mrn}.")
        else:
            team = clinical.record(ws, pid).care_team
            if args.json:
                print_json(
                    [
                        {"id": m.id, "role": m.role, "name": m.name, "phone": m.phone, "organization": m.organization}
                        for m in team
                    ]
                )
            else:
                for m in team:
                    extra = " · ".join(x for x in (m.organization, m.phone) if x)
                    print(f"{m.role}: {m.name}" + (f", {extra}" if extra else ""))
                print(f"{len(team)} care-team member{'' if len(team) == 1 else 's'}")
        return 0

    return _with_patient(args, context, work)


# -- medications ----------------------------------------------------------------------
def cmd_med(args: argparse.Namespace, context: AppContext) -> int:
    start = date_arg("--start", getattr(args, "start", None))
    on = date_arg("--on", getattr(args, "on", None))

    def work(ws: Workspace, pid: int) -> int:
        if args.action == "add":
            m = medications.add_medication(
                ws,
                pid,
                name=args.name,
                dose=args.dose,
                frequency=args.frequency,
                prescriber=args.prescriber,
                start_date=start,
            ).value
            print(f"Added {_med_text(m)} for MRN {args.mrn}.")
        elif args.action == "change":
            old = medications.find_medication(ws, pid, args.name)
            new = medications.change_dose(ws, _id(old), dose=args.dose, frequency=args.frequency, on=on).value
            assert new.start_date is not None
            print(f"Changed to {_med_text(new)} from {new.start_date.isoformat()} for MRN {args.mrn}.")
        elif args.action == "stop":
            med = medications.find_medication(ws, pid, args.name)
            stopped = medications.stop_medication(ws, _id(med), reason=args.reason, on=on).value
            assert stopped.stop_date is not None
            print(f"Stopped {stopped.name} on {stopped.stop_date.isoformat()} for MRN {args.mrn}.")
        elif args.action == "adherence":
            med = medications.find_medication(ws, pid, args.name)
            check = medications.check_adherence(ws, _id(med), answer=ANSWERS[args.answer], on=on, note=args.note).value
            summary = medications.find_medication(ws, pid, args.name).adherence.value
            print(
                f"Recorded {med.name}: {check.answer.value} on {check.checked_on.isoformat()} for MRN {args.mrn} "
                f"(adherence now {summary})."
            )
        else:
            _med_list(ws, pid, args)
        return 0

    return _with_patient(args, context, work)


def _med_text(m: Medication) -> str:
    return " ".join(x for x in (m.name, m.dose, m.frequency) if x)


def _med_list(ws: Workspace, pid: int, args: argparse.Namespace) -> None:
    record = clinical.record(ws, pid)
    meds = record.medications if args.all else record.current_medications
    if args.json:
        out = []
        for m in meds:
            history = medications.adherence_history(ws, _id(m))
            out.append(
                {
                    "id": m.id,
                    "name": m.name,
                    "dose": m.dose,
                    "frequency": m.frequency,
                    "prescriber": m.prescriber,
                    "start_date": m.start_date.isoformat() if m.start_date else None,
                    "stop_date": m.stop_date.isoformat() if m.stop_date else None,
                    "stop_reason": m.stop_reason or None,
                    "current": medications.is_current(m, record.as_of),
                    "adherence": m.adherence.value,
                    "adherence_checks": [
                        {"date": h.checked_on.isoformat(), "answer": h.answer.value, "note": h.note} for h in history
                    ],
                }
            )
        print_json(out)
        return
    current = record.current_medications
    for m in current:
        since = f", since {m.start_date.isoformat()}" if m.start_date else ""
        print(f"{_med_text(m)} (adherence {m.adherence.value}{since})")
    print(f"{len(current)} current medication{'' if len(current) == 1 else 's'}")
    if args.all:
        for m in record.stopped_medications:
            assert m.stop_date is not None
            print(f"stopped {m.stop_date.isoformat()}: {_med_text(m)} ({m.stop_reason or 'no reason given'})")


COMMANDS: dict[str, Command] = {
    "condition": cmd_condition,
    "allergy": cmd_allergy,
    "careteam": cmd_careteam,
    "med": cmd_med,
}
