"""ICD-10-CM lookup and search.

Source: the ICD-10-CM code set (CDC National Center for Health Statistics, HIPAA code set adopted
by CMS), FY2026 tabular list with the April 1, 2026 update, as shipped by simple-icd-10-cm:
E11.9 "Type 2 diabetes mellitus without complications", I10 "Essential (primary) hypertension",
E11 and E11.6 are headings with more specific codes below them, J44.1 lists "Decompensated COPD"
among its inclusion terms, S72.001A is a 7-character code.
"""

import importlib.util
from pathlib import Path

import pytest

from caredesk.domain import icd10
from caredesk.domain.icd10 import Icd10Code, lookup, normalize, search
from caredesk.errors import ValidationError


def _refusal(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        lookup(text)
    assert caught.value.field == "ICD-10 code"
    return caught.value


def _codes_in(message: str) -> list[str]:
    """The codes a refusal offers: each choice is 'CODE description', separated by ', '."""
    offered = message.split(": ", 1)[1]
    return [choice.split(" ", 1)[0] for choice in offered.split(", ") if choice[:1].isalpha() and choice[1:3].isdigit()]


@pytest.mark.parametrize(
    ("typed", "written"),
    [("e119", "E11.9"), (" I10 ", "I10"), ("E11.9", "E11.9"), ("e11 .65", "E11.65"), ("s72001a", "S72.001A"), ("", "")],
)
def test_normalize_writes_the_code_as_the_code_set_does(typed, written):
    assert normalize(typed) == written


def test_e119_is_type_2_diabetes_without_complications():
    assert lookup("E119") == Icd10Code("E11.9", "Type 2 diabetes mellitus without complications", billable=True)


def test_i10_is_essential_hypertension_and_billable_as_a_three_character_code():
    assert lookup("I10") == Icd10Code("I10", "Essential (primary) hypertension", billable=True)


@pytest.mark.parametrize("typed", ["e119", "e11.9", " E11.9 ", "E119"])
def test_dotless_and_lowercase_codes_are_found(typed):
    assert lookup(typed).code == "E11.9"


def test_a_seven_character_code_carries_its_seventh_character_in_the_description():
    found = lookup("s72001a")
    assert found.code == "S72.001A"
    assert found.description == (
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    )


def test_an_empty_code_is_required():
    assert _refusal("  ").message == "is required"


def test_an_unknown_code_offers_the_nearest_billable_codes():
    message = _refusal("E11.99").message
    assert message.startswith("E11.99 is not an ICD-10-CM code; nearest: E11.9 Type 2 diabetes mellitus without")
    offered = _codes_in(message)
    assert 1 < len(offered) <= 5
    assert all(code.startswith("E11") and lookup(code).billable for code in offered)
    assert len(message) < 450


def test_a_code_with_nothing_near_says_check_the_code():
    message = _refusal("XYZ").message
    assert message.startswith("XYZ is not an ICD-10-CM code; check the code")
    assert _refusal("hypertension please").message.startswith("That is not an ICD-10-CM code")


def test_a_category_is_refused_with_billable_codes_to_choose_from():
    message = _refusal("E11").message
    assert message.startswith("E11 is a category, not a billable code; choose one of: ")
    offered = _codes_in(message)
    assert "E11.9" in offered
    assert len(offered) == 5
    assert all(code.startswith("E11.") and lookup(code).billable for code in offered)
    assert len(message) < 450


def test_a_subcategory_is_refused_with_the_codes_below_it():
    message = _refusal("e116").message
    assert message.startswith("E11.6 is a subcategory, not a billable code; choose one of: E11.65 Type 2 diabetes")
    assert all(code.startswith("E11.6") for code in _codes_in(message))


def test_search_by_words_finds_type_2_diabetes_first():
    found = search("type 2 diabetes")
    assert found[0] == lookup("E11.9")
    assert all(c.billable for c in found)
    assert len(found) == 20


def test_search_needs_every_word_in_any_case():
    found = search("Diabetes HYPERGLYC")
    assert "E11.65" in [c.code for c in found]
    assert all("diabetes" in c.description.lower() and "hyperglyc" in c.description.lower() for c in found)


def test_search_by_code_prefix_lists_billable_codes_under_it_most_general_first():
    found = search("e11", limit=5)
    assert [c.code for c in found][:2] == ["E11.8", "E11.9"]
    assert len(found) == 5
    assert all(c.code.startswith("E11.") and c.billable for c in found)


def test_search_reads_the_inclusion_terms():
    assert [c.code for c in search("copd")] == ["J44.1"]


def test_search_of_nothing_finds_nothing():
    assert search("   ") == []
    assert search("zzqx") == []


def test_the_docstring_names_the_release_the_package_ships():
    # Finding the package's folder does not import it (importing parses the whole code set).
    spec = importlib.util.find_spec("simple_icd_10_cm")
    assert spec is not None and spec.submodule_search_locations
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    tabular = [p.name for p in data.glob("icd10c-tabular-*.xml")]
    assert len(tabular) == 1
    assert tabular[0] in (icd10.__doc__ or ""), "a new code set release: update the module docstring"
