"""Care plans built from the patient's conditions: SMART goals, owned interventions, plain words."""

from __future__ import annotations

import random
from datetime import date, timedelta

from caredesk.demo import clinical
from caredesk.demo.clinic import Clinic
from caredesk.demo.profile import Profile
from caredesk.domain.careplan import (
    CarePlanContent,
    CarePlanDraft,
    CarePlanVersion,
    GivenMethod,
    Goal,
    GoalStatus,
    Intervention,
    Owner,
    Problem,
)
from caredesk.domain.patients import Condition, RiskTier

P, CM, PCP, SP, CO = Owner.PATIENT, Owner.CARE_MANAGER, Owner.PCP, Owner.SPECIALIST, Owner.COMMUNITY

# kind -> (title, plain, goals [(measure, target, plain)], interventions [(action, owner, frequency, plain)])
_TEMPLATES = {
    "htn": (
        "High blood pressure",
        "My blood pressure is too high at times.",
        [
            ("Home blood pressure", "below 140/90 on most readings", "Keep my blood pressure under 140/90."),
            ("Salt intake", "under 2,000 mg sodium a day", "Eat less salt."),
        ],
        [
            ("Check and log blood pressure", P, "daily", "Check my blood pressure every morning."),
            ("Review blood pressure log on call", CM, "monthly", "My nurse looks at my readings."),
            ("Adjust blood pressure medicines", PCP, "as needed", "My doctor changes my pills if needed."),
        ],
    ),
    "dm": (
        "Type 2 diabetes",
        "My blood sugar needs watching.",
        [
            ("A1c", "below 8%", "Bring my A1c under 8."),
            ("Fasting glucose", "80-130 mg/dL", "Keep my morning sugar between 80 and 130."),
        ],
        [
            ("Order A1c", PCP, "every 3 months", "My doctor checks my A1c every 3 months."),
            ("Take diabetes medicines as prescribed", P, "daily", "Take my diabetes pills every day."),
            ("Diabetes education class referral", CO, "once", "Go to a diabetes class."),
        ],
    ),
    "hf": (
        "Heart failure",
        "My heart does not pump as strongly as it should.",
        [
            (
                "Daily weight",
                "gain under 3 lb in a day or 5 lb in a week",
                "Weigh myself and call if I gain weight fast.",
            ),
            ("Hospital stays", "no admission for heart failure in 90 days", "Stay out of the hospital."),
        ],
        [
            ("Weigh every morning and log", P, "daily", "Weigh myself every morning."),
            ("Call clinic for weight gain or more swelling", P, "as needed", "Call the clinic if I gain weight."),
            ("Cardiology follow-up", SP, "every 3 months", "See my heart doctor."),
        ],
    ),
    "lung": (
        "Breathing (COPD or asthma)",
        "My lungs make it hard to breathe at times.",
        [("Flare-ups", "no ED visit for breathing in 6 months", "Avoid emergency visits for my breathing.")],
        [
            ("Use maintenance inhaler every day", P, "daily", "Use my daily inhaler."),
            ("Review inhaler technique", CM, "every 3 months", "My nurse checks how I use my inhaler."),
        ],
    ),
    "ckd": (
        "Kidney disease",
        "My kidneys do not filter as well as they should.",
        [("Kidney labs", "eGFR checked every 6 months", "Get my kidney blood test twice a year.")],
        [
            ("Avoid NSAID pain relievers", P, "always", "Do not take ibuprofen or naproxen."),
            ("Nephrology follow-up", SP, "every 6 months", "See my kidney doctor."),
        ],
    ),
    "dep": (
        "Depression",
        "I have felt down and low on energy.",
        [("PHQ-9", "below 10 or 50% lower", "Feel better; my mood score goes down.")],
        [
            ("Repeat PHQ-9", CM, "monthly", "My nurse asks me mood questions each month."),
            ("Behavioral activation: one pleasant activity a day", P, "daily", "Do one thing I enjoy each day."),
        ],
    ),
    "anx": (
        "Anxiety",
        "I worry a lot and it is hard to relax.",
        [("GAD-7", "below 10", "Worry less; my anxiety score goes down.")],
        [
            ("Practice breathing exercise", P, "twice daily", "Do my breathing exercise twice a day."),
            ("Repeat GAD-7", CM, "monthly", "My nurse asks me the worry questions."),
        ],
    ),
    "lipid": (
        "High cholesterol",
        "My cholesterol raises my heart risk.",
        [("Statin taken", "no missed doses in a week", "Take my cholesterol pill every day.")],
        [("Lipid panel", PCP, "yearly", "My doctor checks my cholesterol once a year.")],
    ),
    "afib": (
        "Atrial fibrillation",
        "My heartbeat is sometimes irregular.",
        [("Blood thinner taken", "no missed doses", "Take my blood thinner every day.")],
        [
            ("Review bleeding signs", CM, "monthly", "My nurse asks about bleeding or bruising."),
            ("Cardiology follow-up", SP, "every 6 months", "See my heart doctor."),
        ],
    ),
    "cad": (
        "Coronary artery disease",
        "The arteries of my heart are narrowed.",
        [("Walking", "20 minutes 5 days a week", "Walk 20 minutes most days.")],
        [("Take aspirin and heart medicines", P, "daily", "Take my heart pills every day.")],
    ),
    "oa": (
        "Knee arthritis",
        "My knee hurts when I walk.",
        [("Pain", "below 4 of 10 most days", "Keep my knee pain low.")],
        [("Home exercise program", P, "3 times a week", "Do my knee exercises.")],
    ),
    "alz": (
        "Memory loss",
        "I have trouble remembering things.",
        [("Home safety", "home safety check done", "Keep my home safe.")],
        [
            ("Caregiver support group referral", CO, "once", "My family gets support."),
            ("Pill organizer filled weekly by caregiver", P, "weekly", "My family helps with my pills."),
        ],
    ),
    "obesity": (
        "Weight",
        "My weight puts strain on my health.",
        [("Weight", "5% lower in 6 months", "Lose a little weight.")],
        [("Nutrition referral", CO, "once", "Meet a nutrition coach.")],
    ),
    "thyroid": (
        "Underactive thyroid",
        "My thyroid is slow.",
        [("TSH", "in normal range", "Keep my thyroid test normal.")],
        [("Take levothyroxine before breakfast", P, "daily", "Take my thyroid pill before breakfast.")],
    ),
}
_LATER_STATUS = (GoalStatus.IN_PROGRESS, GoalStatus.IN_PROGRESS, GoalStatus.MET, GoalStatus.NOT_MET)
_BARRIERS = (
    "Limited transportation",
    "Lives alone",
    "Cost of medications",
    "Hearing difficulty on the phone",
    "Low health literacy",
    "Forgets doses",
)
_STRENGTHS = (
    "Motivated to stay at home",
    "Supportive family",
    "Keeps a medication list",
    "Active in church community",
    "Walks daily",
)


def content(rng: random.Random, prof: Profile, conds: list[Condition], on: date, progress: float) -> CarePlanContent:
    problems = []
    for cond in conds[:4]:
        title, plain, goals, actions = _TEMPLATES[clinical.kind_of(cond.icd10).key]
        chosen_goals = tuple(
            Goal(
                measure=m,
                target=t,
                plain=g,
                target_date=on + timedelta(days=rng.choice((90, 120, 180))),
                status=GoalStatus.NOT_STARTED if progress == 0 else rng.choice(_LATER_STATUS),
            )
            for m, t, g in goals[: rng.randint(1, 2)]
        )
        chosen_actions = tuple(
            Intervention(action=a, owner=o, frequency=f, plain=p) for a, o, f, p in actions[: rng.randint(1, 3)]
        )
        problems.append(
            Problem(
                title=title, condition_icd10=cond.icd10, plain=plain, goals=chosen_goals, interventions=chosen_actions
            )
        )
    barriers = list(_BARRIERS)
    if prof.person.language != "English":
        barriers.append(f"Prefers {prof.person.language}; interpreter needed")
    return CarePlanContent(
        problems=tuple(problems),
        barriers="; ".join(rng.sample(barriers, 2)),
        strengths="; ".join(rng.sample(_STRENGTHS, 2)),
        symptom_management="Call the clinic for new or worse symptoms; call 911 for chest pain or trouble breathing.",
        expected_outcome="Stable at home; avoid hospital stays."
        + (" Prognosis guarded." if prof.tier is RiskTier.HIGH else ""),
        medication_management="Reconciled medication list; weekly pill organizer.",
        community_services="Referrals as listed in the chart.",
        coordination="Plan shared with PCP and specialists on the care team.",
        next_review=on + timedelta(days=rng.choice((90, 180, 365))),
    )


def plans(
    rng: random.Random, prof: Profile, conds: list[Condition], clinic: Clinic
) -> tuple[list[CarePlanVersion], CarePlanDraft | None]:
    """About a third of patients have 1-2 finalized versions; some have a draft in progress."""
    assert prof.first is not None and prof.last is not None
    versions: list[CarePlanVersion] = []
    span = (prof.last - prof.first).days
    if span >= 20 and rng.random() < 0.34:
        day = clinic.days.business_day_on_or_after(prof.first + timedelta(days=rng.randint(0, min(60, span // 2))))
        for number in range(1, rng.choice((2, 3))):
            if day > prof.last:
                break
            given_on = day + timedelta(days=rng.randint(0, 7)) if rng.random() < 0.6 else None
            versions.append(
                CarePlanVersion(
                    patient_id=prof.pid,
                    number=number,
                    content=content(rng, prof, conds, day, number - 1),
                    finalized_at=clinic.at(rng, day),
                    finalized_by="Care manager",
                    given_on=given_on if given_on and given_on <= prof.last else None,
                    given_method=rng.choice(tuple(GivenMethod)) if given_on and given_on <= prof.last else None,
                )
            )
            day = clinic.days.business_day_on_or_after(day + timedelta(days=rng.randint(120, 300)))
    draft = None
    if span >= 0 and rng.random() < 0.1:
        day = prof.last - timedelta(days=rng.randint(0, min(30, span)))
        draft = CarePlanDraft(
            patient_id=prof.pid,
            content=content(rng, prof, conds, day, 1.0 if versions else 0),
            updated_at=clinic.at(rng, day),
        )
    return versions, draft
