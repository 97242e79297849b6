"""Small field validators shared by the domain records; each names the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from caredesk.domain.phones import us_digits_formatted
from caredesk.errors import ValidationError

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


class Refusals:
    """Refusals gathered while reading a whole form (the app's dialogs, the CLI's options), so the
    one raised is the first in the form's order, whatever order the values were read in.
    `rank(error)` orders them (smaller first)."""

    def __init__(self, rank: Callable[[ValidationError], Any]):
        self._rank = rank
        self.errors: list[ValidationError] = []

    def attempt(self, read: Callable[[], T]) -> T | None:
        """read(), or None with its refusal kept."""
        try:
            return read()
        except ValidationError as exc:
            self.errors.append(exc)
            return None

    def raise_first(self) -> None:
        if self.errors:
            raise min(self.errors, key=self._rank)


# Characters a typed or pasted field may not hold. C0 (U+0000-U+001F), DEL and C1
# (U+0080-U+009F) controls (Unicode 15, chapter 23.1) corrupt printouts, CSV and the
# terminal; a multi-line field (a note) keeps its line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\n\r\t\u2028\u2029]")
# Invisible characters in a one-line value: zero-width space/joiners (U+200B-U+200D), the
# direction marks (U+200E, U+200F) and the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) that can make a name or MRN read as something else
# ("Trojan Source", CVE-2021-42574). Refused, not stripped: the user sees why.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# True while records already in the store are rebuilt (store/mapping.py sets it): text checks
# then clean a stored value instead of refusing it. A value saved before a rule here existed (a
# tab in a name from an older CareDesk) must still load, or one row would stop the whole queue:
# line breaks and tabs in a one-line field become spaces, control and invisible characters are
# dropped, length limits are not applied; required text is still required. The cleaned text is
# what the next save writes. Typed input is always checked in full.
READING_STORED: ContextVar[bool] = ContextVar("reading_stored", default=False)


_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _cleaned_stored(text: str, multiline: bool) -> str:
    if text.isprintable():  # every character cleaned below is unprintable: nearly every stored value
        return text
    if multiline:
        return _CONTROL_BUT_LINES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _INVISIBLE.sub("", _CONTROL.sub("", _LINE_BREAKS.sub(" ", text))).strip()


def _clean(field: str, value: str | None, multiline: bool) -> str:
    """The value without surrounding spaces; refuses control characters, and in a one-line
    field line breaks, tabs and invisible direction or zero-width characters."""
    text = (value or "").strip()
    if READING_STORED.get():
        return _cleaned_stored(text, multiline)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # pasted from Windows or old Mac text
        if _CONTROL.search(text.replace("\n", "").replace("\t", "")):
            raise ValidationError(field, "must not contain control characters")
        return text
    if _LINE_BREAKS.search(text):
        raise ValidationError(field, "must be on one line (no line breaks or tabs)")
    if _CONTROL.search(text):
        raise ValidationError(field, "must not contain control characters")
    if _INVISIBLE.search(text):
        raise ValidationError(field, "must not contain invisible zero-width or text-direction characters")
    return text


def required_text(field: str, value: str | None, *, max_len: int = 200, multiline: bool = False) -> str:
    """Text that must be given: stripped, at most `max_len` characters, one line unless
    `multiline` (a note). ValidationError naming `field` otherwise."""
    text = _clean(field, value, multiline)
    if not text:
        raise ValidationError(field, "is required")
    if len(text) > max_len and not READING_STORED.get():
        raise ValidationError(field, f"is longer than {max_len} characters")
    return text


def optional_text(field: str, value: str | None, *, max_len: int = 2000, multiline: bool = False) -> str:
    """Text that may be empty: the same rules as `required_text`."""
    text = _clean(field, value, multiline)
    if len(text) > max_len and not READING_STORED.get():
        raise ValidationError(field, f"is longer than {max_len} characters")
    return text


def _choice_key(text: str) -> str:
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


_MEMBERS: dict[type, dict[object, object]] = {}


def one_of(field: str, value: object, enum: type[E]) -> E:
    """The member of `enum` whose value is `value`; typed text matches whatever its case and
    spacing, and hyphens or underscores for spaces ('ccm', 'Complex  CCM', 'no-answer': a shell
    user types the option without quotes). ValidationError naming `field` lists the values otherwise."""
    if isinstance(value, enum):
        return value
    members = _MEMBERS.get(enum)
    if members is None:  # {value: member}, made once: Enum(value) per stored row was a tenth of a queue build
        members = _MEMBERS[enum] = {m.value: m for m in enum}
    try:
        return members[value]  # type: ignore[return-value]
    except (KeyError, TypeError):  # not a stored value (typed text), or unhashable
        pass
    try:
        return enum(value)
    except ValueError:
        if isinstance(value, str):
            key = _choice_key(value)
            for member in enum:
                if _choice_key(str(member.value)) == key:
                    return member
        allowed = ", ".join(str(m.value) for m in enum)
        raise ValidationError(field, f"must be one of: {allowed}") from None


def a_date(field: str, value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(field, "must be a calendar date (YYYY-MM-DD)")
    return value


def parse_date(field: str, text: str) -> date:
    """A command-line date: MM/DD/YYYY (as US clinics write it) or YYYY-MM-DD.

    ValidationError naming `field`: "02/30/2026 is not a real calendar date" (the typed
    value is echoed only when it has a date's shape), else "must be a date written
    MM/DD/YYYY or YYYY-MM-DD".
    """
    cleaned = (text or "").strip()
    us = _US_DATE.fullmatch(cleaned)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", cleaned)
    if us is not None:
        month, day, year = (int(g) for g in us.groups())
    elif iso is not None:
        year, month, day = (int(g) for g in iso.groups())
    else:
        raise ValidationError(field, "must be a date written MM/DD/YYYY or YYYY-MM-DD")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(field, f"{cleaned} is not a real calendar date{_month_first(us)}") from None


_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _month_first(us: re.Match[str] | None) -> str:
    """For a US date that is no date: the hint that the month comes first, with the date it would
    be the other way round when that is one (a tester's --dob 13/01/1951, written day first)."""
    if us is None:
        return ""
    month, day, year = (int(g) for g in us.groups())
    if month > 12 and 1 <= day <= 12:
        try:
            swapped = date(year, day, month)
        except ValueError:
            return " (the month comes first: MM/DD/YYYY)"
        return f" (the month comes first: MM/DD/YYYY; {swapped:%m/%d/%Y}?)"
    return ""


def parse_typed_date(field: str, text: str) -> date:
    """A date as US clinics type it (MM/DD/YYYY) or as ISO (YYYY-MM-DD)."""
    cleaned = (text or "").strip()
    match = _US_DATE.fullmatch(cleaned)
    try:
        if match:
            month, day, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            return date.fromisoformat(cleaned)
    except ValueError:
        raise ValidationError(field, f"is not a real calendar date{_month_first(match)}") from None
    raise ValidationError(field, "must be a date written MM/DD/YYYY")


def aware(field: str, value: object) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "must be a date and time with a time zone")
    return value


def not_after(field: str, value: date | None, limit: date, what: str) -> None:
    if value is not None and value > limit:
        raise ValidationError(field, f"cannot be after {what}")


def order(first_field: str, first: date | None, second_field: str, second: date | None) -> None:
    if first is not None and second is not None and second < first:
        raise ValidationError(second_field, f"cannot be before {first_field}")


def whole_number(field: str, value: object, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    if not minimum <= value <= maximum:
        raise ValidationError(field, f"must be between {minimum} and {maximum}")
    return value


_PHONE_DIGITS = re.compile(r"\d")
# The one refusal of a number that is no phone number at all, here and where one is entered
# (domain.phone_entry): a tester read "must have 7 to 15 digits" for "abc", then "has no area
# code" for the 7 digits it asked for. The clinic's region is the US (domain.phones.REGION).
NOT_A_PHONE_NUMBER = "is not a phone number; type all 10 digits"


def phone_shown(text: str) -> str:
    """`text` as a refusal names it: its first 40 characters, spaces made single; quoted when it
    holds a letter, so a word reads as the value ('"abc" is not a phone number ...')."""
    shown = " ".join(str(text).split())[:40]
    return f'"{shown}"' if any(c.isalpha() for c in shown) else shown


def phone(field: str, value: str) -> str:
    """The number as stored: as typed, but digits alone making a US number written as
    "(555) 010-4477" (domain.phones). ValidationError naming `field` for fewer than 7 or more
    than 15 digits ('12 is not a phone number; type all 10 digits') or another character."""
    text = required_text(field, value, max_len=40)
    digits = "".join(_PHONE_DIGITS.findall(text))
    if not 7 <= len(digits) <= 15:
        raise ValidationError(field, f"{phone_shown(text)} {NOT_A_PHONE_NUMBER}")
    if re.search(r"[^\d\s()+\-.x]", text):
        raise ValidationError(field, "may only hold digits, spaces and ( ) + - . x")
    return us_digits_formatted(text)
