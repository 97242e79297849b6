"""The clinical record on a real store: conditions (ICD-10-CM), allergies, care team, medications
and adherence; each write audited, each refusal naming its field and storing nothing, and the
effect of chronic conditions on the month's bill and the queue."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain.allergies import NO_KNOWN_ALLERGIES
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType, TimeEntry
from caredesk.domain.medications import AdherenceAnswer
from caredesk.domain.patients import Adherence, ConsentMethod, Enrollment, Patient, Program
from caredesk.errors import NotFound, ValidationError
from caredesk.services import billing_report
from caredesk.services import clinical as c
from caredesk.services import medications as meds
from caredesk.services.call_queue import CallQueue
from caredesk.services.changes import Changes, Kind
from tests.conftest import add_patient

TODAY = date(2026, 11, 24)  # the clock fixture's day
CLINICAL = Changes.of([1], Kind.CLINICAL)
CONTENT = ("Metformin", "Penicillin", "hives", "Dr. Qzx Okafor", "Qzxfamily", "felt dizzy", "cost too much")


def _patient(ws, mrn: str = "CL1", *, ccm: bool = True) -> int:
    enrollment = (
        Enrollment(
            patient_id=0,
            program=Program.CCM,
            start_date=date(2025, 1, 1),
            consent_date=date(2025, 1, 2),
            consent_method=ConsentMethod.VERBAL,
        )
        if ccm
        else None
    )
    p = add_patient(
        ws,
        Patient(mrn=mrn, given_name="Ada", family_name="Qzxfamily", birth_date=date(1950, 6, 1)),
        enrollment,
    )
    return p.id


def _minutes(ws, pid: int, minutes: int) -> None:
    with ws.uow() as uow:
        uow.time_entries.add(
            TimeEntry(
                patient_id=pid,
                on=date(2026, 11, 10),
                minutes=minutes,
                activity="care coordination",
                staff_type=StaffType.CLINICAL_STAFF,
                program=Program.CCM,
            )
        )
        uow.commit()


def _audit(ws) -> list[tuple[str, str, str, str]]:
    with ws.uow() as uow:
        return [(e.action, e.entity, e.entity_id, e.detail) for e in uow.audit_log.all()]


def _refused(field: str, call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        call(*args, **kwargs)
    assert err.value.field == field, err.value
    return err.value


# -- conditions -------------------------------------------------------------------------
def test_a_dotless_code_is_stored_dotted_with_the_official_description(workspace):
    pid = _patient(workspace)
    saved = c.add_condition(workspace, pid, "e119", onset=date(2019, 5, 1))
    cond = saved.value
    assert (cond.icd10, cond.display, cond.chronic, cond.onset) == (
        "E11.9",
        "Type 2 diabetes mellitus without complications",  # ICD-10-CM tabular list
        True,
        date(2019, 5, 1),
    )
    assert saved.changes == Changes.of([pid], Kind.CLINICAL)
    assert _audit(workspace)[-1] == ("record.created", "condition", str(cond.id), "")
    assert c.record(workspace, pid).conditions == (cond,)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("E11.99", "E11.99 is not an ICD-10-CM code; nearest: E11.9 "),
        ("E11", "E11 is a category, not a billable code; choose one of: E11.8"),
        ("", "is required"),
    ],
)
def test_an_unknown_or_unbillable_code_is_refused_with_the_nearest_and_nothing_is_stored(workspace, code, says):
    pid = _patient(workspace)
    err = _refused("ICD-10 code", c.add_condition, workspace, pid, code)
    assert says in err.message
    assert c.record(workspace, pid).conditions == ()


def test_the_same_code_twice_is_refused_however_it_is_typed(workspace):
    pid = _patient(workspace)
    c.add_condition(workspace, pid, "I10")
    err = _refused("ICD-10 code", c.add_condition, workspace, pid, " i10 ", chronic=False)
    assert err.message == "I10 is already on this patient's list"
    assert len(c.record(workspace, pid).conditions) == 1


@pytest.mark.parametrize(
    ("onset", "says"),
    [(date(2026, 11, 25), "cannot be after today"), (date(1950, 5, 31), "cannot be before the date of birth")],
)
def test_an_impossible_onset_is_refused(workspace, onset, says):
    pid = _patient(workspace)
    err = _refused("onset date", c.add_condition, workspace, pid, "I10", onset=onset)
    assert err.message == says
    assert c.record(workspace, pid).conditions == ()


def test_changing_a_condition_audits_the_fields_changed_and_nothing_changed_saves_nothing(workspace):
    pid = _patient(workspace)
    cond = c.add_condition(workspace, pid, "I10").value
    changed = c.change_condition(workspace, cond.id, chronic=False, onset=date(2020, 1, 1))
    assert (changed.value.chronic, changed.value.onset) == (False, date(2020, 1, 1))
    assert _audit(workspace)[-1] == ("record.changed", "condition", str(cond.id), "chronic; onset")
    events = len(_audit(workspace))
    same = c.change_condition(workspace, cond.id, chronic=False, onset=date(2020, 1, 1))
    assert same.changes == Changes() and len(_audit(workspace)) == events


def test_removing_a_condition_is_audited_as_removed(workspace):
    pid = _patient(workspace)
    cond = c.add_condition(workspace, pid, "I10").value
    gone = c.remove_condition(workspace, cond.id)
    assert gone.value == cond and gone.changes == Changes.of([pid], Kind.CLINICAL)
    assert _audit(workspace)[-1] == ("record.removed", "condition", str(cond.id), "")
    assert c.record(workspace, pid).conditions == ()
    with pytest.raises(NotFound):
        c.remove_condition(workspace, cond.id)


def test_find_condition_by_a_dotless_code(workspace):
    pid = _patient(workspace)
    cond = c.add_condition(workspace, pid, "E11.9").value
    assert c.find_condition(workspace, pid, "e119") == cond
    with pytest.raises(NotFound):
        c.find_condition(workspace, pid, "I10")


# CMS MLN909188 (Chronic Care Management Services, 2024): CCM 99490 needs "multiple (2 or more)
# chronic conditions expected to last at least 12 months"; SPEC section 3 billing table.
def test_a_second_chronic_condition_makes_a_ccm_month_bill(workspace):
    pid = _patient(workspace)
    _minutes(workspace, pid, 25)
    c.add_condition(workspace, pid, "E11.9")

    def row():
        (r,) = billing_report.month_report(workspace, Month(2026, 11)).rows
        return r

    assert row().result.codes == () and "chronic condition" in "; ".join(row().result.reasons)
    acute = c.add_condition(workspace, pid, "J06.9", chronic=False).value  # an acute infection does not count
    assert row().result.codes == ()
    c.change_condition(workspace, acute.id, chronic=True, onset=None)
    assert [code.code for code in row().result.codes] == ["99490"]
    c.change_condition(workspace, acute.id, chronic=False, onset=None)
    assert row().result.codes == ()
    c.add_condition(workspace, pid, "I10")
    assert [code.code for code in row().result.codes] == ["99490"]


def _minutes_reasons(rows, pid: int) -> list[str]:
    return [x.text for r in rows if r.patient_id == pid for x in r.entry.reasons if x.kind.value == "minutes"]


def test_a_second_chronic_condition_re_ranks_the_queue_at_once(workspace):
    """SPEC section 3, call queue: once the month's first threshold is billed, add-on minutes never queue a patient."""
    pid = _patient(workspace)
    _minutes(workspace, pid, 25)
    c.add_condition(workspace, pid, "E11.9")
    queue = CallQueue(workspace)
    queue.build()
    saved = c.add_condition(workspace, pid, "I10")
    rows = queue.refresh(saved.changes.patients)
    assert _minutes_reasons(rows, pid) == []  # 99490 is earned with the second condition
    (mine,) = [r for r in rows if r.patient_id == pid]
    assert (mine.entry.minutes, mine.entry.threshold) == (25, 40)
    assert rows == CallQueue(workspace).build()


def test_a_ccm_patient_with_one_chronic_condition_is_not_chased_for_minutes_until_a_second_is_added(workspace):
    """SPEC section 3, call queue: "A patient who cannot bill (one chronic condition on CCM) is never
    chased for minutes"; CMS MLN909188: CCM needs two or more chronic conditions."""
    pid = _patient(workspace)
    c.add_condition(workspace, pid, "E11.9")
    queue = CallQueue(workspace)
    assert _minutes_reasons(queue.build(), pid) == []
    saved = c.add_condition(workspace, pid, "I10")
    (reason,) = _minutes_reasons(queue.refresh(saved.changes.patients), pid)
    assert reason.startswith("0 of 20 min this month")
    removed = c.change_condition(workspace, saved.value.id, chronic=False, onset=None)
    assert _minutes_reasons(queue.refresh(removed.changes.patients), pid) == []


# -- allergies --------------------------------------------------------------------------
def test_allergies_are_added_changed_and_removed_with_duplicates_refused(workspace):
    pid = _patient(workspace)
    pen = c.add_allergy(workspace, pid, substance="Penicillin", reaction="hives").value
    assert _audit(workspace)[-1] == ("record.created", "allergy", str(pen.id), "")
    _refused("allergy substance", c.add_allergy, workspace, pid, substance=" penicillin ")
    _refused("allergy substance", c.add_allergy, workspace, pid, substance="  ")
    changed = c.change_allergy(workspace, pen.id, substance="Penicillin", reaction="rash and hives").value
    assert changed.reaction == "rash and hives"
    assert _audit(workspace)[-1] == ("record.changed", "allergy", str(pen.id), "reaction")
    c.remove_allergy(workspace, pen.id)
    assert _audit(workspace)[-1] == ("record.removed", "allergy", str(pen.id), "")
    assert c.record(workspace, pid).allergies == ()


def test_no_known_allergies_is_a_fact_of_its_own_that_an_allergy_replaces(workspace):
    pid = _patient(workspace)
    assert not c.record(workspace, pid).no_known_allergies  # nothing recorded is not "none known"
    nka = c.add_allergy(workspace, pid, substance="NKA").value  # as care managers type it
    assert nka.substance == NO_KNOWN_ALLERGIES and c.record(workspace, pid).no_known_allergies
    again = c.record_no_known_allergies(workspace, pid)
    assert again.value == nka and again.changes == Changes()
    _refused("reaction", c.add_allergy, workspace, pid, substance="No known allergies", reaction="rash")
    _refused("allergy substance", c.change_allergy, workspace, nka.id, substance="Latex", reaction="")
    latex = c.add_allergy(workspace, pid, substance="Latex").value
    record = c.record(workspace, pid)
    assert record.allergies == (latex,) and not record.no_known_allergies
    assert ("record.removed", "allergy", str(nka.id), "no known allergies, replaced by an allergy") in _audit(workspace)
    _refused("allergies", c.record_no_known_allergies, workspace, pid)
    assert c.record(workspace, pid).allergies == (latex,)


@pytest.mark.parametrize("typed", ["NKDA", "none", "No known drug allergies"])
def test_statements_that_are_not_a_substance_are_refused(workspace, typed):
    pid = _patient(workspace)
    err = _refused("allergy substance", c.add_allergy, workspace, pid, substance=typed)
    assert NO_KNOWN_ALLERGIES in err.message
    assert c.record(workspace, pid).allergies == ()


# -- care team --------------------------------------------------------------------------
def test_care_team_members_are_added_changed_and_removed(workspace):
    pid = _patient(workspace)
    doc = c.add_member(
        workspace, pid, role="PCP", name="Dr. Qzx Okafor", phone="(555) 010-9000", organization="Demo Family Medicine"
    ).value
    assert _audit(workspace)[-1] == ("record.created", "care-team member", str(doc.id), "")
    _refused("care-team name", c.add_member, workspace, pid, role="pcp", name="dr. qzx okafor")
    changed = c.change_member(
        workspace, doc.id, role="PCP", name="Dr. Qzx Okafor", phone="555-010-9001", organization="Demo Family Medicine"
    )
    assert changed.value.phone == "555-010-9001"
    assert _audit(workspace)[-1] == ("record.changed", "care-team member", str(doc.id), "phone")
    assert c.find_member(workspace, pid, "DR. QZX OKAFOR") == changed.value
    c.remove_member(workspace, doc.id)
    assert c.record(workspace, pid).care_team == ()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"phone": "12345"}, "care-team phone"),  # too few digits, as for the patient's own phone
        ({"phone": "call the office"}, "care-team phone"),
        ({"role": " "}, "care-team role"),
        ({"name": ""}, "care-team name"),
        ({"organization": "x" * 121}, "organization"),
    ],
)
def test_a_bad_care_team_field_is_named_and_nothing_is_stored(workspace, kwargs, field):
    pid = _patient(workspace)
    args = {"role": "Cardiologist", "name": "Dr. Lee", "phone": "(555) 010-1000"} | kwargs
    _refused(field, c.add_member, workspace, pid, **args)
    assert c.record(workspace, pid).care_team == ()


# -- medications ------------------------------------------------------------------------
def _metformin(ws, pid: int, start: date | None = date(2024, 3, 1)):
    return meds.add_medication(
        ws, pid, name="Metformin", dose="500 mg", frequency="twice a day", prescriber="Dr. Qzx Okafor", start_date=start
    ).value


def test_a_medication_is_added_once_while_current(workspace):
    pid = _patient(workspace)
    med = _metformin(workspace, pid)
    assert _audit(workspace)[-1] == ("record.created", "medication", str(med.id), "")
    err = _refused("medication", meds.add_medication, workspace, pid, name="METFORMIN", dose="1000 mg")
    assert "change its dose" in err.message
    _refused("start date", meds.add_medication, workspace, pid, name="Lisinopril", start_date=date(2026, 11, 25))
    _refused("medication", meds.add_medication, workspace, pid, name=" ")
    assert c.record(workspace, pid).medications == (med,)


def test_a_dose_change_keeps_the_history(workspace):
    pid = _patient(workspace)
    old = _metformin(workspace, pid)
    saved = meds.change_dose(workspace, old.id, dose="1000 mg", on=date(2026, 11, 20))
    new = saved.value
    assert saved.changes == Changes.of([pid], Kind.CLINICAL)
    assert (new.name, new.dose, new.frequency, new.prescriber, new.start_date) == (
        "Metformin",
        "1000 mg",
        "twice a day",  # kept
        "Dr. Qzx Okafor",
        date(2026, 11, 20),
    )
    record = c.record(workspace, pid)
    assert record.current_medications == (new,)
    (stopped,) = record.stopped_medications
    assert (stopped.id, stopped.dose, stopped.stop_date, stopped.stop_reason) == (
        old.id,
        "500 mg",
        date(2026, 11, 20),
        meds.DOSE_CHANGED,
    )
    assert _audit(workspace)[-2:] == [
        ("record.changed", "medication", str(old.id), "stop date; stop reason (dose changed)"),
        ("record.created", "medication", str(new.id), f"dose change of medication {old.id}"),
    ]
    # The stopped record can no longer change; the same dose is no change.
    _refused("medication", meds.change_dose, workspace, old.id, dose="2000 mg")
    _refused("dose", meds.change_dose, workspace, new.id, dose="1000 mg", frequency="twice a day")
    frequency_only = meds.change_dose(workspace, new.id, dose="1000 mg", frequency="once a day").value
    assert (frequency_only.dose, frequency_only.frequency, frequency_only.start_date) == (
        "1000 mg",
        "once a day",
        TODAY,
    )


@pytest.mark.parametrize(
    ("on", "says"),
    [(date(2026, 11, 25), "cannot be after today"), (date(2024, 2, 29), "cannot be before the medication started")],
)
def test_a_dose_change_on_an_impossible_day_stores_nothing(workspace, on, says):
    pid = _patient(workspace)
    old = _metformin(workspace, pid)
    err = _refused("date of change", meds.change_dose, workspace, old.id, dose="1000 mg", on=on)
    assert err.message.startswith(says)
    assert c.record(workspace, pid).medications == (old,)


def test_stopping_needs_a_reason_and_a_possible_day(workspace):
    pid = _patient(workspace)
    med = _metformin(workspace, pid)
    _refused("stop reason", meds.stop_medication, workspace, med.id, reason="  ")
    _refused("stop date", meds.stop_medication, workspace, med.id, reason="felt dizzy", on=date(2026, 12, 1))
    _refused("stop date", meds.stop_medication, workspace, med.id, reason="felt dizzy", on=date(2024, 1, 1))
    assert c.record(workspace, pid).current_medications == (med,)
    stopped = meds.stop_medication(workspace, med.id, reason="felt dizzy", on=date(2026, 11, 23)).value
    assert (stopped.stop_date, stopped.stop_reason) == (date(2026, 11, 23), "felt dizzy")
    assert _audit(workspace)[-1] == ("record.changed", "medication", str(med.id), "stop date; stop reason")
    assert c.record(workspace, pid).current_medications == ()
    _refused("medication", meds.stop_medication, workspace, med.id, reason="again")
    # Stopped, it may be started again as a new record.
    assert meds.add_medication(workspace, pid, name="Metformin", dose="500 mg").value.id != med.id


def test_adherence_checks_set_the_summary_from_the_newest_and_follow_dose_changes(workspace):
    pid = _patient(workspace)
    med = _metformin(workspace, pid)
    first = meds.check_adherence(
        workspace, med.id, answer="missed doses", on=date(2026, 10, 1), note="forgets at night"
    )
    assert first.changes == Changes.of([pid], Kind.CLINICAL)
    assert c.record(workspace, pid).medications[0].adherence is Adherence.PARTIAL
    assert _audit(workspace)[-2:] == [
        ("record.created", "adherence check", str(first.value.id), f"medication {med.id}"),
        ("record.changed", "medication", str(med.id), "adherence"),
    ]
    new = meds.change_dose(workspace, med.id, dose="1000 mg", on=date(2026, 11, 1)).value
    assert new.adherence is Adherence.PARTIAL  # the summary goes with the medicine, not the dose
    meds.check_adherence(workspace, new.id, answer=AdherenceAnswer.COST_OR_ACCESS, note="cost too much")
    assert c.record(workspace, pid).current_medications[0].adherence is Adherence.POOR
    # A check back-dated before the newest leaves the summary as the newest says.
    meds.check_adherence(workspace, new.id, answer=AdherenceAnswer.TAKEN, on=date(2026, 11, 2))
    assert c.record(workspace, pid).current_medications[0].adherence is Adherence.POOR
    history = meds.adherence_history(workspace, new.id)
    assert [(h.checked_on, h.answer) for h in history] == [
        (TODAY, AdherenceAnswer.COST_OR_ACCESS),
        (date(2026, 11, 2), AdherenceAnswer.TAKEN),
        (date(2026, 10, 1), AdherenceAnswer.MISSED),  # from before the dose change
    ]
    assert [h.checked_on for h in meds.adherence_history(workspace, med.id)] == [date(2026, 10, 1)]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"answer": "sometimes"}, "adherence answer"),
        ({"on": date(2026, 11, 25)}, "date checked"),
        ({"on": date(2024, 2, 1)}, "date checked"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_a_bad_adherence_check_is_named_and_nothing_is_stored(workspace, kwargs, field):
    pid = _patient(workspace)
    med = _metformin(workspace, pid)
    _refused(field, meds.check_adherence, workspace, med.id, **({"answer": "taken as prescribed"} | kwargs))
    assert meds.adherence_history(workspace, med.id) == []
    assert c.record(workspace, pid).medications[0].adherence is Adherence.UNKNOWN


def test_a_stopped_medication_takes_no_adherence_check(workspace):
    pid = _patient(workspace)
    med = _metformin(workspace, pid)
    meds.stop_medication(workspace, med.id, reason="felt dizzy")
    err = _refused("medication", meds.check_adherence, workspace, med.id, answer="stopped")
    assert err.message == "was stopped on 11/24/2026"


def test_find_medication_finds_only_current_ones(workspace):
    pid = _patient(workspace)
    med = _metformin(workspace, pid)
    assert meds.find_medication(workspace, pid, " metformin ") == med
    meds.stop_medication(workspace, med.id, reason="felt dizzy")
    with pytest.raises(NotFound):
        meds.find_medication(workspace, pid, "Metformin")


def test_the_audit_names_records_by_id_never_their_content(workspace):
    pid = _patient(workspace)
    c.add_condition(workspace, pid, "E11.9")
    c.add_allergy(workspace, pid, substance="Penicillin", reaction="hives")
    member = c.add_member(workspace, pid, role="PCP", name="Dr. Qzx Okafor").value
    c.change_member(workspace, member.id, role="PCP", name="Dr. Qzx Okafor", phone="", organization="Qzxfamily clinic")
    med = _metformin(workspace, pid)
    meds.check_adherence(workspace, med.id, answer="cost or access problem", note="cost too much")
    meds.stop_medication(workspace, med.id, reason="felt dizzy")
    text = repr(_audit(workspace))
    for content in (*CONTENT, "E11.9", "diabetes"):
        assert content not in text


def test_records_of_a_missing_patient_are_not_found(workspace):
    with pytest.raises(NotFound):
        meds.add_medication(workspace, 999, name="Metformin")
    with pytest.raises(NotFound):
        c.record(workspace, 999)
