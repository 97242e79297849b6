"""A patient's phone as it is entered: the one rule for its number and its type, which the
CLI's options, the app's forms and the CSV and FHIR imports call.

A tester found `caredesk patient add --phone "555-0142:cell"` stored as typed, while the app
offers four types, and a 7-digit number with no area code taken by the CLI and the app. The
domain's Phone still takes any text, on purpose: rows stored before this rule (or by an older
import) may hold other types and local numbers, and they keep showing as they are. The rule
applies where a number is ENTERED, and to what is entered only: a phone given again as it is
stored (the same digits, a type the patient already has) is not asked about again.

- The type is one of KINDS, the list the app's form offers. Common words for one of them are
  taken as it ("cell" is mobile: KIND_SYNONYMS); any other is refused naming the four.
- The number is read with libphonenumber (the `phonenumbers` package) for the clinic's region,
  domain.phones.REGION. CareDesk is a US product (Medicare billing, US holidays in
  domain.workdays): there is no setting, the region is US and that constant. A number of the
  North American Numbering Plan (NANP, country code 1) has 10 digits, a 3-digit area code and
  a 7-digit local number (libphonenumber's metadata for region US); 7 digits alone are a
  local number, which libphonenumber calls IS_POSSIBLE_LOCAL_ONLY, and are refused:
  "555-0142 has no area code; type all 10 digits". A number of the wrong length, or one libphonenumber does not know as
  valid (no such area code or exchange, e.g. an area code starting with 0 or 1), is refused;
  too few or too many digits read "12345 is not a phone number; type all 10 digits", as the
  domain's own check (checks.phone) words a number under 7 digits or words; area code 555, which the NANPA leaves unassigned and fiction, tests and the demo panel use,
  is taken. A number with + and another country code is taken when valid there.

Every refusal is a ValidationError naming the field ("phone", "phone 2", "phone type").
The other numbers CareDesk is given, a care-team member's, the practice's lines (they print on
the patient's copy) and a community resource's, are checked the same way when entered or
changed (entered_or_kept, called by the services that save them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from caredesk.domain import checks
from caredesk.domain.patients import Phone
from caredesk.domain.phones import REGION
from caredesk.errors import ValidationError

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

KINDS = ("mobile", "home", "work", "caregiver")  # the app's list, in its order
# Words for one of KINDS, as people and registries write them (lower case, one space).
KIND_SYNONYMS = {
    "cell": "mobile",
    "cellular": "mobile",
    "cell phone": "mobile",
    "cellphone": "mobile",
    "mobile phone": "mobile",
    "home phone": "home",
    "landline": "home",
    "work phone": "work",
    "office": "work",
    "business": "work",
    "care giver": "caregiver",
    "carer": "caregiver",
}
_FICTIONAL_AREA = "555"  # NANPA leaves area code 555 unassigned; fiction and the demo panel use it
_DIGIT = re.compile(r"\d")


def kinds_text() -> str:
    """'mobile, home, work or caregiver ("cell" is mobile)', for help and refusals."""
    return f'{", ".join(KINDS[:-1])} or {KINDS[-1]} ("cell" is mobile)'


def entered_kind(field: str, text: str) -> str:
    """One of KINDS for `text` (any case and spacing; a synonym as its kind); ValidationError
    naming `field` and the four kinds otherwise."""
    key = " ".join(str(text).replace("-", " ").replace("_", " ").lower().split())
    if key in KINDS:
        return key
    if key in KIND_SYNONYMS:
        return KIND_SYNONYMS[key]
    if not key:
        raise ValidationError(field, f"is required: {kinds_text()}")
    shown = str(text).strip()[:20]
    raise ValidationError(field, f'"{shown}" is not a phone type; use {kinds_text()}')


def parsed_number(field: str, text: str, region: str = REGION, *, quote: bool = True) -> PhoneNumber:
    """`text` read by libphonenumber for `region`, refused with a ValidationError naming
    `field` as the module says. The message starts with the number as typed ("555-0142 has no
    area code; type all 10 digits"), or, with quote=False, without it where the number is shown
    beside the message anyway (an import's problem: column, value, why)."""
    import phonenumbers  # loaded when a number is entered, not when a stored one is read

    shown = checks.phone_shown(text)  # quoted when it holds words

    def refuse(why: str) -> ValidationError:
        # Unquoted in an import's style, as its other reasons read: "not a real calendar date".
        return ValidationError(field, f"{shown} {why}" if quote else why.removeprefix("is "))

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise refuse(checks.NOT_A_PHONE_NUMBER) from None
    nanp = number.country_code == 1
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise refuse("has no area code; " + ("type all 10 digits" if nanp else "type it with its area code"))
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        # One wording with the domain's own check (checks.phone) for a US number.
        raise refuse(checks.NOT_A_PHONE_NUMBER if nanp else "has too few or too many digits for a phone number")
    # Area code 555 itself: "000-555-0111" is read as 555-0111 behind three leading zeros
    # (national_number 5550111), and was taken as the fiction range.
    national = str(number.national_number)
    fictional = (
        nanp and not number.italian_leading_zero and len(national) == 10 and national.startswith(_FICTIONAL_AREA)
    )
    if not fictional and not phonenumbers.is_valid_number(number):
        raise refuse("is not a number in use: no such area code or exchange")
    return number


def entered_number(field: str, text: str, region: str = REGION) -> str:
    """The number as stored (domain.checks.phone: as typed, digits alone written "(555) 010-4477"),
    once it is a whole number for `region`; ValidationError naming `field` otherwise."""
    stored = checks.phone(field, text)
    parsed_number(field, stored, region)
    return stored


def _digits(text: str) -> str:
    return "".join(_DIGIT.findall(text))


def entered_or_kept(field: str, text: str, kept: str = "") -> str:
    """An optional number typed in a form or given to the CLI that is not a patient's (a
    care-team member's, the practice's lines, a community resource's): blank as given; the
    number `kept` (the one on file, shown as it is) when it has the same digits; else checked
    by entered_number. ValidationError naming `field`."""
    if not str(text).strip() or (kept and _digits(text) == _digits(kept)):
        return text
    return entered_number(field, text)


def entered_phone(phone: Phone, stored: Iterable[Phone] = (), field: str = "phone") -> Phone:
    """`phone` as typed in a form or given to the CLI, checked: its number unless the patient
    already has one of the same digits among `stored`, its type unless the patient already has
    that type (a row as it was stored is kept as it is). Refusals name `field` ("phone 2") and
    `field` + " type"."""
    stored = tuple(stored)
    number, kind = phone.number, phone.kind
    if _digits(number) not in {_digits(s.number) for s in stored}:
        number = entered_number(field, number)
    if kind not in {s.kind for s in stored}:
        kind = entered_kind(f"{field} type", kind)
    return Phone(number=number, kind=kind)


def number_and_kind(text: str, field: str = "phone") -> tuple[str, str]:
    """The CLI's --phone "NUMBER:TYPE" as (number, type): split at the last colon, the type
    "mobile" when left out or blank after the colon ("617-555-0111:" is a mobile, as --help says).
    A type with no number before it is refused naming `field`: 'no number before ":home"; ...'."""
    number, colon, kind = text.rpartition(":") if ":" in text else (text, "", "")
    if colon and not number.strip():
        shown = kind.strip()[:20]
        raise ValidationError(
            field, f'no number before ":{shown}"; give NUMBER:TYPE, e.g. 617-555-0111:{shown or "home"}'
        )
    return number, kind if kind.strip() else KINDS[0]


def phone_field(index: int) -> str:
    """The name of the index-th phone given: 'phone', then 'phone 2', 'phone 3' ..."""
    return "phone" if index == 0 else f"phone {index + 1}"


def entered_phones(phones: Sequence[Phone], stored: Iterable[Phone] = ()) -> tuple[Phone, ...]:
    """Each of `phones` checked by entered_phone, the first named "phone", the next "phone 2" ..."""
    stored = tuple(stored)
    return tuple(entered_phone(p, stored, phone_field(i)) for i, p in enumerate(phones))
