"""The letter to a patient we could not reach, as plain values: its words and its refusals.

SPEC section 3 (Call queue): after three unanswered attempts in a month a letter task is
proposed; issue 10 item 7: the letter in plain language, from the practice.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.domain.contacts import Channel, Contact, Outcome
from caredesk.domain.letters import compose, letter_calls, mailing_lines
from caredesk.domain.patients import Patient, Status
from caredesk.domain.practice import PracticeProfile
from caredesk.errors import ValidationError

TZ = ZoneInfo("America/New_York")
TODAY = date(2026, 11, 24)
PRACTICE = PracticeProfile(
    care_manager_name="Sam Rivera",
    care_manager_credentials="RN",
    practice_name="Demo Family Medicine",
    practice_phone="(555) 019-4321",
    practice_address="120 Main Street, Suite 200, Demoville, ZZ 00011",
    office_hours="Monday to Friday, 8 am to 5 pm",
)
CALLS = (date(2026, 11, 18), date(2026, 11, 3), date(2026, 11, 10))


def patient(**changes) -> Patient:
    values = {
        "mrn": "L1",
        "given_name": "Margaret",
        "family_name": "Okafor",
        "preferred_name": "Peggy",
        "birth_date": date(1950, 1, 1),
        "address": "4821 Larkspur Ave, Apt 12, Springfield, IL 62701",
    }
    return Patient(**(values | changes))


def call(day: int, outcome: Outcome, hour: int = 10) -> Contact:
    return Contact(patient_id=1, at=datetime(2026, 11, day, hour, tzinfo=TZ), channel=Channel.PHONE, outcome=outcome)


def test_the_letter_greets_by_preferred_name_lists_the_calls_oldest_first_and_gives_the_practice_phone():
    letter = compose(patient(), PRACTICE, CALLS, TODAY)
    assert letter.greeting == "Dear Peggy,"
    assert letter.call_dates == ("11/03/2026", "11/10/2026", "11/18/2026")
    assert letter.dated == "11/24/2026"
    assert letter.recipient == ("Margaret Okafor", "4821 Larkspur Ave", "Apt 12", "Springfield, IL 62701")
    assert letter.sender == ("Demo Family Medicine", "120 Main Street", "Suite 200", "Demoville, ZZ 00011")
    text = letter.text().replace("\u00a0", " ")
    assert "Please call us at (555) 019-4321. Ask for Sam Rivera, your care manager." in text
    assert "We answer the phone Monday to Friday, 8 am to 5 pm." in text
    assert letter.signature == ("Sam Rivera, RN", "Care manager, Demo Family Medicine")


def test_a_korean_patient_is_addressed_family_name_first():
    """김 민준 is 김민준 on the envelope's lines (domain.names.full_name)."""
    letter = compose(patient(given_name="민준", family_name="김", preferred_name=""), PRACTICE, CALLS, TODAY)
    assert letter.recipient[0] == "김민준"
    # Given name alone is for family and close friends in Korea, China and Japan; a practice's
    # letter greets by the full name unless the patient gave a preferred one.
    assert letter.greeting == "Dear 김민준,"
    assert compose(
        patient(given_name="秀英", family_name="王", preferred_name="Susan"), PRACTICE, CALLS, TODAY
    ).greeting == ("Dear Susan,")


def test_one_call_is_one_day():
    assert compose(patient(), PRACTICE, (date(2026, 11, 3),), TODAY).opening.endswith("on this day:")


def test_without_a_preferred_name_the_given_name_and_without_hours_no_hours_sentence():
    letter = compose(
        patient(preferred_name=""), PracticeProfile(**(PRACTICE.as_dict() | {"office_hours": ""})), CALLS, TODAY
    )
    assert letter.greeting == "Dear Margaret,"
    assert "answer the phone" not in letter.text()


def _syllables(word: str) -> int:
    w = re.sub(r"[^a-z]", "", word.lower())
    if w.endswith("e") and not w.endswith("le") and len(w) > 2:
        w = w[:-1]
    return max(1, len(re.findall(r"[aeiouy]+", w)))


def test_the_wording_reads_at_about_a_sixth_grade_level():
    """Flesch-Kincaid grade level (Kincaid et al. 1975, Naval Technical Training Command report
    8-75): 0.39 x words per sentence + 11.8 x syllables per word - 15.59; AMA and NIH advise
    patient materials at a 6th-grade level or below. Syllables by vowel groups (close enough
    for a ceiling)."""
    letter = compose(patient(), PRACTICE, CALLS, TODAY)
    body = " ".join([letter.opening, *letter.paragraphs])
    sentences = [s for s in re.split(r"[.?!:]+\s", body) if s.strip()]
    words = re.findall(r"[A-Za-z']+", body)
    grade = 0.39 * len(words) / len(sentences) + 11.8 * sum(map(_syllables, words)) / len(words) - 15.59
    assert grade <= 6, grade
    assert max(len(re.findall(r"[A-Za-z']+", s)) for s in sentences) <= 15  # short sentences


@pytest.mark.parametrize(
    ("field", "label", "option"),
    [
        ("care_manager_name", "care manager name", "--name"),
        ("practice_name", "practice name", "--practice"),
        ("practice_phone", "practice phone", "--practice-phone"),
        ("practice_address", "practice address", "--address"),
    ],
)
def test_a_missing_practice_detail_is_refused_naming_it_and_where_to_set_it(field, label, option):
    blank = {field: ""} | ({"care_manager_credentials": ""} if field == "care_manager_name" else {})
    with pytest.raises(ValidationError) as err:
        compose(patient(), PracticeProfile(**(PRACTICE.as_dict() | blank)), CALLS, TODAY)
    assert err.value.field == label
    assert "Practice details" in err.value.message and f"caredesk practice {option}" in err.value.message


def test_no_mailing_address_no_calls_or_a_deceased_patient_is_refused_naming_why():
    with pytest.raises(ValidationError) as err:
        compose(patient(address=""), PRACTICE, CALLS, TODAY)
    assert err.value.field == "address" and "Record tab" in err.value.message
    with pytest.raises(ValidationError) as err:
        compose(patient(), PRACTICE, (), TODAY)
    assert err.value.field == "letter" and "no unanswered call" in err.value.message
    with pytest.raises(ValidationError) as err:
        compose(patient(status=Status.DECEASED, died_on=date(2026, 11, 20)), PRACTICE, CALLS, TODAY)
    assert err.value.field == "status"


@pytest.mark.parametrize(
    ("address", "lines"),
    [
        ("12 Elm St, Springfield, IL 62701", ("12 Elm St", "Springfield, IL 62701")),
        ("12 Elm St, Apt 4, Springfield, IL 62701-1234", ("12 Elm St", "Apt 4", "Springfield, IL 62701-1234")),
        ("PO Box 9, Demoville ZZ 00011", ("PO Box 9", "Demoville ZZ 00011")),
        (" 5 Oak Rd ,, Town , ZZ 00012 ", ("5 Oak Rd", "Town, ZZ 00012")),
    ],
)
def test_a_one_line_address_becomes_envelope_lines(address, lines):
    assert mailing_lines("address", address) == lines


def test_an_address_with_many_parts_keeps_every_part_for_the_pdf_to_fit():
    """The record accepts any address up to 300 characters; the letter must not refuse one
    (tests/pdf/test_letter_fit.py shows it inside the window)."""
    lines = mailing_lines("address", "1 A St, Unit 2, Bldg 3, Floor 4, Care of Ann, Town, ZZ 00011")
    assert lines == ("1 A St", "Unit 2", "Bldg 3", "Floor 4", "Care of Ann", "Town, ZZ 00011")


def test_the_calls_listed_are_the_unanswered_ones_since_the_patient_was_last_reached():
    contacts = [
        call(2, Outcome.VOICEMAIL),
        call(3, Outcome.REACHED),  # reached: the calls before it need no letter
        call(5, Outcome.NO_ANSWER),
        call(5, Outcome.VOICEMAIL, hour=15),  # one day listed once
        call(9, Outcome.WRONG_NUMBER),
        call(12, Outcome.VOICEMAIL),
    ]
    assert letter_calls(contacts, TZ).named() == (date(2026, 11, 5), date(2026, 11, 9), date(2026, 11, 12))


def _at(day: date, outcome: Outcome, channel: Channel = Channel.PHONE, id_: int | None = None) -> Contact:
    return Contact(
        id=id_, patient_id=1, at=datetime(day.year, day.month, day.day, 12, tzinfo=TZ), channel=channel, outcome=outcome
    )


def test_a_patient_never_reached_gets_every_unanswered_call_whatever_month_the_letter_is_written():
    """SPEC section 3: three unanswered attempts in a month propose the letter task
    (domain.attempts.letter_proposed); the letter must name at least those calls, also when it
    is written in the next month (the tester's case: calls 11/02, 11/09, 11/16, letter 12/01)."""
    from caredesk.domain.attempts import letter_proposed
    from caredesk.domain.calendar import Month

    calls = [_at(date(2026, 10, 20), Outcome.NO_ANSWER)] + [
        _at(date(2026, 11, d), Outcome.NO_ANSWER if d != 9 else Outcome.VOICEMAIL) for d in (2, 9, 16)
    ]
    assert letter_proposed(calls, Month(2026, 11), TZ)
    named = letter_calls(calls, TZ).named()
    assert named == (date(2026, 10, 20), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16))
    assert letter_calls(calls[:3], TZ).named() == named[:3]  # two (or any) unanswered calls: a letter can name them


def test_no_letter_names_why_never_called_reached_since_or_already_sent():
    with pytest.raises(ValidationError) as err:
        letter_calls([], TZ).named()
    assert (err.value.field, err.value.message) == (
        "letter",
        "is not needed: no call to the patient has gone unanswered",
    )
    reached = [_at(date(2026, 11, 2), Outcome.VOICEMAIL), _at(date(2026, 11, 5), Outcome.DECLINED)]
    with pytest.raises(ValidationError) as err:
        letter_calls(reached, TZ).named()
    assert (
        err.value.message
        == "is not needed: the patient was reached on 11/05/2026 and no call has gone unanswered since"
    )
    sent = [
        _at(date(2026, 11, 2), Outcome.VOICEMAIL),
        _at(date(2026, 11, 9), Outcome.VOICEMAIL),
        _at(date(2026, 11, 9), Outcome.SENT, Channel.LETTER, id_=7),
    ]
    with pytest.raises(ValidationError) as err:
        letter_calls(sent, TZ).named()
    assert (
        err.value.message == "is not needed: a letter about these calls was recorded as sent on 11/09/2026 (contact 7)"
    )
    # A later unanswered call is news: the next letter names it alone.
    assert letter_calls([*sent, _at(date(2026, 11, 12), Outcome.NO_ANSWER)], TZ).named() == (date(2026, 11, 12),)


def test_sent_is_an_outcome_for_a_letter_only_and_neither_answered_nor_an_attempt():
    from caredesk.domain.attempts import UNANSWERED

    assert not Outcome.SENT.answered and Outcome.SENT not in UNANSWERED
    with pytest.raises(ValidationError) as err:
        Contact(patient_id=1, at=datetime(2026, 11, 2, tzinfo=TZ), channel=Channel.PHONE, outcome=Outcome.SENT)
    assert err.value.field == "outcome"
