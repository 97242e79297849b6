"""Correcting and voiding contacts and minutes: the reasons, and what the audit may say.

An audit event names records by id and never holds patient content (SPEC section 4). A
correction's change line therefore lists only ids, numbers, codes and dates
("minutes 45 -> 30; program CCM -> PCM; date 11/03/2026 -> 11/04/2026; patient 12 -> 15");
a note that changed is named ("note changed"), never quoted.

The reason a user gives may itself hold patient content ("daughter says she was away"),
so the audit keeps a reason only when it is one of the STANDARD_REASONS, and otherwise
"other reason (N characters)". A void's full reason stays with the voided record in the
encrypted store, where the history shows it; a correction's own words are kept nowhere
else (the audit's change line says what changed, the category says why).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import Enum

from caredesk.domain import checks
from caredesk.domain.calendar import us_date

# Offered first in every Correct / Void form; any other text is accepted as well.
STANDARD_REASONS = (
    "wrong patient",
    "wrong date",
    "wrong minutes",
    "wrong program",
    "wrong outcome",
    "duplicate entry",
    "entered in error",
)
REASON_MAX = 300  # the voided record's reason column (domain.contacts.Voided)


def reason_text(reason: str | None) -> str:
    """The reason as stored: required, trimmed, at most REASON_MAX characters.

    Raises ValidationError("reason", ...)."""
    return checks.required_text("reason", reason, max_len=REASON_MAX)


def audit_reason(reason: str) -> str:
    """What the audit may keep of a reason: a standard one as is, else only its length."""
    text = reason.strip()
    if text.casefold() in STANDARD_REASONS:
        return f"reason: {text.casefold()}"
    return f"reason: other ({len(text)} characters)"


def shown(value: object) -> str:
    """A value as the audit writes it: codes by their value, dates MM/DD/YYYY, None as 'none'."""
    if value is None:
        return "none"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return us_date(value)
    return str(value)


def change_line(changes: Iterable[tuple[str, object, object]]) -> str:
    """'minutes 45 -> 30; program CCM -> PCM' for the (field, before, after) that differ.

    Only for values that are ids, numbers, codes or dates: never pass note text or names.
    """
    return "; ".join(f"{field} {shown(a)} -> {shown(b)}" for field, a, b in changes if a != b)
