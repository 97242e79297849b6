"""Typed vitals and labs: plain numbers only, blood-pressure pairs, where a reading sits in its band."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain.observations import target_for
from caredesk.domain.patients import Observation, ObservationKind
from caredesk.domain.readings import (
    BLOOD_PRESSURE,
    Position,
    band_text,
    check_pair,
    parse_blood_pressure,
    parse_value,
    position,
    readings,
)
from caredesk.errors import ValidationError

K = ObservationKind


@pytest.mark.parametrize(("text", "value"), [("7.2", 7.2), (" 182 ", 182.0), (".5", 0.5), ("140.", 140.0), (98, 98.0)])
def test_a_plain_number_is_read(text, value):
    assert parse_value("A1c", K.A1C, text) == value


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("7,2", "decimal point and no commas"),
        ("1,200", "decimal point and no commas"),
        ("142 mmHg", "without a unit (mmHg is understood)"),
        ("7.2%", "without a unit (% is understood)"),
        ("1e3", "without a unit"),
        ("nan", "must be a number, such as 7.2"),
        ("abc", "must be a number, such as 7.2"),  # once told "without a unit": nothing was a unit
        ("", "is required"),
        ("7..2", "must be a number"),
        ("--7", "must be a number"),
    ],
)
def test_text_that_is_not_a_plain_number_is_refused_saying_how_to_type_it(text, says):
    kind = K.SYSTOLIC_BP if "mmHg" in text else K.A1C
    with pytest.raises(ValidationError) as err:
        parse_value("the field", kind, text)
    assert err.value.field == "the field"
    assert says in err.value.message


def test_a_boolean_is_not_a_number():
    with pytest.raises(ValidationError, match="must be a number"):
        parse_value("weight", K.WEIGHT, True)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "pair"), [("142/88", (142.0, 88.0)), (" 118 / 76 ", (118.0, 76.0))])
def test_blood_pressure_is_typed_systolic_slash_diastolic(text, pair):
    assert parse_blood_pressure(text) == pair


@pytest.mark.parametrize("text", ["142", "142/88/70", "142-88", "142/88 mmHg", ""])
def test_a_blood_pressure_not_written_142_88_is_refused(text):
    with pytest.raises(ValidationError) as err:
        parse_blood_pressure(text)
    assert err.value.field == BLOOD_PRESSURE


@pytest.mark.parametrize(("systolic", "diastolic"), [(88, 142), (90, 90)])
def test_systolic_must_be_above_diastolic(systolic, diastolic):
    with pytest.raises(ValidationError, match="systolic above the diastolic"):
        check_pair(systolic, diastolic)


# ADA Standards of Care 2025 write the BP, A1c and LDL goals as "below": < 130/80 (10.4),
# A1c < 7% (6.5), LDL < 100 mg/dL (10.21); a reading equal to the goal misses it.
@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (K.A1C, 6.9, Position.IN),
        (K.A1C, 7.0, Position.ABOVE),
        (K.SYSTOLIC_BP, 130, Position.ABOVE),
        (K.SYSTOLIC_BP, 129, Position.IN),
        (K.DIASTOLIC_BP, 80, Position.ABOVE),
        (K.LDL, 100, Position.ABOVE),
        # ADA 2025 6.5: preprandial glucose 80-130 mg/dL, both ends in target.
        (K.GLUCOSE, 130, Position.IN),
        (K.GLUCOSE, 80, Position.IN),
        (K.GLUCOSE, 79, Position.BELOW),
        (K.GLUCOSE, 131, Position.ABOVE),
        # AHA: a normal resting heart rate is 60-100 bpm; KDIGO 2024: eGFR below 60 is G3a.
        (K.HEART_RATE, 100, Position.IN),
        (K.EGFR, 60, Position.IN),
        (K.EGFR, 59, Position.BELOW),
    ],
)
def test_position_against_the_default_targets(kind, value, expected):
    assert position(kind, value, target_for(kind)) is expected


def test_no_band_no_position():
    assert target_for(K.HDL) is None
    assert position(K.HDL, 45, None) is None


def _o(id_, kind, value, day):
    return Observation(patient_id=1, kind=kind, value=value, observed_on=day, id=id_)


def test_readings_pair_blood_pressure_by_day_and_entry_order_newest_first():
    d1, d2 = date(2026, 11, 1), date(2026, 11, 20)
    obs = [
        _o(1, K.SYSTOLIC_BP, 150, d1),
        _o(2, K.DIASTOLIC_BP, 95, d1),
        _o(3, K.A1C, 7.4, d1),
        _o(4, K.SYSTOLIC_BP, 128, d2),
        _o(5, K.DIASTOLIC_BP, 78, d2),
        _o(6, K.SYSTOLIC_BP, 134, d2),  # a second reading the same day
        _o(7, K.DIASTOLIC_BP, 82, d2),
        _o(8, K.SYSTOLIC_BP, 170, d1),  # a lone half (from an import, say)
    ]
    bands = {k: target_for(k) for k in K}
    rows = readings(obs, bands)
    assert [(r.measure, r.value_text, r.observed_on, r.position) for r in rows] == [
        (BLOOD_PRESSURE, "134/82 mmHg", d2, Position.ABOVE),
        (BLOOD_PRESSURE, "128/78 mmHg", d2, Position.IN),
        ("systolic BP", "170 mmHg", d1, Position.ABOVE),
        ("A1c", "7.4%", d1, Position.ABOVE),
        (BLOOD_PRESSURE, "150/95 mmHg", d1, Position.ABOVE),
    ]
    assert rows[0].id == 6 and rows[0].diastolic is not None and rows[0].diastolic.id == 7
    assert rows[0].number_text == "134/82"


@pytest.mark.parametrize(
    ("kind", "band", "text"),
    [
        (K.A1C, (None, 7), "below 7%"),
        (K.HEART_RATE, (60, 100), "60-100 bpm"),
        (K.HEART_RATE, (None, 100), "up to 100 bpm"),
        (K.EGFR, (60, None), "from 60 mL/min/1.73m2"),
        (K.HDL, None, "none"),
    ],
)
def test_a_band_reads_as_a_care_manager_says_it(kind, band, text):
    assert band_text(kind, band) == text
