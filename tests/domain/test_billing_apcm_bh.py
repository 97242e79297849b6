"""APCM's behavioral health add-ons G0568 / G0569 / G0570 as one table (SPEC 3, issue 12): each
row a November, the codes a biller would send, the reason shown word for word, and the CMS
publication the expected value comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from caredesk.domain.billing import PatientMonth, bill, main_program
from caredesk.domain.billing_apcm_bh import first_month
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import ConsentMethod, Enrollment, Program

CS = StaffType.CLINICAL_STAFF
APCM, BHI, COCM, CCM = Program.APCM, Program.BHI, Program.COCM, Program.CCM
NOV = Month(2026, 11)

PFS_2026 = "CMS CY2026 PFS final rule (APCM behavioral health add-ons)"
HCPCS_2026 = "2026 HCPCS long descriptors of G0568-G0570 (no minutes; 99492's: 'first 70 minutes')"
PFS_2025 = "CMS CY2025 PFS final rule (APCM)"
MLN_BHI = "CMS MLN909432 (Behavioral Health Integration Services)"
NEEDS_APCM = "needs APCM G0556-G0558 billed by the same practitioner this month"


def _e(
    program: Program,
    *,
    who: str = "Dr Adams",
    start: date = date(2026, 1, 5),
    consent: date | None = date(2026, 1, 5),
    end: date | None = None,
) -> Enrollment:
    return Enrollment(
        patient_id=1,
        program=program,
        start_date=start,
        end_date=end,
        consent_date=consent,
        consent_method=ConsentMethod.VERBAL if consent else None,
        billing_practitioner=who,
    )


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    enrollments: tuple[Enrollment, ...]
    codes: str
    reason: str | None = None  # one of the reasons shown, word for word
    minutes: dict[tuple[int, Program], int] = field(default_factory=dict)  # (day of November, program) -> min
    month: Month = NOV


CASES = [
    # Billed with APCM, same practitioner, same month; no time threshold.
    Case("general BHI with APCM bills G0570", f"{PFS_2026}; {HCPCS_2026}", (_e(APCM), _e(BHI)), "G0557, G0570",
         minutes={(3, BHI): 45}),
    Case("5 min of BHI care is enough: no time threshold", f"{PFS_2026}; {HCPCS_2026}",
         (_e(APCM), _e(BHI)), "G0557, G0570", minutes={(3, BHI): 5}),
    Case("CoCM in its first month bills G0568", f"{PFS_2026} (G0568 mirrors 99492, first month)",
         (_e(APCM), _e(COCM, start=date(2026, 11, 2), consent=date(2026, 11, 2))), "G0557, G0568",
         minutes={(4, COCM): 30}),
    Case("CoCM in a later month bills G0569", f"{PFS_2026} (G0569 mirrors 99493, subsequent months)",
         (_e(APCM), _e(COCM, start=date(2026, 9, 14))), "G0557, G0569", minutes={(4, COCM): 30}),
    Case("CoCM consented in a later month starts its episode then", f"{PFS_2026}; CPT 99492 'first calendar month of "
         "behavioral health care manager activities'", (_e(APCM), _e(COCM, start=date(2026, 10, 20),
         consent=date(2026, 11, 3))), "G0557, G0568", minutes={(4, COCM): 30}),
    Case("a new CoCM enrollment is a new episode", f"{PFS_2026}",
         (_e(APCM), _e(COCM, start=date(2026, 3, 2), end=date(2026, 6, 30)),
          _e(COCM, start=date(2026, 11, 9), consent=date(2026, 11, 9))), "G0557, G0568", minutes={(10, COCM): 20}),
    Case("APCM with 0-1 conditions carries the add-on too", f"{PFS_2026}; {PFS_2025}",
         (_e(APCM), _e(BHI)), "G0556, G0570", minutes={(3, BHI): 25}),
    # Never without APCM billed by the same practitioner in the same month.
    Case("APCM without consent: no add-on", f"{PFS_2026}: only with an APCM base code",
         (_e(APCM, consent=None), _e(BHI)), "99484", f"G0570 {NEEDS_APCM}", minutes={(3, BHI): 25}),
    Case("CoCM without APCM bills nothing and says why", f"{PFS_2026}: only with an APCM base code",
         (_e(COCM),), "", f"G0569 {NEEDS_APCM} (CareDesk does not bill standalone CoCM 99492-99494)",
         minutes={(3, COCM): 45}),
    Case("APCM by another practitioner", f"{PFS_2026}: the same billing practitioner",
         (_e(APCM, who="Dr Adams"), _e(BHI, who="Dr Baker")), "99484, G0557",
         f"G0570 {NEEDS_APCM} (APCM: Dr Adams; BHI: Dr Baker)", minutes={(3, BHI): 25}),
    Case("the practitioner's name differs only in case", f"{PFS_2026}", (_e(APCM, who="Dr Adams"),
         _e(BHI, who="dr adams")), "G0557, G0570", minutes={(3, BHI): 25}),
    Case("the practitioner's name differs in case and spaces", f"{PFS_2026}: the same billing practitioner",
         (_e(APCM, who="dr  lee "), _e(BHI, who="Dr Lee")), "G0557, G0570", minutes={(3, BHI): 25}),
    Case("spaces differ and 99484 gives way", f"{PFS_2026}: not with 99484 by the same practitioner",
         (_e(APCM, who="Dr Lee"), _e(BHI, who=" DR\u00a0 lee")), "G0557, G0570",
         "G0570 with APCM replaces 99484 (same practitioner, same month)", minutes={(3, BHI): 25}),
    Case("no name on either side is taken as one practitioner", "SPEC 3 (exclusions per practitioner)",
         (_e(APCM, who=""), _e(BHI, who="")), "G0557, G0570", minutes={(3, BHI): 25}),
    Case("before January 2026 the add-ons do not exist", f"{PFS_2026}: effective January 1, 2026",
         (_e(APCM, start=date(2025, 1, 6), consent=date(2025, 1, 6)),
          _e(BHI, start=date(2025, 1, 6), consent=date(2025, 1, 6))),
         "99484, G0557", "G0570 is billed from January 2026 (November 2025 is before)",
         minutes={(3, BHI): 25}, month=Month(2025, 11)),
    # Its own consent, and care furnished in the month.
    Case("CoCM without its own consent", f"{PFS_2026}; {MLN_BHI} (consent for BHI/CoCM)",
         (_e(APCM), _e(COCM, consent=None)), "G0557", "no consent on file for CoCM", minutes={(3, COCM): 30}),
    Case("BHI without its consent: neither G0570 nor 99484", f"{PFS_2026}; {MLN_BHI} (consent for BHI)",
         (_e(APCM), _e(BHI, consent=None)), "G0557", "no consent on file for BHI", minutes={(3, BHI): 25}),
    Case("no BHI care logged this month", f"{PFS_2026}: the add-on's elements are furnished in the month",
         (_e(APCM), _e(BHI)), "G0557", "G0570: no BHI care logged this month on or after the consent"),
    Case("BHI care only before the consent", "SPEC 3 'Consent comes first'",
         (_e(APCM), _e(BHI, consent=date(2026, 11, 20))), "G0557",
         "G0570: no BHI care logged this month on or after the consent", minutes={(3, BHI): 25}),
    # The standalone codes are not billed beside the add-on (CMS bundling).
    Case("99484 gives way to G0570", f"{PFS_2026}: not with 99484 or 99492-99494 by the same practitioner",
         (_e(APCM), _e(BHI)), "G0557, G0570", "G0570 with APCM replaces 99484 (same practitioner, same month)",
         minutes={(3, BHI): 25}),
    Case("one add-on a month: CoCM's over G0570", f"{PFS_2026}; {MLN_BHI} (99484 not with 99492/99493)",
         (_e(APCM), _e(COCM, start=date(2026, 8, 3)), _e(BHI)), "G0557, G0569",
         "G0569 and G0570 in one month: G0569 chosen", minutes={(3, COCM): 30, (4, BHI): 25}),
    # The rest of APCM's rules stand: it bundles CCM; CCM and BHI may share a month without APCM.
    Case("APCM still bundles CCM beside the add-on", f"{PFS_2025}", (_e(APCM), _e(CCM), _e(BHI)),
         "G0557, G0570", "APCM bundles CCM: APCM chosen", minutes={(3, CCM): 25, (4, BHI): 25}),
    Case("BHI without APCM bills 99484 and says nothing of G0570", f"{MLN_BHI}", (_e(BHI),), "99484",
         minutes={(3, BHI): 25}),
]  # fmt: skip


def _month(case: Case) -> PatientMonth:
    days = {(date(case.month.year, case.month.month, d), p, CS): m for (d, p), m in case.minutes.items()}
    conditions = 1 if "0-1 conditions" in case.name else 2
    return PatientMonth.of_days(case.month, case.enrollments, conditions, days)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_apcm_behavioral_add_ons(case: Case) -> None:
    result = bill(_month(case))
    assert result.codes_text() == case.codes, (case.source, result)
    if case.reason:
        assert case.reason in result.reasons, (case.source, result.reasons)
    assert len(set(result.reasons)) == len(result.reasons)  # a reason shared by 99484 and G0570 is said once
    if case.name == "BHI without APCM bills 99484 and says nothing of G0570":
        assert not any("G0570" in r for r in result.reasons)


def test_the_first_month_of_a_cocm_episode() -> None:
    assert first_month(_e(COCM, start=date(2026, 11, 30), consent=date(2026, 11, 2))) == NOV
    assert first_month(_e(COCM, start=date(2026, 10, 30), consent=date(2026, 11, 2))) == NOV
    assert first_month(_e(COCM, start=date(2026, 11, 2), consent=None)) == NOV


def test_cocm_minutes_go_to_cocm_by_default() -> None:
    assert main_program([_e(APCM), _e(COCM)], NOV) is COCM
    assert main_program([_e(BHI), _e(COCM)], NOV) is BHI
