"""RPM devices: a device supplied to the patient and the days it transmitted readings.

A device record is one device episode: its kind, the day it was supplied and set up with
patient education (RPM set-up, 99453), and the day it was taken back, when it was. Its
30-day device periods run from the set-up day (days 1-30, 31-60, ...): CMS bills device
supply per 30 days by the number of distinct days with transmitted readings (99454: 16 or
more; 99445 from 2026: 2-15; caredesk.domain.billing_rpm_devices). The care manager reads
those days from the vendor's portal and enters them as dates, so the app counts the windows
and every counted day can be seen and corrected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

from caredesk.domain import checks
from caredesk.domain.calendar import us_date, us_month_day
from caredesk.domain.patients import Enrollment, Program
from caredesk.errors import ValidationError

# CPT 99453/99454/99445 count readings per 30-day period (CY2019 and CY2026 PFS final rules).
PERIOD_DAYS = 30
_RUN_MAX = 366  # a typed FROM..TO run of days longer than a year is a typo


class DeviceKind(str, Enum):
    """What the device measures; the value is what the store holds and the screens show."""

    BP_CUFF = "blood pressure cuff"
    SCALE = "scale"
    GLUCOMETER = "glucometer"
    PULSE_OXIMETER = "pulse oximeter"
    OTHER = "other"


# What each kind transmits, as the chart and the CLI's help say it (CPT 99454: "physiologic
# parameter(s), e.g. weight, blood pressure, pulse oximetry").
MEASURES = {
    DeviceKind.BP_CUFF: "blood pressure and pulse",
    DeviceKind.SCALE: "weight",
    DeviceKind.GLUCOMETER: "blood glucose",
    DeviceKind.PULSE_OXIMETER: "oxygen saturation",
    DeviceKind.OTHER: "another physiologic measure",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RpmDevice:
    """One device episode. `reading_days`: distinct clinic dates with transmitted readings,
    sorted, each on or after the set-up day and not after the end day."""

    patient_id: int
    kind: DeviceKind
    set_up_on: date
    ended_on: date | None = None
    reading_days: tuple[date, ...] = field(default=())
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", checks.one_of("device kind", self.kind, DeviceKind))
        checks.a_date("set-up date", self.set_up_on)
        if self.ended_on is not None:
            checks.a_date("end date", self.ended_on)
        checks.order("set-up date", self.set_up_on, "end date", self.ended_on)
        object.__setattr__(self, "reading_days", tuple(sorted(set(self.reading_days))))

    @property
    def name(self) -> str:
        """'blood pressure cuff set up 11/03/2026': how messages name a device."""
        return f"{self.kind.value} set up {us_date(self.set_up_on)}"

    def active_on(self, day: date) -> bool:
        return self.set_up_on <= day and (self.ended_on is None or day <= self.ended_on)


@dataclass(frozen=True, slots=True)
class Period:
    """One 30-day device period: `start`..`end` (the 30th day); it closes on `closes`, the end
    or the device's end day when that comes first. `days`: the reading days in it."""

    device: RpmDevice
    number: int  # 1 for days 1-30
    start: date
    end: date
    closes: date
    days: tuple[date, ...]

    @property
    def span(self) -> str:
        """'11/03-12/02' (the 30-day window; a device taken back early closes it sooner)."""
        return f"{us_month_day(self.start)}-{us_month_day(self.end)}"

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end


def periods(device: RpmDevice, until: date) -> list[Period]:
    """The device's 30-day periods that start on or before `until` (and before its end)."""
    out: list[Period] = []
    last = until if device.ended_on is None else min(until, device.ended_on)
    start, number = device.set_up_on, 1
    while start <= last:
        end = start + timedelta(days=PERIOD_DAYS - 1)
        closes = end if device.ended_on is None else min(end, device.ended_on)
        inside = tuple(d for d in device.reading_days if start <= d <= closes)
        out.append(Period(device, number, start, end, closes, inside))
        start, number = end + timedelta(days=1), number + 1
    return out


def outside_rpm(day: date, enrollments: Iterable[Enrollment]) -> str | None:
    """Why `day` is outside every RPM enrollment ("11/16/2026 is after RPM ended 11/15/2026"),
    or None when one is active on it. A device or reading day outside RPM can never bill
    (SPEC 3: RPM's codes are for a patient enrolled in RPM), so it is refused when entered."""
    rpm = [e for e in enrollments if e.program is Program.RPM]
    if any(e.active_on(day) for e in rpm):
        return None
    if not rpm:
        return f"the patient is not enrolled in RPM on {us_date(day)} - enroll them in RPM first"
    ended = max((e.end_date for e in rpm if e.end_date is not None and e.end_date < day), default=None)
    if ended is not None:
        return f"{us_date(day)} is after RPM ended {us_date(ended)}"
    return f"{us_date(day)} is before RPM started {us_date(min(e.start_date for e in rpm))}"


def check_in_rpm(device: RpmDevice, enrollments: Iterable[Enrollment]) -> None:
    """The device's set-up day within an RPM enrollment (ValidationError "set-up date")."""
    why = outside_rpm(device.set_up_on, enrollments)
    if why is not None:
        raise ValidationError("set-up date", why)


def check_not_twice(device: RpmDevice, recorded: Iterable[RpmDevice]) -> None:
    """Not a second record of a device already recorded: the same kind set up the same day
    (ValidationError "device"); the device itself (same id) is left out when it is changed."""
    for other in recorded:
        if other.id != device.id and other.kind is device.kind and other.set_up_on == device.set_up_on:
            raise ValidationError(
                "device",
                f"a {device.kind.value} set up on {us_date(device.set_up_on)} is already recorded for this patient",
            )


def check_reading_days(
    device: RpmDevice, days: Iterable[date], today: date, enrollments: Iterable[Enrollment] = ()
) -> tuple[date, ...]:
    """New reading days for `device`, sorted; ValidationError("reading date", ...) naming the
    first bad date: before the set-up day, after the end day or today, outside the patient's
    RPM enrollments (`enrollments`, outside_rpm), or already recorded (a day counts once,
    however many readings it had)."""
    enrollments = tuple(enrollments)
    new: list[date] = []
    for d in days:
        checks.a_date("reading date", d)
        if d < device.set_up_on:
            raise ValidationError("reading date", f"{us_date(d)} is before the set-up date {us_date(device.set_up_on)}")
        if device.ended_on is not None and d > device.ended_on:
            raise ValidationError("reading date", f"{us_date(d)} is after the end date {us_date(device.ended_on)}")
        if d > today:
            raise ValidationError("reading date", f"{us_date(d)} is after today")
        if (why := outside_rpm(d, enrollments)) is not None:
            raise ValidationError("reading date", why)
        if d in device.reading_days or d in new:
            raise ValidationError("reading date", f"{us_date(d)} is already recorded")
        new.append(d)
    if not new:
        raise ValidationError("reading date", "give at least one date")
    return tuple(sorted(new))


def check_span(device: RpmDevice, today: date) -> None:
    """A device's set-up and end dates: not after today, and holding every reading day
    already recorded (ValidationError naming "set-up date" or "end date")."""
    checks.not_after("set-up date", device.set_up_on, today, "today")
    checks.not_after("end date", device.ended_on, today, "today")
    early = [d for d in device.reading_days if d < device.set_up_on]
    if early:
        raise ValidationError(
            "set-up date",
            f"{_days(len(early))} before it ({us_date(early[0])} first): remove them first",
        )
    if device.ended_on is not None:
        late = [d for d in device.reading_days if d > device.ended_on]
        if late:
            raise ValidationError(
                "end date",
                f"{_days(len(late))} after it ({us_date(late[-1])} last): remove them first",
            )


def _days(n: int) -> str:
    return f"{n} reading day{'s are' if n != 1 else ' is'}"


def parse_reading_dates(text: str) -> list[date]:
    """Dates typed as a vendor portal lists them: MM/DD/YYYY or YYYY-MM-DD, separated by
    spaces, commas or semicolons, and FROM..TO for every day of a run (both ends included).
    ValidationError("reading date") naming the first that is not a date, or a run that goes
    backwards or over a year."""
    out: list[date] = []
    for part in text.replace(",", " ").replace(";", " ").split():
        first, sep, last = part.partition("..")
        start = checks.parse_date("reading date", first)
        if not sep:
            out.append(start)
            continue
        end = checks.parse_date("reading date", last)
        if end < start or (end - start).days >= _RUN_MAX:
            raise ValidationError("reading date", f"{part} is not a run of days (FROM..TO, at most a year)")
        out.extend(start + timedelta(days=i) for i in range((end - start).days + 1))
    if not out:
        raise ValidationError("reading date", "give at least one date")
    return out
