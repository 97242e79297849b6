"""Digits alone typed for a US phone are written as every other US number in CareDesk
(a keyboard-only tester saw "5550104477" beside "(555) 010-4477")."""

from __future__ import annotations

import pytest

from caredesk.domain.patients import CareTeamMember, Phone
from caredesk.domain.phones import us_digits_formatted
from caredesk.interop.csv_values import normalize_phone


@pytest.mark.parametrize("typed", ["5550104477", "15550104477", "+15550104477", " 5550104477 "])
def test_digits_alone_make_the_us_format_the_csv_import_writes(typed):
    assert Phone(number=typed).number == "(555) 010-4477" == normalize_phone("5550104477")


@pytest.mark.parametrize(
    "typed",
    [
        "555-010-4477",  # written with its own punctuation: kept as the care manager wrote it
        "(555) 010-4477",
        "5550104",  # seven digits: no area code to guess
        "0551234567",  # no NANP area code starts with 0 or 1
        "+445550104477",  # another country
        "5550104477 x12",  # an extension: not digits alone
    ],
)
def test_anything_else_is_kept_as_typed(typed):
    assert us_digits_formatted(typed) == typed


def test_every_phone_field_of_the_domain_writes_digits_alone_the_same_way():
    member = CareTeamMember(patient_id=1, role="PCP", name="Dr. Lee", phone="2125550142")
    assert member.phone == "(212) 555-0142"
