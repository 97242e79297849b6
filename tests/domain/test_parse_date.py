"""checks.parse_date: the one date parser of every command-line option."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain.checks import parse_date
from caredesk.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11/24/2026", date(2026, 11, 24)),  # as US clinics write it
        ("1/5/2026", date(2026, 1, 5)),
        (" 2026-11-24 ", date(2026, 11, 24)),  # ISO 8601, as scripts write it
        ("02/29/2028", date(2028, 2, 29)),  # a leap day
    ],
)
def test_both_ways_of_writing_a_date(text, expected):
    assert parse_date("--on", text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("02/30/2026", "--on: 02/30/2026 is not a real calendar date"),
        ("2026-02-30", "--on: 2026-02-30 is not a real calendar date"),
        ("02/29/2027", "--on: 02/29/2027 is not a real calendar date"),  # 2027 is no leap year
        # Day first: there is no month 24; the month comes first, and the other way round it is one.
        ("24/11/2026", "--on: 24/11/2026 is not a real calendar date (the month comes first: MM/DD/YYYY; 11/24/2026?)"),
        ("31/02/2026", "--on: 31/02/2026 is not a real calendar date (the month comes first: MM/DD/YYYY)"),
        ("Nov 24", "--on: must be a date written MM/DD/YYYY or YYYY-MM-DD"),
        ("20261124", "--on: must be a date written MM/DD/YYYY or YYYY-MM-DD"),
        ("", "--on: must be a date written MM/DD/YYYY or YYYY-MM-DD"),
    ],
)
def test_a_refusal_names_the_option_and_echoes_only_a_date_shaped_value(text, message):
    with pytest.raises(ValidationError) as refused:
        parse_date("--on", text)
    assert str(refused.value) == message
