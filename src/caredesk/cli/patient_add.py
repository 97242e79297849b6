"""`caredesk patient add`: a new patient from a terminal, optionally with their first program.

    caredesk patient add --mrn M --given G --family F --dob DATE [--preferred P] [--sex S]
        [--language L] [--phone "NUMBER:TYPE" ...] [--address A] [--call-window W] [--pcp P]
        [--payer P] [--risk low|medium|high] [--allow-duplicate]
        [--program CCM [--start DATE] [--consent-date DATE --consent-method verbal|written]
         [--practitioner NAME] [--qmb]] [--json]

The same record and rules as File > Add patient… in the app: the domain checks every value
and names the field, and the first refusal in the form's order is the one reported (MRN,
given and family name, date of birth, sex, phones ... then the program's fields). A second
patient with the same MRN is refused. A patient who looks like one already on the panel
(same date of birth, family name and given name or initial: domain.same_person) is refused
with exit 1 and one line naming that patient's MRN, unless --allow-duplicate says the two
are different people (the app asks the same question, Go back as its default). The patient and the enrollment are saved as one unit
of work (services.patients.add_patient), so a refusal stores nothing. DATE is MM/DD/YYYY or
YYYY-MM-DD; the program starts today unless --start says otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from caredesk.app import AppContext
from caredesk.cli.common import DATE, EXIT_ERROR, EXIT_USAGE, date_arg, fail, open_workspace
from caredesk.cli.patient_fields import DEMOGRAPHIC_OPTIONS, patient_json
from caredesk.domain.calendar import us_date
from caredesk.domain.checks import Refusals
from caredesk.domain.patients import Enrollment, Patient, Phone, Program, RiskTier, Sex
from caredesk.domain.phone_entry import entered_phone, kinds_text, number_and_kind, phone_field
from caredesk.errors import ValidationError
from caredesk.services import patients as patient_service

# Option -> the Patient field it sets, for the text options given.
PATIENT_OPTIONS = {"mrn": "mrn", **DEMOGRAPHIC_OPTIONS}
PROGRAM_OPTIONS = ("start", "consent_date", "consent_method", "practitioner", "qmb")
# The fields top to bottom as the app's Add patient form shows them; a date option ranks as its field.
FORM_ORDER = (
    "MRN",
    "given name",
    "family name",
    "preferred name",
    "date of birth",
    "sex",
    "phone",
    "language",
    "address",
    "preferred call window",
    "primary-care provider",
    "payer",
    "risk tier",
    "program",
    "start date",
    "consent date",
    "consent method",
    "billing practitioner",
    "QMB",
)
OPTION_FIELDS = {"--dob": "date of birth", "--start": "start date", "--consent-date": "consent date"}
# Stand-ins while a refused date is reported: the record is still built so that a field
# above it in the form, refused too, is the one named.
_STAND_IN_DAY = date(2013, 1, 1)


def add_parser(group: Any, shared: Sequence[argparse.ArgumentParser]) -> None:
    """`patient add` under the `patient` command's actions (`group`, an argparse subparsers action)."""
    s = group.add_parser("add", parents=list(shared), help="add a patient, optionally with their first program")
    s.add_argument("--mrn", required=True, help="the medical record number (no other patient may have it)")
    s.add_argument("--given", required=True, help="given name")
    s.add_argument("--family", required=True, help="family name")
    s.add_argument("--dob", required=True, metavar=DATE, help="date of birth (before today)")
    s.add_argument("--preferred", help="preferred name")
    s.add_argument("--sex", help=", ".join(x.value for x in Sex) + " (default unknown)")
    s.add_argument("--language", help="preferred language (default English)")
    s.add_argument(
        "--phone",
        action="append",
        metavar="NUMBER:TYPE",
        help=f"a phone with its area code (all 10 digits of a US number) and its type: {kinds_text()}, "
        "mobile when left out; repeatable",
    )
    s.add_argument("--address", help="postal address")
    s.add_argument("--call-window", help="preferred call window, e.g. 'weekdays 9-11am'")
    s.add_argument("--pcp", help="primary-care provider")
    s.add_argument("--payer", help="payer, e.g. 'Medicare Part B'")
    s.add_argument(
        "--risk", "--risk-tier", dest="risk", help=", ".join(r.value for r in RiskTier) + " (default medium)"
    )
    s.add_argument("--program", help="enroll at once: " + ", ".join(p.value for p in Program))
    s.add_argument("--start", metavar=DATE, help="first day in the program (default: today)")
    s.add_argument("--consent-date", metavar=DATE, help="when the patient consented (never a future day)")
    s.add_argument("--consent-method", help="verbal or written (with --consent-date)")
    s.add_argument("--practitioner", help="the billing practitioner")
    s.add_argument("--qmb", action="store_true", help="a Qualified Medicare Beneficiary (APCM only, G0558)")
    s.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="add even when a patient with the same birth date and family name, and the same given name or "
        "initial, is already on the panel (refused otherwise, naming that patient's MRN: check it is another person)",
    )
    s.add_argument("--json", action="store_true", help="print the new patient as `patient show --json` does")


def _rank(error: ValidationError) -> tuple[int, str]:
    field = OPTION_FIELDS.get(error.field, error.field)
    if field.startswith("phone"):  # "phone", "phone 2 type" ... in the order given
        return FORM_ORDER.index("phone"), field
    return (FORM_ORDER.index(field) if field in FORM_ORDER else len(FORM_ORDER)), ""


def _phone(index: int, text: str) -> Phone:
    """NUMBER:TYPE (type mobile when left out), as `patient edit` takes it; the second is "phone 2".
    Checked as the app's form checks one (domain.phone_entry: a whole number, one of its types)."""
    name = phone_field(index)
    number, kind = number_and_kind(text, name)
    try:
        typed = Phone(number=number, kind=kind)
    except ValidationError as exc:
        raise ValidationError(exc.field.replace("phone", name, 1), exc.message) from None
    return entered_phone(typed, field=name)


def _read(args: argparse.Namespace) -> tuple[Patient, Enrollment | None]:
    """The patient and the enrollment as given, before the store is opened; the first
    refusal in the form's order as a ValidationError."""
    found = Refusals(_rank)
    birth = found.attempt(lambda: date_arg("--dob", args.dob))
    phones = [found.attempt(partial(_phone, i, text)) for i, text in enumerate(args.phone or ())]
    values: dict[str, Any] = {
        field: getattr(args, option) for option, field in PATIENT_OPTIONS.items() if getattr(args, option) is not None
    }
    patient = found.attempt(
        lambda: Patient(**values, birth_date=birth or _STAND_IN_DAY, phones=tuple(p for p in phones if p))
    )
    found.raise_first()
    assert patient is not None
    if args.program is None:
        return patient, None
    start = found.attempt(lambda: date_arg("--start", args.start))
    consent = found.attempt(lambda: date_arg("--consent-date", args.consent_date))
    enrollment = found.attempt(
        lambda: Enrollment(
            patient_id=0,  # the new patient's id is set as it is saved
            program=args.program,
            start_date=start or _STAND_IN_DAY,
            consent_date=consent,
            consent_method=args.consent_method or None,
            billing_practitioner=args.practitioner or "",
            qmb=args.qmb,
        )
    )
    found.raise_first()
    assert enrollment is not None
    return patient, enrollment


def cmd_patient_add(args: argparse.Namespace, context: AppContext) -> int:
    """Add the patient (and enrollment); the new record as text or JSON. Exit 1 naming the
    refused field or, without --allow-duplicate, the MRN of the patient on the panel this one
    looks like; 2 for program options without --program."""
    if args.program is None and any(getattr(args, o) not in (None, False) for o in PROGRAM_OPTIONS):
        return fail("--start, --consent-date, --consent-method, --practitioner and --qmb need --program", EXIT_USAGE)
    patient, enrollment = _read(args)  # every value is checked before the store is opened
    ws = open_workspace(args, context)
    try:
        today = ws.today()
        if enrollment is not None and args.start is None:
            enrollment = replace(enrollment, start_date=today)
        try:
            saved = patient_service.add_patient(
                ws, patient, enrollment, check_same_person=not args.allow_duplicate
            ).value
        except patient_service.PossibleDuplicate as exc:
            return fail(
                f"not added: a patient with the same name and birth date is already in your panel: {exc.named()}; "
                "if this is another person, add again with --allow-duplicate",
                EXIT_ERROR,
            )
        assert saved.id is not None
        chart = patient_service.open_chart(ws, saved.id, audit_view=False)  # what was stored, read back
    finally:
        ws.lock()
    if args.json:
        json.dump(patient_json(chart.patient, chart.enrollments, today), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"Added MRN {saved.mrn}: {saved.display_name}, born {us_date(saved.birth_date)}.")
    for e in chart.enrollments:
        consent = (
            f"consent {us_date(e.consent_date)} {e.consent_method.value if e.consent_method else ''}".rstrip()
            if e.consent_date
            else "no consent on file yet"
        )
        print(f"Enrolled in {e.program.value} from {us_date(e.start_date)} ({consent}).")
    return 0
