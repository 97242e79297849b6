"""Domain records validate themselves and name the field; calendar rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.domain.calendar import Month, age_on, local_date, us_date, us_month_day
from caredesk.domain.careplan import CarePlanContent, Goal, GoalStatus, Intervention, Owner, Problem
from caredesk.domain.contacts import Activity, Contact, Outcome, StaffType, TimeEntry
from caredesk.domain.patients import (
    Condition,
    ConsentMethod,
    Enrollment,
    Observation,
    ObservationKind,
    Patient,
    Phone,
    Program,
)
from caredesk.errors import ValidationError


def _patient(**kw):
    base = {"mrn": "M1", "given_name": "Ann", "family_name": "Lee", "birth_date": date(1950, 5, 1)}
    base.update(kw)
    return Patient(**base)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"mrn": "  "}, "MRN"),
        ({"given_name": ""}, "given name"),
        ({"family_name": "x" * 81}, "family name"),
        ({"birth_date": "1950-01-01"}, "date of birth"),
        ({"birth_date": date(1850, 1, 1)}, "date of birth"),
        ({"status": "gone"}, "status"),
        ({"risk_tier": "extreme"}, "risk tier"),
    ],
)
def test_patient_validation_names_the_field(kw, field):
    with pytest.raises(ValidationError) as err:
        _patient(**kw)
    assert err.value.field == field
    assert str(err.value).startswith(field)


def test_patient_text_is_trimmed_and_named_family_first():
    p = _patient(given_name="  José ", family_name="Núñez", preferred_name="Pepe")
    assert p.display_name == 'Núñez, José "Pepe"'


@pytest.mark.parametrize("number", ["555-01", "call me", "(555) 010-1234 ext!"])
def test_a_bad_phone_is_refused(number):
    with pytest.raises(ValidationError, match="phone"):
        Phone(number=number)


def test_enrollment_consent_needs_a_method_and_end_follows_start():
    with pytest.raises(ValidationError, match="consent method"):
        Enrollment(patient_id=1, program=Program.CCM, start_date=date(2026, 1, 1), consent_date=date(2026, 1, 2))
    with pytest.raises(ValidationError, match="end date: cannot be before start date"):
        Enrollment(patient_id=1, program="CCM", start_date=date(2026, 2, 1), end_date=date(2026, 1, 1))
    e = Enrollment(
        patient_id=1, program="CCM", start_date=date(2026, 1, 1), consent_date=date(2026, 1, 5), consent_method="verbal"
    )
    assert e.program is Program.CCM and e.consent_method is ConsentMethod.VERBAL
    assert not e.consented_by(date(2026, 1, 4)) and e.consented_by(date(2026, 1, 5))


def test_icd10_codes_are_checked_and_normalised():
    assert Condition(patient_id=1, icd10="e11.9", display="Type 2 diabetes").icd10 == "E11.9"
    with pytest.raises(ValidationError, match="ICD-10 code"):
        Condition(patient_id=1, icd10="diabetes", display="Type 2 diabetes")


def test_observation_ranges_catch_typing_slips():
    ok = Observation(patient_id=1, kind="A1c", value=7.2, observed_on=date(2026, 1, 1))
    assert ok.unit == "%" and ok.kind is ObservationKind.A1C
    with pytest.raises(ValidationError, match="weight: must be between"):
        Observation(patient_id=1, kind="weight", value=1800, observed_on=date(2026, 1, 1))


def test_contact_times_must_be_aware():
    with pytest.raises(ValidationError, match="contact time"):
        Contact(patient_id=1, at=datetime(2026, 1, 1, 9), channel="phone", outcome="reached")
    c = Contact(patient_id=1, at=datetime(2026, 1, 1, 9, tzinfo=UTC), channel="phone", outcome="no answer")
    assert c.outcome is Outcome.NO_ANSWER and not c.outcome.answered


@pytest.mark.parametrize("minutes", [0, -5, 601, 2.5, True])
def test_time_entry_minutes_are_whole_and_sane(minutes):
    with pytest.raises(ValidationError, match="minutes"):
        TimeEntry(
            patient_id=1,
            on=date(2026, 1, 1),
            minutes=minutes,
            activity=Activity.CALL,
            staff_type=StaffType.CLINICAL_STAFF,
            program=Program.CCM,
        )


def test_age_counts_completed_years_and_leap_day_birthdays():
    assert age_on(date(1950, 11, 25), date(2026, 11, 24)) == 75
    assert age_on(date(1950, 11, 24), date(2026, 11, 24)) == 76
    assert age_on(date(1948, 2, 29), date(2026, 2, 28)) == 77
    assert age_on(date(1948, 2, 29), date(2026, 3, 1)) == 78


def test_us_date_is_month_day_year_with_leading_zeros():
    assert us_date(date(1950, 3, 4)) == "03/04/1950"
    assert us_date(date(2026, 11, 24)) == "11/24/2026"
    assert us_date(date(999, 1, 2)) == "01/02/0999"


def test_us_month_day_is_us_date_without_the_year():
    """The short date of every reason: zero-padded like us_date, whatever the month or day."""
    assert us_month_day(date(2026, 9, 5)) == "09/05"
    assert us_month_day(date(2026, 12, 25)) == "12/25"
    assert us_month_day(date(2027, 1, 1)) == "01/01"
    assert us_month_day(datetime(2026, 11, 3, 10, 2, tzinfo=UTC)) == "11/03"  # an instant: its date
    for day in (date(2026, 9, 5), date(2026, 12, 25), date(2027, 1, 1)):
        assert us_date(day).startswith(us_month_day(day) + "/")


def test_month_boundaries():
    feb = Month(2028, 2)
    assert (feb.first_day, feb.last_day) == (date(2028, 2, 1), date(2028, 2, 29))
    assert Month(2026, 12).next() == Month(2027, 1) and Month(2027, 1).previous() == Month(2026, 12)
    assert Month.parse("2026-11") == Month(2026, 11) and str(Month(2026, 3)) == "2026-03"
    with pytest.raises(ValidationError, match="month: is written YYYY-MM"):
        Month.parse("November")
    with pytest.raises(ValidationError, match="month: 2026-13 is not a real month"):
        Month.parse("2026-13")


def test_an_instant_falls_on_the_clinic_date_and_month():
    ny = ZoneInfo("America/New_York")
    nov = Month(2026, 11)
    # 23:59 on 30 Nov in New York is already 1 Dec in UTC: the clinic's date wins.
    late = datetime(2026, 12, 1, 4, 59, tzinfo=UTC)
    assert local_date(late, ny) == date(2026, 11, 30) and nov.contains(local_date(late, ny))


def test_care_plan_content_round_trips_through_its_dict():
    content = CarePlanContent(
        problems=(
            Problem(
                title="Diabetes",
                condition_icd10="E11.9",
                goals=(
                    Goal(measure="A1c", target="< 8%", target_date=date(2027, 3, 1), status=GoalStatus.IN_PROGRESS),
                ),
                interventions=(Intervention(action="Check sugar daily", owner=Owner.PATIENT, frequency="daily"),),
            ),
        ),
        barriers="Transport",
        next_review=date(2027, 5, 1),
    )
    assert CarePlanContent.from_dict(content.to_dict()) == content


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/1948", date(1948, 3, 4)),
        ("3/4/1948", date(1948, 3, 4)),
        ("1948-03-04", date(1948, 3, 4)),
        (" 12/31/1950 ", date(1950, 12, 31)),
    ],
)
def test_typed_dates_us_or_iso(text, expected):
    from caredesk.domain.checks import parse_typed_date

    assert parse_typed_date("date of birth", text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/12/1950", "not a real calendar date"),
        ("02/30/2001", "not a real"),
        ("March 4", "MM/DD/YYYY"),
        ("", "MM/DD/YYYY"),
    ],
)
def test_bad_typed_dates_name_the_field(text, message):
    from caredesk.domain.checks import parse_typed_date

    with pytest.raises(ValidationError, match=f"date of birth: .*{message}"):
        parse_typed_date("date of birth", text)
