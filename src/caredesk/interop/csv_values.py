"""The cells of a registry CSV read into values: MRN, sex, risk tier, programs, consent method,
phone (normalize_phone), a multi-line cell on one line, and a cell as a problem shows it
(shortened). Each raises ValueError naming what is wrong; the rules are listed in csv_panel."""

from __future__ import annotations

import re

import phonenumbers

from caredesk.domain.patients import ConsentMethod, Program, RiskTier, Sex
from caredesk.domain.phone_entry import parsed_number
from caredesk.domain.phones import REGION
from caredesk.errors import ValidationError

VALUE_MAX = 80  # characters of a cell an ImportProblem shows

_SEX = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "man": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "w": Sex.FEMALE,
    "o": Sex.OTHER,
    "other": Sex.OTHER,
    "x": Sex.OTHER,
    "nonbinary": Sex.OTHER,
    "u": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "unk": Sex.UNKNOWN,
}
_RISK = {
    "low": RiskTier.LOW,
    "medium": RiskTier.MEDIUM,
    "med": RiskTier.MEDIUM,
    "moderate": RiskTier.MEDIUM,
    "high": RiskTier.HIGH,
}
# Program codes and names as registries spell them (CMS's names for each service).
PROGRAMS = {
    "ccm": Program.CCM,
    "chroniccaremanagement": Program.CCM,
    "complexccm": Program.COMPLEX_CCM,
    "complexchroniccaremanagement": Program.COMPLEX_CCM,
    "pcm": Program.PCM,
    "principalcaremanagement": Program.PCM,
    "bhi": Program.BHI,
    "behavioralhealthintegration": Program.BHI,
    "behaviouralhealthintegration": Program.BHI,
    "rpm": Program.RPM,
    "remotepatientmonitoring": Program.RPM,
    "remotephysiologicmonitoring": Program.RPM,
    "tcm": Program.TCM,
    "transitionalcaremanagement": Program.TCM,
    "apcm": Program.APCM,
    "advancedprimarycaremanagement": Program.APCM,
    "cocm": Program.COCM,
    "collaborativecare": Program.COCM,
    "collaborativecaremodel": Program.COCM,
    "psychiatriccollaborativecare": Program.COCM,
    "psychiatriccollaborativecaremodel": Program.COCM,
}
_PROGRAM_SPLIT = re.compile(r"[;,|/+]")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


# Control characters (an escape sequence would drive the terminal that prints a problem) and
# invisible direction or zero-width characters (they reorder what is shown) are shown as U+FFFD.
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def shortened(value: str) -> str:
    """A cell as a problem shows it: at most 80 characters, one line, nothing unprintable."""
    text = _UNSHOWABLE.sub("\ufffd", " ".join(value.split()))
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def mrn(text: str) -> str:
    if not text:
        raise ValueError("MRN is required")
    if _SCIENTIFIC.fullmatch(text):
        raise ValueError(
            "a spreadsheet rewrote this MRN as a number in scientific notation and lost its digits: "
            "export the MRN column as text"
        )
    return text


def one_line(text: str) -> str:
    """A cell's lines joined with ", ": a spreadsheet keeps a multi-line address cell (street,
    then city) quoted with its line breaks, and the domain keeps an address on one line."""
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def sex(text: str) -> Sex | None:
    if not text:
        return None
    found = _SEX.get(_key(text))
    if found is None:
        raise ValueError("sex must be M, F, Male, Female, Other or Unknown")
    return found


def risk(text: str) -> RiskTier | None:
    if not text:
        return None
    found = _RISK.get(_key(text))
    if found is None:
        raise ValueError("risk tier must be low, medium or high")
    return found


def programs(text: str) -> list[Program]:
    out: list[Program] = []
    for part in _PROGRAM_SPLIT.split(text):
        if not part.strip():
            continue
        found = PROGRAMS.get(_key(part))
        if found is None:
            known = ", ".join(p.value for p in Program)
            raise ValueError(f'"{shortened(part.strip())[:40]}" is not a program; programs are: {known}')
        if found not in out:
            out.append(found)
    return out


def consent_method(text: str) -> ConsentMethod | None:
    if not text:
        return None
    key = _key(text)
    for method in ConsentMethod:
        if key in (method.value, method.value[0]):
            return method
    raise ValueError("consent method must be verbal or written")


def normalize_phone(text: str, region: str = REGION) -> str:
    """A phone number as the app stores it: "(212) 555-0142" for North America (country code 1),
    "+44 20 7946 0958" otherwise; an extension as " x12". ValueError saying why when it is not a
    whole number for `region` (the rule is domain.phone_entry's, the CLI's and the app's:
    "has no area code; type all 10 digits")."""
    try:
        number = parsed_number("phone", text, region, quote=False)
    except ValidationError as exc:
        raise ValueError(exc.message) from None
    extension = number.extension
    number.extension = None
    if number.country_code == 1:
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    else:
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{shown} x{extension}" if extension else shown
