"""Today's call queue: whom to call and why (SPEC section 3, "Call queue").

`rank` is a function of values: the same facts and date give the same queue. Every
entry carries its reasons in order; the score exists only to order entries. The order
follows the SPEC: safety flags; overdue and due-today transition deadlines; overdue and
due-today follow-ups and tasks; enrolled patients short of the month's time threshold
(more urgent as working days run out); patients past their contact cadence; clinical
flags; missing consent; care-plan review overdue. Paused, disenrolled and deceased
patients never appear; an active patient in no program today (not yet, or every one ended)
is someone to enroll, not a caseload call: "Not enrolled in a program" ranks with missing
consent, and no contact cadence chases them (SPEC 3 "Call queue": the cadence, like the
minutes, is an enrolled patient's need); after an unanswered attempt a patient waits a
business day (only a safety flag, or a call kept as a draft, brings them back sooner).
Appointments the care manager arranged rank with tasks: a reminder call the working day
before, and "kept or missed?" after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum

from caredesk.domain import attempts, billing, billing_minutes, referrals, screen_followups, transitions
from caredesk.domain.appointments import Appointment, AppointmentKind, AppointmentStatus, clock_time, reminder_day
from caredesk.domain.calendar import Month, local_date, us_month_day
from caredesk.domain.community import Need
from caredesk.domain.contacts import Contact, Outcome, StaffType
from caredesk.domain.coordination import Assessment, Task, TaskStatus, Transition
from caredesk.domain.patients import Enrollment, Program, RiskTier, Status, programs_ended
from caredesk.domain.referrals import ReferralNews
from caredesk.domain.safety import SafetyFlag
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar

# Days without a reached contact before a patient is due a call, by risk tier.
CADENCE_DAYS = {RiskTier.HIGH: 7, RiskTier.MEDIUM: 14, RiskTier.LOW: 30}
PHQ9_RESCREEN = 15
BP_HIGH = (160, 100)
A1C_HIGH = 9.0


class ReasonKind(str, Enum):
    """In queue order: a patient's most urgent reason decides their place."""

    SAFETY = "safety"
    TRANSITION = "transition"
    FOLLOW_UP = "follow-up"
    TASK = "task"
    MINUTES = "minutes"
    CADENCE = "cadence"
    CLINICAL = "clinical"
    CONSENT = "consent"
    ENROLLMENT = "enrollment"  # in no program yet: to enroll (ranks with missing consent)
    CARE_PLAN = "care plan"
    LETTER = "letter"
    DONE_TODAY = "done today"


# Base weights keep the SPEC's order: any reason of a kind outranks every reason of a
# later kind; the urgency added within a kind stays below the gap to the next one.
_WEIGHT = {
    ReasonKind.SAFETY: 90_000,
    ReasonKind.TRANSITION: 80_000,
    ReasonKind.FOLLOW_UP: 70_000,
    ReasonKind.TASK: 70_000,
    ReasonKind.MINUTES: 60_000,
    ReasonKind.CADENCE: 50_000,
    ReasonKind.CLINICAL: 40_000,
    ReasonKind.CONSENT: 30_000,
    ReasonKind.ENROLLMENT: 30_000,
    ReasonKind.CARE_PLAN: 20_000,
    ReasonKind.LETTER: 10_000,
    ReasonKind.DONE_TODAY: 0,
}
# A patient reached today ranks below every patient not yet called today (issue 12), unless
# a safety flag is still open: only a documented safety check closes it.
_DONE_TODAY_DROP = 10 * _WEIGHT[ReasonKind.SAFETY] * 100
_MAX_URGENCY = 9_000
# A kept call draft leads the follow-ups and tasks (theirs run 300 to 1,000): finishing a call
# comes before starting another one of the same kind.
_DRAFT_URGENCY = 1_500


@dataclass(frozen=True, slots=True)
class Reason:
    kind: ReasonKind
    text: str
    due: date | None = None
    urgency: int = 0  # within its kind; higher first

    @property
    def weight(self) -> int:
        return _WEIGHT[self.kind] + min(self.urgency, _MAX_URGENCY)


@dataclass(frozen=True, slots=True)
class Reading:
    value: float
    on: date
    second: float | None = None  # diastolic, for blood pressure


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """What the queue needs to know about one patient; the store fills it in one pass."""

    patient_id: int
    status: Status
    risk_tier: RiskTier
    enrollments: tuple[Enrollment, ...] = ()
    chronic_conditions: int = 0
    minutes: Mapping[tuple[Program, StaffType], int] = field(default_factory=dict)  # the month's, all of them
    # The month's minutes by clinic day (day, program, staff, minutes), so that they count as the
    # bill counts them: none before consent nor after the program ended (SPEC 3; `counted`).
    # Empty: `minutes` are taken as spent on the queue's day (`day_minutes`).
    minutes_by_day: tuple[tuple[date, Program, StaffType, int], ...] = ()
    contacts: tuple[Contact, ...] = ()  # recent ones (this month and last), any order
    last_reached: date | None = None
    open_tasks: tuple[Task, ...] = ()
    letter_closed_at: datetime | None = None  # the latest letter task done or cancelled
    appointments: tuple[Appointment, ...] = ()  # scheduled ones, up to a week ahead
    transitions: tuple[Transition, ...] = ()
    phq9: Assessment | None = None  # the latest complete one (incomplete screens make no reason)
    # PHQ-2/PHQ-9/GAD-7 screens of the last 14 days and the latest complete GAD-7 (domain.screen_followups)
    screens: tuple[Assessment, ...] = ()
    safety_flags: tuple[SafetyFlag, ...] = ()  # screens with a safety answer and no safety check yet
    # The latest complete social-needs screen's positive needs but safety (a flag of its own)
    # that no referral answers (caredesk.domain.referrals.unreferred), in the screen's order.
    unreferred_needs: tuple[Need, ...] = ()
    open_referrals: tuple[ReferralNews, ...] = ()
    last_bp: Reading | None = None
    last_a1c: Reading | None = None
    has_care_plan: bool = False
    care_plan_review: date | None = None  # next review of the latest finalized version
    call_window: str = ""
    # When a call kept as a draft for this patient was last kept (services.call_drafts), or None.
    call_draft_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class QueueEntry:
    patient_id: int
    reasons: tuple[Reason, ...]
    minutes: int  # this month, the main program's clinical-staff minutes
    threshold: int | None  # minutes needed for the next billable unit, if any
    score: int
    due: date | None  # the earliest due date among the reasons
    # The next follow-up or task due after the queue's day, if any: today's plan gives a
    # patient who waits that day (it is not a reason to call today).
    upcoming: date | None = None

    @property
    def top(self) -> Reason:
        return self.reasons[0]


def _name(program: Program) -> str:
    """A program's name at the start of a reason: "Complex CCM", "CCM"."""
    return program.value[0].upper() + program.value[1:]


def rank(
    facts: Iterable[PatientFacts],
    as_of: date,
    tz: tzinfo,
    calendar: BusinessCalendar = US_FEDERAL,
) -> list[QueueEntry]:
    """The queue for `as_of`: highest score first, ties by patient id (a total order)."""
    entries = [e for f in facts if (e := entry_for(f, as_of, tz, calendar)) is not None]
    entries.sort(key=lambda e: (-e.score, e.patient_id))
    return entries


def entry_for(f: PatientFacts, as_of: date, tz: tzinfo, calendar: BusinessCalendar = US_FEDERAL) -> QueueEntry | None:
    if f.status is not Status.ACTIVE:
        return None
    month = Month.of(as_of)
    reasons = _safety(f)
    reasons += _call_draft(f, tz)
    held = attempts.hold_until(f.contacts, tz, calendar)
    if held is not None and held > as_of and not reasons:
        return None  # waits a business day after an unanswered attempt (not with a call kept)
    reasons += _transitions(f, as_of, calendar)
    reasons += _follow_ups(f, as_of)
    reasons += _tasks(f, as_of)
    reasons += _appointments(f, as_of, tz, calendar)
    minutes_reason, have, need = _minutes(f, as_of, month, calendar)
    reasons += minutes_reason
    # In no program today (never enrolled, one that starts later, or every one ended): to be
    # enrolled (or paused), not a cadence call.
    enrolled = any(e.active_on(as_of) for e in f.enrollments)
    reasons += _cadence(f, as_of) if enrolled else _not_enrolled(f, as_of)
    reasons += _clinical(f, as_of)
    reasons += _consent(f, as_of, month)
    reasons += _conditions(f, as_of, month)
    reasons += _care_plan(f, as_of)
    if _letter_pending(f, month, tz):
        reasons.append(
            Reason(ReasonKind.LETTER, f"{attempts.LETTER_AFTER} calls unanswered this month - send a letter")
        )
    if not reasons:
        return None
    reached = _reached_today(f, as_of, tz)
    if reached is not None:
        reasons.append(Reason(ReasonKind.DONE_TODAY, f"Reached today at {clock_time(reached)}"))
    ordered = tuple(sorted(reasons, key=lambda r: (-r.weight, r.due or date.max, r.text)))
    # The top reason places the patient; the others only break ties between equals.
    score = ordered[0].weight * 100 + min(99, sum(r.weight for r in ordered[1:]) // 10_000)
    if reached is not None and ordered[0].kind is not ReasonKind.SAFETY and f.call_draft_at is None:
        score -= _DONE_TODAY_DROP  # still shown (other reasons remain), after everyone not yet called
    dues = [r.due for r in ordered if r.due is not None]
    return QueueEntry(f.patient_id, ordered, have, need, score, min(dues) if dues else None, _upcoming(f, as_of))


def _upcoming(f: PatientFacts, as_of: date) -> date | None:
    """The next follow-up or open task due after `as_of`."""
    follow_up = _pending_follow_up(f)
    later = [d for d in (follow_up, *(t.due for t in f.open_tasks if t.status is TaskStatus.OPEN)) if d is not None]
    return min((d for d in later if d > as_of), default=None)


def _reached_today(f: PatientFacts, as_of: date, tz: tzinfo) -> datetime | None:
    """The clinic-local time of the latest contact that reached the patient on `as_of`, or None."""
    times = [c.at.astimezone(tz) for c in f.contacts if c.outcome is Outcome.REACHED and local_date(c.at, tz) == as_of]
    return max(times) if times else None


def _safety(f: PatientFacts) -> list[Reason]:
    """One reason per open safety flag (PHQ-9 item 9 above 0, the social-needs safety items
    above 10): it stays until a safety check is documented for that screen, whoever was
    reached since and whatever later screens said (caredesk.domain.safety)."""
    return [
        Reason(ReasonKind.SAFETY, f"{flag.what} on {us_month_day(flag.taken_on)} - safety check", flag.taken_on, 1)
        for flag in f.safety_flags
    ]


def _call_draft(f: PatientFacts, tz: tzinfo) -> list[Reason]:
    """A call kept as a draft (switching patient, a lock, quitting): the care manager's own work
    to finish or discard, reachable only from the queue's call panel. It keeps the patient in the
    queue through the wait after an unanswered attempt and at the top of the tasks (today's plan
    calls every task due), and a patient reached today with a call kept is not sent to the bottom:
    an unsaved call found only by searching would be a call lost in all but name (SPEC 5)."""
    if f.call_draft_at is None:
        return []
    kept = local_date(f.call_draft_at, tz)
    return [Reason(ReasonKind.TASK, f"Unsaved call kept as a draft on {us_month_day(kept)}", kept, _DRAFT_URGENCY)]


def _transitions(f: PatientFacts, as_of: date, calendar: BusinessCalendar) -> list[Reason]:
    out = []
    found = transitions.open_deadlines(f.transitions, as_of, calendar)
    # The reconciliation is due by the visit: while both are open with one date, one reason
    # names both (the Why column has room for one line per deadline, not two alike).
    still_open = {(id(t), d.kind, d.due) for t, d in found}
    for t, d in found:
        kind = d.kind
        if kind == transitions.MED_RECONCILIATION and (id(t), transitions.FACE_TO_FACE, d.due) in still_open:
            continue
        if kind == transitions.FACE_TO_FACE and (id(t), transitions.MED_RECONCILIATION, d.due) in still_open:
            kind = f"{transitions.FACE_TO_FACE} and {transitions.MED_RECONCILIATION}"
        status = d.status(as_of)
        late = (as_of - d.due).days
        if status is transitions.DeadlineStatus.OVERDUE:
            text = f"Discharged {us_month_day(t.discharged_on)} - {kind} overdue since {us_month_day(d.due)}"
            out.append(Reason(ReasonKind.TRANSITION, text, d.due, 2_000 + min(late, 999)))
        elif d.due == as_of:
            out.append(
                Reason(
                    ReasonKind.TRANSITION,
                    f"Discharged {us_month_day(t.discharged_on)} - {kind} due today",
                    d.due,
                    1_500,
                )
            )
        else:
            # Still open but not yet due: shown, ranked by how soon.
            text = f"Discharged {us_month_day(t.discharged_on)} - {kind} due by {us_month_day(d.due)}"
            out.append(Reason(ReasonKind.TRANSITION, text, d.due, max(0, 1_000 - 50 * (d.due - as_of).days)))
    return out


def _pending_follow_up(f: PatientFacts) -> date | None:
    """The follow-up date set by the latest contact that set one, unless a reached contact came on or after it."""
    with_follow_up = [c for c in f.contacts if c.follow_up is not None]
    if not with_follow_up:
        return None
    latest = max(with_follow_up, key=lambda c: c.at)
    due = latest.follow_up
    assert due is not None
    reached_since = any(c.outcome is Outcome.REACHED and c.at > latest.at for c in f.contacts)
    return None if reached_since else due


def _follow_ups(f: PatientFacts, as_of: date) -> list[Reason]:
    due = _pending_follow_up(f)
    if due is None or due > as_of:
        return []
    if due == as_of:
        return [Reason(ReasonKind.FOLLOW_UP, "Follow-up due today", due, 500)]
    return [
        Reason(
            ReasonKind.FOLLOW_UP,
            f"Follow-up overdue since {us_month_day(due)}",
            due,
            500 + min((as_of - due).days, 500),
        )
    ]


def _tasks(f: PatientFacts, as_of: date) -> list[Reason]:
    out = []
    for t in f.open_tasks:
        if t.status is not TaskStatus.OPEN or t.due is None or t.due > as_of:
            continue
        late = (as_of - t.due).days
        text = f"Task due today: {t.title}" if late == 0 else f"Task overdue since {us_month_day(t.due)}: {t.title}"
        out.append(Reason(ReasonKind.TASK, text, t.due, 400 + min(late, 500)))
    return out


# A reminder is made when the patient was reached or a message was left.
_REMINDED = (Outcome.REACHED, Outcome.VOICEMAIL, Outcome.DECLINED)
_WEEKDAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _appointments(f: PatientFacts, as_of: date, tz: tzinfo, calendar: BusinessCalendar) -> list[Reason]:
    """A scheduled appointment: a reminder call from the working day before until the day
    itself (until a call reaches the patient or leaves a message), then "kept or missed?"
    from the day after until the outcome is recorded."""
    out = []
    for a in f.appointments:
        if a.status is not AppointmentStatus.SCHEDULED:
            continue
        local = a.at.astimezone(tz)
        day = local.date()
        if day < as_of:
            late = (as_of - day).days
            out.append(
                Reason(
                    ReasonKind.TASK, f"Appointment on {us_month_day(day)} - kept or missed?", day, 300 + min(late, 99)
                )
            )
            continue
        remind = reminder_day(day, calendar)
        if not remind <= as_of < day:
            continue
        if any(c.outcome in _REMINDED and local_date(c.at, tz) >= remind for c in f.contacts):
            continue
        when = "tomorrow" if (day - as_of).days == 1 else f"{_WEEKDAY[day.weekday()]} {us_month_day(day)}"
        what = clock_time(local) if a.kind is AppointmentKind.OTHER else f"{a.kind.value} {clock_time(local)}"
        out.append(Reason(ReasonKind.TASK, f"Appointment {when} ({what}) - reminder call", remind, 450))
    return out


def _letter_pending(f: PatientFacts, month: Month, tz: tzinfo) -> bool:
    """Three unanswered calls this month propose a letter, until a letter task is closed
    (done or cancelled) after the third of them."""
    if not attempts.letter_proposed(f.contacts, month, tz):
        return False
    if f.letter_closed_at is None:
        return True
    # The run of unanswered calls since the month's last answered one; its third proposed the letter.
    run: list[Contact] = []
    for c in sorted(f.contacts, key=lambda c: (c.at, c.id or 0)):
        if not month.contains(local_date(c.at, tz)):
            continue
        if c.outcome.answered:
            run = []
        elif c.outcome in attempts.UNANSWERED:
            run.append(c)
    return f.letter_closed_at < run[attempts.LETTER_AFTER - 1].at


def _consent_day(f: PatientFacts, program: Program, month: Month, as_of: date) -> date | None:
    """The day from which the program's minutes count: the earliest consent on file by `as_of`
    (billing's own rule, caredesk.domain.billing_minutes.consent_date: complex CCM and CCM are
    one service); None while no consent is on file."""
    return billing_minutes.consent_date(f.enrollments, program, as_of, month.first_day)


def day_minutes(f: PatientFacts, month: Month, as_of: date) -> dict[tuple[date, Program, StaffType], int]:
    """The month's minutes per (clinic-local day, program, staff type), as the bill reads them
    (caredesk.domain.billing_minutes.DayMinutes): the store gives them by day, up to `as_of`
    (store.queue_facts). Facts with the month's minutes but not their days (built by hand) have
    them taken as spent on `as_of`: they count from a consent on file by then, not before a later one."""
    if not f.minutes_by_day:
        return {(as_of, program, staff): minutes for (program, staff), minutes in f.minutes.items()}
    days: dict[tuple[date, Program, StaffType], int] = {}
    for day, program, staff, minutes in f.minutes_by_day:
        if month.first_day <= day <= month.last_day:
            days[(day, program, staff)] = days.get((day, program, staff), 0) + minutes
    return days


def counted(
    f: PatientFacts, month: Month, as_of: date, days: billing_minutes.DayMinutes | None = None
) -> tuple[dict[tuple[Program, StaffType], int], dict[Program, tuple[date, int]]]:
    """(the minutes that count, {program: (consent date, minutes before it)}): the bill's own
    count, caredesk.domain.billing_minutes.after_consent (minutes before consent and on days
    after the program ended count for nothing: SPEC 3 "Billing"), never a copy of it.
    `days`: `day_minutes(f, month, as_of)` when already made."""
    days = day_minutes(f, month, as_of) if days is None else days
    return billing_minutes.after_consent(days, f.enrollments, month.first_day, month.last_day)


def _service_minutes(minutes: Mapping[tuple[Program, StaffType], int], program: Program) -> int:
    """The minutes of `program`'s service (complex CCM and CCM are one: billing_minutes.family)."""
    service = billing_minutes.family(program)
    return sum(m for (p, _staff), m in minutes.items() if billing_minutes.family(p) is service)


def _before_consent(before: Mapping[Program, tuple[date, int]], program: Program) -> int:
    """Of the bill's minutes before a consent ({program: (consent date, minutes)}), `program`'s service's."""
    service = billing_minutes.family(program)
    return sum(m for p, (_d, m) in before.items() if billing_minutes.family(p) is service)


def _working_days_left(f: PatientFacts, program: Program, as_of: date, calendar: BusinessCalendar) -> int:
    """Working days from `as_of` (counted when it is one) to the month's end or the program's
    enrollment end, whichever comes first: the days a threshold can still be reached in."""
    ends = [e.end_date for e in f.enrollments if e.program is program and e.active_on(as_of)]
    if not ends:
        return 0
    left = calendar.business_days_left(as_of)
    end = None if any(d is None for d in ends) else max(d for d in ends if d is not None)
    if end is not None and end.month == as_of.month and end.year == as_of.year and end < Month.of(as_of).last_day:
        left -= calendar.business_days_left(end + timedelta(days=1))
    return left


def _minutes(
    f: PatientFacts, as_of: date, month: Month, calendar: BusinessCalendar
) -> tuple[list[Reason], int, int | None]:
    """The minutes chase: only while consent is on file, the patient can bill the program
    (its chronic conditions) and a working day is left to reach the next threshold. The minutes
    are those the bill counts (`counted`): none before consent nor after the program ended,
    and the reason says how many were left out (issue 12: the reasons never contradict each other;
    the queue and the report never disagree on a patient's minutes)."""
    program = billing.main_program(f.enrollments, month)
    if program is None:
        return [], 0, None
    consent = _consent_day(f, program, month, as_of)
    if consent is None:
        # Nothing of the service bills without consent (the bill's "no consent on file"): the
        # consent reason says how many minutes that leaves uncounted, never a minutes chase.
        return [], 0, None
    days = day_minutes(f, month, as_of)
    minutes, before = counted(f, month, as_of, days)
    have = minutes.get((program, StaffType.CLINICAL_STAFF), 0)
    if not any(e.program is program and e.active_on(as_of) for e in f.enrollments):
        # The program does not run today (ended, or starts later): no progress toward a
        # threshold (a tester read "7/20" beside "CCM ended 12/01" as 13 minutes still to get).
        return [], have, None
    if f.chronic_conditions < billing.conditions_needed(program, month):
        return [], have, None  # cannot bill: the conditions reason says why, never a minutes chase
    # The counted minutes alone from here on: the codes reached and the next threshold are the
    # bill's (`bill`, `next_threshold`) over what counts, counted once.
    pm = billing.PatientMonth(
        month=month, enrollments=f.enrollments, chronic_conditions=f.chronic_conditions, minutes=minutes
    )
    nxt = billing.next_threshold(pm, program)
    if nxt is None:
        return [], have, None
    have, need = nxt
    # The queue chases the month's first threshold (99490's 20 min, say); add-on units
    # after it are shown in the minutes bar but never put a patient in the queue.
    program_codes = {c.code for c in billing.BILLING_CODES if c.program is program}
    if any(c.code in program_codes for c in billing.bill(pm).codes):
        return [], have, need
    # APCM's behavioral add-on (G0570, G0568/9) has no time threshold: one minute of care bills
    # it in place of 99484's 20 (caredesk.domain.billing_apcm_bh), so that is what is chased.
    # Only a patient in APCM this month can have it: billed once more for them alone.
    in_apcm = (
        e.program is Program.APCM
        and e.start_date <= month.last_day
        and (e.end_date is None or e.end_date >= month.first_day)
        for e in pm.enrollments
    )
    if any(in_apcm):
        one_more = {**minutes, (program, StaffType.CLINICAL_STAFF): have + 1}
        if any(c.code in program_codes for c in billing.bill(replace(pm, minutes=one_more)).codes):
            need = have + 1
    days_left = _working_days_left(f, program, as_of, calendar)
    if days_left == 0:
        return [], have, need  # out of reach this month: no chase
    short = need - have
    text = f"{have} of {need} min this month, {days_left} working day{'s' if days_left != 1 else ''} left"
    early = _before_consent(before, program)
    if early:
        text += f" ({early} min before consent {us_month_day(consent)} not counted)"
    # Minutes on days after the service ended (an end date moved back over them), in the bill's
    # words; looked for only when some minutes logged are neither counted nor before consent.
    if sum(days.values()) > sum(minutes.values()) + sum(m for _d, m in before.values()):
        ended = billing_minutes.after_end(days, f.enrollments, month.first_day, month.last_day)
        service = billing_minutes.family(program)
        text += "".join(f" ({a.text()})" for a in ended if a.program is service)
    # Minutes still needed per working day left: the tighter, the more urgent.
    urgency = min(_MAX_URGENCY, (short * 100) // max(days_left, 1))
    return [Reason(ReasonKind.MINUTES, text, month.last_day, urgency)], have, need


def _conditions(f: PatientFacts, as_of: date, month: Month) -> list[Reason]:
    """Why a patient cannot bill their main program for want of chronic conditions on file
    ("CCM: 1 of 2 chronic conditions on file"): a record to complete, not minutes to chase. The
    counts come first, as in the minutes reason: a chip cut short in the queue keeps them (it read
    "CCM needs 2 chronic conditions - 0 o…")."""
    program = billing.main_program(f.enrollments, month)
    if program is None or not any(e.program is program and e.active_on(as_of) for e in f.enrollments):
        return []
    need = billing.conditions_needed(program, month)
    if f.chronic_conditions >= need:
        return []
    plural = "s" if need != 1 else ""
    text = f"{_name(program)}: {f.chronic_conditions} of {need} chronic condition{plural} on file"
    return [Reason(ReasonKind.CONSENT, text)]


def _cadence(f: PatientFacts, as_of: date) -> list[Reason]:
    limit = CADENCE_DAYS[f.risk_tier]
    if f.last_reached is None:
        return [Reason(ReasonKind.CADENCE, "Never reached", None, 1_000)]
    days = (as_of - f.last_reached).days
    if days <= limit:
        return []
    return [Reason(ReasonKind.CADENCE, f"No contact for {days} days", None, min(days - limit, 999))]


def _not_enrolled(f: PatientFacts, as_of: date) -> list[Reason]:
    """Why a patient in no program today is in the queue at all: to be enrolled ("Not enrolled
    in a program"), waiting for a program that starts later ("Not enrolled yet - CCM from
    12/25"), or every program ended ("Not enrolled: CCM ended 10/31"). Ranked with missing consent (a record to complete before any billable care), below
    everyone enrolled who is short of minutes or past their cadence (SPEC 3 "Call queue")."""
    later = sorted((e.start_date, e.program.value) for e in f.enrollments if e.start_date > as_of)
    if later:
        start, program = later[0]
        text = f"Not enrolled yet - {_name(Program(program))} from {us_month_day(start)}"
        return [Reason(ReasonKind.ENROLLMENT, text, None, 0)]
    ended = programs_ended(f.enrollments)
    if ended:
        # Every program ended: said so, not 'No contact for 40 days' by a cadence nobody bills
        # any more (a tester's find); the status (paused, disenrolled) is the care manager's call.
        # "CCM ended 12/01", not "since 12/01": the end date is the last day covered.
        parts = (f"{', '.join(_name(Program(p)) for p in names)} ended {us_month_day(end)}" for end, names in ended)
        text = "Not enrolled: " + ", ".join(parts)
        # Minutes logged this month after the end count for nothing: said in the bill's words,
        # as This month says it ("14 min after CCM ended 11/30 count for nothing"). Only from
        # the days the minutes were logged (the store's facts): facts built by hand put them all
        # on the queue's day (day_minutes), which would say they came after the end.
        if f.minutes_by_day:
            month = Month.of(as_of)
            days = day_minutes(f, month, as_of)
            after = billing_minutes.after_end(days, f.enrollments, month.first_day, month.last_day)
            text += "".join(f" ({a.text()})" for a in after)
        return [Reason(ReasonKind.ENROLLMENT, text, None, 0)]
    return [Reason(ReasonKind.ENROLLMENT, "Not enrolled in a program", None, 0)]


def _clinical(f: PatientFacts, as_of: date) -> list[Reason]:
    out = []
    phq9 = f.phq9.score if f.phq9 is not None else None  # computed from the answers; None when incomplete
    if phq9 is not None and phq9 >= PHQ9_RESCREEN:
        out.append(Reason(ReasonKind.CLINICAL, f"PHQ-9 {phq9} - re-screen", None, phq9))
    out += [
        Reason(ReasonKind.CLINICAL, text, None, score) for text, score in screen_followups.reasons(f.screens, as_of)
    ]
    bp = f.last_bp
    if bp is not None and bp.second is not None and (bp.value >= BP_HIGH[0] or bp.second >= BP_HIGH[1]):
        out.append(
            Reason(
                ReasonKind.CLINICAL,
                f"BP {bp.value:g}/{bp.second:g} on {us_month_day(bp.on)}",
                None,
                int(bp.value) - 100,
            )
        )
    if f.last_a1c is not None and f.last_a1c.value >= A1C_HIGH:
        a = f.last_a1c
        out.append(Reason(ReasonKind.CLINICAL, f"A1c {a.value:g} on {us_month_day(a.on)}", None, int(a.value * 10)))
    if f.unreferred_needs:
        waiting = ", ".join(n.label for n in f.unreferred_needs)
        out.append(Reason(ReasonKind.CLINICAL, f"Social needs positive - {waiting}: no referral yet", None, 50))
    for news in sorted(f.open_referrals, key=lambda n: (n.last_on, n.referral_id)):
        if (days := referrals.quiet_days(news, as_of)) is not None:
            text = f"{news.resource} referral {news.status.value} {us_month_day(news.last_on)} - no news"
            out.append(Reason(ReasonKind.CLINICAL, text, None, min(days, 99)))
    return out


def _consent(f: PatientFacts, as_of: date, month: Month) -> list[Reason]:
    """Programs active today with no consent on file by today. Their minutes so far do not
    count (the same rule as the minutes reason), and the reason says how many there are."""
    out: list[Reason] = []
    for e in f.enrollments:
        if not e.active_on(as_of) or e.consented_by(as_of):
            continue
        if _consent_day(f, e.program, month, as_of) is not None:
            continue  # another enrollment of the program has consent on file
        text = f"No consent on file ({e.program.value})"
        if e.consent_date is not None:
            text = f"{_name(e.program)} consent starts {us_month_day(e.consent_date)}"
        early = _uncounted_for_want_of_consent(f, e.program, month, as_of)
        if early:
            text += f" - {early} min not counted"
        if text not in [r.text for r in out]:
            out.append(Reason(ReasonKind.CONSENT, text))
    return out


def _uncounted_for_want_of_consent(f: PatientFacts, program: Program, month: Month, as_of: date) -> int:
    """The service's minutes this month that would count but for consent: those the bill leaves
    out as before a consent dated later, and with none on file all it would count otherwise
    (it bills nothing without one); minutes after the program ended are not among them."""
    minutes, before = counted(f, month, as_of)
    return _service_minutes(minutes, program) + _before_consent(before, program)


def _care_plan(f: PatientFacts, as_of: date) -> list[Reason]:
    if not any(e.active_on(as_of) for e in f.enrollments):
        return []
    if not f.has_care_plan:
        return [Reason(ReasonKind.CARE_PLAN, "No finalized care plan")]
    if f.care_plan_review is not None and f.care_plan_review < as_of:
        due = f.care_plan_review
        return [
            Reason(
                ReasonKind.CARE_PLAN,
                f"Care-plan review overdue since {us_month_day(due)}",
                due,
                min((as_of - due).days, 999),
            )
        ]
    return []
