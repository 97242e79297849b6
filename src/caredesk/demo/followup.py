"""The demo's later-added records: dates of death, adherence checks, appointments, own targets.

They come from their own random stream (seeded from the panel's seed), drawn after the rest
of a patient is built, so adding them left every earlier record of a panel unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from caredesk.demo.clinic import Clinic
from caredesk.demo.profile import Profile
from caredesk.domain.appointments import Appointment, AppointmentKind, AppointmentStatus
from caredesk.domain.contacts import Contact, Outcome
from caredesk.domain.coordination import Transition
from caredesk.domain.medications import AdherenceAnswer, AdherenceCheck
from caredesk.domain.observations import ObservationTarget
from caredesk.domain.patients import Medication, ObservationKind, Status

_ANSWERS = tuple(AdherenceAnswer)
_ANSWER_WEIGHTS = (78, 14, 3, 5)
_SPECIALISTS = ("Cardiology clinic", "Endocrinology clinic", "Pulmonology clinic", "Nephrology clinic")


def died_on(rng: random.Random, prof: Profile, today: date) -> date | None:
    """A deceased patient's date of death: a few days to weeks after the last contact."""
    if prof.status is not Status.DECEASED or prof.last is None:
        return None
    return min(today - timedelta(days=1), prof.last + timedelta(days=rng.randint(2, 25)))


def adherence_checks(
    rng: random.Random, meds: list[Medication], contacts: list[Contact], med_ids: Iterator[int]
) -> tuple[list[Medication], list[AdherenceCheck]]:
    """Give each medication an id; ask about up to two active ones on about one reached call in seven."""
    with_ids = [replace(m, id=next(med_ids)) for m in meds]
    checks: list[AdherenceCheck] = []
    reached = [c for c in contacts if c.outcome is Outcome.REACHED]
    for contact in reached:
        if rng.random() >= 0.15:
            continue
        day = contact.at.date()
        active = [m for m in with_ids if m.active_on(day)]
        for med in rng.sample(active, min(2, len(active))):
            assert med.id is not None
            answer = rng.choices(_ANSWERS, _ANSWER_WEIGHTS)[0]
            checks.append(
                AdherenceCheck(patient_id=med.patient_id, medication_id=med.id, checked_on=day, answer=answer)
            )
    return with_ids, checks


def appointments(
    rng: random.Random, prof: Profile, stays: list[Transition], clinic: Clinic, today: date
) -> list[Appointment]:
    """A few past PCP and specialist visits, some upcoming, and the TCM visit of a recent stay."""
    if prof.first is None or prof.last is None:
        return []
    out: list[Appointment] = []

    def at(day: date) -> datetime:
        slot = rng.choice((9 * 60, 9 * 60 + 30, 10 * 60 + 15, 11 * 60, 13 * 60 + 30, 14 * 60 + 45, 15 * 60 + 30))
        return datetime.combine(
            clinic.days.business_day_on_or_after(day), time(slot // 60, slot % 60), tzinfo=clinic.tz
        )

    day = prof.first + timedelta(days=rng.randint(20, 120))
    while day < min(prof.last, today - timedelta(days=1)):
        kind = AppointmentKind.PCP if rng.random() < 0.7 else AppointmentKind.SPECIALIST
        status = rng.choices(
            (AppointmentStatus.KEPT, AppointmentStatus.MISSED, AppointmentStatus.CANCELLED), (85, 10, 5)
        )
        out.append(
            Appointment(
                patient_id=prof.pid,
                at=at(day),
                kind=kind,
                with_whom="PCP office" if kind is AppointmentKind.PCP else rng.choice(_SPECIALISTS),
                place="Main street clinic, suite 2" if kind is AppointmentKind.PCP else "Regional medical center",
                status=status[0],
            )
        )
        day += timedelta(days=rng.randint(60, 150))
    if prof.status is Status.ACTIVE and rng.random() < 0.15:
        out.append(
            Appointment(
                patient_id=prof.pid,
                at=at(today + timedelta(days=rng.randint(1, 21))),
                kind=AppointmentKind.PCP,
                with_whom="PCP office",
                place="Main street clinic, suite 2",
            )
        )
    for stay in stays:
        if stay.seen_on is None and 0 <= (today - stay.discharged_on).days < 21 and stay.id is not None:
            out.append(
                Appointment(
                    patient_id=prof.pid,
                    at=at(max(today, stay.discharged_on + timedelta(days=rng.randint(4, 9)))),
                    kind=AppointmentKind.TCM_VISIT,
                    with_whom="PCP office",
                    place="Main street clinic, suite 2",
                    transition_id=stay.id,
                )
            )
    return out


def own_targets(rng: random.Random, prof: Profile) -> list[ObservationTarget]:
    """Older patients with diabetes often get a looser A1c target from their PCP (ADA 2025, 13)."""
    if "dm" in prof.keys and prof.age >= 75 and rng.random() < 0.6:
        return [ObservationTarget(patient_id=prof.pid, kind=ObservationKind.A1C, high=8.0)]
    return []
