"""Business days: weekends and US federal holidays (observed days included) are skipped."""

from datetime import date

from caredesk.domain.coordination import Transition
from caredesk.domain.transitions import tcm_deadlines
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar


def test_weekend_is_not_a_business_day():
    assert US_FEDERAL.is_business_day(date(2026, 11, 20))  # Friday
    assert not US_FEDERAL.is_business_day(date(2026, 11, 21))  # Saturday
    assert not US_FEDERAL.is_business_day(date(2026, 11, 22))  # Sunday


def test_friday_plus_one_business_day_is_monday():
    assert US_FEDERAL.add_business_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_thanksgiving_2026_is_a_holiday_and_the_day_after_is_not():
    assert not US_FEDERAL.is_business_day(date(2026, 11, 26))
    assert US_FEDERAL.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"
    assert US_FEDERAL.is_business_day(date(2026, 11, 27))  # not a federal holiday
    assert US_FEDERAL.holiday_name(date(2026, 11, 27)) is None


def test_july_4_2026_on_saturday_is_observed_on_friday_july_3():
    assert not US_FEDERAL.is_business_day(date(2026, 7, 3))
    assert "observed" in (US_FEDERAL.holiday_name(date(2026, 7, 3)) or "")
    assert US_FEDERAL.add_business_days(date(2026, 7, 2), 1) == date(2026, 7, 6)


def test_new_year_2028_observed_on_friday_dec_31_2027():
    assert not US_FEDERAL.is_business_day(date(2027, 12, 31))
    assert US_FEDERAL.next_business_day(date(2027, 12, 30)) == date(2028, 1, 3)


def test_add_business_days_over_a_holiday():
    # Mon 2026-01-19 is MLK day: Fri 16 + 2 -> Tue 20 (1), Wed 21 (2).
    assert US_FEDERAL.add_business_days(date(2026, 1, 16), 2) == date(2026, 1, 21)


def test_zero_business_days_is_the_day_itself_even_on_a_holiday():
    assert US_FEDERAL.add_business_days(date(2026, 11, 26), 0) == date(2026, 11, 26)


def test_negative_business_days_are_refused():
    import pytest

    with pytest.raises(ValueError):
        US_FEDERAL.add_business_days(date(2026, 11, 26), -1)


def test_business_days_left_on_tuesday_before_thanksgiving_2026():
    # Tue 24 (1), Wed 25 (2), Thu 26 Thanksgiving (no), Fri 27 (3), Sat/Sun (no), Mon 30 (4).
    assert US_FEDERAL.business_days_left(date(2026, 11, 24)) == 4


def test_business_days_left_on_a_weekend_does_not_count_that_day():
    # Sat 2026-11-28: only Mon 30 is left.
    assert US_FEDERAL.business_days_left(date(2026, 11, 28)) == 1
    assert US_FEDERAL.business_days_left(date(2026, 11, 30)) == 1


def test_discharge_friday_before_monday_holiday_contact_due_wednesday():
    # Mon 2027-01-18 is MLK day: Tue 19 (1), Wed 20 (2).
    t = Transition(patient_id=1, facility="General", admitted_on=None, discharged_on=date(2027, 1, 15))
    contact, _visit = tcm_deadlines(t)
    assert contact.due == date(2027, 1, 20)


def test_discharge_wednesday_before_thanksgiving_contact_due_monday():
    # Thu 26 holiday, Fri 27 (1), weekend, Mon 30 (2).
    t = Transition(patient_id=1, facility="General", admitted_on=None, discharged_on=date(2026, 11, 25))
    contact, _visit = tcm_deadlines(t)
    assert contact.due == date(2026, 11, 30)


def test_a_fresh_calendar_gives_the_same_answers_as_the_default():
    cal = BusinessCalendar()
    assert cal.add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)  # Christmas Fri 25


def test_business_day_on_or_after_keeps_a_business_day_and_skips_weekend_and_holiday():
    assert US_FEDERAL.business_day_on_or_after(date(2026, 11, 25)) == date(2026, 11, 25)  # Wednesday
    assert US_FEDERAL.business_day_on_or_after(date(2026, 11, 26)) == date(2026, 11, 27)  # Thanksgiving
    assert US_FEDERAL.business_day_on_or_after(date(2026, 7, 3)) == date(2026, 7, 6)  # observed July 4, weekend
