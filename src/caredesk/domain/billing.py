"""Medicare care-management billing for one patient-month (SPEC section 3).

The codes are data: BILLING_CODES (caredesk.domain.billing_codes) holds one row per code
with its source, so a fee-schedule change is a change of that table. `bill` reads the
table: whole minutes of the calendar month, a threshold counts only when fully reached,
nothing is rounded up, add-on caps hold, and each program's minutes feed only that
program's codes (never counted twice). Which minutes count (the clinic-local day they were
spent, none before consent) is caredesk.domain.billing_minutes; a PatientMonth built with
`of_days` carries them per day. Practitioner time counts toward CCM's and PCM's clinical-staff
codes when not used for the practitioner's own codes; a complex CCM patient's month is one CCM
service that falls back to 99490 below 60 min (SPEC 3, CMS MLN909188).
APCM (G0556-G0558) is one monthly code with no time (caredesk.domain.billing_apcm) and
bundles CCM, PCM and TCM; from 2026 its behavioral add-ons G0568-G0570 ride on it
(caredesk.domain.billing_apcm_bh) and replace the standalone BHI code. TCM (99495/99496) is billed from the stays once, in the month
each 30-day period ends (caredesk.domain.billing_tcm). RPM's device codes (99453, 99454,
99445) are billed per 30-day device period from the reading days (caredesk.domain.billing_rpm_devices).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from caredesk.domain.billing_apcm import apcm_code
from caredesk.domain.billing_apcm_bh import bh_addons
from caredesk.domain.billing_codes import BILLING_CODES, EXCLUSIONS, BillingCode
from caredesk.domain.billing_ladders import (
    BilledCode,
    Counted,
    addon,
    choose,
    complex_or_ccm,
    ladder_minutes,
    staff_ladders,
)
from caredesk.domain.billing_minutes import (
    AfterEnd,
    DayMinutes,
    after_consent,
    after_end,
    before_consent_text,
    consent_date,
    family,
)
from caredesk.domain.billing_rpm_devices import device_codes, within_rpm
from caredesk.domain.billing_tcm import Stay, tcm_codes
from caredesk.domain.calendar import Month, us_month_day
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Enrollment, Program, practitioner_key
from caredesk.domain.rpm_devices import RpmDevice

__all__ = ["BILLING_CODES", "EXCLUSIONS", "BillingCode", "BillingResult", "PatientMonth", "bill", "main_program"]


# Where a care manager's minutes go by default, most specific program first.
MAIN_PROGRAM_ORDER = (Program.COMPLEX_CCM, Program.CCM, Program.PCM, Program.BHI, Program.COCM, Program.RPM)

_ORDER = {c.code: i for i, c in enumerate(BILLING_CODES)}


@dataclass(frozen=True)
class PatientMonth:
    month: Month
    enrollments: tuple[Enrollment, ...]
    chronic_conditions: int
    minutes: Mapping[tuple[Program, StaffType], int]  # whole minutes of the calendar month
    # The same minutes per clinic-local day, when known (`of_days`): then minutes before the
    # consent date are left out. Without them every minute of the month counts.
    days: DayMinutes = field(default_factory=dict)
    # Real-time interactive contacts that reached the patient this month (phone, video, in
    # person: billing_codes.REALTIME_CHANNELS); None when not known, taken as made.
    realtime_contacts: int | None = None
    # Hospital stays whose TCM period ends in or after the month (billing_tcm).
    stays: tuple[Stay, ...] = ()
    # The patient's RPM devices with their reading days (billing_rpm_devices).
    rpm_devices: tuple[RpmDevice, ...] = ()

    @classmethod
    def of_days(
        cls,
        month: Month,
        enrollments: tuple[Enrollment, ...],
        chronic_conditions: int,
        days: DayMinutes,
        realtime_contacts: int | None = None,
        stays: tuple[Stay, ...] = (),
        rpm_devices: tuple[RpmDevice, ...] = (),
    ) -> PatientMonth:
        """A month from minutes per (clinic-local day, program, staff type); days outside the month are dropped."""
        inside = {k: v for k, v in days.items() if month.contains(k[0])}
        totals: dict[tuple[Program, StaffType], int] = {}
        for (_day, program, staff), m in inside.items():
            totals[(program, staff)] = totals.get((program, staff), 0) + m
        return cls(month, enrollments, chronic_conditions, totals, inside, realtime_contacts, stays, rpm_devices)

    # counted() and after_end() are worked out once per PatientMonth and kept on it (outside
    # its fields: `replace` makes a new one, equality ignores them): the bill, the next threshold
    # and the month report's row each ask (the report took ~7% more CPU asking three times).
    def counted(self) -> tuple[Mapping[tuple[Program, StaffType], int], dict[Program, tuple[date, int]]]:
        """(minutes that count, {program: (consent date, minutes before it)}); not to be mutated."""
        found = self.__dict__.get("_counted")
        if found is None:
            if not self.days:
                found = self.minutes, {}
            else:
                found = after_consent(self.days, self.enrollments, self.month.first_day, self.month.last_day)
            object.__setattr__(self, "_counted", found)
        return found

    def after_end(self) -> tuple[AfterEnd, ...]:
        """Minutes of the month on days after their program ended (they count for nothing)."""
        found = self.__dict__.get("_after_end")
        if found is None:
            found = after_end(self.days, self.enrollments, self.month.first_day, self.month.last_day)
            object.__setattr__(self, "_after_end", found)
        return found


@dataclass(frozen=True)
class BillingResult:
    codes: tuple[BilledCode, ...]
    reasons: tuple[str, ...]

    def codes_text(self) -> str:
        """'99490, 99439 x2'; empty when nothing is billed."""
        return ", ".join(c.code if c.units == 1 else f"{c.code} x{c.units}" for c in self.codes)

    def line_text(self) -> str:
        """'99484, G0556; G0570 needs ...': the codes, then every reason why not, on one line
        (the report's per-patient line: the biller reads who bills what, and why not)."""
        return "; ".join(filter(None, (self.codes_text(), *self.reasons))) or "nothing billable"


def _active_in(e: Enrollment, month: Month) -> bool:
    return e.start_date <= month.last_day and (e.end_date is None or e.end_date >= month.first_day)


def _consented(enrollments: Iterable[Enrollment], program: Program, month: Month) -> bool:
    return any(
        family(e.program) is family(program) and _active_in(e, month) and e.consented_by(month.last_day)
        for e in enrollments
    )


def _by_code(code: str) -> BillingCode:
    return BILLING_CODES[_ORDER[code]]


def conditions_needed(program: Program, month: Month) -> int:
    """Chronic conditions the program's time-based codes need in `month` (CCM 2, PCM 1; 0 when none)."""
    return max((c.min_conditions for ladder in staff_ladders(program, month) for c in ladder), default=0)


def _conditions_reason(have: int, need: int, program: Program) -> str:
    what = "no chronic conditions" if have == 0 else f"only {have} chronic condition{'s' if have > 1 else ''}"
    return f"{what} ({program.value} needs {need})"


def _no_consent_reason(pm: PatientMonth, program: Program) -> str:
    """'no consent on file for CCM', with the enrollment's start when it falls inside the month
    ('... (enrolled from 12/25)'): a tester read a December report of a patient enrolled from the
    25th as if the consent had been forgotten, when the patient was not in the program yet."""
    starts = [e.start_date for e in pm.enrollments if family(e.program) is family(program) and _active_in(e, pm.month)]
    since = min(starts, default=pm.month.first_day)
    late = f" (enrolled from {us_month_day(since)})" if since > pm.month.first_day else ""
    return f"no consent on file for {program.value}{late}"


def _bill_program(
    pm: PatientMonth, counted: Counted, before: dict[Program, tuple[date, int]], program: Program
) -> tuple[list[BilledCode], list[str]]:
    ladders = staff_ladders(program, pm.month)
    if not _consented(pm.enrollments, program, pm.month):
        return [], [_no_consent_reason(pm, program)]
    need = max(c.min_conditions for ladder in ladders for c in ladder)
    if pm.chronic_conditions < need:
        return [], [_conditions_reason(pm.chronic_conditions, need, program)]
    late = [before_consent_text(d, m) for p, (d, m) in before.items() if family(p) is family(program)]
    if program is Program.COMPLEX_CCM:
        codes, reasons = complex_or_ccm(counted, pm.month)
    else:
        codes, reasons = choose(counted, program, pm.month)
    live = [c.code for c in codes if _by_code(c.code).needs_realtime_contact]
    if live and pm.realtime_contacts == 0:
        return [], [f"no real-time interactive contact this month ({live[0]} needs one)", *late[:1]]
    return codes, [*reasons, *late[:1]]


def _with_devices(pm: PatientMonth, codes: list[BilledCode], reasons: list[str]) -> tuple[list[BilledCode], list[str]]:
    """RPM's time-based result with the device codes of the month added (consent first, SPEC 3)."""
    if not pm.rpm_devices or not _consented(pm.enrollments, Program.RPM, pm.month):
        return codes, reasons
    consent = consent_date(pm.enrollments, Program.RPM, pm.month.last_day, pm.month.first_day)
    devices, outside = within_rpm(pm.rpm_devices, pm.enrollments)
    found, why = device_codes(devices, pm.month, consent)
    why = [*outside, *why]
    units = {c: found.count(c) for c in dict.fromkeys(found)}
    return [*codes, *(BilledCode(c, n, 0) for c, n in units.items())], [*reasons, *why]


def _other_practitioners(pm: PatientMonth, a: Program, b: Program) -> bool:
    """Both programs name their billing practitioners this month, and no one bills both.

    SPEC 3 (CY2025 PFS final rule): exclusions are per billing practitioner. Without a name
    on either side the same practitioner is assumed, so nothing is billed twice by mistake.
    """

    def who(p: Program) -> set[str]:
        return {
            practitioner_key(e.billing_practitioner)
            for e in pm.enrollments
            if e.program is p and _active_in(e, pm.month)
        }

    named_a, named_b = who(a), who(b)
    return "" not in named_a | named_b and bool(named_a) and bool(named_b) and not named_a & named_b


def bill(pm: PatientMonth) -> BillingResult:
    """Codes and units earned in the month and, when less than possible, the reasons."""
    counted, before = pm.counted()
    active = {e.program for e in pm.enrollments if _active_in(e, pm.month)}
    per_program: dict[Program, tuple[list[BilledCode], list[str]]] = {}
    for program in Program:
        if program is Program.CCM and Program.COMPLEX_CCM in active:
            continue  # one CCM service a month: complex CCM bills it, or falls back to 99490
        if program is Program.APCM and program in active:
            monthly, why_not = apcm_code(pm.enrollments, pm.chronic_conditions, pm.month)
            per_program[program] = ([BilledCode(c, 1, 0) for c in monthly], why_not)
        elif program is Program.TCM and (pm.stays or program in active):
            tcm, why_not = tcm_codes(pm.stays, pm.month)
            if tcm or why_not or program in active:
                per_program[program] = (
                    [BilledCode(c, 1, 0) for c in tcm],
                    why_not if tcm or why_not else ["no TCM period ends this month"],
                )
        elif program in active and staff_ladders(program, pm.month):
            per_program[program] = _bill_program(pm, counted, before, program)
    if Program.RPM in per_program:
        per_program[Program.RPM] = _with_devices(pm, *per_program[Program.RPM])
    apcm_billed = [c.code for c in per_program.get(Program.APCM, ([], []))[0]]
    bh = bh_addons(pm.enrollments, pm.month, counted, apcm_billed)
    # SPEC 3: a program that bills nothing says exactly why, minutes after its end included.
    ended = [a.text() for a in pm.after_end()]
    if not per_program and not bh.reasons:
        return BillingResult((), tuple(ended) or ("not enrolled in a billable program this month",))
    excluded: list[str] = []
    for keep, drop, why in EXCLUSIONS:
        if _other_practitioners(pm, keep, drop):
            continue  # a specialist's PCM beside the PCP's CCM (SPEC 3: exclusions are per practitioner)
        if keep in per_program and drop in per_program and per_program[keep][0]:
            if per_program[drop][0]:
                excluded.append(why)
            del per_program[drop]  # its shortfalls are moot once the other program bills
    for program, add_on in bh.replaces:  # not beside APCM's behavioral add-on (CY2026 PFS final rule)
        standalone, _moot = per_program.pop(program, ([], []))
        if standalone:
            excluded.append(f"{add_on} with APCM replaces {standalone[0].code} (same practitioner, same month)")
    billed = [*(c for cs, _r in per_program.values() for c in cs), *(BilledCode(c, 1, 0) for c in bh.codes)]
    codes = sorted(billed, key=lambda c: _ORDER[c.code])
    reasons = [why for _c, rs in per_program.values() for why in rs] + list(bh.reasons) + excluded + ended
    return BillingResult(tuple(codes), tuple(dict.fromkeys(reasons)))


def next_threshold(pm: PatientMonth, program: Program) -> tuple[int, int] | None:
    """(minutes so far, minutes for the next billable unit) of the program's clinical-staff time.

    Minutes only: consent and conditions are flagged elsewhere in the queue. None when the
    patient is not enrolled in the program this month or no further unit can be earned.
    """
    if not any(e.program == program and _active_in(e, pm.month) for e in pm.enrollments):
        return None
    ladders = staff_ladders(program, pm.month)
    if not ladders:
        return None
    ladder = ladders[0]  # table order puts the clinical-staff (or any-staff) ladder first
    m = ladder_minutes(pm.counted()[0], program, ladder)
    reached = [c for c in ladder if m >= (c.first or 0)]
    if len(reached) < len(ladder):
        return m, ladder[len(reached)].first or 0
    base = reached[-1]
    add = addon(base, pm.month)
    if add is None or not add.each:
        return None
    possible = (m - (base.first or 0)) // add.each
    if add.cap is not None and possible >= add.cap:
        return None
    return m, (base.first or 0) + (possible + 1) * add.each


def main_program(enrollments: Iterable[Enrollment], month: Month) -> Program | None:
    """The program a care manager's minutes go to by default (complex CCM > CCM > PCM > BHI > RPM)."""
    active = {e.program for e in enrollments if _active_in(e, month)}
    return next((p for p in MAIN_PROGRAM_ORDER if p in active), None)
