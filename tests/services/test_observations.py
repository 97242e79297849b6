"""Vitals and labs in a real store: entered, refused, corrected, removed, targets, trends, the queue."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.patients import Condition, Enrollment, ObservationKind, Patient, Program
from caredesk.domain.readings import BLOOD_PRESSURE, Position
from caredesk.errors import NotFound, ValidationError
from caredesk.services import observations as obs
from caredesk.services.call_queue import CallQueue
from caredesk.services.changes import Changes, Kind
from tests.conftest import add_patient

K = ObservationKind
TODAY = date(2026, 11, 24)  # the clock fixture's day


def _patient(ws, mrn: str = "V1") -> int:
    p = add_patient(
        ws,
        Patient(mrn=mrn, given_name="Test", family_name=f"Vitals{mrn}", birth_date=date(1950, 1, 1)),
        Enrollment(
            patient_id=0,
            program=Program.CCM,
            start_date=date(2025, 1, 1),
            consent_date=date(2025, 1, 2),
            consent_method="verbal",
        ),
    )
    with ws.uow() as uow:
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=p.id, icd10=code, display=code))
        uow.commit()
    return p.id


def _stored(ws, pid):
    with ws.uow() as uow:
        return uow.observations.for_patient(pid)


def _audit(ws):
    with ws.uow() as uow:
        return [(e.action, e.entity, e.entity_id, e.detail) for e in uow.audit_log.all()]


def test_a_reading_is_stored_in_its_unit_audited_and_touches_clinical(workspace):
    pid = _patient(workspace)
    saved = obs.add_reading(workspace, pid, kind="A1c", value="7.2", observed_on=date(2026, 11, 20))
    (stored,) = _stored(workspace, pid)
    assert (stored.kind, stored.value, stored.unit, stored.observed_on) == (K.A1C, 7.2, "%", date(2026, 11, 20))
    assert saved.value.id == stored.id and saved.value.position is Position.ABOVE  # ADA 6.5: < 7%
    assert saved.changes == Changes.of([pid], Kind.CLINICAL)
    assert (actions.RECORD_CREATED, "observation", str(stored.id), "") in _audit(workspace)


@pytest.mark.parametrize(
    ("kind", "value", "on", "field", "message"),
    [
        ("weight", 1800, TODAY, "weight", "must be between 20 and 700 lb"),
        ("A1c", "7,2", TODAY, "A1c", "decimal point"),
        ("glucose", "142 mg/dL", TODAY, "glucose", "without a unit (mg/dL is understood)"),
        ("SpO2", "", TODAY, "SpO2", "is required"),
        ("A1c", "7.2", date(2026, 11, 25), "date", "cannot be in the future"),
        ("A1c", "7.2", date(1949, 12, 31), "date", "cannot be before the date of birth"),
        ("systolic BP", "142", TODAY, "measure", "systolic/diastolic together"),
        ("cholesterol", "180", TODAY, "measure", "must be one of"),
    ],
)
def test_a_refused_reading_names_its_field_and_stores_nothing(workspace, kind, value, on, field, message):
    pid = _patient(workspace)
    before = _audit(workspace)
    with pytest.raises(ValidationError) as err:
        obs.add_reading(workspace, pid, kind=kind, value=value, observed_on=on)
    assert err.value.field == field and message in err.value.message
    assert _stored(workspace, pid) == [] and _audit(workspace) == before


def test_the_refusal_reads_as_the_brief_says(workspace):
    pid = _patient(workspace)
    with pytest.raises(ValidationError) as err:
        obs.add_reading(workspace, pid, kind="weight", value=1800, observed_on=TODAY)
    assert str(err.value) == "weight: must be between 20 and 700 lb"


def test_an_unknown_patient_is_not_found(workspace):
    with pytest.raises(NotFound):
        obs.add_reading(workspace, 999, kind="A1c", value=7, observed_on=TODAY)


def test_a_blood_pressure_stores_both_halves_the_same_day(workspace):
    pid = _patient(workspace)
    saved = obs.add_blood_pressure(workspace, pid, systolic="142", diastolic="88", observed_on=TODAY)
    stored = _stored(workspace, pid)
    assert [(o.kind, o.value, o.unit, o.observed_on) for o in stored] == [
        (K.SYSTOLIC_BP, 142, "mmHg", TODAY),
        (K.DIASTOLIC_BP, 88, "mmHg", TODAY),
    ]
    assert (saved.value.measure, saved.value.value_text) == (BLOOD_PRESSURE, "142/88 mmHg")
    created = [a for a in _audit(workspace) if a[0] == actions.RECORD_CREATED and a[1] == "observation"]
    assert {a[2] for a in created} == {str(o.id) for o in stored}


@pytest.mark.parametrize(
    ("systolic", "diastolic", "field"),
    [
        (88, 142, BLOOD_PRESSURE),  # reversed
        (142, 250, "diastolic BP"),  # the systolic is fine, the diastolic out of range: neither is kept
        ("142 mmHg", 88, "systolic BP"),
    ],
)
def test_a_refused_blood_pressure_stores_neither_half(workspace, systolic, diastolic, field):
    pid = _patient(workspace)
    with pytest.raises(ValidationError) as err:
        obs.add_blood_pressure(workspace, pid, systolic=systolic, diastolic=diastolic, observed_on=TODAY)
    assert err.value.field == field
    assert _stored(workspace, pid) == []


def _clinical(q: CallQueue, pid: int) -> list[str]:
    row = next((r for r in q.rows if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons if x.kind.value == "clinical"]


# SPEC section 3, call queue: clinical flags "last BP >= 160/100, A1c >= 9" (domain/queue.py).
def test_a_high_blood_pressure_joins_the_queue_at_once_and_a_newer_normal_one_leaves_it(workspace):
    pid = _patient(workspace)
    q = CallQueue(workspace)
    q.build()
    assert _clinical(q, pid) == []
    high = obs.add_blood_pressure(workspace, pid, systolic=164, diastolic=96, observed_on=date(2026, 11, 20))
    q.refresh(high.changes.patients)
    assert _clinical(q, pid) == ["BP 164/96 on 11/20"]
    normal = obs.add_blood_pressure(workspace, pid, systolic=128, diastolic=78, observed_on=TODAY)
    q.refresh(normal.changes.patients)
    assert _clinical(q, pid) == []


def test_a_high_a1c_joins_the_queue_and_a_newer_one_below_nine_leaves_it(workspace):
    pid = _patient(workspace)
    q = CallQueue(workspace)
    q.build()
    obs.add_reading(workspace, pid, kind="A1c", value=9.4, observed_on=date(2026, 8, 1))
    q.refresh([pid])
    assert _clinical(q, pid) == ["A1c 9.4 on 08/01"]
    obs.add_reading(workspace, pid, kind="A1c", value=8.1, observed_on=date(2026, 11, 10))
    q.refresh([pid])
    assert _clinical(q, pid) == []


def test_correcting_a_mistyped_blood_pressure_clears_the_queue_reason(workspace):
    pid = _patient(workspace)
    typo = obs.add_blood_pressure(workspace, pid, systolic=182, diastolic=88, observed_on=TODAY)
    q = CallQueue(workspace)
    q.build()
    assert _clinical(q, pid) == ["BP 182/88 on 11/24"]
    diastolic_id = typo.value.diastolic.id
    fixed = obs.correct_blood_pressure(
        workspace, pid, diastolic_id, systolic="128", diastolic="88", observed_on=TODAY
    )  # either half names the reading
    q.refresh(fixed.changes.patients)
    assert _clinical(q, pid) == []
    assert [(o.id, o.value) for o in _stored(workspace, pid)] == [(typo.value.id, 128), (diastolic_id, 88)]
    changed = [a for a in _audit(workspace) if a[0] == actions.RECORD_CHANGED]
    assert [(a[2], a[3]) for a in changed] == [(str(typo.value.id), "value"), (str(diastolic_id), "value")]


def test_correcting_a_reading_changes_value_and_date_and_audits_the_fields_only(workspace):
    pid = _patient(workspace)
    r = obs.add_reading(workspace, pid, kind="weight", value=128, observed_on=TODAY).value  # meant 182
    with pytest.raises(ValidationError, match="between 20 and 700 lb"):
        obs.correct_reading(workspace, pid, r.id, value=812, observed_on=TODAY)
    fixed = obs.correct_reading(workspace, pid, r.id, value="182", observed_on=date(2026, 11, 23))
    (stored,) = _stored(workspace, pid)
    assert (stored.value, stored.observed_on) == (182, date(2026, 11, 23))
    assert fixed.value.value_text == "182 lb"
    assert (actions.RECORD_CHANGED, "observation", str(r.id), "value; date") in _audit(workspace)
    # Saving it unchanged writes nothing and tells no screen.
    again = obs.correct_reading(workspace, pid, r.id, value=182, observed_on=date(2026, 11, 23))
    assert again.changes == Changes()


def test_a_blood_pressure_is_not_corrected_as_a_single_value(workspace):
    pid = _patient(workspace)
    bp = obs.add_blood_pressure(workspace, pid, systolic=142, diastolic=88, observed_on=TODAY).value
    with pytest.raises(ValidationError) as err:
        obs.correct_reading(workspace, pid, bp.id, value=140, observed_on=TODAY)
    assert err.value.field == "measure"


def test_removing_a_blood_pressure_removes_both_halves_and_is_audited(workspace):
    pid = _patient(workspace)
    keep = obs.add_reading(workspace, pid, kind="A1c", value=6.8, observed_on=TODAY).value
    bp = obs.add_blood_pressure(workspace, pid, systolic=142, diastolic=88, observed_on=TODAY).value
    gone = obs.remove_reading(workspace, pid, bp.id)
    assert gone.changes == Changes.of([pid], Kind.CLINICAL)
    assert [o.id for o in _stored(workspace, pid)] == [keep.id]
    removed = [a for a in _audit(workspace) if a[0] == actions.RECORD_REMOVED]
    assert [(a[2], a[3]) for a in removed] == [
        (str(bp.id), "entered by mistake"),
        (str(bp.diastolic.id), "entered by mistake"),
    ]


def test_another_patients_reading_is_not_found(workspace):
    mine, theirs = _patient(workspace, "V1"), _patient(workspace, "V2")
    r = obs.add_reading(workspace, theirs, kind="A1c", value=6.8, observed_on=TODAY).value
    with pytest.raises(NotFound):
        obs.remove_reading(workspace, mine, r.id)
    with pytest.raises(NotFound):
        obs.correct_reading(workspace, mine, r.id, value=7, observed_on=TODAY)
    assert len(_stored(workspace, theirs)) == 1


def test_readings_newest_first_and_by_measure(workspace):
    pid = _patient(workspace)
    obs.add_reading(workspace, pid, kind="A1c", value=8.2, observed_on=date(2026, 5, 1))
    obs.add_blood_pressure(workspace, pid, systolic=150, diastolic=92, observed_on=date(2026, 9, 1))
    obs.add_reading(workspace, pid, kind="A1c", value=6.5, observed_on=date(2026, 11, 1))
    rows = obs.readings(workspace, pid)
    assert [(r.measure, r.number_text) for r in rows] == [("A1c", "6.5"), (BLOOD_PRESSURE, "150/92"), ("A1c", "8.2")]
    assert [r.number_text for r in obs.readings(workspace, pid, "A1c")] == ["6.5", "8.2"]
    assert [r.number_text for r in obs.readings(workspace, pid, BLOOD_PRESSURE)] == ["150/92"]
    assert [r.number_text for r in obs.readings(workspace, pid, "diastolic BP")] == ["150/92"]


def test_a_patients_own_target_replaces_the_default_band(workspace):
    # ADA Standards of Care 2025, 6.5: a less stringent A1c goal (< 8%) for some older adults.
    pid = _patient(workspace)
    obs.add_reading(workspace, pid, kind="A1c", value=7.5, observed_on=date(2026, 6, 1))
    obs.add_reading(workspace, pid, kind="A1c", value=7.1, observed_on=date(2026, 11, 1))
    points, band = obs.trend(workspace, pid, "A1c")
    assert points == [(date(2026, 6, 1), 7.5), (date(2026, 11, 1), 7.1)] and band == (None, 7)
    saved = obs.set_target(workspace, pid, kind="A1c", high="8")
    assert saved.changes == Changes.of([pid], Kind.CLINICAL)
    assert obs.trend(workspace, pid, "A1c")[1] == (None, 8)
    assert [r.position for r in obs.readings(workspace, pid, "A1c")] == [Position.IN, Position.IN]
    obs.set_target(workspace, pid, kind="A1c", low=6, high=8.5)
    assert obs.targets(workspace, pid)[K.A1C].low == 6
    obs.clear_target(workspace, pid, kind="A1c")
    assert obs.trend(workspace, pid, "A1c")[1] == (None, 7)
    actions_seen = [(a[0], a[1], a[3]) for a in _audit(workspace) if a[1] == "observation target"]
    assert actions_seen == [
        (actions.RECORD_CREATED, "observation target", ""),
        (actions.RECORD_CHANGED, "observation target", "low; high"),
        (actions.RECORD_REMOVED, "observation target", "back to the default"),
    ]
    assert obs.clear_target(workspace, pid, kind="A1c").changes == Changes()


@pytest.mark.parametrize(
    ("low", "high", "field"),
    [
        (None, None, "target"),
        ("", " ", "target"),
        ("8", "7", "target high"),
        (None, "25", "target high"),
        ("7,5", None, "target low"),
    ],
)
def test_a_refused_target_names_its_field_and_stores_nothing(workspace, low, high, field):
    pid = _patient(workspace)
    with pytest.raises(ValidationError) as err:
        obs.set_target(workspace, pid, kind="A1c", low=low, high=high)
    assert err.value.field == field
    assert obs.targets(workspace, pid) == {}


def test_blood_pressure_targets_are_set_together_or_not_at_all(workspace):
    pid = _patient(workspace)
    with pytest.raises(ValidationError) as err:
        obs.set_targets(workspace, pid, {"systolic BP": (None, "140"), "diastolic BP": (None, "900")})
    assert err.value.field == "target high"
    assert obs.targets(workspace, pid) == {}
    obs.set_targets(workspace, pid, {"systolic BP": (None, "140"), "diastolic BP": (None, "90")})
    bands = obs.bands(workspace, pid)
    assert (bands[K.SYSTOLIC_BP], bands[K.DIASTOLIC_BP]) == ((None, 140), (None, 90))
    bp = obs.add_blood_pressure(workspace, pid, systolic=136, diastolic=86, observed_on=TODAY)
    assert bp.value.position is Position.IN


def test_trend_is_oldest_first_with_entry_order_within_a_day(workspace):
    pid = _patient(workspace)
    for value, day in ((120, date(2026, 11, 20)), (110, date(2026, 10, 1)), (140, date(2026, 11, 20))):
        obs.add_reading(workspace, pid, kind="glucose", value=value, observed_on=day)
    points, band = obs.trend(workspace, pid, "glucose")
    assert points == [(date(2026, 10, 1), 110), (date(2026, 11, 20), 120), (date(2026, 11, 20), 140)]
    assert band == (80, 130)  # ADA 2025 6.5: preprandial 80-130 mg/dL
    assert obs.trend(workspace, pid, "HDL") == ([], None)


def test_vitals_reads_what_the_tab_shows_in_one_go(workspace):
    pid = _patient(workspace)
    obs.add_blood_pressure(workspace, pid, systolic=150, diastolic=92, observed_on=date(2026, 9, 1))
    obs.add_blood_pressure(workspace, pid, systolic=126, diastolic=78, observed_on=date(2026, 11, 1))
    obs.add_reading(workspace, pid, kind="A1c", value=7.6, observed_on=date(2026, 10, 1))
    obs.set_target(workspace, pid, kind="A1c", high=8)
    seen = obs.vitals(workspace, pid)
    assert [(r.measure, r.number_text, r.position) for r in seen.readings] == [
        (BLOOD_PRESSURE, "126/78", Position.IN),
        ("A1c", "7.6", Position.IN),
        (BLOOD_PRESSURE, "150/92", Position.ABOVE),
    ]
    assert seen.series(K.SYSTOLIC_BP) == [(date(2026, 9, 1), 150), (date(2026, 11, 1), 126)]
    assert seen.series(K.DIASTOLIC_BP) == [(date(2026, 9, 1), 92), (date(2026, 11, 1), 78)]
    assert seen.series(K.WEIGHT) == []
    assert seen.bands[K.A1C] == (None, 8) and seen.bands[K.SYSTOLIC_BP] == (None, 130)
    assert set(seen.own) == {K.A1C}
    assert (seen.readings, seen.bands) == (obs.readings(workspace, pid), obs.bands(workspace, pid))
