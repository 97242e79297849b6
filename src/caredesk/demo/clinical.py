"""Chronic conditions with the medicines, specialists and readings that go with them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from caredesk.demo import names
from caredesk.domain.patients import (
    Adherence,
    Allergy,
    CareTeamMember,
    Condition,
    Medication,
    Observation,
    ObservationKind,
)

Drug = tuple[str, str, str]  # name, dose, frequency


@dataclass(frozen=True)
class Kind:
    """A family of conditions a care manager treats alike; a patient has at most one code of each."""

    key: str
    weight: int  # relative prevalence in a CCM panel
    codes: tuple[tuple[str, str], ...]  # (ICD-10, display)
    drugs: tuple[tuple[float, tuple[Drug, ...]], ...]  # (chance, alternatives); chance 1 = always
    specialist: str = ""
    severity: int = 0  # adds to the risk score


_DAILY, _BID = "once daily", "twice daily"
_ARNI = "sacubitril/valsartan"
_RAS = ("lisinopril", "losartan", _ARNI)  # renin-angiotensin agents: never two at once
KINDS: tuple[Kind, ...] = (
    Kind(
        "htn",
        70,
        (("I10", "Essential (primary) hypertension"),),
        (
            (1, (("lisinopril", "10 mg", _DAILY), ("losartan", "50 mg", _DAILY), ("amlodipine", "5 mg", _DAILY))),
            (0.45, (("amlodipine", "10 mg", _DAILY), ("hydrochlorothiazide", "25 mg", _DAILY))),
        ),
        "Cardiologist",
    ),
    Kind(
        "lipid",
        55,
        (("E78.5", "Hyperlipidemia, unspecified"),),
        ((1, (("atorvastatin", "40 mg", "once daily at bedtime"), ("rosuvastatin", "10 mg", _DAILY))),),
        "Cardiologist",
    ),
    Kind(
        "dm",
        38,
        (
            ("E11.9", "Type 2 diabetes mellitus without complications"),
            ("E11.65", "Type 2 diabetes mellitus with hyperglycemia"),
        ),
        (
            (1, (("metformin", "500 mg", _BID), ("metformin", "1000 mg", _BID))),
            (0.3, (("empagliflozin", "10 mg", _DAILY), ("sitagliptin", "100 mg", _DAILY))),
        ),
        "Endocrinologist",
        1,
    ),
    Kind(
        "hf",
        14,
        (("I50.9", "Heart failure, unspecified"), ("I50.22", "Chronic systolic (congestive) heart failure")),
        (
            (1, (("furosemide", "40 mg", _DAILY),)),
            (1, (("carvedilol", "6.25 mg", _BID),)),
            (0.4, (("spironolactone", "25 mg", _DAILY), ("sacubitril/valsartan", "24/26 mg", _BID))),
        ),
        "Cardiologist",
        3,
    ),
    Kind(
        "lung",
        18,
        (
            ("J44.9", "Chronic obstructive pulmonary disease, unspecified"),
            ("J45.909", "Unspecified asthma, uncomplicated"),
        ),
        (
            (1, (("tiotropium inhaler", "18 mcg", "1 inhalation once daily"),)),
            (1, (("albuterol inhaler", "90 mcg", "2 puffs every 4-6 hours as needed"),)),
        ),
        "Pulmonologist",
        2,
    ),
    Kind(
        "ckd",
        14,
        (
            ("N18.30", "Chronic kidney disease, stage 3 unspecified"),
            ("N18.4", "Chronic kidney disease, stage 4 (severe)"),
        ),
        ((0.3, (("sodium bicarbonate", "650 mg", _BID),)),),
        "Nephrologist",
        2,
    ),
    Kind(
        "dep",
        18,
        (
            ("F32.9", "Major depressive disorder, single episode, unspecified"),
            ("F33.1", "Major depressive disorder, recurrent, moderate"),
        ),
        (
            (
                1,
                (
                    ("sertraline", "50 mg", _DAILY),
                    ("escitalopram", "10 mg", _DAILY),
                    ("bupropion XL", "150 mg", _DAILY),
                ),
            ),
        ),
        "Psychiatrist",
        1,
    ),
    Kind(
        "anx",
        12,
        (("F41.1", "Generalized anxiety disorder"),),
        ((0.7, (("buspirone", "10 mg", _BID), ("sertraline", "50 mg", _DAILY))),),
        "Behavioral health clinician",
    ),
    Kind(
        "afib",
        12,
        (("I48.91", "Unspecified atrial fibrillation"),),
        ((1, (("apixaban", "5 mg", _BID),)), (0.8, (("metoprolol succinate", "25 mg", _DAILY),))),
        "Cardiologist",
        2,
    ),
    Kind(
        "cad",
        14,
        (("I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris"),),
        ((1, (("aspirin", "81 mg", _DAILY),)), (0.5, (("metoprolol succinate", "25 mg", _DAILY),))),
        "Cardiologist",
        1,
    ),
    Kind(
        "oa",
        20,
        (("M17.11", "Unilateral primary osteoarthritis, right knee"),),
        ((0.8, (("acetaminophen", "650 mg", "every 8 hours as needed"),)),),
        "Orthopedist",
    ),
    Kind(
        "alz",
        7,
        (("G30.9", "Alzheimer's disease, unspecified"),),
        ((0.8, (("donepezil", "10 mg", "once daily at bedtime"),)),),
        "Neurologist",
        2,
    ),
    Kind("obesity", 16, (("E66.9", "Obesity, unspecified"),), (), "Endocrinologist"),
    Kind(
        "thyroid",
        12,
        (("E03.9", "Hypothyroidism, unspecified"),),
        ((1, (("levothyroxine", "50 mcg", "once daily before breakfast"),)),),
        "Endocrinologist",
    ),
)
KIND_BY_KEY = {k.key: k for k in KINDS}

_ALLERGIES = (
    ("penicillin", "hives"),
    ("sulfa drugs", "rash"),
    ("codeine", "nausea and vomiting"),
    ("latex", "contact dermatitis"),
    ("shellfish", "throat swelling"),
    ("iodinated contrast", "hives"),
    ("morphine", "itching"),
    ("amoxicillin", "rash"),
)
_ADHERENCE = (Adherence.GOOD, Adherence.PARTIAL, Adherence.POOR, Adherence.UNKNOWN)


def pick_kinds(rng: random.Random, count: int, age: int) -> list[Kind]:
    """`count` distinct condition kinds, weighted by prevalence (Efraimidis-Spirakis keys)."""
    keyed = []
    for kind in KINDS:
        weight = kind.weight * (0.2 if kind.key == "alz" and age < 70 else 1)
        keyed.append((rng.random() ** (1 / weight), kind.key))
    keyed.sort(reverse=True)
    return [KIND_BY_KEY[key] for _, key in keyed[:count]]


def conditions(rng: random.Random, pid: int, kinds: list[Kind], birth: date, start: date) -> list[Condition]:
    out = []
    for kind in kinds:
        # E11.65 (hyperglycemia) and the later disease stages are the rarer codes.
        code, display = kind.codes[0] if len(kind.codes) == 1 or rng.random() < 0.65 else kind.codes[1]
        onset = None
        if rng.random() < 0.8:
            earliest = max(birth + timedelta(days=40 * 365), start - timedelta(days=25 * 365))
            onset = earliest + timedelta(days=rng.randint(0, max(0, (start - earliest).days)))
        out.append(Condition(patient_id=pid, icd10=code, display=display, onset=onset))
    return out


def medications(
    rng: random.Random, pid: int, conds: list[Condition], age: int, pcp: str, team: dict[str, str], start: date
) -> list[Medication]:
    codes = {c.icd10 for c in conds}
    out: list[Medication] = []
    seen: list[str] = []

    def add(drug: Drug, prescriber: str, stop: date | None = None) -> None:
        name, dose, freq = drug
        if name in seen:
            return
        seen.append(name)
        began = start - timedelta(days=rng.randint(30, 2500)) if rng.random() < 0.9 else None
        if stop is not None and began is not None and began >= stop:
            began = stop - timedelta(days=rng.randint(30, 400))
        adherence = rng.choices(_ADHERENCE, (65, 20, 7, 8))[0]
        # One renin-angiotensin agent at a time (decided after the draws above, so every other
        # patient of a seed's panel stays as it was): no ACE inhibitor or ARB beside another, and
        # heart failure switched to sacubitril/valsartan has its ACE inhibitor or ARB stopped first
        # (ENTRESTO label: contraindicated with an ACE inhibitor, 36 h apart; it holds an ARB).
        if stop is None and name in _RAS and any(m.name in _RAS and m.stop_date is None for m in out):
            if name != _ARNI:
                return
            switched = (began or start) - timedelta(days=2)
            for i, m in enumerate(out):
                if m.name in _RAS and m.stop_date is None:
                    kept = m.start_date if m.start_date is not None and m.start_date < switched else None
                    out[i] = replace(m, stop_date=switched, start_date=kept)
        out.append(
            Medication(
                patient_id=pid,
                name=name,
                dose=dose,
                frequency=freq,
                prescriber=prescriber,
                start_date=began,
                stop_date=stop,
                adherence=adherence,
            )
        )

    for cond in conds:
        kind = kind_of(cond.icd10)
        prescriber = team.get(kind.specialist, pcp) if rng.random() < 0.4 else pcp
        for chance, options in kind.drugs:
            if rng.random() >= chance:
                continue
            drug = rng.choice(options)
            if drug[0] == "metformin" and "N18.4" in codes:
                drug = ("linagliptin", "5 mg", _DAILY)  # metformin is unsafe in stage 4 CKD
            if drug[0] == "apixaban" and age >= 80:
                drug = ("apixaban", "2.5 mg", _BID)
            add(drug, prescriber)
        if cond.icd10 == "E11.65" and rng.random() < 0.7:
            add(("insulin glargine", f"{rng.choice((10, 14, 20, 26))} units", "once daily at bedtime"), prescriber)
    if rng.random() < 0.1:  # an old prescription kept on the list as stopped
        add(("simvastatin", "20 mg", "once daily at bedtime"), pcp, stop=start - timedelta(days=rng.randint(10, 500)))
    return out


def kind_of(icd10: str) -> Kind:
    return next(k for k in KINDS if any(code == icd10 for code, _ in k.codes))


def allergies(rng: random.Random, pid: int) -> list[Allergy]:
    count = rng.choices((0, 1, 2), (65, 27, 8))[0]  # NKDA is the absence of a record
    return [Allergy(patient_id=pid, substance=s, reaction=r) for s, r in rng.sample(_ALLERGIES, count)]


def care_team(
    rng: random.Random, pid: int, kinds: list[Kind], who: names.Person, pcp: str
) -> tuple[list[CareTeamMember], dict[str, str]]:
    """PCP, 1-2 specialists for the patient's conditions, sometimes a caregiver; role -> name."""
    members = [
        CareTeamMember(patient_id=pid, name=pcp, role="PCP", organization=names.PRACTICE, phone=names.office_phone(0))
    ]
    roles: list[str] = []
    for kind in kinds:
        if kind.specialist and kind.specialist not in roles:
            roles.append(kind.specialist)
    by_role = {}
    for role in roles[: rng.randint(1, 2)]:
        index = rng.randrange(len(names.SPECIALISTS[role]))
        name, org = names.SPECIALISTS[role][index]
        by_role[role] = name
        members.append(
            CareTeamMember(
                patient_id=pid,
                name=name,
                role=role,
                organization=org,
                phone=names.office_phone(1 + list(names.SPECIALISTS).index(role) * 5 + index),
            )
        )
    if any(k.key == "alz" for k in kinds) or rng.random() < 0.25:
        name, role = names.caregiver(rng, who)
        members.append(CareTeamMember(patient_id=pid, name=name, role=role, phone=names.caregiver_phone(pid)))
    return members, by_role


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _days(rng: random.Random, first: date, last: date, gap: tuple[int, int]) -> Iterator[date]:
    """Reading days from `first` to `last`, spaced by a random gap in days."""
    day = first + timedelta(days=rng.randint(0, gap[1]))
    while day <= last:
        yield day
        day += timedelta(days=rng.randint(*gap))


def observations(
    rng: random.Random, pid: int, conds: list[Condition], meds: list[Medication], rpm: bool, first: date, last: date
) -> list[Observation]:
    keys = {kind_of(c.icd10).key for c in conds}
    codes = {c.icd10 for c in conds}
    out: list[Observation] = []
    if keys & {"htn", "hf"}:
        control = rng.random()  # ~60% at goal, ~25% borderline, ~15% uncontrolled
        sys_mean, dia_mean = (
            (rng.uniform(122, 134), rng.uniform(70, 80))
            if control < 0.6
            else (rng.uniform(136, 148), rng.uniform(80, 90))
            if control < 0.85
            else (rng.uniform(150, 172), rng.uniform(88, 104))
        )
        for day in _days(rng, first, last, (5, 9) if rpm else (24, 40)):
            sys = round(_clamp(rng.gauss(sys_mean, 8), 95, 220))
            dia = round(_clamp(rng.gauss(dia_mean, 6), 50, min(130, sys - 25)))
            out.append(Observation(patient_id=pid, kind=ObservationKind.SYSTOLIC_BP, value=sys, observed_on=day))
            out.append(Observation(patient_id=pid, kind=ObservationKind.DIASTOLIC_BP, value=dia, observed_on=day))
    if "dm" in keys:
        a1c_mean = rng.uniform(8.3, 11.0) if "E11.65" in codes else rng.uniform(6.2, 8.4)
        for day in _days(rng, first, last, (80, 100)):
            a1c = round(_clamp(rng.gauss(a1c_mean, 0.4), 5.0, 14.0), 1)
            out.append(Observation(patient_id=pid, kind=ObservationKind.A1C, value=a1c, observed_on=day))
        if rpm or any(m.name == "insulin glargine" for m in meds):
            glucose_mean = 28.7 * a1c_mean - 46.7  # ADA estimated average glucose
            for day in _days(rng, first, last, (5, 12)):
                value = round(_clamp(rng.gauss(glucose_mean, 25), 55, 450))
                out.append(Observation(patient_id=pid, kind=ObservationKind.GLUCOSE, value=value, observed_on=day))
    if "hf" in keys:
        weight = rng.uniform(130, 260)
        for day in _days(rng, first, last, (3, 7) if rpm else (14, 35)):
            weight = _clamp(weight + rng.gauss(0, 1.5), 90, 400)
            out.append(
                Observation(patient_id=pid, kind=ObservationKind.WEIGHT, value=round(weight, 1), observed_on=day)
            )
    return out
