"""The rule that warns before a second chart for one person (domain.same_person), with plain values."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain.patients import Patient, Status
from caredesk.domain.same_person import likely_same, name_key, one_slip

BORN = date(1950, 1, 1)


def _p(given: str, family: str, *, born: date = BORN, preferred: str = "", status: Status = Status.ACTIVE) -> Patient:
    return Patient(
        mrn="M1", given_name=given, family_name=family, birth_date=born, preferred_name=preferred, status=status
    )


def test_the_testers_kim_bo_twice_is_the_same_person():
    assert likely_same(_p("Bo", "Kim"), _p("Bo", "Kim"))


@pytest.mark.parametrize(
    ("new", "stored"),
    [
        (("Bo", "kim"), ("Bo", "Kim")),  # case
        (("Zoe", "Nunez"), ("Zoë", "Núñez")),  # accents
        (("Sean", "OBrien"), ("Seán", "O’Brien")),  # apostrophe as typed or pasted
        (("Ana", "Delacruz"), ("Ana", "De la Cruz")),  # spaces
        (("Ana", "Smith Jones"), ("Ana", "Smith-Jones")),  # hyphen
        (("Mary", "Jonhson"), ("Mary", "Johnson")),  # two letters swapped
        (("Mary", "Robinsen"), ("Mary", "Robinson")),  # one letter wrong
        (("Mary", "Willams"), ("Mary", "Williams")),  # one letter dropped
        (("Katherine", "Kim"), ("Kathryn", "Kim")),  # the same initial
        (("Boo", "Kim"), ("Bo", "Kim")),  # a typo in the given name
    ],
)
def test_slips_a_care_manager_makes_are_caught(new, stored):
    assert likely_same(_p(*new), _p(*stored))


def test_a_preferred_name_typed_as_the_given_name_is_caught():
    assert likely_same(_p("Bob", "Lee"), _p("Robert", "Lee", preferred="Bob"))
    assert likely_same(_p("Robert", "Lee", preferred="Bob"), _p("Bob", "Lee"))


@pytest.mark.parametrize(
    ("new", "stored"),
    [
        (("Bo", "Kim"), ("Min", "Kim")),  # a common family name, another person
        (("Alice", "Nguyen"), ("Thomas", "Nguyen")),  # twins with different initials
        (("Bo", "Kin"), ("Bo", "Kim")),  # a short family name must match: Kim, Kin, Lim are families
        (("Mary", "Jones"), ("Mary", "James")),  # two letters apart
    ],
)
def test_different_people_are_not_flagged(new, stored):
    assert not likely_same(_p(*new), _p(*stored))


def test_another_birth_date_is_another_person():
    assert not likely_same(_p("Bo", "Kim"), _p("Bo", "Kim", born=date(1950, 1, 2)))


@pytest.mark.parametrize("status", [Status.DISENROLLED, Status.DECEASED])
def test_patients_off_the_panel_are_not_compared(status):
    assert not likely_same(_p("Bo", "Kim"), _p("Bo", "Kim", status=status))


def test_a_paused_patient_is_still_on_the_panel():
    assert likely_same(_p("Bo", "Kim"), _p("Bo", "Kim", status=Status.PAUSED))


def test_name_key_and_one_slip():
    assert name_key("Núñez-Qzx") == "nunezqzx" and name_key("O'Brien") == "obrien"
    assert one_slip("johnson", "jonhson") and one_slip("smith", "smyth") and one_slip("willams", "williams")
    assert not one_slip("smith", "smith") and not one_slip("jones", "james") and not one_slip("ab", "abcd")
