"""The synthetic demo panel: deterministic, realistic, consistent, never in the future."""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from caredesk.demo import DemoPanel, generate_panel
from caredesk.domain.calendar import age_on
from caredesk.domain.contacts import Activity, Outcome
from caredesk.domain.coordination import Instrument, TaskStatus
from caredesk.domain.patients import ObservationKind, Program, RiskTier, Sex, Status

TODAY = date(2026, 11, 24)
TZ = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def panel() -> DemoPanel:
    return generate_panel(patients=170, seed=1, years=1, today=TODAY, tz=TZ)


def by_patient(records) -> dict[int, list]:
    grouped = defaultdict(list)
    for record in records:
        grouped[record.patient_id].append(record)
    return grouped


def test_same_seed_gives_same_panel(panel):
    again = generate_panel(patients=170, seed=1, years=1, today=TODAY, tz=TZ)
    assert again == panel


def test_same_seed_gives_same_panel_whatever_the_string_hash_seed():
    # Set iteration order changes with PYTHONHASHSEED; the panel must not.
    script = (
        "import hashlib, datetime, zoneinfo;"
        "from caredesk.demo import generate_panel;"
        "p = generate_panel(patients=40, seed=7, today=datetime.date(2026, 11, 24),"
        " tz=zoneinfo.ZoneInfo('America/New_York'));"
        "print(hashlib.sha256(repr(p).encode()).hexdigest())"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": src}
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        digests.add(run.stdout.strip())
    here = generate_panel(patients=40, seed=7, today=TODAY, tz=TZ)
    assert digests == {hashlib.sha256(repr(here).encode()).hexdigest()}


def test_demo_needs_no_gui_or_database_packages():
    script = (
        "import sys, caredesk.demo;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'sqlcipher3')))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_other_seed_gives_other_panel(panel):
    other = generate_panel(patients=170, seed=2, years=1, today=TODAY, tz=TZ)
    assert other != panel
    assert [p.mrn for p in other.patients] == [p.mrn for p in panel.patients]
    assert [p.family_name for p in other.patients] != [p.family_name for p in panel.patients]


def test_a_panel_needs_patients_and_years():
    with pytest.raises(ValueError):
        generate_panel(patients=0, today=TODAY, tz=TZ)
    with pytest.raises(ValueError):
        generate_panel(years=0, today=TODAY, tz=TZ)


def test_170_patients_aged_55_to_95(panel):
    assert [p.id for p in panel.patients] == list(range(1, 171))
    assert all(re.fullmatch(r"DM\d{6}", p.mrn) for p in panel.patients)
    assert len({p.mrn for p in panel.patients}) == 170
    ages = [age_on(p.birth_date, TODAY) for p in panel.patients]
    assert min(ages) >= 55 and max(ages) <= 95
    assert min(ages) <= 60 and max(ages) >= 90  # the whole range is used


def test_names_are_diverse_with_unicode_and_sex_matching_given_name(panel):
    from caredesk.demo.names import CULTURES

    female = {n for c in CULTURES for n in c.female}
    male = {n for c in CULTURES for n in c.male}
    for p in panel.patients:
        assert p.given_name in (female if p.sex is Sex.FEMALE else male)
    full_names = [p.given_name + p.family_name for p in panel.patients]
    assert sum(not n.isascii() for n in full_names) >= 17  # at least a tenth use accents or other scripts
    assert sum(bool(p.preferred_name) for p in panel.patients) >= 5
    languages = Counter(p.language for p in panel.patients)
    assert languages["English"] > 0.6 * 170
    assert languages["Spanish"] > 0 and len(languages) >= 4


def test_contact_details_are_obviously_fictional(panel):
    numbers = [ph.number for p in panel.patients for ph in p.phones]
    assert all(n.startswith("(555) 01") for n in numbers)
    assert len(numbers) == len(set(numbers))
    assert all(p.phones for p in panel.patients)
    assert all(re.search(r", ZZ 000\d\d$", p.address) for p in panel.patients)
    assert all(m.phone == "" or m.phone.startswith("(555) 01") for m in panel.care_team)


def test_status_and_risk_tiers_have_a_realistic_mix(panel):
    statuses = Counter(p.status for p in panel.patients)
    assert statuses[Status.ACTIVE] >= 0.85 * 170
    assert all(1 <= statuses[s] <= 10 for s in (Status.PAUSED, Status.DISENROLLED, Status.DECEASED))
    tiers = Counter(p.risk_tier for p in panel.patients)
    assert tiers == {RiskTier.LOW: 68, RiskTier.MEDIUM: 68, RiskTier.HIGH: 34}
    conditions = Counter(c.patient_id for c in panel.conditions)
    mean = {t: sum(conditions[p.id] for p in panel.patients if p.risk_tier is t) / tiers[t] for t in tiers}
    assert mean[RiskTier.LOW] < mean[RiskTier.MEDIUM] < mean[RiskTier.HIGH]


MEDICINES_FOR = {  # ICD-10 prefix -> any of these medicines treats it
    "E11": {"metformin", "insulin glargine", "linagliptin", "empagliflozin", "sitagliptin"},
    "I10": {"lisinopril", "losartan", "amlodipine", "hydrochlorothiazide", "sacubitril/valsartan"},
    "I50": {"furosemide", "carvedilol"},
    "J44": {"tiotropium inhaler"},
    "F3": {"sertraline", "escitalopram", "bupropion XL"},
    "I48": {"apixaban"},
    "E78": {"atorvastatin", "rosuvastatin"},
}


def test_every_patient_has_2_to_6_chronic_conditions_with_matching_medication(panel):
    conditions, medications = by_patient(panel.conditions), by_patient(panel.medications)
    checked = Counter()
    for p in panel.patients:
        conds = conditions[p.id]
        assert 2 <= len(conds) <= 6 and all(c.chronic for c in conds)
        assert len({c.icd10 for c in conds}) == len(conds)
        current = {m.name for m in medications[p.id] if m.active_on(TODAY)}
        for cond in conds:
            for prefix, medicines in MEDICINES_FOR.items():
                if cond.icd10.startswith(prefix):
                    assert current & medicines, (cond.icd10, current)
                    checked[prefix] += 1
    assert all(checked[prefix] > 0 for prefix in MEDICINES_FOR)
    codes = {c.icd10 for c in panel.conditions}
    assert {"E11.9", "I10", "I50.9", "J44.9", "F32.9", "F41.1", "E78.5"} <= codes


def test_no_patient_takes_two_renin_angiotensin_agents_at_once(panel):
    """Issue 12: a demo patient took lisinopril with sacubitril/valsartan. Sacubitril/valsartan is
    contraindicated with an ACE inhibitor (ENTRESTO prescribing information, section 4: 36 hours
    apart) and holds an ARB; an ACE inhibitor with an ARB is dual blockade (ONTARGET, NEJM 2008)."""
    ras = {"lisinopril", "losartan", "sacubitril/valsartan"}
    medications = by_patient(panel.medications)
    for p in panel.patients:
        current = {m.name for m in medications[p.id] if m.active_on(TODAY)}
        assert len(current & ras) <= 1, (p.id, sorted(current & ras))
    # Hypertension with heart failure, in either order, over many draws (the pair was rare).
    from caredesk.demo.clinical import medications as draw
    from caredesk.domain.patients import Condition

    htn = Condition(patient_id=1, icd10="I10", display="Essential (primary) hypertension", onset=None)
    hf = Condition(patient_id=1, icd10="I50.9", display="Heart failure, unspecified", onset=None)
    for seed in range(300):
        for conds in ([htn, hf], [hf, htn]):
            meds = draw(random.Random(seed), 1, conds, 70, "Dr. Qzx", {}, TODAY)
            assert len({m.name for m in meds if m.active_on(TODAY)} & ras) <= 1, (seed, [m.name for m in meds])


def test_care_team_has_a_pcp_and_a_matching_specialist(panel):
    team = by_patient(panel.care_team)
    for p in panel.patients:
        roles = [m.role for m in team[p.id]]
        assert roles[0] == "PCP" and team[p.id][0].name == p.pcp
        assert 2 <= len([r for r in roles if not r.startswith("caregiver")]) <= 3
    heart = {c.patient_id for c in panel.conditions if c.icd10.startswith("I50")}
    with_cardiology = {m.patient_id for m in panel.care_team if m.role == "Cardiologist"}
    assert len(heart & with_cardiology) >= len(heart) // 2
    assert any(m.role.startswith("caregiver") for m in panel.care_team)


def test_enrollments_have_consent_on_or_after_start_and_a_few_missing(panel):
    enrollments = by_patient(panel.enrollments)
    assert set(enrollments) == {p.id for p in panel.patients}
    for e in panel.enrollments:
        assert e.start_date < TODAY
        assert re.fullmatch(r"Dr\. .+, MD", e.billing_practitioner)
        if e.consent_date is not None:
            assert e.start_date <= e.consent_date < TODAY and e.consent_method is not None
    missing = [e for e in panel.enrollments if e.consent_date is None]
    assert 1 <= len(missing) <= 10
    programs = Counter(e.program for e in panel.enrollments)
    assert programs[Program.CCM] > 0.7 * 170
    assert all(programs[p] > 0 for p in (Program.COMPLEX_CCM, Program.PCM, Program.BHI, Program.RPM))
    ended = [p for p in panel.patients if p.status in (Status.DISENROLLED, Status.DECEASED)]
    assert all(e.end_date is not None for p in ended for e in enrollments[p.id])


def test_history_spans_the_requested_years_and_never_the_future():
    three = generate_panel(patients=60, seed=3, years=3, today=TODAY, tz=TZ)
    window = date(2023, 11, 24)
    days = [c.at.astimezone(TZ).date() for c in three.contacts]
    assert window <= min(days) <= window + timedelta(days=30)
    assert max(days) == TODAY - timedelta(days=1)
    assert all(e.on < TODAY for e in three.time_entries)
    assert all(window <= o.observed_on < TODAY for o in three.observations)
    assert all(window <= a.taken_on < TODAY for a in three.assessments)
    assert all(t.discharged_on < TODAY for t in three.transitions)
    assert all(t.created_at.date() < TODAY for t in three.tasks)
    assert all(t.done_at is None or t.done_at.date() < TODAY for t in three.tasks)
    assert all(v.finalized_at.date() < TODAY for v in three.care_plan_versions)


def test_contacts_are_on_working_days_in_business_hours_of_the_clinic_zone(panel):
    us_holidays = holidays.country_holidays("US", years=[2025, 2026])
    for c in panel.contacts:
        assert c.at.tzinfo is TZ
        assert c.at.weekday() < 5 and c.at.date() not in us_holidays
        assert time(8, 30) <= c.at.time() <= time(16, 45)
    assert all(c.note for c in panel.contacts)
    assert any(c.follow_up is not None for c in panel.contacts)


def test_notes_never_name_the_patient(panel):
    family = {p.id: p.family_name for p in panel.patients}
    for c in panel.contacts:
        assert not re.search(rf"\b{re.escape(family[c.patient_id])}\b", c.note)


def test_outcomes_are_mostly_reached_with_some_unanswered(panel):
    outcomes = Counter(c.outcome for c in panel.contacts)
    assert 0.55 <= outcomes[Outcome.REACHED] / len(panel.contacts) <= 0.75
    assert all(outcomes[o] > 0 for o in Outcome if o is not Outcome.SENT)  # 'sent' is a letter's, not a call's


def test_high_risk_patients_are_called_more_often_than_low_risk(panel):
    contacts = Counter(c.patient_id for c in panel.contacts)
    active = [p for p in panel.patients if p.status is Status.ACTIVE]
    mean = {
        t: sum(contacts[p.id] for p in active if p.risk_tier is t) / sum(p.risk_tier is t for p in active)
        for t in RiskTier
    }
    assert mean[RiskTier.HIGH] > 1.5 * mean[RiskTier.MEDIUM] > 1.5 * mean[RiskTier.LOW] > 0


def test_current_month_has_a_spread_of_minutes(panel):
    minutes = Counter()
    for e in panel.time_entries:
        if (e.on.year, e.on.month) == (TODAY.year, TODAY.month):
            minutes[e.patient_id] += e.minutes
    active = [minutes[p.id] for p in panel.patients if p.status is Status.ACTIVE]
    assert sum(m == 0 for m in active) >= 5
    assert sum(0 < m < 20 for m in active) >= 5
    assert sum(20 <= m < 40 for m in active) >= 5
    assert sum(40 <= m < 60 for m in active) >= 5
    assert sum(m >= 60 for m in active) >= 5


def test_time_entries_come_from_calls_and_other_work_in_an_enrolled_program(panel):
    enrollments = by_patient(panel.enrollments)
    for e in panel.time_entries:
        assert 1 <= e.minutes <= 60
        assert any(en.program is e.program and en.active_on(e.on) for en in enrollments[e.patient_id])
    activities = Counter(e.activity for e in panel.time_entries)
    assert activities.most_common(1)[0][0] is Activity.CALL
    assert all(activities[a] for a in (Activity.CARE_PLAN, Activity.COORDINATION, Activity.MEDICATION_REVIEW))
    staff = Counter(e.staff_type.value for e in panel.time_entries)
    assert 0 < staff["physician/QHP"] < 0.1 * len(panel.time_entries)


def test_recent_discharges_exist(panel):
    recent = [t for t in panel.transitions if TODAY - timedelta(days=21) <= t.discharged_on < TODAY]
    assert len(recent) == 3
    assert {p.status for p in panel.patients if p.id in {t.patient_id for t in recent}} == {Status.ACTIVE}
    assert any(t.contacted_on is not None for t in recent) and any(t.contacted_on is None for t in recent)
    assert len(panel.transitions) > len(recent)  # older stays over the history too
    bigger = generate_panel(patients=680, seed=1, years=1, today=TODAY, tz=TZ)
    assert len([t for t in bigger.transitions if t.discharged_on >= TODAY - timedelta(days=21)]) == 12


def test_discharge_calls_are_logged_as_contacts(panel):
    reached = {(c.patient_id, c.at.date()) for c in panel.contacts if c.outcome is Outcome.REACHED}
    contacted = [t for t in panel.transitions if t.contacted_on is not None]
    assert contacted and all((t.patient_id, t.contacted_on) in reached for t in contacted)


def test_references_are_consistent(panel):
    patient_ids = {p.id for p in panel.patients}
    for field in (
        "enrollments",
        "conditions",
        "allergies",
        "medications",
        "care_team",
        "observations",
        "contacts",
        "time_entries",
        "tasks",
        "transitions",
        "assessments",
        "referrals",
        "care_plan_versions",
        "care_plan_drafts",
    ):
        assert {r.patient_id for r in getattr(panel, field)} <= patient_ids, field
    contacts = {c.id: c for c in panel.contacts}
    assert list(contacts) == list(range(1, len(panel.contacts) + 1))
    linked = [e for e in panel.time_entries if e.contact_id is not None]
    assert len(linked) > 0.5 * len(panel.time_entries)
    for e in linked:
        contact = contacts[e.contact_id]
        assert contact.patient_id == e.patient_id and contact.outcome is Outcome.REACHED
        assert contact.at.astimezone(TZ).date() == e.on and e.activity is Activity.CALL
    resource_ids = {r.id for r in panel.resources}
    assert len(resource_ids) == len(panel.resources) >= 8 and None not in resource_ids
    assert panel.referrals and all(r.resource_id in resource_ids for r in panel.referrals)


def phq9_band(score: int) -> str:
    for top, band in ((4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe")):
        if score <= top:
            return band
    return "severe"


def gad7_band(score: int) -> str:
    for top, band in ((4, "minimal"), (9, "mild"), (14, "moderate")):
        if score <= top:
            return band
    return "severe"


def test_assessment_scores_and_bands_match(panel):
    shape = {Instrument.PHQ9: 9, Instrument.PHQ2: 2, Instrument.GAD7: 7, Instrument.SOCIAL_NEEDS: 9}
    for a in panel.assessments:
        assert len(a.answers) == shape[a.instrument]
        if a.instrument is Instrument.SOCIAL_NEEDS:
            # CMS AHC HRSN tool: living situation, two food items, transportation, utilities, and
            # four interpersonal-safety items scored 1-5, positive when they add up to more than 10.
            housing, food1, food2, transport, utilities, *harm = a.answers
            assert all(1 <= x <= 5 for x in harm)
            positive = [housing > 0, food1 > 0 or food2 > 0, transport == 1, utilities > 0, sum(harm) > 10]
            assert (a.score, a.band) == (sum(positive), "positive" if any(positive) else "negative")
            assert a.safety == (sum(harm) > 10)
            continue
        assert a.score == sum(a.answers)
        assert all(0 <= x <= 3 for x in a.answers)
        if a.instrument is Instrument.PHQ9:
            assert a.band == phq9_band(a.score)
        elif a.instrument is Instrument.GAD7:
            assert a.band == gad7_band(a.score)
        else:
            assert a.instrument is Instrument.PHQ2
            assert a.band == ("positive" if a.score >= 3 else "negative")
    kinds = Counter(a.instrument for a in panel.assessments)
    assert all(kinds[i] > 0 for i in Instrument if i is not Instrument.SOCIAL_NEEDS_YES_NO)
    depressed = {c.patient_id for c in panel.conditions if c.icd10.startswith(("F32", "F33"))}
    assert depressed <= {a.patient_id for a in panel.assessments if a.instrument is Instrument.PHQ9}
    assert len({a.band for a in panel.assessments if a.instrument is Instrument.PHQ9}) >= 4


def test_observations_are_plausible_and_blood_pressure_comes_in_pairs(panel):
    by_kind = defaultdict(list)
    for o in panel.observations:
        by_kind[o.kind].append(o)
    systolic = Counter((o.patient_id, o.observed_on) for o in by_kind[ObservationKind.SYSTOLIC_BP])
    diastolic = Counter((o.patient_id, o.observed_on) for o in by_kind[ObservationKind.DIASTOLIC_BP])
    assert systolic == diastolic and systolic
    hypertensive = {c.patient_id for c in panel.conditions if c.icd10 == "I10"}
    active_bp = {p for p, _ in systolic}
    assert len(hypertensive - active_bp) <= 10  # only patients without history in the window lack readings
    a1c = [o.value for o in by_kind[ObservationKind.A1C]]
    assert a1c and all(5 <= v <= 14 for v in a1c) and any(v >= 9 for v in a1c)
    assert any(o.value >= 160 for o in by_kind[ObservationKind.SYSTOLIC_BP])
    assert by_kind[ObservationKind.WEIGHT] and by_kind[ObservationKind.GLUCOSE]
    diabetics = {c.patient_id for c in panel.conditions if c.icd10.startswith("E11")}
    assert {o.patient_id for o in by_kind[ObservationKind.A1C]} <= diabetics


def test_tasks_are_open_around_today_and_done_in_the_past(panel):
    open_tasks = [t for t in panel.tasks if t.status is TaskStatus.OPEN]
    assert open_tasks and all(TODAY - timedelta(days=7) <= t.due <= TODAY + timedelta(days=21) for t in open_tasks)
    assert any(t.due < TODAY for t in open_tasks) and any(t.due >= TODAY for t in open_tasks)
    done = [t for t in panel.tasks if t.status is TaskStatus.DONE]
    assert len(done) > len(open_tasks) and all(t.done_at is not None for t in done)


def test_about_a_third_of_patients_have_finalized_care_plans(panel):
    versions = by_patient(panel.care_plan_versions)
    assert 0.2 * 170 <= len(versions) <= 0.45 * 170
    codes = {p: {c.icd10 for c in cs} for p, cs in by_patient(panel.conditions).items()}
    for pid, vs in versions.items():
        assert [v.number for v in vs] == list(range(1, len(vs) + 1)) and len(vs) <= 2
        for v in vs:
            assert v.finalized_by == "Care manager" and v.content.problems
            assert (v.given_on is None) == (v.given_method is None)
            for problem in v.content.problems:
                assert problem.condition_icd10 in codes[pid] and problem.plain
                assert 1 <= len(problem.goals) <= 2 and problem.interventions
                assert all(g.target and g.target_date and g.plain for g in problem.goals)
    assert any(len(vs) == 2 for vs in versions.values())
    assert any(v.given_on for v in panel.care_plan_versions)
    assert panel.care_plan_drafts


def test_deceased_patients_have_a_date_of_death_after_their_last_contact(panel):
    last_contact = {}
    for c in panel.contacts:
        last_contact[c.patient_id] = max(last_contact.get(c.patient_id, c.at.date()), c.at.date())
    deceased = [p for p in panel.patients if p.status is Status.DECEASED]
    assert deceased
    for p in deceased:
        assert p.died_on is not None and p.died_on < TODAY
        assert p.id not in last_contact or last_contact[p.id] < p.died_on
    assert all(p.died_on is None for p in panel.patients if p.status is not Status.DECEASED)


def test_adherence_checks_ask_about_medications_taken_on_that_day(panel):
    meds = {m.id: m for m in panel.medications}
    assert all(m.id is not None for m in panel.medications)
    assert len(panel.adherence_checks) > 170  # several checks per patient and year
    for check in panel.adherence_checks:
        med = meds[check.medication_id]
        assert med.patient_id == check.patient_id and med.active_on(check.checked_on)


def test_appointments_include_the_tcm_visit_of_recent_unseen_stays(panel):
    stays = {t.id: t for t in panel.transitions}
    assert all(t.id is not None for t in panel.transitions)
    tcm = [a for a in panel.appointments if a.transition_id is not None]
    assert tcm
    for a in tcm:
        stay = stays[a.transition_id]
        assert stay.patient_id == a.patient_id and stay.seen_on is None
        assert a.at.date() >= max(TODAY, stay.discharged_on)
    upcoming = [a for a in panel.appointments if a.at.date() >= TODAY]
    assert all(a.status.value == "scheduled" for a in upcoming)


def test_flagged_screens_have_a_safety_check_except_the_last_ten_days(panel):
    """Issue 10: a safety flag stays until a check is documented; the demo documents one for
    every flagged screen older than ten days and leaves the recent ones for the queue."""
    from caredesk.demo.screens import OPEN_FLAG_DAYS

    flagged = {a.id: a for a in panel.assessments if a.safety}
    checked = {c.assessment_id for c in panel.safety_checks}
    assert flagged and checked <= set(flagged)
    for aid, a in flagged.items():
        assert (aid in checked) == ((TODAY - a.taken_on).days > OPEN_FLAG_DAYS)
    for c in panel.safety_checks:
        assert c.actions and c.patient_id == flagged[c.assessment_id].patient_id
        assert c.checked_at.astimezone(TZ).date() >= flagged[c.assessment_id].taken_on
