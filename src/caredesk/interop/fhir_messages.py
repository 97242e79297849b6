"""A FHIR model's validation error in plain words (the element path is said beside it).

`plain(error) -> str` for one item of pydantic's `ValidationError.errors()` as the
`fhir.resources` R4B models raise it: "Value error, Date value string does not match spec
regex." becomes "is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)". The formats are R4's
primitive types (https://hl7.org/fhir/R4/datatypes.html#primitive); a kind not listed here
keeps the library's sentence (still naming the element), so no error is ever hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# fhir.resources' own ValueError text for a primitive, by the primitive's name (the words
# before " value string does not match spec regex").
_PRIMITIVES = {
    "Date": "is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)",
    "DateTime": "is not a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz)",
    "Instant": "is not a FHIR instant (YYYY-MM-DDThh:mm:ss with a time zone, e.g. 2026-11-24T10:30:00-05:00)",
    "Time": "is not a FHIR time (hh:mm:ss)",
    "Decimal": "is not a number",
    "Integer": "is not a whole number",
    "PositiveInt": "is not a whole number above 0",
    "UnsignedInt": "is not a whole number of 0 or more",
    "Uri": "is not a URI",
    "Url": "is not a URL",
    "Code": "is not a code (no leading or trailing spaces)",
    "Id": "is not a FHIR id (letters, digits, '-' and '.', up to 64)",
}
# pydantic's error kinds (https://docs.pydantic.dev/latest/errors/validation_errors/).
_KINDS = {
    "missing": "is required and missing",
    "model_field_validation.missing": "is required and missing",
    "extra_forbidden": "is not an element of this resource in FHIR R4",
    "list_type": "must be a list ([...] in JSON)",
    "dict_type": "must be an object ({...} in JSON)",
    "model_type": "must be an object ({...} in JSON)",
    "model_attributes_type": "must be an object ({...} in JSON)",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "string_pattern_mismatch": "has characters FHIR does not allow here",
    "string_too_long": "is too long",
    "literal_error": "is not one of the codes FHIR allows here",
    "enum": "is not one of the codes FHIR allows here",
}
_REGEX = " value string does not match spec regex."


def plain(error: Mapping[str, Any]) -> str:
    """The sentence for one pydantic error item (keys "type", "msg"); see the module."""
    kind = str(error.get("type", ""))
    message = str(error.get("msg", ""))
    if kind == "value_error" and message.endswith(_REGEX):
        primitive = message.removeprefix("Value error, ").removesuffix(_REGEX)
        return _PRIMITIVES.get(primitive, f"is not a valid FHIR {primitive[:1].lower()}{primitive[1:]}")
    if kind in _KINDS:
        return _KINDS[kind]
    return message.removeprefix("Value error, ")
