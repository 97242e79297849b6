"""The month's billing: one row per enrolled patient, codes earned and what is missing.

The minutes a row shows are those that count (SPEC 3: after consent, on a day the program ran),
as the bill counts them (caredesk.domain.billing, one source for every screen and file); those
logged that count for nothing are shown apart with why ("14 min after CCM ended 11/30 count for
nothing", "consent dated 11/28: 25 min before it do not count"), in the month view, the CLI's
report, the CSV, the PDF and the chart alike.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from caredesk.domain import audit as actions
from caredesk.domain import billing
from caredesk.domain.billing import BillingResult, PatientMonth
from caredesk.domain.billing_minutes import before_consent_text, family
from caredesk.domain.calendar import Month, us_date, us_month_day
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Enrollment, Program, Status
from caredesk.domain.text import fold
from caredesk.errors import ValidationError
from caredesk.services.files import write_atomic
from caredesk.services.gc_pause import gc_paused
from caredesk.services.workspace import Workspace
from caredesk.store.billing_facts import BillingFacts


@dataclass(frozen=True, slots=True)
class MonthRow:
    patient_id: int
    mrn: str
    name: str
    birth_date: date
    status: Status
    programs: tuple[Program, ...]
    practitioner: str
    consent: date | None  # the main program's consent date
    clinical_minutes: int  # minutes that count (after consent, while the program ran)
    physician_minutes: int
    minutes_by_program: dict[Program, int]  # minutes that count, per program
    result: BillingResult
    next_threshold: tuple[int, int] | None
    # Minutes logged in the month that count for nothing, and why (each reason also in result).
    not_counted: int = 0
    not_counted_why: tuple[str, ...] = ()
    # The main program still runs on a day of the month from today on (the last day, for a
    # month gone by): minutes can still be added to it.
    can_add_minutes: bool = True
    # Minutes alone would earn a code this month: the bill of this month with the main program's
    # clinical-staff minutes raised to the next threshold on that day (`_more_minutes_bill`) has
    # one. False when something else is missing too (consent, chronic conditions, ...).
    minutes_would_bill: bool = True

    @property
    def ready(self) -> bool:
        """Something is billable for this month."""
        return bool(self.result.codes)

    @property
    def needs_minutes(self) -> bool:
        """Minutes are all that is missing: consented, short of the next threshold of the main
        program, still living and still in the program, and more minutes this month would bill
        (`minutes_would_bill`: a tester found a CCM patient with no chronic conditions under
        Needs minutes; README: too few conditions is Cannot bill). No minutes are chased for a
        deceased patient (those logged before the death bill as they are), nor for one whose
        program ended (minutes cannot be logged after it, and those logged after it count for
        nothing: SPEC 3)."""
        if self.status is Status.DECEASED or not self.can_add_minutes or not self.minutes_would_bill:
            return False
        return self.consent is not None and self.next_threshold is not None and not self.ready

    @property
    def cannot_bill(self) -> bool:
        """Bills nothing this month for a reason more minutes would not fix (no consent, too few
        chronic conditions, the program ended, ...): neither ready nor needing minutes."""
        return not self.ready and not self.needs_minutes

    @property
    def total_minutes(self) -> int:
        """Minutes that count."""
        return self.clinical_minutes + self.physician_minutes

    def minutes_text(self) -> str:
        """'12 min', or '0 min (+14 min that count for nothing)': the CLI's per-patient line."""
        extra = f" (+{self.not_counted} min that count for nothing)" if self.not_counted else ""
        return f"{self.total_minutes} min{extra}"


@dataclass(frozen=True, slots=True)
class MonthReport:
    month: Month
    rows: tuple[MonthRow, ...]

    @property
    def total_minutes(self) -> int:
        """Minutes that count, all rows."""
        return sum(r.total_minutes for r in self.rows)

    @property
    def not_counted(self) -> int:
        """Minutes logged in the month that count for nothing, all rows."""
        return sum(r.not_counted for r in self.rows)

    def minutes_text(self) -> str:
        """'40 minutes', or '12 minutes counted, 28 more logged that count for nothing': the
        head of the CLI's report and of the PDF."""
        if not self.not_counted:
            return f"{self.total_minutes} minutes"
        return f"{self.total_minutes} minutes counted, {self.not_counted} more logged that count for nothing"

    @property
    def units_by_code(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for r in self.rows:
            for c in r.result.codes:
                counts[c.code] += c.units
        return dict(sorted(counts.items()))

    @property
    def ready_count(self) -> int:
        return sum(r.ready for r in self.rows)

    @property
    def enrolled_count(self) -> int:
        """Rows of patients enrolled in a program in the month; the others are listed only for
        minutes logged after their program ended (SPEC §3: a month that bills nothing says why)."""
        return sum(1 for r in self.rows if r.programs)

    def patients_text(self) -> str:
        """'3 enrolled patients' and, when there are any, ', 1 not enrolled with minutes after their
        program ended': the head of the CLI's report and of the PDF."""
        enrolled = self.enrolled_count
        ended = len(self.rows) - enrolled
        after = f", {ended} not enrolled with minutes after their program ended" if ended else ""
        return f"{enrolled} enrolled patient{'' if enrolled == 1 else 's'}{after}"


def check_month(month: Month, today: date) -> None:
    """A month that can be billed: not after the clinic's current month (ValidationError
    "month"). The current month is billed so far; a later one would show codes for care not
    yet given (a tester's `--month 2030-01` billed G0556)."""
    if month > Month.of(today):
        raise ValidationError("month", f"{month} has not begun (today is {us_date(today)})")


def month_report(ws: Workspace, month: Month) -> MonthReport:
    """Every enrolled patient's row for `month`, and every patient with minutes in it logged
    under a program since ended (their reason says so), sorted by name. The screens and the CLI
    offer no month that has not begun (check_month)."""
    with gc_paused():  # thousands of acyclic records (see services.gc_pause)
        with ws.reading() as uow:
            facts = uow.billing_facts(month)
        return MonthReport(month, tuple(sorted(_rows(facts, month, ws.today()), key=_by_name)))


def refresh_rows(ws: Workspace, report: MonthReport, patient_ids: Collection[int]) -> MonthReport:
    """`report` with only these patients' rows recomputed (after a change): a patient no
    longer enrolled that month leaves it, a newly enrolled one joins it."""
    with ws.reading() as uow:
        facts = uow.billing_facts(report.month, patient_ids)
    changed = set(patient_ids)
    rows = [r for r in report.rows if r.patient_id not in changed] + _rows(facts, report.month, ws.today())
    return MonthReport(report.month, tuple(sorted(rows, key=_by_name)))


def _by_name(r: MonthRow) -> tuple[str, int]:
    """The report's order: family name, given name (accents folded), then id."""
    return fold(r.name), r.patient_id


def patient_row(ws: Workspace, patient_id: int, month: Month) -> MonthRow | None:
    """One patient's row of `month` (the chart's minutes line), None when the patient is not in
    that month's report (no program in it, no minutes after one ended)."""
    with ws.reading() as uow:
        facts = uow.billing_facts(month, [patient_id])
    return next(iter(_rows(facts, month, ws.today())), None)


def _rows(facts: list[BillingFacts], month: Month, today: date) -> list[MonthRow]:
    # The day from which minutes can still be added: today, or the last day of a month gone by.
    as_of = min(max(today, month.first_day), month.last_day)
    rows = []
    for f in facts:
        # Per clinic-local day, so minutes before the consent date are left out (SPEC 3).
        pm = PatientMonth.of_days(
            month, f.enrollments, f.chronic_conditions, f.days, f.realtime_contacts, f.stays, f.rpm_devices
        )
        main = billing.main_program(f.enrollments, month)
        # Active on some day of the month: a patient listed for minutes after their program
        # ended (billing_facts) also brings the ended enrollment, which the month does not hold.
        in_month = [e for e in f.enrollments if e.start_date <= month.last_day and not _ended_before(e, month)]
        main_enrollment = _consent_enrollment(in_month, main)
        # What counts is billing's (PatientMonth.counted): minutes after consent on days the
        # program ran; the rest of the month's logged minutes count for nothing, and say why.
        counted, before = pm.counted()
        by_program: dict[Program, int] = {}
        for (program, _staff), minutes in counted.items():
            if minutes:
                by_program[program] = by_program.get(program, 0) + minutes
        why = [a.text() for a in pm.after_end()] + [before_consent_text(d, m) for d, m in before.values()]
        logged = sum(pm.minutes.values())
        result = billing.bill(pm)
        nxt = billing.next_threshold(pm, main) if main is not None else None
        runs = [e for e in in_month if e.program is main]
        can_add = any(e.end_date is None or e.end_date >= as_of for e in runs)
        # Asked only of a row short of minutes (one bill more each): a ready row needs none.
        short = main is not None and nxt is not None and not result.codes and can_add
        would_bill = short and _more_minutes_bill(pm, main, nxt, as_of)  # type: ignore[arg-type]
        if main is not None and nxt is not None and not result.codes:  # short of minutes: say why not chased
            # Every run has an end date when none can take minutes any more (can_add).
            end = max(e.end_date for e in runs if e.end_date is not None) if runs and not can_add else None
            if f.status is Status.DECEASED and (end is None or f.died_on is None or end >= f.died_on):
                result = _with_death(result, f.died_on, month)  # the death ended the program, or none ended
            elif end is not None:
                result = _with_end(result, pm, main, end)
        practitioners = sorted({e.billing_practitioner for e in in_month if e.billing_practitioner})
        rows.append(
            MonthRow(
                patient_id=f.patient_id,
                mrn=f.mrn,
                name=f"{f.family_name}, {f.given_name}",
                birth_date=f.birth_date,  # type: ignore[arg-type]
                status=f.status,
                programs=tuple(dict.fromkeys(e.program for e in in_month)),
                practitioner="; ".join(practitioners),
                consent=main_enrollment.consent_date if main_enrollment else None,
                clinical_minutes=sum(v for (_p, s), v in counted.items() if s is StaffType.CLINICAL_STAFF),
                physician_minutes=sum(v for (_p, s), v in counted.items() if s is StaffType.PHYSICIAN),
                minutes_by_program=by_program,
                result=result,
                next_threshold=nxt,
                not_counted=logged - sum(counted.values()),
                not_counted_why=tuple(why),
                can_add_minutes=can_add,
                minutes_would_bill=would_bill,
            )
        )
    return rows


def _more_minutes_bill(pm: PatientMonth, main: Program, nxt: tuple[int, int], day: date) -> bool:
    """Whether the month would bill a code with the main program's clinical-staff minutes raised
    to the next threshold (`nxt`: (minutes so far, minutes needed)) by minutes logged on `day`
    (today, or a month gone by's last day): the bill's own answer, so consent (and its date),
    chronic conditions and the program's end are all weighed as the bill weighs them. The minutes
    added are taken as a call that reached the patient (a real-time contact made)."""
    have, need = nxt
    days = dict(pm.days)
    key = (day, main, StaffType.CLINICAL_STAFF)
    days[key] = days.get(key, 0) + max(need - have, 1)
    more = PatientMonth.of_days(pm.month, pm.enrollments, pm.chronic_conditions, days, None, pm.stays, pm.rpm_devices)
    return bool(billing.bill(more).codes)


def _with_end(result: BillingResult, pm: PatientMonth, main: Program, end: date) -> BillingResult:
    """`result` with 'CCM ended 11/20: minutes after it count for nothing' added, for a row short
    of minutes whose program has ended: it is under Cannot bill, not Needs minutes, and "9 of 20
    min for 99490" alone did not say why. Not when a reason already names the end ('14 min after
    CCM ended 11/20 count for nothing')."""
    if any(a.program is family(main) for a in pm.after_end()):
        return result
    return BillingResult(
        result.codes, (*result.reasons, f"{main.value} ended {us_month_day(end)}: minutes after it count for nothing")
    )


def _with_death(result: BillingResult, died_on: date | None, month: Month) -> BillingResult:
    """`result` with 'died 11/19: minutes after it count for nothing' added, for a deceased
    patient's row short of minutes: the month chases no minutes for them (MonthRow.needs_minutes),
    so the row is under Cannot bill, and "12 of 20 min for 99490" alone did not name the death
    (nor did "CCM ended 11/19", the end the death put to the program). The date is written
    whole when the death is in another year than the month; a patient recorded deceased before
    dates of death were kept reads 'deceased: no more minutes are chased'."""
    if died_on is None:
        why = "deceased: no more minutes are chased"
    else:
        day = us_month_day(died_on) if died_on.year == month.year else us_date(died_on)
        why = f"died {day}: minutes after it count for nothing"
    return BillingResult(result.codes, (*result.reasons, why))


def _ended_before(e: Enrollment, month: Month) -> bool:
    return e.end_date is not None and e.end_date < month.first_day


def _consent_enrollment(in_month: list[Enrollment], main: Program | None) -> Enrollment | None:
    """The enrollment whose consent the row shows: the main program's (where minutes go). A
    patient without a time-based program (APCM, TCM or CoCM only) has no main program: then
    APCM's, else the first of the month's enrollments with a consent (an APCM-only patient's
    consent column was empty in the page, the CSV and the PDF)."""
    if main is not None:
        return next((e for e in in_month if e.program is main), None)
    ranked = sorted(in_month, key=lambda e: (e.program is not Program.APCM, e.consent_date is None))
    return ranked[0] if ranked else None


CSV_COLUMNS = (
    "patient",
    "mrn",
    "birth_date",
    "programs",
    "practitioner",
    "consent_date",
    "clinical_staff_minutes",  # minutes that count
    "physician_minutes",
    "minutes_not_counted",  # logged in the month, counting for nothing (the reasons say why)
    "codes",
    "reasons",
)


# A cell a spreadsheet would read as a formula (or, for "-0042", as the number -42).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value safe to open in Excel, LibreOffice or Sheets: text starting with = + - @ or a tab
    is prefixed with an apostrophe, which those programs hide and read as "this is text"
    (OWASP, "CSV Injection"). An MRN "-0042" stays readable as -0042; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(report: MonthReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in report.rows:
        writer.writerow(
            csv_cell(v)
            for v in [
                r.name,
                r.mrn,
                r.birth_date.isoformat(),
                "; ".join(p.value for p in r.programs),
                r.practitioner,
                r.consent.isoformat() if r.consent else "",
                r.clinical_minutes,
                r.physician_minutes,
                r.not_counted,
                r.result.codes_text(),
                "; ".join(r.result.reasons),
            ]
        )
    return out.getvalue()


def write_csv(ws: Workspace, report: MonthReport, path: Path) -> None:
    """Written whole or not at all (a temporary file renamed over the target)."""
    write_atomic(path, csv_text(report).encode("utf-8"))
    _audit_export(ws, report, "csv")


def write_pdf(ws: Workspace, report: MonthReport, path: Path, progress=None) -> None:  # type: ignore[no-untyped-def]
    from caredesk.pdf.billing_report import render

    write_atomic(path, render(report, generated=ws.clock.now().astimezone(ws.tz), progress=progress))
    _audit_export(ws, report, "pdf")


def _audit_export(ws: Workspace, report: MonthReport, kind: str) -> None:
    with ws.uow() as uow:
        uow.audit(actions.EXPORTED, "billing report", str(report.month), f"{kind}, {len(report.rows)} patients")
        uow.commit()
