"""Typed choices (programs, outcomes, consent methods...) match whatever their case and spacing."""

from __future__ import annotations

import pytest

from caredesk.domain.checks import one_of
from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Program
from caredesk.errors import ValidationError


@pytest.mark.parametrize(
    ("typed", "program"),
    [("CCM", Program.CCM), ("ccm", Program.CCM), (" Complex  ccm ", Program.COMPLEX_CCM), ("apcm", Program.APCM)],
)
def test_a_program_typed_in_any_case_is_that_program(typed, program):
    assert one_of("--program", typed, Program) is program


def test_an_outcome_typed_in_capitals_is_that_outcome():
    assert one_of("outcome", "REACHED", Outcome) is Outcome.REACHED


def test_an_unknown_choice_names_the_field_and_lists_the_values():
    with pytest.raises(ValidationError) as err:
        one_of("--program", "CCMX", Program)
    assert str(err.value) == "--program: must be one of: " + ", ".join(p.value for p in Program)


def test_a_choice_typed_with_hyphens_or_underscores_is_the_spaced_value():
    """Tester finding: `--outcome no-answer` was refused (a shell user types it without quotes)."""
    from caredesk.domain import checks
    from caredesk.domain.contacts import Outcome

    assert checks.one_of("outcome", "no-answer", Outcome) is Outcome.NO_ANSWER
    assert checks.one_of("outcome", "Wrong_Number", Outcome) is Outcome.WRONG_NUMBER
