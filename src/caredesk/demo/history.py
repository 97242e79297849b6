"""A patient's past: calls at their tier's cadence, logged minutes, tasks and hospital stays."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from caredesk.demo.clinic import Clinic
from caredesk.demo.profile import Profile
from caredesk.domain.contacts import Activity, Channel, Contact, Outcome, StaffType, TimeEntry
from caredesk.domain.coordination import Complexity, Task, TaskKind, TaskStatus, Transition
from caredesk.domain.patients import RiskTier

# Days between calls: about the SPEC cadence of 7 / 14 / 30 days for high / medium / low risk.
_GAP = {RiskTier.HIGH: (5, 10), RiskTier.MEDIUM: (10, 17), RiskTier.LOW: (24, 36)}
_MINUTES = {RiskTier.HIGH: (12, 35), RiskTier.MEDIUM: (10, 25), RiskTier.LOW: (6, 20)}
_ADMISSIONS_PER_YEAR = {RiskTier.HIGH: 0.35, RiskTier.MEDIUM: 0.12, RiskTier.LOW: 0.04}
_OUTCOMES = (Outcome.REACHED, Outcome.VOICEMAIL, Outcome.NO_ANSWER, Outcome.WRONG_NUMBER, Outcome.DECLINED)
_OUTCOME_WEIGHTS = (65, 17, 12, 2, 4)
_CHANNELS = (Channel.PHONE, Channel.VIDEO, Channel.HOME_VISIT, Channel.PORTAL)
_FACILITIES = (
    "Demo General Hospital",
    "Lakeside Fictional Medical Center",
    "Sample Valley Hospital",
    "Example Rehab & Skilled Nursing",
)

_NOTES = {
    Outcome.VOICEMAIL: (
        "Left voicemail with callback number; no health details left.",
        "Left message asking for a call back.",
    ),
    Outcome.NO_ANSWER: ("No answer; voicemail not set up.", "Phone rang with no answer."),
    Outcome.WRONG_NUMBER: ("Number reached someone else; phone number to be verified.",),
    Outcome.DECLINED: ("Asked to be called another day.", "Declined call today; prefers next week."),
}
_REACHED = (
    "Reviewed medications; no changes.",
    "Reviewed care plan goals; progress discussed.",
    "Feeling well; no ED visits or admissions since last call.",
    "Refill coordinated with pharmacy.",
    "Discussed upcoming appointment; transportation confirmed.",
    "Reviewed symptoms and when to call the clinic.",
    "Caregiver joined the call; questions answered.",
)
_REACHED_BY_KIND = {
    "htn": ("Reviewed home BP log; readings mostly at goal.", "Reinforced low-salt diet; BP log reviewed."),
    "dm": ("Reviewed glucose readings; hypoglycemia plan reinforced.", "A1c result discussed; diet reviewed."),
    "hf": ("Daily weights reviewed; no gain over 3 lb.", "Fluid and salt limits reviewed; ankles less swollen."),
    "lung": ("Inhaler technique reviewed.", "Breathing stable; action plan reviewed."),
    "dep": ("Mood discussed; coping strategies reviewed.", "Sleep and activity goals reviewed."),
    "anx": ("Breathing exercises practiced; worry log reviewed.",),
    "ckd": ("Reviewed upcoming kidney labs; avoiding NSAIDs.",),
}
_OTHER_WORK = (
    (Activity.CARE_PLAN, "Care plan updated."),
    (Activity.COORDINATION, "Coordinated with specialist office."),
    (Activity.MEDICATION_REVIEW, "Medication list reconciled."),
    (Activity.DOCUMENTATION, "Outside records reviewed."),
)
_TASKS = (
    ("Call pharmacy about refill", TaskKind.GENERAL),
    ("Fax care plan to specialist", TaskKind.GENERAL),
    ("Schedule A1c lab draw", TaskKind.FOLLOW_UP),
    ("Confirm transportation for appointment", TaskKind.GENERAL),
    ("Mail care plan copy", TaskKind.GENERAL),  # LETTER is the unanswered-calls letter
    ("Check on glucometer strip order", TaskKind.GENERAL),
    ("Follow up on community referral", TaskKind.REFERRAL),
    ("Request hospital discharge summary", TaskKind.GENERAL),
    ("Call back about specialist appointment", TaskKind.FOLLOW_UP),
)


def transitions(rng: random.Random, prof: Profile, clinic: Clinic, today: date, recent: bool) -> list[Transition]:
    """Older stays over the history, plus one discharge in the last three weeks when `recent`."""
    assert prof.first is not None and prof.last is not None
    discharges = []
    span = (prof.last - prof.first).days - 30
    if span > 0:
        expected = _ADMISSIONS_PER_YEAR[prof.tier] * span / 365
        count = int(expected) + (rng.random() < expected - int(expected))
        discharges = sorted(prof.first + timedelta(days=rng.randint(0, span)) for _ in range(count))
    if recent:
        discharges.append(today - timedelta(days=rng.randint(1, 21)))
    out = []
    for day in discharges:
        high = prof.tier is RiskTier.HIGH and rng.random() < 0.6
        # Recent stays are still in progress; older ones mostly met their TCM deadlines.
        contacted = seen = None
        if rng.random() < (0.6 if day >= today - timedelta(days=21) else 0.9):
            contacted = clinic.days.add_business_days(day, rng.choice((1, 1, 2, 2, 4)))
            if rng.random() < 0.7:
                seen = clinic.days.business_day_on_or_after(day + timedelta(days=rng.randint(3, 7 if high else 14)))
                seen = max(seen, contacted)
        contacted = contacted if contacted and contacted < today else None
        seen = seen if contacted and seen and seen < today else None
        out.append(
            Transition(
                patient_id=prof.pid,
                facility=rng.choice(_FACILITIES),
                admitted_on=day - timedelta(days=rng.randint(1, 9)),
                discharged_on=day,
                complexity=Complexity.HIGH if high else Complexity.MODERATE,
                contacted_on=contacted,
                seen_on=seen,
                meds_reconciled_on=seen,
            )
        )
    return out


def _call_days(rng: random.Random, prof: Profile, clinic: Clinic) -> Iterator[date]:
    assert prof.first is not None and prof.last is not None
    low, high = _GAP[prof.tier]
    day = prof.first + timedelta(days=rng.randint(0, high))
    while day <= prof.last:
        yield clinic.days.business_day_on_or_after(day)
        day += timedelta(days=rng.randint(low, high))


def calls(
    rng: random.Random, prof: Profile, clinic: Clinic, tcm_days: list[date], next_id: Iterator[int]
) -> tuple[list[Contact], list[TimeEntry]]:
    """Contacts (with retries after unanswered attempts) and the minutes they produced."""
    assert prof.last is not None
    attempts: list[tuple[date, Outcome, str]] = [
        (d, Outcome.REACHED, "Post-discharge call: discharge instructions and medications reviewed.") for d in tcm_days
    ]
    for day in _call_days(rng, prof, clinic):
        for _ in range(3):  # the first call and up to two retries
            if day > prof.last:
                break
            outcome = rng.choices(_OUTCOMES, _OUTCOME_WEIGHTS)[0]
            attempts.append((day, outcome, ""))
            if outcome is not Outcome.VOICEMAIL and outcome is not Outcome.NO_ANSWER:
                break
            day = clinic.days.add_business_days(day, rng.randint(1, 2))
    attempts.sort(key=lambda a: a[0])
    contacts, entries = [], []
    low, high = _MINUTES[prof.tier]
    for day, outcome, note in attempts:
        channel = Channel.PHONE
        if outcome is Outcome.REACHED and not note:
            channel = rng.choices(_CHANNELS, (90, 4, 3, 3))[0]
            kind_notes = [n for k in prof.keys for n in _REACHED_BY_KIND.get(k, ())]
            note = rng.choice(kind_notes if kind_notes and rng.random() < 0.6 else _REACHED)
        elif not note:
            note = rng.choice(_NOTES[outcome])
        follow_up = None
        if outcome is Outcome.REACHED and rng.random() < 0.35:
            follow_up = day + timedelta(days=rng.randint(7, 21))
        elif outcome is not Outcome.REACHED and rng.random() < 0.4:
            follow_up = clinic.days.add_business_days(day, rng.randint(1, 3))
        at = clinic.at(rng, day)
        contact = Contact(
            id=next(next_id),
            patient_id=prof.pid,
            at=at,
            channel=channel,
            outcome=outcome,
            note=note,
            follow_up=follow_up,
        )
        contacts.append(contact)
        if outcome is not Outcome.REACHED or rng.random() >= 0.9:
            continue
        minutes = rng.randint(3, 10) if channel is Channel.PORTAL else rng.randint(low, high)
        staff = StaffType.PHYSICIAN if rng.random() < 0.05 else StaffType.CLINICAL_STAFF
        entries.append(
            TimeEntry(
                patient_id=prof.pid,
                on=day,
                minutes=minutes,
                activity=Activity.CALL,
                staff_type=staff,
                program=prof.program_on(rng, day),
                started_at=at,
                contact_id=contact.id,
            )
        )
        if rng.random() < 0.3:  # work that follows a call: plan updates, coordination, med review
            activity, text = rng.choice(_OTHER_WORK)
            on = min(prof.last, clinic.days.add_business_days(day, rng.randint(0, 2)))
            started = clinic.at(rng, on) if rng.random() < 0.5 else None
            entries.append(
                TimeEntry(
                    patient_id=prof.pid,
                    on=on,
                    minutes=rng.randint(5, 20),
                    activity=activity,
                    staff_type=StaffType.CLINICAL_STAFF,
                    program=prof.program_on(rng, on),
                    started_at=started,
                    note=text,
                )
            )
    return contacts, entries


def tasks(rng: random.Random, prof: Profile, clinic: Clinic, today: date) -> list[Task]:
    """Finished tasks over the history; an open one around today for some active patients."""
    assert prof.first is not None and prof.last is not None
    out = []
    day = prof.first + timedelta(days=rng.randint(10, 90))
    while day <= prof.last - timedelta(days=15):
        title, kind = rng.choice(_TASKS)
        created = clinic.at(rng, clinic.days.business_day_on_or_after(day))
        done = clinic.at(rng, clinic.days.add_business_days(created.date(), rng.randint(1, 8)))
        status = TaskStatus.CANCELLED if rng.random() < 0.05 else TaskStatus.DONE
        out.append(
            Task(
                patient_id=prof.pid,
                title=title,
                kind=kind,
                status=status,
                due=created.date() + timedelta(days=rng.randint(3, 14)),
                created_at=created,
                done_at=done if status is TaskStatus.DONE else None,
            )
        )
        day += timedelta(days=rng.randint(45, 150))
    if prof.last == today - timedelta(days=1) and rng.random() < 0.35:
        title, kind = rng.choice(_TASKS)
        due = today + timedelta(days=rng.randint(-7, 21))
        created_on = max(prof.first, min(prof.last, due - timedelta(days=rng.randint(3, 14))))
        out.append(Task(patient_id=prof.pid, title=title, kind=kind, due=due, created_at=clinic.at(rng, created_on)))
    return out
