"""The monthly care-management summary a practice files in its certified EHR (issue 13 part 4,
SPEC §7 "Interchange"): one patient's month as plain values, gathered through the services.

CMS expects the care plan and the month's care-management time in the practice's certified
EHR, where the billing practitioner signs the claim (CMS MLN909188, "Chronic Care Management
Services": consent documented in the record, the conditions addressed, the time and who spent
it). The summary says what the claim rests on: the patient, the billing practitioner, consent
per program, the chronic conditions, each day's minutes by activity and staff type, the codes
earned and why others did not bill (the billing rules of SPEC §3, services.billing_report),
the care-plan versions finalized in the month and what they changed, referrals, hospital
stays with their TCM steps, and the care manager's sign-off.

Plain values only: caredesk.interop.ehr_summary_text writes them as text to paste into a
note, caredesk.pdf.ehr_summary as a PDF. Reading is not audited here; what leaves the app is
(caredesk.interop.ehr_summary_files).
"""

from __future__ import annotations

from datetime import date, timedelta

from caredesk.domain.billing_codes import BILLING_CODES
from caredesk.domain.billing_ladders import BilledCode
from caredesk.domain.calendar import Month
from caredesk.domain.careplan import CarePlanContent
from caredesk.domain.careplan_rules import diff
from caredesk.domain.contacts import Activity, Channel
from caredesk.domain.patients import Enrollment
from caredesk.domain.practice import PracticeProfile
from caredesk.domain.transitions import TCM_PERIOD_DAYS
from caredesk.interop.ehr_summary_values import (
    CodeLine,
    ConditionLine,
    ConsentLine,
    Identity,
    MonthSummary,
    PlanChange,
    ReferralLine,
    StayLine,
    StepLine,
    TimeLine,
)
from caredesk.services import billing_report, care_plans, clinical, contact_history, patient_records, practice
from caredesk.services import referrals as referral_service
from caredesk.services import stays as stay_service
from caredesk.services.billing_report import MonthReport, MonthRow
from caredesk.services.workspace import Workspace

_CODES = {c.code: c for c in BILLING_CODES}


def month_summary(
    ws: Workspace,
    patient_id: int,
    month: Month,
    *,
    report: MonthReport | None = None,
    profile: PracticeProfile | None = None,
) -> MonthSummary:
    """One patient's `month` for the EHR. `report` and `profile`, when the caller has them (a
    batch over the month), save reading them again. Raises NotFound for an unknown patient
    and ValidationError("month") for a month that has not begun (billing_report.check_month)."""
    today = ws.today()
    billing_report.check_month(month, today)
    record = patient_records.record(ws, patient_id)
    row = _row(ws, patient_id, month, report)
    profile = profile if profile is not None else practice.get_profile(ws)
    in_month = [e for e in record.enrollments if _overlaps(e, month)]
    p = record.patient
    return MonthSummary(
        month=month,
        prepared_on=today,
        patient=Identity(f"{p.family_name}, {p.given_name}", p.mrn, p.birth_date),
        practitioners=tuple(dict.fromkeys(e.billing_practitioner for e in in_month if e.billing_practitioner)),
        consents=tuple(_consent(e) for e in in_month),
        conditions=tuple(
            ConditionLine(c.icd10, c.display) for c in clinical.record(ws, patient_id).conditions if c.chronic
        ),
        time=_time(ws, patient_id, month),
        codes=tuple(_code(c) for c in row.result.codes) if row else (),
        not_billed=row.result.reasons if row else ("not enrolled in a care-management program this month",),
        plan_changes=_plan_changes(ws, patient_id, month),
        current_plan=_current_plan(ws, patient_id, month),
        referrals=_referrals(ws, patient_id, month),
        stays=_stays(ws, patient_id, month),
        prepared_by=profile.signature or ws.actor.capitalize(),
    )


def summary_patients(report: MonthReport) -> list[MonthRow]:
    """The batch: every patient of the month's report with care-management time or a code
    in the month (counted or not: minutes after a program ended are care given too), in the
    report's order (by name)."""
    return [r for r in report.rows if r.total_minutes > 0 or r.not_counted > 0 or r.result.codes]


# -- the parts ------------------------------------------------------------------------------
def _row(ws: Workspace, patient_id: int, month: Month, report: MonthReport | None) -> MonthRow | None:
    """The patient's row of the month's billing (None: not enrolled that month)."""
    if report is None or report.month != month:
        report = billing_report.refresh_rows(ws, MonthReport(month, ()), [patient_id])
    return next((r for r in report.rows if r.patient_id == patient_id), None)


def _overlaps(e: Enrollment, month: Month) -> bool:
    return e.start_date <= month.last_day and (e.end_date is None or e.end_date >= month.first_day)


def _consent(e: Enrollment) -> ConsentLine:
    return ConsentLine(
        program=e.program.value,
        started=e.start_date,
        ended=e.end_date,
        consent_on=e.consent_date,
        method=e.consent_method.value if e.consent_method else None,
        practitioner=e.billing_practitioner,
    )


def _code(billed: BilledCode) -> CodeLine:
    known = _CODES.get(billed.code)
    return CodeLine(
        billed.code,
        billed.units,
        known.description if known else "",
        known.source if known else "",
        billed.practitioner_minutes,
    )


def _time(ws: Workspace, patient_id: int, month: Month) -> tuple[TimeLine, ...]:
    """The month's minutes (voided ones left out), each on its own clinic day; a contact
    without minutes (an unanswered call) is listed too: TCM counts timely attempts."""
    lines: list[TimeLine] = []
    for r in contact_history.history(ws, patient_id, month):
        if r.voided is not None:
            continue
        contact = f"{r.contact.channel.value}, {r.contact.outcome.value}" if r.contact is not None else ""
        entries = [e for e in r.entries if month.contains(e.on)]
        if not entries and r.contact is not None and month.contains(r.on):
            lines.append(TimeLine(r.on, 0, "contact", "", "", contact))
        for e in entries:
            activity = e.activity.value
            # A contact's minutes are stored as a "phone call" whatever its channel
            # (services.calls.log_contact): the summary names the channel the app shows.
            if e.activity is Activity.CALL and r.contact is not None and r.contact.channel is not Channel.PHONE:
                activity = r.contact.channel.value
            lines.append(TimeLine(e.on, e.minutes, activity, e.staff_type.value, e.program.value, contact))
    return tuple(sorted(lines, key=lambda t: t.on))


def _plan_changes(ws: Workspace, patient_id: int, month: Month) -> tuple[PlanChange, ...]:
    changes = []
    for v in care_plans.versions(ws, patient_id):
        on = v.finalized_at.astimezone(ws.tz).date()
        if not month.contains(on):
            continue
        if v.number == 1:
            words = diff(CarePlanContent(), v.content)  # the first plan: everything in it is new
        else:
            words = care_plans.version_diff(ws, patient_id, v.number - 1, v.number)
        changes.append(PlanChange(v.number, on, v.finalized_by, tuple(words)))
    return tuple(changes)


def _current_plan(ws: Workspace, patient_id: int, month: Month) -> tuple[int, date] | None:
    latest = None
    for v in care_plans.versions(ws, patient_id):
        on = v.finalized_at.astimezone(ws.tz).date()
        if on <= month.last_day:
            latest = (v.number, on)
    return latest


def _referrals(ws: Workspace, patient_id: int, month: Month) -> tuple[ReferralLine, ...]:
    """Referrals open at some time in the month, or with a step in it."""
    found = []
    for view in referral_service.referrals(ws, patient_id):
        r = view.referral
        if r.opened_on > month.last_day or (r.closed_on is not None and r.closed_on < month.first_day):
            continue
        steps = tuple((s.status.value, s.on) for s in r.steps if s.on <= month.last_day)
        found.append(ReferralLine(r.need.label, view.resource.name, steps, steps[-1][0]))
    return tuple(sorted(found, key=lambda r: r.steps[0][1]))


def _stays(ws: Workspace, patient_id: int, month: Month) -> tuple[StayLine, ...]:
    """Stays whose admission, discharge or 30-day TCM period touches the month."""
    found = []
    for view in stay_service.stays(ws, patient_id):
        t = view.stay
        start = t.admitted_on or t.discharged_on
        period_ends = t.discharged_on + timedelta(days=TCM_PERIOD_DAYS - 1)
        if start > month.last_day or period_ends < month.first_day:
            continue
        channel = t.contact_channel.value if t.contact_channel is not None else ""
        steps = tuple(
            StepLine(d.kind, d.due, d.done_on, view.status(d).value, channel if d is view.contact else "")
            for d in view.deadlines
        )
        found.append(StayLine(t.facility, t.admitted_on, t.discharged_on, t.complexity.value, period_ends, steps))
    return tuple(sorted(found, key=lambda s: s.discharged_on))
