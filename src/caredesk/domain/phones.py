"""A phone number typed as digits alone, written as CareDesk writes US numbers.

"5550104477" typed in the patient form or the CLI was stored and shown as typed, beside
"(555) 010-4477" for numbers that came through the CSV import (interop.csv_values reads every
number with the `phonenumbers` library) or were typed with their punctuation (a keyboard-only
tester's find). Digits alone are read the same way here, with the same library, when they make
a whole North American number (10 digits, or 11 after a leading 1 or +1). Anything else is
kept as typed: a number written with its own punctuation is how the care manager wrote it, and
a 7-digit or foreign number is not guessed at.
"""

from __future__ import annotations

import re

# The clinic's region: how a number without "+" and a country code is read (domain.phone_entry
# says why it is US and a constant).
REGION = "US"
# 10 digits, or 1 and 10 digits, with an optional "+": nothing but the number itself.
_DIGITS_ONLY = re.compile(r"^\+?1?\d{10}$")


def us_digits_formatted(text: str) -> str:
    """'5550104477', '15550104477' or '+15550104477' -> '(555) 010-4477'; any other text as given
    (also digits that are no North American number, such as an area code starting with 0 or 1)."""
    if not _DIGITS_ONLY.match(text) or (text.startswith("+") and not text.startswith("+1")):
        return text
    import phonenumbers  # only for digits alone: reading a stored, already written number needs none

    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return text
    national = str(number.national_number)
    if number.country_code != 1 or len(national) != 10 or national[0] in "01":
        return text  # not a NANP area code: its format would be a guess
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
