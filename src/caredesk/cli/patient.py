"""The patient's record from a terminal: demographics, status, programs and consent.

    caredesk patient show --mrn M [--json]
    caredesk patient edit --mrn M [--new-mrn M2] [--given G] [--family F] [--preferred P]
        [--dob DATE] [--sex S] [--language L] [--phone "NUMBER:type" ...] [--address A]
        [--call-window W] [--pcp P] [--payer P] [--risk low|medium|high]
        [--status active|paused|disenrolled|deceased] [--died-on DATE]
    caredesk enroll --mrn M --program CCM --start DATE [--consent-date DATE]
        [--consent-method verbal|written] [--practitioner NAME] [--qmb]
    caredesk enroll --mrn M --program CCM --end DATE        (ends the current enrollment)
    caredesk enroll --mrn M --program CCM --change [--id N] [--start DATE] [--end DATE]
        [--consent-date DATE] [--consent-method verbal|written] [--practitioner NAME] [--qmb|--no-qmb]
    caredesk enroll --mrn M --program CCM --remove [--id N] --reason TEXT   (entered in error)
    caredesk consent --mrn M --program CCM --date DATE --method verbal|written

DATE is MM/DD/YYYY or YYYY-MM-DD. `--phone` may be given several times and replaces the
list: a US number with all 10 digits, its type mobile, home, work or caregiver ("cell" is
mobile), the app's rule (domain.phone_entry); a number or type the patient already has is kept
as stored. Leaving the deceased status clears the date of death. One unit of work per command:
a refused value stores nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from caredesk.app import AppContext
from caredesk.cli import patient_add
from caredesk.cli.common import EXIT_USAGE, Command, Subparsers, date_arg, fail, open_workspace
from caredesk.cli.patient_fields import DEMOGRAPHIC_OPTIONS, patient_json
from caredesk.domain.billing_minutes import LostMinutes
from caredesk.domain.calendar import age_on, us_date
from caredesk.domain.checks import one_of
from caredesk.domain.patients import Enrollment, Patient, Phone, Program, RiskTier, Sex, Status
from caredesk.domain.phone_entry import entered_phones, kinds_text, number_and_kind
from caredesk.errors import CareDeskError, NotFound
from caredesk.services import enrollments, patient_records
from caredesk.services import patients as patient_lookup
from caredesk.services.workspace import Workspace

DATE = "DATE"
PROGRAMS = ", ".join(p.value for p in Program)
# Option -> the edit_patient field it sets (text options; dates and lists are handled apart).
TEXT_OPTIONS = {"new_mrn": "mrn", **DEMOGRAPHIC_OPTIONS, "status": "status"}


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    shared = [common, secret]
    group = sub.add_parser("patient", help="show, add or edit a patient's record").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    s = group.add_parser("show", parents=shared, help="demographics, status and programs with consent")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--json", action="store_true", help="print a JSON object")

    s = group.add_parser("edit", parents=shared, help="change demographic fields or the status")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--new-mrn", help="a corrected MRN (never one another patient has)")
    s.add_argument("--given", help="given name")
    s.add_argument("--family", help="family name")
    s.add_argument("--preferred", help="preferred name ('' clears it)")
    s.add_argument("--dob", metavar=DATE, help="date of birth")
    s.add_argument("--sex", help=", ".join(x.value for x in Sex))
    s.add_argument("--language", help="preferred language")
    s.add_argument(
        "--phone",
        action="append",
        metavar="NUMBER:TYPE",
        help=f"a phone with its area code (all 10 digits of a US number) and its type: {kinds_text()}, "
        "mobile when left out; repeat for several (replaces the list)",
    )
    s.add_argument("--no-phones", action="store_true", help="remove every phone number")
    s.add_argument("--address", help="postal address")
    s.add_argument("--call-window", help="preferred call window, e.g. 'weekdays 9-11am'")
    s.add_argument("--pcp", help="primary-care provider")
    s.add_argument("--payer", help="payer, e.g. 'Medicare Part B'")
    s.add_argument("--risk", help=", ".join(r.value for r in RiskTier))
    s.add_argument("--status", help=", ".join(x.value for x in Status) + " (deceased needs --died-on)")
    s.add_argument("--died-on", metavar=DATE, help="date of death (with --status deceased)")
    patient_add.add_parser(group, shared)

    s = sub.add_parser(
        "enroll",
        parents=shared,
        help="enroll a patient in a program; end (--end), correct (--change) or remove (--remove) an enrollment",
    )
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--program", required=True, help=PROGRAMS)
    s.add_argument("--start", metavar=DATE, help="first day in the program")
    s.add_argument("--end", metavar=DATE, help="end the current enrollment in the program on this day")
    s.add_argument("--consent-date", metavar=DATE, help="when the patient consented (never a future day)")
    s.add_argument("--consent-method", help="verbal or written")
    s.add_argument("--practitioner", help="the billing practitioner")
    s.add_argument(
        "--qmb",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a Qualified Medicare Beneficiary (APCM only, G0558); --no-qmb with --change clears it",
    )
    mode = s.add_mutually_exclusive_group()
    mode.add_argument(
        "--change",
        action="store_true",
        help="correct the current (or upcoming) enrollment: --start, --end, --consent-date, --consent-method, "
        "--practitioner, --qmb/--no-qmb",
    )
    mode.add_argument("--remove", action="store_true", help="remove an enrollment entered in error (with --reason)")
    s.add_argument("--reason", help="why it is removed, e.g. 'entered in error' (with --remove)")
    s.add_argument(
        "--id", type=int, metavar="N", help="the enrollment to --change or --remove (patient show --json lists ids)"
    )

    s = sub.add_parser("consent", parents=shared, help="record consent for the patient's current enrollment")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--program", required=True, help=PROGRAMS)
    s.add_argument("--date", required=True, metavar=DATE, help="when the patient consented (never a future day)")
    s.add_argument("--method", required=True, help="verbal or written")


def _date(option: str, text: str | None) -> date | None:
    return date_arg(option, text)


def _phone(text: str) -> Phone:
    number, kind = number_and_kind(text)
    return Phone(number=number, kind=kind)


def _program(text: str) -> Program:
    return one_of("--program", text, Program)


def _print_text(p: Patient, enrolled: tuple[Enrollment, ...], today: date) -> None:
    status = p.status.value + (f" {us_date(p.died_on)}" if p.died_on else "")
    for label, value in (
        ("MRN", p.mrn),
        ("Name", p.display_name),
        ("Date of birth", f"{us_date(p.birth_date)} (age {age_on(p.birth_date, today)})"),
        ("Sex", p.sex.value),
        ("Language", p.language),
        ("Phones", ", ".join(f"{ph.number} ({ph.kind})" for ph in p.phones) or "-"),
        ("Address", p.address or "-"),
        ("Call window", p.call_window or "-"),
        ("PCP", p.pcp or "-"),
        ("Payer", p.payer or "-"),
        ("Risk tier", p.risk_tier.value),
        ("Status", status),
    ):
        print(f"{label + ':':<15}{value}")
    print("Programs:" if enrolled else "Programs:      none")
    for e in enrolled:
        print(_enrollment_line(e, today))


def _enrollment_line(e: Enrollment, today: date) -> str:
    """'  CCM          from 01/01/2025 current        consent 01/02/2025 verbal  Dr. Ruiz';
    a program not yet begun reads 'starts 12/15/2026', never 'current'."""
    upcoming = enrollments.enrollment_status(e, today) == enrollments.UPCOMING
    until = f"to {us_date(e.end_date)}" if e.end_date else ("" if upcoming else "current")
    consent = "no consent on file"
    if e.consent_date is not None:
        consent = f"consent {us_date(e.consent_date)} {e.consent_method.value if e.consent_method else ''}".rstrip()
    extras = [x for x in (e.billing_practitioner, "QMB" if e.qmb else "") if x]
    begins = f"starts {us_date(e.start_date)}" if upcoming else f"from {us_date(e.start_date)}"
    line = f"  {e.program.value:<12} {begins} {until:<14} {consent}"
    return line + ("  " + " · ".join(extras) if extras else "")


def cmd_patient(args: argparse.Namespace, context: AppContext) -> int:
    if args.action == "add":
        return patient_add.cmd_patient_add(args, context)
    changes: dict[str, Any] = {}
    if args.action == "edit":
        # Every value is checked before the store is opened, naming the option.
        changes = {field: getattr(args, opt) for opt, field in TEXT_OPTIONS.items() if getattr(args, opt) is not None}
        if args.dob is not None:
            changes["birth_date"] = _date("--dob", args.dob)
        if args.died_on is not None:
            changes["died_on"] = _date("--died-on", args.died_on)
        if args.phone and args.no_phones:
            return fail("give --phone or --no-phones, not both", EXIT_USAGE)
        if args.phone or args.no_phones:
            changes["phones"] = tuple(_phone(text) for text in args.phone or ())
        if not changes:
            return fail("nothing to change: give at least one field (see caredesk patient edit --help)", EXIT_USAGE)
    ws = open_workspace(args, context)
    try:
        today = ws.today()
        patient = patient_lookup.by_mrn(ws, args.mrn)
        assert patient.id is not None
        if args.action == "show":
            chart = patient_lookup.open_chart(ws, patient.id)  # audited as a view
            if args.json:
                json.dump(
                    patient_json(chart.patient, chart.enrollments, today), sys.stdout, ensure_ascii=False, indent=2
                )
                print()
            else:
                _print_text(chart.patient, chart.enrollments, today)
            return 0
        if "phones" in changes:  # checked as entered: a number or type the patient has is kept as stored
            changes["phones"] = entered_phones(changes["phones"], patient.phones)
        saved = patient_records.edit_patient(ws, patient.id, **changes)
    finally:
        ws.lock()
    if not saved.changes:
        print(f"Nothing changed: MRN {saved.value.mrn} already has those values.")
    else:
        print(f"Saved MRN {saved.value.mrn}: {', '.join(_changed(patient, saved.value))}.")
    return 0


def _changed(before: Patient, after: Patient) -> list[str]:
    return [
        label for key, label in patient_records.PATIENT_FIELDS.items() if getattr(before, key) != getattr(after, key)
    ]


def cmd_enroll(args: argparse.Namespace, context: AppContext) -> int:
    program = _program(args.program)
    fields = _enrollment_fields(args)
    if args.remove:
        if not args.reason:
            return fail("--remove needs --reason (e.g. 'entered in error')", EXIT_USAGE)
        if fields or args.end is not None:
            return fail("--remove takes only --reason (and --id)", EXIT_USAGE)
    elif args.reason is not None:
        return fail("--reason goes with --remove", EXIT_USAGE)
    elif args.change:
        if args.end is not None:
            fields["end_date"] = _date("--end", args.end)  # checked before the store opens
        if not fields:
            return fail("--change needs a field to correct (see caredesk enroll --help)", EXIT_USAGE)
    else:
        if args.id is not None:
            return fail("--id goes with --change or --remove", EXIT_USAGE)
        if (args.start is None) == (args.end is None):
            return fail("give --start to enroll, or --end to end the current enrollment", EXIT_USAGE)
        if args.end is not None and (args.consent_date or args.consent_method or args.practitioner or args.qmb):
            return fail("--end takes no consent, practitioner or QMB options", EXIT_USAGE)
    start, end = _date("--start", args.start), _date("--end", args.end)
    ws = open_workspace(args, context)
    try:
        patient = patient_lookup.by_mrn(ws, args.mrn)
        assert patient.id is not None
        if args.change or args.remove:
            chosen = _chosen_enrollment(ws, patient, program, args.id)
            assert chosen.id is not None
            if args.remove:
                gone = enrollments.remove_enrollment(ws, chosen.id, args.reason or "").value
                print(f"Removed the {program.value} enrollment from {us_date(gone.start_date)} for MRN {patient.mrn}.")
                return 0
            lost = _minutes_taken(ws, chosen, fields.get("end_date"))
            saved = enrollments.change_enrollment(ws, chosen.id, **fields)
            what = [label for key, label in enrollments.ENROLLMENT_FIELDS.items() if key in fields]
            if not saved.changes:
                print(f"Nothing changed: the {program.value} enrollment of MRN {patient.mrn} already has those values.")
            else:
                print(f"Changed the {program.value} enrollment of MRN {patient.mrn}: {', '.join(what)}.")
                print(_enrollment_line(saved.value, ws.today()).strip())
                for x in lost:
                    print(f"{x.text()[:1].upper()}{x.text()[1:]}.")
            return 0
        if end is not None:
            current = _current(ws, patient, program, "--change --id ID --end DATE corrects one's end date")
            assert current.id is not None
            # Said before it is saved, as the app asks (SPEC 3: minutes after the end count for nothing).
            lost = enrollments.minutes_an_end_takes(ws, current.id, end)
            ended = enrollments.end_enrollment(ws, current.id, end).value
            taken = "".join(f"; {x.text()}" for x in lost)
            print(
                f"Ended {program.value} for MRN {patient.mrn} on {us_date(end)} "
                f"(enrolled {us_date(ended.start_date)}){taken}."
            )
            return 0
        assert start is not None
        saved_new = enrollments.enroll(
            ws,
            patient.id,
            program,
            start,
            consent_date=fields.get("consent_date"),
            consent_method=args.consent_method,
            billing_practitioner=args.practitioner or "",
            qmb=bool(args.qmb),
        ).value
        today = ws.today()
    finally:
        ws.lock()
    consent_text = (
        f"consent {us_date(saved_new.consent_date)} "
        f"{saved_new.consent_method.value if saved_new.consent_method else ''}".rstrip()
        if saved_new.consent_date
        else "no consent on file yet"
    )
    starts = "starting" if saved_new.start_date > today else "from"
    print(f"Enrolled MRN {patient.mrn} in {program.value} {starts} {us_date(saved_new.start_date)} ({consent_text}).")
    return 0


def _enrollment_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The change_enrollment fields the options give (dates checked here, naming the option)."""
    fields: dict[str, Any] = {}
    if args.start is not None:
        fields["start_date"] = _date("--start", args.start)
    if args.consent_date is not None:
        fields["consent_date"] = _date("--consent-date", args.consent_date)
    if args.consent_method is not None:
        fields["consent_method"] = args.consent_method
    if args.practitioner is not None:
        fields["billing_practitioner"] = args.practitioner
    if args.qmb is not None:
        fields["qmb"] = args.qmb
    return fields


def _minutes_taken(ws: Workspace, chosen: Enrollment, end: date | None) -> tuple[LostMinutes, ...]:
    """What a corrected end date takes (SPEC 3: minutes after it count for nothing); none when
    the end is not moved earlier. A date the correction refuses is refused by it, naming the field."""
    if end is None or (chosen.end_date is not None and end >= chosen.end_date):
        return ()
    assert chosen.id is not None
    try:
        return enrollments.minutes_an_end_takes(ws, chosen.id, end)
    except CareDeskError:
        return ()  # change_enrollment refuses it with the fields as they will be


def _current(ws: Workspace, patient: Patient, program: Program, how: str) -> Enrollment:
    """The patient's current enrollment in `program` (enrollments.open_enrollment). When there is
    none, the refusal lists their enrollments in it by id and says `how` to act on one: a tester's
    `enroll --end` on a CCM already ended read "enroll them first", while --change --id works.
    It names only what the command named: the MRN, the program, its ids and dates."""
    assert patient.id is not None
    try:
        return enrollments.open_enrollment(ws, patient.id, program)
    except NotFound as exc:
        theirs = sorted(
            (e for e in patient_records.record(ws, patient.id).enrollments if e.program is program),
            key=lambda e: (e.start_date, e.id or 0),
        )
        if exc.what != "enrollment" or not theirs:
            raise
        listed = "; ".join(
            f"id {e.id} from {us_date(e.start_date)}" + (f" to {us_date(e.end_date)}" if e.end_date else "")
            for e in theirs
        )
        raise NotFound(
            "enrollment",
            f"MRN {patient.mrn} has no current {program.value} enrollment ({program.value} {listed}): "
            f"{how}, --start enrolls them again",
        ) from None


def _chosen_enrollment(ws: Workspace, patient: Patient, program: Program, enrollment_id: int | None) -> Enrollment:
    """The enrollment --change / --remove act on: the one --id names (it must be this
    patient's, in this program), else the current or upcoming one in the program."""
    if enrollment_id is None:
        return _current(ws, patient, program, "--id ID chooses one")
    assert patient.id is not None
    found = next((e for e in patient_records.record(ws, patient.id).enrollments if e.id == enrollment_id), None)
    if found is None or found.program is not program:
        raise NotFound("enrollment", f"--id: enrollment {enrollment_id} is not one of this patient's {program.value}.")
    return found


def cmd_consent(args: argparse.Namespace, context: AppContext) -> int:
    program = _program(args.program)
    consent = _date("--date", args.date)
    ws = open_workspace(args, context)
    try:
        patient = patient_lookup.by_mrn(ws, args.mrn)
        assert patient.id is not None
        how = "caredesk enroll --change --id ID --consent-date DATE --consent-method METHOD records one's consent"
        current = _current(ws, patient, program, how)
        assert current.id is not None
        saved = enrollments.change_enrollment(ws, current.id, consent_date=consent, consent_method=args.method).value
    finally:
        ws.lock()
    method = saved.consent_method.value if saved.consent_method else ""
    when = us_date(saved.consent_date) if saved.consent_date else ""
    print(f"Consent for {program.value} recorded for MRN {patient.mrn}: {when} ({method}).")
    return 0


COMMANDS: dict[str, Command] = {"patient": cmd_patient, "enroll": cmd_enroll, "consent": cmd_consent}
