"""RPM device codes (99453 set-up, 99454 / 99445 device supply) for one patient (SPEC 3).

The codes and their day ranges are rows of caredesk.domain.billing_codes (`days`). The
rules around them, each with its source:
- Device supply is billed per 30-day device period (the device's days 1-30, 31-60, ...,
  caredesk.domain.rpm_devices) by the distinct days with transmitted readings in it: 99454
  for 16 or more, 99445 for 2-15 from January 2026, never both for one period (CY2026 PFS
  final rule; CPT 2026).
- One device code per 30 days per patient, however many devices (CY2021 PFS final rule:
  "even when multiple medical devices are provided to a patient, the services associated
  with all the medical devices can be billed by only one practitioner, only once per
  patient, per 30-day period"). Periods are taken in the order they close; one that overlaps
  a period already billed (another device's) is not billed, and says which one billed.
- A period is billed in the calendar month it closes (its 30th day, or the day the device
  was taken back when sooner): the day count is final only then. A period still open at the
  month's end says when it bills and how many days it has so far.
- 99453 (set-up and education) once per episode of care, with the episode's first billed
  device-supply period: it needs what that code needs, 16 days before 2026 and 2 from 2026
  (CY2021 PFS final rule; CY2026 PFS final rule). Devices set up while another is in use
  are one episode (CMS: once per episode "regardless of the number of devices"), and so is a
  device set up within 30 days of the episode's last end: a replacement, not new monitoring.
  CareDesk records no treatment goal met, so a longer gap is where it starts a new episode
  (its choice; CMS ends an episode "when targeted treatment goals are attained").
- Only days within the RPM enrollment count (SPEC 3: RPM's codes are for a patient enrolled in
  RPM): reading days before it started or after it ended do not, and a period still open when
  RPM ended closes with it (it could never bill later: the months after bill no RPM).
- Consent comes first (SPEC 3): reading days before the RPM consent date do not count, and a
  device set up before it bills no 99453 (its set-up was furnished without consent).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from caredesk.domain.billing_codes import BILLING_CODES, BillingCode
from caredesk.domain.calendar import Month, us_date, us_month_day
from caredesk.domain.patients import Enrollment, Program
from caredesk.domain.rpm_devices import PERIOD_DAYS, Period, RpmDevice, periods

SETUP_CODE = "99453"


def _supply_rows(month: Month) -> list[BillingCode]:
    """The device-supply rows in effect in `month`, fewest days first."""
    rows = [c for c in BILLING_CODES if c.days is not None and (c.starts is None or c.starts <= month)]
    return sorted(rows, key=lambda c: c.days[0] if c.days else 0)


def supply_code(days: int, month: Month) -> str | None:
    """The device-supply code `days` reading days in a period earn when it closes in `month`."""
    for c in _supply_rows(month):
        assert c.days is not None
        low, high = c.days
        if low <= days <= (high if high is not None else PERIOD_DAYS):
            return c.code
    return None


@dataclass(frozen=True, slots=True)
class PeriodBill:
    """What one closed period bills: `code` (99454, 99445 or None), `setup` (99453 goes with
    it) and, when less than that, `why`."""

    period: Period
    code: str | None
    setup: bool
    why: str | None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _shortfall(counted: int, period: Period, month: Month) -> str:
    rows = _supply_rows(month)
    first = rows[0]
    assert first.days is not None
    text = f"{counted} of {first.days[0]} reading days for {first.code} in the {period.device.kind.value} period {period.span}"
    for other in rows[1:]:
        assert other.days is not None
        low, high = other.days
        text += f"; {other.code} needs {low}-{high}" if high is not None else f"; {other.code} needs {low} or more"
    return text


def _episodes(devices: Sequence[RpmDevice]) -> list[int]:
    """Episode number per device (same order): a device set up while an earlier one of the
    episode was still in use, or within 30 days of its end (a replacement), joins it."""
    order = sorted(range(len(devices)), key=lambda i: (devices[i].set_up_on, devices[i].id or 0))
    episode = [0] * len(devices)
    until: list[date | None] = []  # last day in use per episode; None while in use
    for i in order:
        d = devices[i]
        gap = d.set_up_on - timedelta(days=PERIOD_DAYS)
        joined = next((e for e, last in enumerate(until) if last is None or last >= gap), None)
        if joined is None:
            until.append(d.ended_on)
            joined = len(until) - 1
        else:
            last = until[joined]
            until[joined] = None if last is None or d.ended_on is None else max(last, d.ended_on)
        episode[i] = joined
    return episode


def assess(devices: Sequence[RpmDevice], through: date, consent: date | None) -> list[PeriodBill]:
    """Every period of the patient's devices closing on or before `through`, in the order
    they close, with what it bills (the rules in the module docstring)."""
    episode = _episodes(devices)
    closed = sorted(
        ((p, episode[i]) for i, d in enumerate(devices) for p in periods(d, through) if p.closes <= through),
        key=lambda pe: (pe[0].closes, pe[0].start, pe[0].device.id or 0),
    )
    billed: list[Period] = []
    set_up: set[int] = set()
    out: list[PeriodBill] = []
    for p, ep in closed:
        month = Month.of(p.closes)
        counted = sum(consent is not None and d >= consent for d in p.days)
        early = len(p.days) - counted
        code = supply_code(counted, month)
        why: str | None = None
        if code is None:
            why = _shortfall(counted, p, month)
            if early:
                # No consent on file at all: every reading day is early (no date to name).
                before = f"before the RPM consent of {us_month_day(consent)}" if consent else "without an RPM consent"
                why += f" ({_plural(early, 'reading day')} {before} do not count)"
        else:
            other = next((b for b in billed if b.overlaps(p)), None)
            if other is not None:
                why = (
                    f"{p.device.kind.value} period {p.span}: one device code per 30 days, "
                    f"the {other.device.kind.value} period {other.span} has it"
                )
                code = None
        setup = False
        if code is not None:
            billed.append(p)
            if ep not in set_up:
                set_up.add(ep)
                if consent is not None and p.device.set_up_on < consent:
                    why = f"{SETUP_CODE}: the {p.device.name} before the RPM consent of {us_month_day(consent)}"
                else:
                    setup = True
        out.append(PeriodBill(p, code, setup, why))
    return out


def within_rpm(devices: Sequence[RpmDevice], enrollments: Iterable[Enrollment]) -> tuple[list[RpmDevice], list[str]]:
    """(devices, reasons): the devices as billing reads them, with only the reading days within
    an RPM enrollment and each device ended when RPM ended (a device set up after that is left
    out), and what was left out said: "RPM ended 11/15/2026: reading days after it do not count".
    Without an RPM enrollment the devices are returned as they are (billing asks for one first)."""
    spans = sorted((e.start_date, e.end_date) for e in enrollments if e.program is Program.RPM)
    if not spans:
        return list(devices), []
    first = spans[0][0]
    last = None if any(end is None for _s, end in spans) else max(end for _s, end in spans if end is not None)

    def inside(day: date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in spans)

    out: list[RpmDevice] = []
    before = after = between = 0
    for d in devices:
        before += sum(day < first for day in d.reading_days)
        later = sum(last is not None and day > last for day in d.reading_days)
        after += later
        kept = tuple(day for day in d.reading_days if inside(day))
        between += len(d.reading_days) - len(kept) - later - sum(day < first for day in d.reading_days)
        if last is not None and d.set_up_on > last:
            continue
        ended = d.ended_on if last is None else min(d.ended_on or last, last)
        out.append(replace(d, ended_on=ended, reading_days=kept))
    reasons = []
    if before:
        reasons.append(f"RPM started {us_date(first)}: reading days before it do not count")
    if between:
        reasons.append(f"{_plural(between, 'reading day')} between RPM enrollments do not count")
    if after and last is not None:
        reasons.append(f"RPM ended {us_date(last)}: reading days after it do not count")
    return out, reasons


def device_codes(devices: Sequence[RpmDevice], month: Month, consent: date | None) -> tuple[list[str], list[str]]:
    """(codes, reasons) of the RPM devices for `month`: the set-up and device-supply codes of
    the periods closing in it (a code twice when two periods close in one 31-day month), why
    a closing period bills nothing, and when each period open at the month's end bills."""
    codes: list[str] = []
    reasons: list[str] = []
    for b in assess(devices, month.last_day, consent):
        if not month.contains(b.period.closes):
            continue
        if b.setup:
            codes.append(SETUP_CODE)
        if b.code is not None:
            codes.append(b.code)
        if b.why is not None:
            reasons.append(b.why)
    for d in devices:
        now = periods(d, month.last_day)
        if now and now[-1].closes > month.last_day:
            p = now[-1]
            reasons.append(
                f"{d.kind.value} period {p.span} bills when it ends ({us_month_day(p.closes)}): "
                f"{_plural(len(p.days), 'reading day')} so far"
            )
    return codes, reasons
