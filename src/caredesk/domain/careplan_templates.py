"""Starting points for common chronic problems, as data.

A template pre-fills a problem with SMART goals and owned interventions that the care
manager then edits; goal dates are counted from the day the plan is started, so the
same template gives sensible dates at any review. Patient wording is first person and
short, because the patient reads it on the printed plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from caredesk.domain.careplan import Goal, GoalStatus, Intervention, Owner, Problem
from caredesk.domain.careplan_templates_more import MORE
from caredesk.errors import ValidationError

P, CM, PCP, SP, CO = Owner.PATIENT, Owner.CARE_MANAGER, Owner.PCP, Owner.SPECIALIST, Owner.COMMUNITY


@dataclass(frozen=True, slots=True)
class GoalTemplate:
    measure: str
    target: str
    days: int  # target date = start + days
    plain: str


@dataclass(frozen=True, slots=True)
class ProblemTemplate:
    title: str
    plain: str
    icd10_categories: tuple[str, ...]  # 3-character ICD-10 categories this template fits
    goals: tuple[GoalTemplate, ...]
    interventions: tuple[Intervention, ...]


def _i(action: str, owner: Owner, frequency: str, plain: str) -> Intervention:
    return Intervention(action=action, owner=owner, frequency=frequency, plain=plain)


# Targets follow common primary-care defaults (ADA A1c < 8% for older adults, BP < 130/80
# per ACC/AHA 2017, PHQ-9 response = 50% drop); the care manager adjusts them per patient.
TEMPLATES: dict[str, ProblemTemplate] = {
    "diabetes": ProblemTemplate(
        title="Type 2 diabetes",
        plain="My blood sugar runs too high.",
        icd10_categories=("E11",),
        goals=(
            GoalTemplate("A1c", "A1c below 8%", 90, "Keep my blood sugar test (A1c) below 8."),
            GoalTemplate(
                "Fasting blood sugar",
                "80-130 mg/dL on most mornings",
                30,
                "Keep my morning blood sugar between 80 and 130.",
            ),
        ),
        interventions=(
            _i("Take diabetes medicines as prescribed", P, "daily", "Take my diabetes medicine every day."),
            _i("Check A1c", PCP, "every 3 months", "My doctor checks my A1c every 3 months."),
            _i(
                "Review blood sugar log and refer to diabetes education",
                CM,
                "monthly",
                "My care manager looks at my sugar readings with me each month.",
            ),
        ),
    ),
    "hypertension": ProblemTemplate(
        title="High blood pressure",
        plain="My blood pressure is too high.",
        icd10_categories=("I10", "I11"),
        goals=(
            GoalTemplate(
                "Home blood pressure", "below 130/80 on most readings", 90, "Keep my blood pressure below 130 over 80."
            ),
            GoalTemplate("Sodium intake", "under 2,000 mg a day", 60, "Eat less salt."),
        ),
        interventions=(
            _i("Check and log blood pressure", P, "daily", "Check my blood pressure each morning and write it down."),
            _i("Review blood pressure log", CM, "monthly", "My care manager looks at my readings each month."),
            _i("Adjust blood pressure medicines", PCP, "as needed", "My doctor changes my medicine if needed."),
        ),
    ),
    "heart failure": ProblemTemplate(
        title="Heart failure",
        plain="My heart does not pump as strongly as it should.",
        icd10_categories=("I50",),
        goals=(
            GoalTemplate(
                "Daily weight",
                "gain under 3 lb in a day or 5 lb in a week",
                30,
                "Weigh myself every day and call if I gain weight fast.",
            ),
            GoalTemplate("Hospital stays for heart failure", "none in 90 days", 90, "Stay out of the hospital."),
        ),
        interventions=(
            _i("Weigh every morning and log it", P, "daily", "Weigh myself every morning after using the bathroom."),
            _i(
                "Review weights, swelling and breathing",
                CM,
                "weekly",
                "My care manager checks on my weight and breathing.",
            ),
            _i("Cardiology follow-up", SP, "every 3 months", "See my heart doctor."),
        ),
    ),
    "copd": ProblemTemplate(
        title="COPD",
        plain="My lungs make it hard to breathe at times.",
        icd10_categories=("J44",),
        goals=(
            GoalTemplate(
                "Flare-ups needing the ER or hospital", "none in 90 days", 90, "Avoid going to the ER for my breathing."
            ),
            GoalTemplate("Inhaler use", "daily inhaler used every day", 30, "Use my daily inhaler every day."),
        ),
        interventions=(
            _i("Use maintenance inhaler", P, "daily", "Use my daily inhaler, even when I feel well."),
            _i(
                "Review inhaler technique and action plan",
                CM,
                "every 3 months",
                "My care manager checks how I use my inhaler.",
            ),
            _i("Pulmonary rehab referral", CO, "once", "Go to a breathing exercise program."),
        ),
    ),
    "depression": ProblemTemplate(
        title="Depression",
        plain="I have felt down and low on energy.",
        icd10_categories=("F32", "F33"),
        goals=(
            GoalTemplate("PHQ-9", "below 10, or 50% lower than at start", 90, "Feel better: my mood score goes down."),
        ),
        interventions=(
            _i("Repeat PHQ-9", CM, "monthly", "My care manager asks me mood questions each month."),
            _i("One pleasant activity a day", P, "daily", "Do one thing I enjoy each day."),
            _i(
                "Review antidepressant or refer to counseling",
                PCP,
                "as needed",
                "My doctor checks my medicine or sets up counseling.",
            ),
        ),
    ),
}

TEMPLATES.update(
    {
        key: ProblemTemplate(title, plain, cats, tuple(GoalTemplate(*g) for g in goals), actions)
        for key, (title, plain, cats, goals, actions) in MORE.items()
    }
)
_BY_CATEGORY = {cat: key for key, tpl in TEMPLATES.items() for cat in tpl.icd10_categories}
# Not a template: an empty problem the care manager writes from scratch (issue 12).
BLANK = "blank"


def problem_from_template(key: str, start: date, *, icd10: str = "") -> Problem:
    """A new problem from a template, its goal dates counted from `start`; BLANK gives an empty
    one (titled, with goals and interventions, by the care manager before it can be finalized)."""
    if key == BLANK:
        return Problem(title="", condition_icd10=icd10)
    tpl = TEMPLATES.get(key)
    if tpl is None:
        raise ValidationError("template", f"there is no template named '{key}'")
    goals = tuple(
        Goal(
            measure=g.measure,
            target=g.target,
            target_date=start + timedelta(days=g.days),
            status=GoalStatus.NOT_STARTED,
            plain=g.plain,
        )
        for g in tpl.goals
    )
    return Problem(
        title=tpl.title, condition_icd10=icd10, plain=tpl.plain, goals=goals, interventions=tpl.interventions
    )


def template_for_icd10(code: str) -> str | None:
    """The template key for a condition code ('E11.9' -> 'diabetes'), or None."""
    category = (code or "").strip().upper().replace(".", "")[:3]
    return _BY_CATEGORY.get(category)
