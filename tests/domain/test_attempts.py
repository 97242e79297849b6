"""Unanswered attempts hold a patient back a business day; three in a month propose a letter."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from caredesk.domain.attempts import hold_until, letter_proposed, unanswered_in_month
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Channel, Contact, Outcome

NY = ZoneInfo("America/New_York")


def _call(at, outcome):
    return Contact(patient_id=1, at=at, channel=Channel.PHONE, outcome=outcome)


def _ny(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=NY)


def test_unanswered_attempt_yesterday_holds_today():
    # Attempt Tue 2026-11-17; today Wed 18 is the next business day: held until today, so
    # callable again from today, not before.
    until = hold_until([_call(_ny(2026, 11, 17), Outcome.VOICEMAIL)], NY)
    assert until == date(2026, 11, 18)


def test_unanswered_attempt_on_friday_holds_until_monday():
    until = hold_until([_call(_ny(2026, 11, 20), Outcome.NO_ANSWER)], NY)
    assert until == date(2026, 11, 23)


def test_unanswered_attempt_before_thanksgiving_holds_until_friday():
    assert hold_until([_call(_ny(2026, 11, 25), Outcome.WRONG_NUMBER)], NY) == date(2026, 11, 27)


def test_reached_call_after_an_attempt_releases_the_hold():
    contacts = [_call(_ny(2026, 11, 17, 15), Outcome.REACHED), _call(_ny(2026, 11, 17, 9), Outcome.VOICEMAIL)]
    assert hold_until(contacts, NY) is None


def test_no_contacts_no_hold():
    assert hold_until([], NY) is None


def test_three_unanswered_in_a_month_propose_a_letter():
    contacts = [_call(_ny(2026, 11, d), Outcome.VOICEMAIL) for d in (3, 10, 17)]
    assert unanswered_in_month(contacts, Month(2026, 11), NY) == 3
    assert letter_proposed(contacts, Month(2026, 11), NY)
    assert not letter_proposed(contacts[:2], Month(2026, 11), NY)


def test_reached_call_in_between_resets_the_count():
    contacts = [
        _call(_ny(2026, 11, 3), Outcome.VOICEMAIL),
        _call(_ny(2026, 11, 4), Outcome.NO_ANSWER),
        _call(_ny(2026, 11, 5), Outcome.REACHED),
        _call(_ny(2026, 11, 10), Outcome.VOICEMAIL),
        _call(_ny(2026, 11, 11), Outcome.NO_ANSWER),
    ]
    assert unanswered_in_month(contacts, Month(2026, 11), NY) == 2
    assert not letter_proposed(contacts, Month(2026, 11), NY)


def test_attempts_in_the_previous_month_do_not_count():
    contacts = [
        _call(_ny(2026, 10, 29), Outcome.VOICEMAIL),
        _call(_ny(2026, 10, 30), Outcome.VOICEMAIL),
        _call(_ny(2026, 11, 2), Outcome.VOICEMAIL),
    ]
    assert unanswered_in_month(contacts, Month(2026, 11), NY) == 1
    assert not letter_proposed(contacts, Month(2026, 11), NY)


def test_late_evening_attempt_counts_in_the_clinic_month_not_the_utc_one():
    late = _call(_ny(2026, 11, 30, 23, 30), Outcome.VOICEMAIL)
    assert late.at.astimezone(UTC).month == 12  # already December in UTC
    assert unanswered_in_month([late], Month(2026, 11), NY) == 1
    assert unanswered_in_month([late], Month(2026, 12), NY) == 0
    assert hold_until([late], NY) == date(2026, 12, 1)  # next business day after Mon Nov 30
