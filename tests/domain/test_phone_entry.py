"""The rule for a phone as it is entered (domain.phone_entry), which the CLI, the app's forms and
the CSV and FHIR imports call. Source: libphonenumber (the `phonenumbers` package) for region US;
a North American (NANP) number has 10 digits, a 3-digit area code and a 7-digit local number,
which libphonenumber reads alone as IS_POSSIBLE_LOCAL_ONLY. Area code 555 is unassigned by
NANPA: fiction, these tests and the demo panel use it."""

from __future__ import annotations

import pytest

from caredesk.domain.patients import Phone
from caredesk.domain.phone_entry import KINDS, entered_kind, entered_number, entered_phone, entered_phones
from caredesk.errors import ValidationError


def test_the_four_kinds_are_the_apps_and_words_for_them_are_taken_as_them():
    assert KINDS == ("mobile", "home", "work", "caregiver")
    for typed, kind in (
        ("mobile", "mobile"),
        ("Cell", "mobile"),
        ("cell phone", "mobile"),
        ("CELL-PHONE", "mobile"),
        (" Home ", "home"),
        ("landline", "home"),
        ("Office", "work"),
        ("carer", "caregiver"),
    ):
        assert entered_kind("phone type", typed) == kind, typed


@pytest.mark.parametrize("typed", ["pager", "fax", "daughter", ""])
def test_another_kind_is_refused_naming_the_four(typed):
    with pytest.raises(ValidationError) as refused:
        entered_kind("phone 2 type", typed)
    assert refused.value.field == "phone 2 type"
    assert 'mobile, home, work or caregiver ("cell" is mobile)' in refused.value.message


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(555) 010-4477", "(555) 010-4477"),  # the fiction range
        ("5550104477", "(555) 010-4477"),  # digits alone, written as CareDesk writes US numbers
        ("212-555-0142", "212-555-0142"),  # with its own punctuation: kept as typed
        ("+1 212 555 0142 x12", "+1 212 555 0142 x12"),  # an extension
        ("+44 20 7946 0958", "+44 20 7946 0958"),  # another country's, valid there (Ofcom's drama range)
    ],
)
def test_a_whole_number_is_taken(typed, stored):
    assert entered_number("phone", typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("555-0142", "555-0142 has no area code; type all 10 digits"),
        ("555 0142", "555 0142 has no area code; type all 10 digits"),
        ("(123) 456-7890", "(123) 456-7890 is not a number in use: no such area code or exchange"),
        ("(212) 010-4477", "(212) 010-4477 is not a number in use: no such area code or exchange"),
        ("555-010-44770", "555-010-44770 is not a phone number; type all 10 digits"),
        (
            "12",
            "12 is not a phone number; type all 10 digits",
        ),  # the domain's own check (checks.phone), in the same words
        ("abc", '"abc" is not a phone number; type all 10 digits'),
        # Three zeros before 555-0111 (read as 555-0111 behind leading zeros) are no area code 555.
        ("000-555-0111", "000-555-0111 is not a number in use: no such area code or exchange"),
        ("(000) 555-0111", "(000) 555-0111 is not a number in use: no such area code or exchange"),
    ],
)
def test_a_number_that_is_not_whole_is_refused_naming_the_field(typed, message):
    with pytest.raises(ValidationError) as refused:
        entered_number("phone", typed)
    assert (refused.value.field, refused.value.message) == ("phone", message)


def test_a_phone_as_stored_is_kept_and_only_what_changed_is_checked():
    stored = (Phone(number="555-0142", kind="cell"), Phone(number="(555) 010-4477", kind="daughter"))
    assert entered_phones(stored, stored) == stored
    # The stored local number with a type of the four: the number is not asked about again.
    assert entered_phone(Phone(number="555 0142", kind="home"), stored) == Phone(number="555 0142", kind="home")
    # A new number with a stored type: the number is checked, the type kept.
    assert entered_phone(Phone(number="5550100199", kind="cell"), stored) == Phone(number="(555) 010-0199", kind="cell")
    with pytest.raises(ValidationError) as refused:
        entered_phones((*stored, Phone(number="555-0199", kind="home")), stored)
    assert str(refused.value) == "phone 3: 555-0199 has no area code; type all 10 digits"
    with pytest.raises(ValidationError) as refused:
        entered_phones((Phone(number="(555) 010-0199", kind="neighbor"),), stored)
    assert refused.value.field == "phone type"
