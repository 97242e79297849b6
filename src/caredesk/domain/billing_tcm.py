"""Transitional care management (TCM, 99495/99496) for one stay (SPEC 3; CMS MLN908628).

A stay bills once, in the month its 30-day period ends (the discharge day + 29), when:
- the interactive contact was made within 2 business days of discharge, or two or more
  timely unanswered attempts were documented;
- the face-to-face visit was within 7 days (99496, high complexity) or 14 days (99495; a
  high-complexity stay seen on days 8-14 also bills 99495);
- medication reconciliation was done no later than the visit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from caredesk.domain.calendar import Month, us_month_day
from caredesk.domain.coordination import Complexity, Transition
from caredesk.domain.transitions import TCM_PERIOD_DAYS, VISIT_DAYS, tcm_deadlines, timely_attempts
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar

_ATTEMPTS_FOR_CONTACT = 2  # CMS MLN908628: "two or more separate attempts made in a timely manner"


@dataclass(frozen=True)
class Stay:
    """A stay as billing sees it: the transition and the clinic dates of the patient's
    unanswered interactive call attempts."""

    transition: Transition
    attempts: tuple[date, ...] = ()


def period_end(t: Transition) -> date:
    return t.discharged_on + timedelta(days=TCM_PERIOD_DAYS - 1)


def tcm_code(stay: Stay, month: Month, calendar: BusinessCalendar = US_FEDERAL) -> tuple[str | None, str | None]:
    """(code, None) when the stay bills in `month`, (None, why not) when it would have, and
    (None, None) when its period ends in another month."""
    t = stay.transition
    end = period_end(t)
    stay_name = f"TCM for the {us_month_day(t.discharged_on)} discharge"
    if t.discharged_on <= month.last_day < end:
        return None, f"{stay_name} bills when its 30-day period ends ({us_month_day(end)})"
    if not month.contains(end):
        return None, None
    contact_due, _visit = tcm_deadlines(t, calendar)
    contacted = t.contacted_on is not None and t.contacted_on <= contact_due.due
    if not contacted and len(timely_attempts(t, stay.attempts, calendar)) < _ATTEMPTS_FOR_CONTACT:
        return None, f"{stay_name}: no interactive contact by {us_month_day(contact_due.due)} nor two timely attempts"
    if t.seen_on is None or (t.seen_on - t.discharged_on).days > VISIT_DAYS[Complexity.MODERATE]:
        return None, f"{stay_name}: no face-to-face visit within 14 days"
    if t.meds_reconciled_on is None or t.meds_reconciled_on > t.seen_on:
        return None, f"{stay_name}: medication reconciliation not done by the visit"
    within_7 = (t.seen_on - t.discharged_on).days <= VISIT_DAYS[Complexity.HIGH]
    return ("99496" if t.complexity is Complexity.HIGH and within_7 else "99495"), None


def tcm_codes(stays: Iterable[Stay], month: Month) -> tuple[list[str], list[str]]:
    """The month's TCM codes and reasons. CMS pays TCM once per patient in the 30 days after
    a discharge (MLN908628), so a second stay whose period ends in the same month is not
    billed again."""
    codes: list[str] = []
    reasons: list[str] = []
    for stay in sorted(stays, key=lambda s: s.transition.discharged_on):
        code, why = tcm_code(stay, month)
        if code is not None and not codes:
            codes.append(code)
        elif code is not None:
            reasons.append(
                f"TCM for the {us_month_day(stay.transition.discharged_on)} discharge: TCM already billed this month"
            )
        elif why is not None:
            reasons.append(why)
    return codes, reasons
