"""Allergies: "No known allergies" as a fact of its own, distinct from "nothing recorded yet".

An empty allergy list only says nobody has asked. When the patient says they have no known
allergies, that answer is recorded as one allergy record whose substance is the statement
itself, as FHIR R4 does (an AllergyIntolerance coded SNOMED CT 716186003 "No known allergy",
https://hl7.org/fhir/R4/allergyintolerance.html "no known allergies"). It never stands beside
a real allergy: recording one replaces it.
"""

from __future__ import annotations

from caredesk.domain.patients import Allergy
from caredesk.domain.text import fold
from caredesk.errors import ValidationError

NO_KNOWN_ALLERGIES = "No known allergies"

# What care managers type for the same statement (folded).
_SAME = frozenset({"no known allergies", "no known allergy", "no allergies", "nka"})
# Narrower statements that are not the same fact: the patient may still have a food allergy.
_NARROWER = frozenset({"nkda", "no known drug allergies", "no known drug allergy", "none"})


def is_none_known(allergy: Allergy) -> bool:
    """True for the "No known allergies" record."""
    return fold(allergy.substance) in _SAME


def says_none_known(substance: str) -> bool:
    """True when a typed substance is really the statement "no known allergies" ('NKA').

    Raises ValidationError("allergy substance", ...) for statements that are not a substance
    and not quite that fact either ('NKDA', 'none'), so they never become an allergen named 'NKDA'.
    """
    folded = " ".join(fold(substance).replace(".", " ").split())
    if folded in _NARROWER:
        raise ValidationError(
            "allergy substance", f'is not a substance; record "{NO_KNOWN_ALLERGIES}" when the patient has none'
        )
    return folded in _SAME


def same_substance(a: str, b: str) -> bool:
    """'Penicillin' and ' penicillin ' are the same allergy."""
    return fold(a.strip()) == fold(b.strip())
