"""A deterministic synthetic demo panel: a caseload a care manager would recognise, no real PHI.

Everything comes from one random.Random(seed) consumed in a fixed order, and from `today`
(never the wall clock), so the same arguments always give an equal panel. Choices are
never drawn from sets of strings, whose order changes with PYTHONHASHSEED.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta, tzinfo
from typing import Any

from caredesk.demo import careplans, clinical, community, followup, history, names, screens
from caredesk.demo.clinic import Clinic
from caredesk.demo.profile import Profile
from caredesk.domain.appointments import Appointment
from caredesk.domain.careplan import CarePlanDraft, CarePlanVersion
from caredesk.domain.community import CommunityResource
from caredesk.domain.contacts import Channel, Contact, TimeEntry
from caredesk.domain.coordination import Assessment, Task, Transition
from caredesk.domain.medications import AdherenceCheck
from caredesk.domain.observations import ObservationTarget
from caredesk.domain.patients import (
    Allergy,
    CareTeamMember,
    Condition,
    ConsentMethod,
    Enrollment,
    Medication,
    Observation,
    Patient,
    Phone,
    Program,
    RiskTier,
    Status,
)
from caredesk.domain.referrals import Referral
from caredesk.domain.safety import SafetyCheck

__all__ = ["DemoPanel", "generate_panel"]

_PAYERS = (("Medicare Part B", 60), ("Medicare Advantage (Demo Health Plan)", 30), ("Medicare + Medicaid (QMB)", 10))
_SHARE_INACTIVE = 0.03  # of each of paused, disenrolled, deceased
_SHARE_NO_CONSENT = 0.03
_RECENT_DISCHARGES_PER_170 = 3


@dataclass(frozen=True)
class DemoPanel:
    patients: tuple[Patient, ...]
    enrollments: tuple[Enrollment, ...]
    conditions: tuple[Condition, ...]
    allergies: tuple[Allergy, ...]
    medications: tuple[Medication, ...]
    care_team: tuple[CareTeamMember, ...]
    observations: tuple[Observation, ...]
    contacts: tuple[Contact, ...]
    time_entries: tuple[TimeEntry, ...]
    tasks: tuple[Task, ...]
    transitions: tuple[Transition, ...]
    assessments: tuple[Assessment, ...]
    resources: tuple[CommunityResource, ...]
    referrals: tuple[Referral, ...]
    care_plan_versions: tuple[CarePlanVersion, ...]
    care_plan_drafts: tuple[CarePlanDraft, ...]
    adherence_checks: tuple[AdherenceCheck, ...]
    appointments: tuple[Appointment, ...]
    observation_targets: tuple[ObservationTarget, ...]
    safety_checks: tuple[SafetyCheck, ...]


def generate_panel(*, patients: int = 170, seed: int = 1, years: int = 1, today: date, tz: tzinfo) -> DemoPanel:
    """`patients` synthetic patients with `years` of history ending the day before `today`.

    History stops yesterday: the care manager opens the panel at the start of `today`.
    """
    if patients < 1 or years < 1:
        raise ValueError("a demo panel needs at least 1 patient and 1 year")
    rng = random.Random(seed)
    window = names.years_before(today, years)
    clinic = Clinic(tz)
    profiles = [_person(rng, pid) for pid in range(1, patients + 1)]
    _assign_tiers(rng, profiles)
    _assign_statuses(rng, profiles)
    for prof in profiles:
        _assign_dates(rng, prof, today, years, window)
    active = [p for p in profiles if p.status is Status.ACTIVE]
    no_consent = {p.pid for p in rng.sample(active, min(len(active), round(_SHARE_NO_CONSENT * patients)))}
    recent = _recent_discharges(rng, active, patients)

    out: dict[str, list[Any]] = {name: [] for name in DemoPanel.__dataclass_fields__}
    out["resources"] = community.resources()
    contact_ids = itertools.count(1)
    # Records added later draw from their own stream, so the earlier ones stay as they were.
    later = _Later(random.Random(seed * 1_000_003 + 17), itertools.count(1), itertools.count(1))
    for prof in profiles:
        _build(rng, prof, clinic, today, prof.pid in no_consent, prof.pid in recent, contact_ids, out)
        _build_later(later, prof, clinic, today, out)
    # Numbered so the safety checks can name their screens; from a stream of their own.
    out["assessments"] = [replace(a, id=i) for i, a in enumerate(out["assessments"], start=1)]
    out["referrals"] = community.numbered(out["referrals"], out["assessments"])
    out["safety_checks"] = screens.safety_checks(random.Random(seed * 7_919 + 3), out["assessments"], tz, today)
    return DemoPanel(**{name: tuple(records) for name, records in out.items()})


@dataclass(frozen=True)
class _Later:
    rng: random.Random
    medication_ids: Iterator[int]
    stay_ids: Iterator[int]


def _build_later(later: _Later, prof: Profile, clinic: Clinic, today: date, out: dict[str, list[Any]]) -> None:
    """One patient's records from the later stream: ids, date of death, adherence, appointments."""
    pid, rng = prof.pid, later.rng
    death = followup.died_on(rng, prof, today)
    if death is not None:
        out["patients"][-1] = replace(out["patients"][-1], died_on=death)
    meds = out["medications"]
    first = _tail_start(meds, pid)
    meds[first:], checks = followup.adherence_checks(
        rng, meds[first:], _tail(out["contacts"], pid), later.medication_ids
    )
    out["adherence_checks"] += checks
    stays = out["transitions"]
    first = _tail_start(stays, pid)
    for i in range(first, len(stays)):
        channel = Channel.PHONE if stays[i].contacted_on is not None else None
        stays[i] = replace(stays[i], id=next(later.stay_ids), contact_channel=channel)
    stays = stays[first:]
    out["appointments"] += followup.appointments(rng, prof, stays, clinic, today)
    out["observation_targets"] += followup.own_targets(rng, prof)


def _tail_start(records: list[Any], pid: int) -> int:
    """Where this patient's records begin at the end of a list (they are appended per patient)."""
    i = len(records)
    while i and records[i - 1].patient_id == pid:
        i -= 1
    return i


def _tail(records: list[Any], pid: int) -> list[Any]:
    return records[_tail_start(records, pid) :]


def _person(rng: random.Random, pid: int) -> Profile:
    age = rng.randint(55, 95)
    count = rng.choices((2, 3, 4, 5, 6), (20, 30, 25, 15, 10))[0]
    return Profile(pid=pid, person=names.person(rng), age=age, kinds=clinical.pick_kinds(rng, count, age))


def _assign_tiers(rng: random.Random, profiles: list[Profile]) -> None:
    """40/40/20 low/medium/high by rank of a score that grows with number and weight of conditions."""
    scored = sorted(profiles, key=lambda p: len(p.kinds) + sum(k.severity for k in p.kinds) + rng.uniform(0, 3))
    n_low, n_high = round(0.4 * len(profiles)), round(0.2 * len(profiles))
    for rank, prof in enumerate(scored):
        prof.tier = (
            RiskTier.LOW if rank < n_low else RiskTier.HIGH if rank >= len(profiles) - n_high else RiskTier.MEDIUM
        )


def _assign_statuses(rng: random.Random, profiles: list[Profile]) -> None:
    quota = round(_SHARE_INACTIVE * len(profiles))
    statuses = [Status.PAUSED, Status.DISENROLLED, Status.DECEASED] * quota
    statuses += [Status.ACTIVE] * (len(profiles) - len(statuses))
    rng.shuffle(statuses)
    for prof, status in zip(profiles, statuses, strict=False):
        prof.status = status


def _assign_dates(rng: random.Random, prof: Profile, today: date, years: int, window: date) -> None:
    """Enrollment start spread over the years before today; history ends yesterday or when care stopped."""
    ended = prof.status in (Status.DISENROLLED, Status.DECEASED)
    offset = rng.randint(150 if ended else 20, (years + 2) * 365)
    prof.start = today - timedelta(days=offset)
    yesterday = today - timedelta(days=1)
    if prof.status is Status.ACTIVE:
        prof.last = yesterday
    elif prof.status is Status.PAUSED:
        prof.last = max(prof.start + timedelta(days=10), yesterday - timedelta(days=rng.randint(14, 75)))
    else:
        prof.last = today - timedelta(days=rng.randint(7, min(330, offset - 60)))
    prof.first = max(prof.start, window)


def _recent_discharges(rng: random.Random, active: list[Profile], patients: int) -> set[int]:
    """About 3 per 170 patients, mostly high-risk, heart failure and lung patients."""
    count = min(len(active), max(1, round(_RECENT_DISCHARGES_PER_170 * patients / 170)))
    weight = {RiskTier.HIGH: 3.0, RiskTier.MEDIUM: 1.5, RiskTier.LOW: 0.5}

    def key(prof: Profile) -> float:
        w = weight[prof.tier] + (2 if {"hf", "lung"} & set(prof.keys) else 0)
        return float(rng.random() ** (1 / w))

    return {p.pid for p in sorted(active, key=key, reverse=True)[:count]}


def _enrollments(rng: random.Random, prof: Profile, pcp: str, no_consent: bool) -> list[Enrollment]:
    assert prof.start is not None and prof.last is not None
    serious = any(k.severity >= 2 for k in prof.kinds)
    if prof.tier is RiskTier.HIGH and len(prof.kinds) >= 4 and rng.random() < 0.5:
        main = Program.COMPLEX_CCM
    elif len(prof.kinds) == 2 and serious and rng.random() < 0.5:
        main = Program.PCM  # one serious condition drives the care
    else:
        main = Program.CCM
    end = prof.last if prof.status in (Status.DISENROLLED, Status.DECEASED) else None
    programs = [(main, prof.start)]
    if {"dep", "anx"} & set(prof.keys) and rng.random() < 0.55:
        programs.append((Program.BHI, prof.start + timedelta(days=rng.randint(0, 120))))
    if {"htn", "hf", "dm"} & set(prof.keys) and rng.random() < 0.08:
        programs.append((Program.RPM, prof.start + timedelta(days=rng.randint(0, 200))))
    out = []
    for program, start in programs:
        if start > prof.last:
            continue
        consent: date | None = min(prof.last, start + timedelta(days=rng.randint(0, 14)))
        if no_consent and program is main:
            consent = None
        method = (ConsentMethod.VERBAL if rng.random() < 0.6 else ConsentMethod.WRITTEN) if consent else None
        out.append(
            Enrollment(
                patient_id=prof.pid,
                program=program,
                start_date=start,
                end_date=end,
                consent_date=consent,
                consent_method=method,
                billing_practitioner=pcp,
            )
        )
    return out


def _patient(rng: random.Random, prof: Profile, today: date, pcp: str) -> Patient:
    who, pid = prof.person, prof.pid
    phones = []
    if rng.random() < 0.85:
        phones.append(Phone(number=names.mobile_phone(pid), kind="mobile"))
    if not phones or rng.random() < 0.45:
        phones.append(Phone(number=names.home_phone(pid), kind="home"))
    return Patient(
        id=pid,
        mrn=f"DM{pid:06d}",
        given_name=who.given,
        family_name=who.family,
        preferred_name=who.preferred,
        birth_date=names.birth_date(rng, prof.age, today),
        sex=who.sex,
        language=who.language,
        phones=tuple(phones),
        address=names.address(rng),
        call_window=names.call_window(rng),
        pcp=pcp,
        payer=rng.choices([name for name, _ in _PAYERS], [weight for _, weight in _PAYERS])[0],
        status=prof.status,
        risk_tier=prof.tier,
    )


def _build(
    rng: random.Random,
    prof: Profile,
    clinic: Clinic,
    today: date,
    no_consent: bool,
    recent: bool,
    contact_ids: Iterator[int],
    out: dict[str, list[Any]],
) -> None:
    """Every record of one patient, in a fixed order so the random stream stays reproducible."""
    assert prof.start is not None and prof.first is not None and prof.last is not None
    pid = prof.pid
    pcp = rng.choice(names.CLINICIANS)
    patient = _patient(rng, prof, today, pcp)
    out["patients"].append(patient)
    prof.enrollments = _enrollments(rng, prof, pcp, no_consent)
    out["enrollments"] += prof.enrollments
    conds = clinical.conditions(rng, pid, prof.kinds, patient.birth_date, prof.start)
    out["conditions"] += conds
    team, specialists = clinical.care_team(rng, pid, prof.kinds, prof.person, pcp)
    out["care_team"] += team
    meds = clinical.medications(rng, pid, conds, prof.age, pcp, specialists, prof.start)
    out["medications"] += meds
    out["allergies"] += clinical.allergies(rng, pid)
    rpm = any(e.program is Program.RPM for e in prof.enrollments)
    out["observations"] += clinical.observations(rng, pid, conds, meds, rpm, prof.first, prof.last)

    out["assessments"] += screens.mood_screens(rng, pid, prof.keys, prof.first, prof.last)
    social = screens.social_needs(rng, pid, prof.first, prof.last)
    if social is not None:
        out["assessments"].append(social)
        out["referrals"] += community.referrals(rng, social, out["resources"], prof.last)

    stays = history.transitions(rng, prof, clinic, today, recent)
    out["transitions"] += stays
    tcm_days = [t.contacted_on for t in stays if t.contacted_on is not None]
    contacts, entries = history.calls(rng, prof, clinic, tcm_days, contact_ids)
    out["contacts"] += contacts
    out["time_entries"] += entries
    out["tasks"] += history.tasks(rng, prof, clinic, today)

    versions, draft = careplans.plans(rng, prof, conds, clinic)
    out["care_plan_versions"] += versions
    if draft is not None:
        out["care_plan_drafts"].append(draft)
