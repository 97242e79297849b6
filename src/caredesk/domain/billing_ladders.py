"""Time-based codes: a program's ladders of base and add-on codes per staff type, the
codes a month's minutes earn on them, and the choice between ladders (SPEC 3; CMS MLN909188).
The rules around them (consent, exclusions, APCM, TCM) are in caredesk.domain.billing."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from caredesk.domain.billing_codes import BILLING_CODES, BillingCode
from caredesk.domain.billing_minutes import family
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Program


@dataclass(frozen=True)
class BilledCode:
    code: str
    units: int
    minutes: int  # the minutes these units stand for (threshold x units), not the month total
    # Physician/QHP minutes counted toward a clinical-staff base code (99490, 99426: SPEC 3,
    # CMS MLN909188), so the summary can say so; not part of what is billed, so not compared.
    practitioner_minutes: int = field(default=0, compare=False)


def in_effect(c: BillingCode, month: Month) -> bool:
    return c.starts is None or c.starts <= month


@functools.lru_cache(maxsize=256)
def staff_ladders(program: Program, month: Month) -> list[list[BillingCode]]:
    """Base codes of a program grouped by staff type (table order), each sorted by threshold.

    One group bills one base code a month: the highest reached (99457 over 99470). Remembered
    (the table is constant; the queue asks ~7 times per patient): callers must not change it.
    """
    groups: dict[StaffType | None, list[BillingCode]] = {}
    for c in BILLING_CODES:
        if c.program == program and c.first is not None and c.addon_of is None and in_effect(c, month):
            groups.setdefault(c.staff, []).append(c)
    return [sorted(g, key=lambda c: c.first or 0) for g in groups.values()]


def addon(base: BillingCode, month: Month) -> BillingCode | None:
    return next((c for c in BILLING_CODES if c.addon_of == base.code and in_effect(c, month)), None)


Counted = Mapping[tuple[Program, StaffType], int]


def ladder_minutes(counted: Counted, program: Program, ladder: list[BillingCode]) -> int:
    """The minutes a ladder's codes stand on: the program's service (a complex CCM patient's
    CCM minutes too), of the ladder's staff type, plus the practitioner's when they count
    toward clinical-staff codes (99490/99439, 99426/99427: SPEC 3, CMS MLN909188)."""
    staff = ladder[0].staff
    if staff is None:
        kinds = set(StaffType)
    elif ladder[0].practitioner_time_counts:
        kinds = {staff, StaffType.PHYSICIAN}
    else:
        kinds = {staff}
    return sum(v for (p, s), v in counted.items() if family(p) is family(program) and s in kinds)


def _practitioner_part(counted: Counted, program: Program, ladder: list[BillingCode]) -> int:
    """The physician/QHP minutes inside a clinical-staff ladder's minutes (0 for any other ladder)."""
    if ladder[0].staff is not StaffType.CLINICAL_STAFF or not ladder[0].practitioner_time_counts:
        return 0
    return sum(v for (p, s), v in counted.items() if family(p) is family(program) and s is StaffType.PHYSICIAN)


def earn(ladder: list[BillingCode], m: int, month: Month) -> tuple[list[BilledCode], list[str]]:
    """Codes one staff type's minutes earn, and why not more."""
    reached = [c for c in ladder if m >= (c.first or 0)]
    if not reached:
        return [], [f"{m} of {ladder[0].first} min for {ladder[0].code}"]
    base = reached[-1]
    first = base.first or 0
    codes = [BilledCode(base.code, 1, first)]
    higher = ladder[len(reached) :]
    if higher:
        return codes, [f"{m} of {higher[0].first} min for {higher[0].code}"]
    add = addon(base, month)
    if add is None or not add.each:
        return codes, []
    possible = (m - first) // add.each
    units = possible if add.cap is None else min(possible, add.cap)
    if units:
        codes.append(BilledCode(add.code, units, units * add.each))
    if add.cap is not None and possible > add.cap:
        return codes, [f"{add.code} capped at {add.cap} per month"]
    if add.cap is None or units < add.cap:
        return codes, [f"{m} of {first + (units + 1) * add.each} min for the next {add.code}"]
    return codes, []


def choose(counted: Counted, program: Program, month: Month) -> tuple[list[BilledCode], list[str]]:
    """One staff-type ladder's codes a month (99491 is not reported with 99490): the one
    earning more units wins, so adding minutes never lowers what the program earns; on a
    tie the later ladder (the practitioner's own codes) wins."""
    results = []
    for i, ladder in enumerate(staff_ladders(program, month)):
        m = ladder_minutes(counted, program, ladder)
        if i > 0 and m == 0:
            continue  # a second staff type (physician/QHP) with no time: nothing to say
        codes, reasons = earn(ladder, m, month)
        practitioner = _practitioner_part(counted, program, ladder)
        if codes and practitioner:
            codes[0] = replace(codes[0], practitioner_minutes=practitioner)
        results.append((codes, reasons))
    earned = [r for r in results if r[0]]
    if not earned:
        return [], [why for _codes, reasons in results for why in reasons]
    best = max(reversed(earned), key=lambda r: sum(c.units for c in r[0]))
    reasons = list(best[1])
    for other in earned:
        if other is not best:
            reasons.append(f"{other[0][0].code} and {best[0][0].code} in one month: {best[0][0].code} chosen")
    return best[0], reasons


def complex_or_ccm(counted: Counted, month: Month) -> tuple[list[BilledCode], list[str]]:
    """Complex CCM, or below 60 min the CCM codes its minutes reach (one CCM service a month:
    SPEC 3, CMS MLN909188). The CCM codes also win when they stand for more minutes (the
    physician's own 90 min as 99491, 99437 x2 over 60 staff min as 99487), so adding
    minutes never bills less."""
    codes, reasons = choose(counted, Program.COMPLEX_CCM, month)
    fallback, more = choose(counted, Program.CCM, month)
    if codes and sum(c.minutes for c in codes) >= sum(c.minutes for c in fallback):
        return codes, reasons
    if codes:
        return fallback, [*more, f"{codes[0].code} and {fallback[0].code} in one month: {fallback[0].code} chosen"]
    if not fallback:
        return [], reasons + more
    return fallback, [f"complex CCM {reasons[0]}: billed as CCM {fallback[0].code}", *more]
