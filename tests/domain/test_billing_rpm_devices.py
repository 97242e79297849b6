"""RPM device codes (99453, 99454, 99445) as one table: each row a patient's devices and
reading days, the month billed, the codes a biller would send and a reason shown word for
word, and the CMS source of the expected value (SPEC 3's row "99453 / 99454 / 99445")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from caredesk.domain.billing import PatientMonth, bill
from caredesk.domain.billing_rpm_devices import assess, supply_code
from caredesk.domain.calendar import Month
from caredesk.domain.patients import ConsentMethod, Enrollment, Program
from caredesk.domain.rpm_devices import DeviceKind, RpmDevice, periods

NOV, DEC = Month(2026, 11), Month(2026, 12)
PFS_2019 = "CMS CY2019 PFS final rule (99453/99454: 30-day periods, 16 days of data)"
PFS_2021 = (
    "CMS CY2021 PFS final rule: 'even when multiple medical devices are provided to a patient, the services "
    "... can be billed by only one practitioner, only once per patient, per 30-day period, and only when at "
    "least 16 days of data have been collected'"
)
PFS_2026 = "CMS CY2026 PFS final rule: 99445 for 2-15 days of data in a 30-day period, not with 99454"
BP, SCALE = DeviceKind.BP_CUFF, DeviceKind.SCALE


def days_from(first: date, count: int, every: int = 1) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i * every) for i in range(count))


@dataclass(frozen=True)
class Dev:
    kind: DeviceKind
    set_up: date
    days: tuple[date, ...]
    ended: date | None = None


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    devices: tuple[Dev, ...]
    month: Month
    codes: str
    reason: str | None = None
    consent: date | None = date(2026, 1, 5)
    enrolled: bool = True
    also_not: tuple[str, ...] = field(default=())
    rpm: tuple[date, date | None] = (date(2025, 1, 1), None)  # the RPM enrollment's start and end
    not_said: str | None = None  # no reason holds this


# A BP cuff set up 10/04/2026: its first period is 10/04-11/02, the second 11/03-12/02.
OCT4 = date(2026, 10, 4)
CASES = [
    Case(
        "16 reading days in the period closing in November bill 99454 and the set-up",
        f"{PFS_2019}; {PFS_2021}",
        (Dev(BP, OCT4, days_from(OCT4, 16)),),
        NOV,
        "99453, 99454",
        "blood pressure cuff period 11/03-12/02 bills when it ends (12/02): 0 reading days so far",
    ),
    Case(
        "15 reading days bill 99445 in 2026, never 99454",
        PFS_2026,
        (Dev(BP, OCT4, days_from(OCT4, 15, 2)),),
        NOV,
        "99453, 99445",
        also_not=("99454",),
    ),
    Case(
        "2 reading days are 99445's least",
        PFS_2026,
        (Dev(BP, OCT4, days_from(OCT4, 2)),),
        NOV,
        "99453, 99445",
    ),
    Case(
        "1 reading day bills nothing and says what each code needs",
        PFS_2026,
        (Dev(BP, OCT4, days_from(OCT4, 1)),),
        NOV,
        "",
        "1 of 2 reading days for 99445 in the blood pressure cuff period 10/04-11/02; 99454 needs 16 or more",
    ),
    Case(
        "before 2026 there is no 99445: 9 days bill nothing",
        f"{PFS_2019}; {PFS_2026} (99445 from January 2026)",
        (Dev(BP, date(2025, 10, 4), days_from(date(2025, 10, 4), 9)),),
        Month(2025, 11),
        "",
        "9 of 16 reading days for 99454 in the blood pressure cuff period 10/04-11/02",
        consent=date(2025, 1, 5),
    ),
    Case(
        "before 2026 the set-up waits for 16 days too",
        PFS_2021,
        (Dev(BP, date(2025, 10, 4), days_from(date(2025, 10, 4), 16)),),
        Month(2025, 11),
        "99453, 99454",
        consent=date(2025, 1, 5),
    ),
    Case(
        "the set-up bills once per episode: the second period bills 99454 alone",
        f"{PFS_2021} (99453 once per episode of care)",
        (Dev(BP, OCT4, days_from(OCT4, 60)),),
        DEC,
        "99454",
        also_not=("99453",),
    ),
    Case(
        "a replacement device within 30 days of the first's end is the same episode: no second 99453",
        f"{PFS_2021} (99453 once per episode of care, not per device)",
        (
            Dev(BP, date(2026, 9, 1), days_from(date(2026, 9, 1), 16), ended=date(2026, 9, 30)),
            Dev(BP, date(2026, 10, 10), days_from(date(2026, 10, 10), 16)),
        ),
        NOV,
        "99454",
        also_not=("99453",),
    ),
    Case(
        "a device set up over 30 days after the last one ended starts a new episode and its set-up",
        "CareDesk's choice (billing_rpm_devices): CMS ends an episode when treatment goals are met, "
        "which CareDesk does not record",
        (
            Dev(BP, date(2026, 8, 1), days_from(date(2026, 8, 1), 16), ended=date(2026, 8, 30)),
            Dev(SCALE, date(2026, 10, 10), days_from(date(2026, 10, 10), 16)),
        ),
        NOV,
        "99453, 99454",
    ),
    Case(
        "a period bills in the month it closes, not the month it starts",
        f"{PFS_2019} (reported once per 30 days, when the days are known)",
        (Dev(BP, date(2026, 11, 10), days_from(date(2026, 11, 10), 16)),),
        NOV,
        "",
        "blood pressure cuff period 11/10-12/09 bills when it ends (12/09): 16 reading days so far",
    ),
    Case(
        "two devices in one 30 days: one device code for the patient",
        PFS_2021,
        (
            Dev(BP, OCT4, days_from(OCT4, 20)),
            Dev(SCALE, date(2026, 10, 6), days_from(date(2026, 10, 6), 20)),
        ),
        NOV,
        "99453, 99454",
        "scale period 10/06-11/04: one device code per 30 days, the blood pressure cuff period 10/04-11/02 has it",
    ),
    Case(
        "a device taken back early closes its period that day",
        PFS_2026,
        (Dev(BP, OCT4, days_from(OCT4, 5), ended=date(2026, 10, 20)),),
        Month(2026, 10),
        "99453, 99445",
    ),
    Case(
        "reading days before the RPM consent do not count",
        "SPEC 3 'Consent comes first'; CY2026 PFS final rule (RPM consent at or before the service)",
        (Dev(BP, OCT4, days_from(OCT4, 20)),),
        NOV,
        "",
        "1 of 2 reading days for 99445 in the blood pressure cuff period 10/04-11/02; 99454 needs 16 or more "
        "(19 reading days before the RPM consent of 10/23 do not count)",
        consent=date(2026, 10, 23),
    ),
    Case(
        "a device set up before the consent bills supply but no set-up",
        "SPEC 3 'Consent comes first'",
        (Dev(BP, OCT4, days_from(OCT4, 20)),),
        NOV,
        "99445",
        "99453: the blood pressure cuff set up 10/04/2026 before the RPM consent of 10/10",
        consent=date(2026, 10, 10),
    ),
    Case(
        "reading days after RPM ended do not count: the period closes with RPM",
        "SPEC 3 (RPM's codes are billed for a patient enrolled in RPM); CY2019 PFS final rule (30-day periods)",
        (Dev(SCALE, date(2026, 11, 4), days_from(date(2026, 11, 4), 17)),),
        NOV,
        "99453, 99445",
        "RPM ended 11/15/2026: reading days after it do not count",
        rpm=(date(2025, 1, 1), date(2026, 11, 15)),
        not_said="bills when it ends",
    ),
    Case(
        "a device set up after RPM ended bills nothing",
        "SPEC 3 (RPM's codes are billed for a patient enrolled in RPM)",
        (Dev(BP, date(2026, 10, 20), days_from(date(2026, 10, 20), 5)),),
        Month(2026, 10),
        "",
        "RPM ended 10/15/2026: reading days after it do not count",
        rpm=(date(2025, 1, 1), date(2026, 10, 15)),
        not_said="bills when it ends",
    ),
    Case(
        "reading days before RPM started do not count, even with an earlier consent",
        "SPEC 3 (RPM's codes are billed for a patient enrolled in RPM)",
        (Dev(BP, OCT4, days_from(OCT4, 20)),),
        NOV,
        "99453, 99445",
        "RPM started 10/20/2026: reading days before it do not count",
        rpm=(date(2026, 10, 20), None),
        also_not=("99454",),
    ),
    Case(
        "no RPM consent: no device code",
        "SPEC 3 'Consent comes first'",
        (Dev(BP, OCT4, days_from(OCT4, 20)),),
        NOV,
        "",
        "no consent on file for RPM",
        consent=None,
    ),
]


def _month(case: Case) -> PatientMonth:
    enrollment = Enrollment(
        patient_id=1,
        program=Program.RPM,
        start_date=case.rpm[0],
        end_date=case.rpm[1],
        consent_date=case.consent,
        consent_method=ConsentMethod.VERBAL if case.consent else None,
    )
    devices = tuple(
        RpmDevice(id=i + 1, patient_id=1, kind=d.kind, set_up_on=d.set_up, ended_on=d.ended, reading_days=d.days)
        for i, d in enumerate(case.devices)
    )
    return PatientMonth(case.month, (enrollment,), 2, {}, realtime_contacts=0, rpm_devices=devices)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cms_rpm_device_case(case: Case) -> None:
    result = bill(_month(case))
    device_codes = [c for c in result.codes if c.code in {"99453", "99454", "99445"}]
    assert ", ".join(c.code if c.units == 1 else f"{c.code} x{c.units}" for c in device_codes) == case.codes, (
        case.source
    )
    if case.reason is not None:
        assert case.reason in result.reasons, (case.source, result.reasons)
    for code in case.also_not:
        assert code not in result.codes_text()
    if case.not_said is not None:
        assert not [r for r in result.reasons if case.not_said in r], (case.source, result.reasons)


def test_two_periods_closing_in_one_31_day_month_bill_twice():
    """Periods follow the device, not the calendar: one set up 06/02 closes 07/01 and 07/31, so
    July bills two device-supply codes, each for its own 30 days (PFS_2019: once per 30 days)."""
    set_up = date(2025, 12, 2)  # periods 12/02-12/31, 01/01-01/30, 01/31-03/01
    d = RpmDevice(patient_id=1, kind=BP, set_up_on=set_up, reading_days=days_from(set_up, 60))
    assert [p.closes for p in periods(d, date(2026, 3, 1))] == [date(2025, 12, 31), date(2026, 1, 30), date(2026, 3, 1)]
    jul = date(2026, 7, 1)  # periods 07/01-07/30, 07/31-08/29: July holds one close; a 31-day month
    d2 = RpmDevice(
        patient_id=1, kind=BP, set_up_on=jul - timedelta(days=29), reading_days=days_from(jul - timedelta(days=29), 60)
    )
    closes = [p.closes for p in periods(d2, date(2026, 7, 31)) if Month.of(p.closes) == Month(2026, 7)]
    assert closes == [date(2026, 7, 1), date(2026, 7, 31)]
    pm = PatientMonth(
        Month(2026, 7),
        (
            Enrollment(
                patient_id=1,
                program=Program.RPM,
                start_date=date(2026, 1, 1),
                consent_date=date(2026, 1, 2),
                consent_method=ConsentMethod.WRITTEN,
            ),
        ),
        2,
        {},
        rpm_devices=(d2,),
    )
    assert "99454 x2" in bill(pm).codes_text()


@pytest.mark.parametrize(
    ("days", "month", "code"),
    [
        (1, NOV, None),
        (2, NOV, "99445"),
        (15, NOV, "99445"),
        (16, NOV, "99454"),
        (30, NOV, "99454"),
        (15, Month(2025, 12), None),
        (16, Month(2025, 12), "99454"),
    ],
)
def test_supply_code_by_days(days, month, code):
    """PFS_2026: 2-15 days 99445 from January 2026; 16-30 days 99454."""
    assert supply_code(days, month) == code


def test_a_closed_period_without_rpm_consent_says_so_and_does_not_raise():
    """With no RPM consent on file every reading day is before it: the period bills nothing and
    says why (the chart's RPM tab asks this of a patient enrolled without a consent date; the
    reason once formatted the missing date and raised TypeError)."""
    d = RpmDevice(patient_id=1, id=7, kind=BP, set_up_on=date(2026, 9, 1), reading_days=(date(2026, 9, 3),))
    first = assess([d], date(2026, 11, 24), None)[0]
    assert first.code is None and first.why is not None
    assert first.why.endswith(
        "period 09/01-09/30; 99454 needs 16 or more (1 reading day without an RPM consent do not count)"
    )
