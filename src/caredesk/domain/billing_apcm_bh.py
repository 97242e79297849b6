"""APCM's behavioral health add-ons, G0568 / G0569 / G0570 (SPEC 3; CMS CY2026 PFS final rule).

- Billed only with an APCM base code (G0556-G0558) billed by the same practitioner in the same
  calendar month, from January 2026.
- G0568 / G0569 mirror psychiatric Collaborative Care (99492 first month / 99493 later months):
  they read a CoCM enrollment, with its own consent. G0570 mirrors general BHI (99484): it reads
  a BHI enrollment. One add-on a month: CoCM's is kept over G0570 (as 99484 is not billed with
  99492/99493 by one practitioner in a month).
- No time threshold (the rule gives none; the 2026 HCPCS descriptors name no minutes: the
  code table's source line says where the sources disagree). The service must still have been
  furnished: some minutes of that program logged in the month on or after its consent.
- The standalone BHI/CoCM codes (99484, 99492-99494) are not billed beside an add-on by the same
  practitioner in the month (CMS bundling): `AddOns.replaces` names the program whose
  standalone codes give way.

A CoCM episode's first month (G0568) is the month of its enrollment's start date or, when the
consent is dated in a later month, the consent's month (no CoCM care is furnished before
consent). Both are entered, corrected and shown with the enrollment; a new episode is a new
CoCM enrollment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from caredesk.domain.billing_codes import BILLING_CODES, BillingCode
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Enrollment, Program, practitioner_key, same_practitioner

# CoCM first: its add-on is kept when both could bill (one behavioral add-on a month).
BH_PROGRAMS = (Program.COCM, Program.BHI)
APCM_CODES = "APCM G0556-G0558"


@dataclass(frozen=True)
class AddOns:
    codes: tuple[str, ...] = ()  # at most one add-on code
    reasons: tuple[str, ...] = ()  # why an add-on was not billed, word for word
    replaces: tuple[tuple[Program, str], ...] = ()  # (program whose standalone codes give way, add-on)


def first_month(e: Enrollment) -> Month:
    """The month of a CoCM episode's first care: its start, or its consent's month when later."""
    begins = e.start_date if e.consent_date is None or e.consent_date <= e.start_date else e.consent_date
    return Month.of(begins)


def _active(e: Enrollment, month: Month) -> bool:
    return e.start_date <= month.last_day and (e.end_date is None or e.end_date >= month.first_day)


def _row(program: Program, month: Month, enrollment: Enrollment) -> BillingCode:
    rows = [c for c in BILLING_CODES if c.apcm_addon and c.program is program]
    if program is Program.COCM:
        first = month == first_month(enrollment)
        return next(c for c in rows if c.first_month is first)
    return rows[0]


def _names(enrollments: Iterable[Enrollment]) -> str:
    named = {practitioner_key(e.billing_practitioner): e.billing_practitioner for e in enrollments}
    return ", ".join(sorted(" ".join(name.split()) for key, name in named.items() if key))


def bh_addons(
    enrollments: Iterable[Enrollment],
    month: Month,
    counted: Mapping[tuple[Program, StaffType], int],
    apcm_billed: Sequence[str],
) -> AddOns:
    """The month's behavioral add-on, or why none bills.

    `counted`: the month's minutes that count (after consent) per (program, staff type);
    `apcm_billed`: the APCM code(s) billing decided for the month (empty when none bills).
    A BHI patient without APCM bills 99484 as always: nothing is said about G0570. A CoCM
    patient bills only through the add-ons (99492-99494 are not in CareDesk's code table).
    """
    active = [e for e in enrollments if _active(e, month)]
    apcm = [e for e in active if e.program is Program.APCM and e.consented_by(month.last_day)]
    codes: list[str] = []
    reasons: list[str] = []
    for program in BH_PROGRAMS:
        mine = [e for e in active if e.program is program]
        if not mine or (program is Program.BHI and not any(e.program is Program.APCM for e in active)):
            continue
        consented = sorted((e for e in mine if e.consented_by(month.last_day)), key=lambda e: e.start_date)
        chosen = [
            e for e in consented if any(same_practitioner(e.billing_practitioner, a.billing_practitioner) for a in apcm)
        ]
        row = _row(program, month, (chosen or consented or mine)[-1])
        if row.starts is not None and month < row.starts:
            if program is Program.COCM or apcm_billed:
                reasons.append(f"{row.code} is billed from {row.starts.title} ({month.title} is before)")
            continue
        if not apcm_billed:
            standalone = "" if program is Program.BHI else " (CareDesk does not bill standalone CoCM 99492-99494)"
            reasons.append(f"{row.code} needs {APCM_CODES} billed by the same practitioner this month{standalone}")
            continue
        if not consented:
            reasons.append(f"no consent on file for {program.value}")
            continue
        if not chosen:
            reasons.append(
                f"{row.code} needs {APCM_CODES} billed by the same practitioner this month "
                f"(APCM: {_names(apcm) or 'not set'}; {program.value}: {_names(consented) or 'not set'})"
            )
            continue
        if not sum(m for (p, _s), m in counted.items() if p is program):
            reasons.append(f"{row.code}: no {program.value} care logged this month on or after the consent")
            continue
        if codes:
            reasons.append(f"{codes[0]} and {row.code} in one month: {codes[0]} chosen")
            continue
        codes.append(row.code)
    replaces: list[tuple[Program, str]] = []
    if codes:
        add_on = next(c for c in BILLING_CODES if c.code == codes[0])
        # The programs whose codes the add-on stands in for (BHI's 99484), when the same
        # practitioner would bill them: another practitioner's standalone BHI still bills.
        giving_way = {c.program for c in BILLING_CODES if c.code in add_on.instead_of and not c.apcm_addon}
        replaces = [
            (p, add_on.code)
            for p in sorted(giving_way, key=list(Program).index)
            if any(
                e.program is p and same_practitioner(e.billing_practitioner, a.billing_practitioner)
                for e in active
                for a in apcm
            )
        ]
    return AddOns(tuple(codes), tuple(reasons), tuple(replaces))
