"""The EHR summary's plain values (caredesk.interop.ehr_summary gathers them): one patient's
month for the practice's EHR, written as text by caredesk.interop.ehr_summary_text and as a PDF
by caredesk.pdf.ehr_summary. Frozen: a summary is what the store said when it was read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caredesk.domain.calendar import Month


@dataclass(frozen=True, slots=True)
class Identity:
    name: str  # "Family, Given" as the EHR lists patients
    mrn: str
    birth_date: date


@dataclass(frozen=True, slots=True)
class ConsentLine:
    """One program the patient was in during the month, with its consent (None: none on file)."""

    program: str
    started: date
    ended: date | None
    consent_on: date | None
    method: str | None
    practitioner: str


@dataclass(frozen=True, slots=True)
class ConditionLine:
    icd10: str
    description: str


@dataclass(frozen=True, slots=True)
class TimeLine:
    """Minutes on one clinic day. `contact`: 'phone, reached' for a contact's minutes, '' else;
    a contact's minutes have the contact's channel as activity ('home visit'; 'phone call' for
    a phone); a contact with no minutes (an unanswered attempt) has minutes 0 and no staff type."""

    on: date
    minutes: int
    activity: str
    staff: str
    program: str
    contact: str = ""


@dataclass(frozen=True, slots=True)
class MinuteTotal:
    activity: str
    staff: str
    minutes: int


@dataclass(frozen=True, slots=True)
class CodeLine:
    code: str
    units: int
    description: str  # from the code table, caredesk.domain.billing_codes
    source: str
    # Physician/QHP minutes counted toward this clinical-staff code (BilledCode.practitioner_minutes)
    practitioner_minutes: int = 0


@dataclass(frozen=True, slots=True)
class PlanChange:
    number: int
    finalized_on: date
    finalized_by: str
    changes: tuple[str, ...]  # in words (caredesk.domain.careplan_rules.diff)


@dataclass(frozen=True, slots=True)
class ReferralLine:
    need: str
    resource: str
    steps: tuple[tuple[str, date], ...]  # (status, clinic date), oldest first
    status: str


@dataclass(frozen=True, slots=True)
class StepLine:
    """One TCM step of a stay as `caredesk stay list` says it (services.stays.StayView):
    `status` a domain.transitions.DeadlineStatus value (met, met late, due, overdue) on the
    day the summary was read; `by`: the interactive contact's channel ('home visit'), '' else."""

    kind: str
    due: date
    done_on: date | None
    status: str
    by: str = ""


@dataclass(frozen=True, slots=True)
class StayLine:
    facility: str
    admitted_on: date | None
    discharged_on: date
    complexity: str
    period_ends: date  # the last day of the 30-day TCM period
    steps: tuple[StepLine, ...]  # contact, visit, medication reconciliation


@dataclass(frozen=True, slots=True)
class MonthSummary:
    month: Month
    prepared_on: date
    patient: Identity
    practitioners: tuple[str, ...]
    consents: tuple[ConsentLine, ...]
    conditions: tuple[ConditionLine, ...]
    time: tuple[TimeLine, ...]  # oldest first
    codes: tuple[CodeLine, ...]
    not_billed: tuple[str, ...]  # why other codes did not bill (BillingResult.reasons, as the report says)
    plan_changes: tuple[PlanChange, ...]
    current_plan: tuple[int, date] | None  # (number, finalized on) of the latest version by month end
    referrals: tuple[ReferralLine, ...]
    stays: tuple[StayLine, ...]
    prepared_by: str  # "Ana Ruiz, RN"

    @property
    def clinical_minutes(self) -> int:
        return sum(t.minutes for t in self.time if t.staff == "clinical staff")

    @property
    def physician_minutes(self) -> int:
        return sum(t.minutes for t in self.time if t.staff == "physician/QHP")

    @property
    def totals(self) -> tuple[MinuteTotal, ...]:
        """Minutes by activity and staff type, most minutes first."""
        sums: dict[tuple[str, str], int] = {}
        for t in self.time:
            if t.minutes:
                sums[(t.activity, t.staff)] = sums.get((t.activity, t.staff), 0) + t.minutes
        ranked = sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(MinuteTotal(a, s, m) for (a, s), m in ranked)

    @property
    def month_in_progress(self) -> bool:
        return self.prepared_on <= self.month.last_day
