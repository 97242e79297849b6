"""Advanced Primary Care Management (APCM, G0556-G0558): one monthly code, no time
threshold, chosen by the patient's chronic conditions and QMB status, with APCM consent
(SPEC 3; CMS CY2025 PFS final rule). The code table's rows say which code fits whom."""

from __future__ import annotations

from collections.abc import Iterable

from caredesk.domain.billing_codes import BILLING_CODES, BillingCode
from caredesk.domain.calendar import Month
from caredesk.domain.patients import Enrollment, Program


def _fits(c: BillingCode, month: Month, conditions: int, qmb: bool) -> bool:
    return (
        c.program is Program.APCM
        and (c.starts is None or c.starts <= month)
        and conditions >= c.min_conditions
        and (c.max_conditions is None or conditions <= c.max_conditions)
        and (c.qmb is None or c.qmb is qmb)
    )


def apcm_code(enrollments: Iterable[Enrollment], chronic_conditions: int, month: Month) -> tuple[list[str], list[str]]:
    """([the month's APCM code], []) or ([], [why not]) for a patient enrolled in APCM this month.

    The consent must be dated on or before the month's last day; a QMB flag on any of the
    month's APCM enrollments makes a patient with 2+ chronic conditions G0558.
    """
    active = [
        e
        for e in enrollments
        if e.program is Program.APCM
        and e.start_date <= month.last_day
        and (e.end_date is None or e.end_date >= month.first_day)
    ]
    if not any(e.consented_by(month.last_day) for e in active):
        return [], ["no consent on file for APCM"]
    qmb = any(e.qmb for e in active)
    code = next((c.code for c in BILLING_CODES if _fits(c, month, chronic_conditions, qmb)), None)
    if code is None:
        return [], [f"APCM is billed from January 2025 ({month} is before)"]
    return [code], []
