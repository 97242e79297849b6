"""Templates for the other common chronic problems of a CCM panel (issue 12), as data.

Same shape and voice as caredesk.domain.careplan_templates (which merges these in): SMART goals
with a target the care manager adjusts per patient, owned interventions, and first-person
patient wording short enough for the printed copy. Targets follow common primary-care defaults:
- CAD and hyperlipidemia: high-intensity statin taken daily, LDL below 70 mg/dL in clinical
  ASCVD (2018 AHA/ACC cholesterol guideline); cardiac rehab referral after an event.
- Atrial fibrillation: anticoagulant taken every day when prescribed (2023 ACC/AHA/ACCP/HRS AF
  guideline), resting heart rate under 110 (rate control, RACE II).
- CKD: blood pressure below 130/80 (ACC/AHA 2017) and no NSAIDs; eGFR and urine albumin at
  least yearly (KDIGO 2024).
- Asthma: Asthma Control Test score of 20 or more means well controlled (Nathan et al., J
  Allergy Clin Immunol 2004); a written action plan (NAEPP 2020).
- Obesity: 5% of body weight lost in 6 months is clinically meaningful (USPSTF 2018).
- Osteoarthritis and chronic pain: function goals and daily movement (ACR/AF 2019 OA guideline).
- Anxiety: GAD-7 below 10, or 50% lower (Spitzer et al., Arch Intern Med 2006).
- Dementia: caregiver support and home safety (CMS cognitive assessment and care plan, 99483).
"""

from __future__ import annotations

from caredesk.domain.careplan import Intervention, Owner

P, CM, PCP, SP, CO = Owner.PATIENT, Owner.CARE_MANAGER, Owner.PCP, Owner.SPECIALIST, Owner.COMMUNITY

# (title, plain, ICD-10 categories, goals as (measure, target, days, plain), interventions as
# (action, owner, frequency, plain)): caredesk.domain.careplan_templates builds the templates.
Row = tuple[
    str,
    str,
    tuple[str, ...],
    tuple[tuple[str, str, int, str], ...],
    tuple[Intervention, ...],
]


def _i(action: str, owner: Owner, frequency: str, plain: str) -> Intervention:
    return Intervention(action=action, owner=owner, frequency=frequency, plain=plain)


MORE: dict[str, Row] = {
    "coronary artery disease": (
        "Coronary artery disease",
        "The blood vessels to my heart are narrowed.",
        ("I20", "I21", "I25"),
        (
            ("Chest pain episodes", "none needing the ER in 90 days", 90, "Stay out of the ER for chest pain."),
            ("Statin taken", "every day", 30, "Take my cholesterol medicine every day."),
        ),
        (
            _i("Take heart medicines as prescribed", P, "daily", "Take my heart medicines every day."),
            _i("Cardiac rehab referral", CO, "once", "Go to a heart exercise program."),
            _i("Cardiology follow-up", SP, "every 6 months", "See my heart doctor."),
        ),
    ),
    "atrial fibrillation": (
        "Atrial fibrillation",
        "My heartbeat is sometimes irregular, which can cause a stroke.",
        ("I48",),
        (
            ("Anticoagulant taken", "every day, no missed doses", 30, "Take my blood thinner every day."),
            ("Resting heart rate", "under 110 beats a minute", 60, "Keep my resting pulse under 110."),
        ),
        (
            _i("Take the blood thinner as prescribed", P, "daily", "Take my blood thinner at the same time each day."),
            _i(
                "Review bleeding signs and missed doses",
                CM,
                "monthly",
                "My care manager asks about bleeding and missed doses.",
            ),
            _i("Cardiology follow-up", SP, "every 6 months", "See my heart doctor."),
        ),
    ),
    "chronic kidney disease": (
        "Chronic kidney disease",
        "My kidneys do not clean my blood as well as they should.",
        ("N18",),
        (
            ("Blood pressure", "below 130/80 on most readings", 90, "Keep my blood pressure below 130 over 80."),
            ("NSAID use", "none (no ibuprofen or naproxen)", 30, "Do not take ibuprofen or naproxen."),
        ),
        (
            _i(
                "Check kidney labs (eGFR, urine albumin)", PCP, "every 6-12 months", "My doctor checks my kidney tests."
            ),
            _i("Review medicines for kidney safety", CM, "every 3 months", "My care manager checks my medicines."),
            _i("Nephrology follow-up", SP, "as advised", "See my kidney doctor."),
        ),
    ),
    "asthma": (
        "Asthma",
        "My airways get tight and make it hard to breathe at times.",
        ("J45",),
        (
            ("Asthma Control Test", "20 or more", 90, "Have good control of my asthma most days."),
            ("Rescue inhaler use", "2 days a week or fewer", 60, "Need my rescue inhaler 2 days a week or less."),
        ),
        (
            _i("Use controller inhaler", P, "daily", "Use my daily inhaler, even when I feel well."),
            _i("Review the asthma action plan", CM, "every 3 months", "My care manager goes over my asthma plan."),
        ),
    ),
    "obesity": (
        "Weight",
        "My weight makes my health problems harder.",
        ("E66",),
        (("Body weight", "5% lower than at start", 180, "Lose 5 percent of my weight in 6 months."),),
        (
            _i("Walk or move for 30 minutes", P, "5 days a week", "Walk or move for 30 minutes most days."),
            _i("Review food and activity log", CM, "monthly", "My care manager looks at my food and activity log."),
            _i("Refer to nutrition counseling", PCP, "once", "My doctor sets up a visit with a dietitian."),
        ),
    ),
    "chronic pain": (
        "Joint pain (osteoarthritis) or chronic pain",
        "Pain makes everyday things hard for me.",
        ("M15", "M16", "M17", "M18", "M19", "G89"),
        (("Daily activity", "one chosen activity done without stopping", 60, "Do one thing I choose each day."),),
        (
            _i("Gentle exercise or stretching", P, "daily", "Do my stretching or exercise every day."),
            _i("Review pain, sleep and function", CM, "monthly", "My care manager asks how the pain affects my day."),
            _i("Physical therapy referral", PCP, "once", "My doctor sets up physical therapy."),
        ),
    ),
    "anxiety": (
        "Anxiety",
        "I often feel worried or on edge.",
        ("F41",),
        (("GAD-7", "below 10, or 50% lower than at start", 90, "Feel calmer: my worry score goes down."),),
        (
            _i("Repeat GAD-7", CM, "monthly", "My care manager asks me worry questions each month."),
            _i("Practice a calming skill", P, "daily", "Practice slow breathing or another calming skill each day."),
            _i(
                "Review treatment or refer to counseling",
                PCP,
                "as needed",
                "My doctor checks my medicine or sets up counseling.",
            ),
        ),
    ),
    "dementia": (
        "Memory loss (dementia)",
        "My memory and thinking are getting harder.",
        ("F01", "F02", "F03", "G30"),
        (
            ("Home safety check", "done, with the changes made", 60, "Make my home safer."),
            ("Caregiver support", "caregiver connected to a support service", 90, "My family gets help and support."),
        ),
        (
            _i("Keep a daily routine and medicine organizer", P, "daily", "Use my pill box and keep a daily routine."),
            _i("Check in with the caregiver", CM, "monthly", "My care manager talks with my caregiver each month."),
            _i("Refer to a caregiver support program", CO, "once", "My family is connected to a support program."),
        ),
    ),
    "hyperlipidemia": (
        "High cholesterol",
        "My cholesterol is higher than is healthy for my heart.",
        ("E78",),
        (("Statin taken", "every day", 30, "Take my cholesterol medicine every day."),),
        (
            _i("Take the statin as prescribed", P, "daily", "Take my cholesterol medicine every day."),
            _i("Check lipids", PCP, "yearly", "My doctor checks my cholesterol each year."),
        ),
    ),
}
