"""Unanswered call attempts: who must wait before the next call, and when a letter is due.

SPEC section 3: after an unanswered attempt the patient waits at least one business day;
after three unanswered attempts in a month a letter task is proposed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from caredesk.domain.calendar import Month, local_date
from caredesk.domain.contacts import Contact, Outcome
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar

UNANSWERED = (Outcome.VOICEMAIL, Outcome.NO_ANSWER, Outcome.WRONG_NUMBER)
LETTER_AFTER = 3


def _in_order(contacts: Sequence[Contact]) -> list[Contact]:
    # id breaks ties between contacts logged at the same instant, so the result is stable.
    return sorted(contacts, key=lambda c: (c.at, c.id or 0))


def hold_until(contacts: Sequence[Contact], tz: tzinfo, calendar: BusinessCalendar = US_FEDERAL) -> date | None:
    """The first date the patient may be called again, when the latest contact went unanswered.

    None when the latest contact was answered (or there is none). The date may be in the
    past; the caller holds the patient only while today is before it.
    """
    if not contacts:
        return None
    last = _in_order(contacts)[-1]
    if last.outcome not in UNANSWERED:
        return None
    return calendar.next_business_day(local_date(last.at, tz))


def unanswered_in_month(contacts: Sequence[Contact], month: Month, tz: tzinfo) -> int:
    """Unanswered attempts in the month (clinic dates) since the month's last answered contact.

    A declined call counts as answered: the patient was reached, so a letter asking them
    to call back would be pointless.
    """
    count = 0
    for c in _in_order(contacts):
        if not month.contains(local_date(c.at, tz)):
            continue
        if c.outcome.answered:
            count = 0
        elif c.outcome in UNANSWERED:
            count += 1
    return count


def letter_proposed(contacts: Sequence[Contact], month: Month, tz: tzinfo) -> bool:
    return unanswered_in_month(contacts, month, tz) >= LETTER_AFTER
