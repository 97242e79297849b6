"""The Medicare care-management code table as data, one row per code with its source.

A fee-schedule change is a change of this table (SPEC section 3); the rules that read it
are in caredesk.domain.billing.
"""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Channel, StaffType
from caredesk.domain.patients import Program

CS = StaffType.CLINICAL_STAFF
QHP = StaffType.PHYSICIAN

_CCM_SOURCE = "CMS MLN909188 (CCM), CY2025 PFS"
_PCM_SOURCE = "CMS MLN909188 (CCM/PCM), CY2025 PFS"
_PCM_QHP_SOURCE = "CMS CY2022 PFS final rule (PCM 99424/99425 by the physician/QHP), CY2025 PFS"
_BHI_SOURCE = "CMS MLN909432 (BHI), CY2025 PFS"
_RPM_SOURCE = "CMS CY2025 PFS final rule (RPM treatment management)"
_RPM26_SOURCE = "CMS CY2026 PFS final rule (RPM 10-minute treatment management)"
_TCM_SOURCE = "CMS MLN908628 (TCM), Noridian TCM page, CY2025 PFS"
_APCM_SOURCE = "CMS CY2025 PFS final rule (APCM)"
# RPM device codes (caredesk.domain.billing_rpm_devices). 99453 once per episode of care and
# one device code per patient per 30 days whatever the number of devices (CY2021 PFS final
# rule). Where sources disagree: vendor pages still say 99453 waits for 16 days in 2026; CareDesk
# bills it with the episode's first device-supply code, so from 2026 with 99445's 2 days (CY2026
# PFS final rule and CPT 2026, which cut the device-supply floor to 2 days).
_RPM_DEVICE_SOURCE = "CMS CY2019 and CY2021 PFS final rules (RPM device set-up and supply)"
_RPM_DEVICE26_SOURCE = "CMS CY2026 PFS final rule (RPM device supply for 2-15 days, CPT 99445)"
# Where sources disagree (SPEC 3): the CY2026 PFS final rule values the add-ons on 99492, 99493
# and 99484 but, like APCM itself, gives them no time threshold, and the 2026 HCPCS descriptors
# of G0568-G0570 name no minutes (99492's says "first 70 minutes"). Some vendor summaries read
# the mirrored codes' times (70 / 60 / 20 min) into them; CareDesk follows the rule and the
# descriptors: no time, but some behavioral care logged in the month after consent.
# Not billed beside an APCM behavioral add-on by the same practitioner in the month: the
# standalone BHI and CoCM codes (CY2026 PFS final rule; CMS bundles them into APCM's add-on).
_STANDALONE_BH = ("99484", "99492", "99493", "99494")
_APCM_BH_SOURCE = (
    "CMS CY2026 PFS final rule (APCM behavioral health add-ons, no time threshold); 2026 HCPCS descriptors"
)


@dataclass(frozen=True)
class BillingCode:
    code: str
    program: Program
    staff: StaffType | None  # whose minutes count; None: any staff type (RPM) or no time
    first: int | None  # minutes for a base code; None for add-ons and untimed codes
    addon_of: str | None
    each: int | None  # minutes per add-on unit
    cap: int | None  # most add-on units per month; None: no cap in the SPEC table
    description: str
    source: str
    min_conditions: int = 0  # chronic conditions the patient needs
    starts: Month | None = None  # first month the code exists
    # The practitioner's own time counts toward this clinical-staff code when it is not used
    # for the practitioner's codes (SPEC 3; CMS MLN909188; CY2025 PFS final rule for PCM).
    practitioner_time_counts: bool = False
    # Billed only in a month with a real-time (synchronous) interactive contact that reached
    # the patient: RPM treatment management (SPEC 3; CY2025 PFS final rule, CY2026 for 99470).
    needs_realtime_contact: bool = False
    # APCM's monthly codes are chosen by the patient's chronic conditions and QMB status
    # (CY2025 PFS final rule): None, any number / either.
    max_conditions: int | None = None
    qmb: bool | None = None
    # APCM's behavioral add-ons G0568-G0570 (CY2026 PFS final rule): billed only with an APCM
    # base code of the same practitioner and month (caredesk.domain.billing_apcm_bh); CoCM's
    # first month is G0568, later ones G0569; the standalone codes they stand in for are not
    # billed beside them by that practitioner.
    apcm_addon: bool = False
    first_month: bool | None = None
    instead_of: tuple[str, ...] = ()
    # RPM device supply: (least, most) distinct reading days in a 30-day device period; None as
    # most means up to the 30 (caredesk.domain.billing_rpm_devices).
    days: tuple[int, int | None] | None = None


BILLING_CODES: tuple[BillingCode, ...] = (
    BillingCode(
        "99490",
        Program.CCM,
        CS,
        20,
        None,
        None,
        None,
        "CCM, first 20 min of clinical-staff time",
        _CCM_SOURCE,
        min_conditions=2,
        practitioner_time_counts=True,
    ),
    BillingCode(
        "99439",
        Program.CCM,
        CS,
        None,
        "99490",
        20,
        2,
        "CCM, each further 20 min of clinical-staff time (at most 2)",
        _CCM_SOURCE,
        min_conditions=2,
        practitioner_time_counts=True,
    ),
    BillingCode(
        "99487",
        Program.COMPLEX_CCM,
        CS,
        60,
        None,
        None,
        None,
        "complex CCM, first 60 min of clinical-staff time",
        _CCM_SOURCE,
        min_conditions=2,
    ),
    BillingCode(
        "99489",
        Program.COMPLEX_CCM,
        CS,
        None,
        "99487",
        30,
        None,
        "complex CCM, each further 30 min of clinical-staff time",
        _CCM_SOURCE,
        min_conditions=2,
    ),
    BillingCode(
        "99491",
        Program.CCM,
        QHP,
        30,
        None,
        None,
        None,
        "CCM by the physician/QHP, first 30 min of own time",
        _CCM_SOURCE,
        min_conditions=2,
    ),
    BillingCode(
        "99437",
        Program.CCM,
        QHP,
        None,
        "99491",
        30,
        None,
        "CCM by the physician/QHP, each further 30 min of own time",
        _CCM_SOURCE,
        min_conditions=2,
    ),
    BillingCode(
        "99426",
        Program.PCM,
        CS,
        30,
        None,
        None,
        None,
        "PCM, first 30 min of clinical-staff time",
        _PCM_SOURCE,
        min_conditions=1,
        practitioner_time_counts=True,
    ),
    BillingCode(
        "99427",
        Program.PCM,
        CS,
        None,
        "99426",
        30,
        None,
        "PCM, each further 30 min of clinical-staff time",
        _PCM_SOURCE,
        min_conditions=1,
        practitioner_time_counts=True,
    ),
    BillingCode(
        "99424",
        Program.PCM,
        QHP,
        30,
        None,
        None,
        None,
        "PCM by the physician/QHP, first 30 min of own time",
        _PCM_QHP_SOURCE,
        min_conditions=1,
    ),
    BillingCode(
        "99425",
        Program.PCM,
        QHP,
        None,
        "99424",
        30,
        None,
        "PCM by the physician/QHP, each further 30 min of own time",
        _PCM_QHP_SOURCE,
        min_conditions=1,
    ),
    BillingCode(
        "99484", Program.BHI, CS, 20, None, None, None, "BHI, at least 20 min of clinical-staff time", _BHI_SOURCE
    ),
    BillingCode(
        "99457",
        Program.RPM,
        None,
        20,
        None,
        None,
        None,
        "RPM treatment management, first 20 min",
        _RPM_SOURCE,
        needs_realtime_contact=True,
    ),
    BillingCode(
        "99458",
        Program.RPM,
        None,
        None,
        "99457",
        20,
        None,
        "RPM treatment management, each further 20 min",
        _RPM_SOURCE,
    ),
    BillingCode(
        "99470",
        Program.RPM,
        None,
        10,
        None,
        None,
        None,
        "RPM treatment management, first 10 min (not with 99457)",
        _RPM26_SOURCE,
        starts=Month(2026, 1),
        needs_realtime_contact=True,
    ),
    BillingCode(
        "99453",
        Program.RPM,
        None,
        None,
        None,
        None,
        None,
        "RPM device set-up and patient education, once per episode, with its first device-supply code",
        _RPM_DEVICE_SOURCE,
    ),
    BillingCode(
        "99454",
        Program.RPM,
        None,
        None,
        None,
        None,
        None,
        "RPM device supply, 16 or more reading days in a 30-day period",
        _RPM_DEVICE_SOURCE,
        days=(16, None),
    ),
    BillingCode(
        "99445",
        Program.RPM,
        None,
        None,
        None,
        None,
        None,
        "RPM device supply, 2-15 reading days in a 30-day period (not with 99454)",
        _RPM_DEVICE26_SOURCE,
        starts=Month(2026, 1),
        days=(2, 15),
    ),
    BillingCode(
        "99495",
        Program.TCM,
        None,
        None,
        None,
        None,
        None,
        "TCM, moderate complexity: contact within 2 business days, face-to-face within 14 days",
        _TCM_SOURCE,
    ),
    BillingCode(
        "99496",
        Program.TCM,
        None,
        None,
        None,
        None,
        None,
        "TCM, high complexity: contact within 2 business days, face-to-face within 7 days",
        _TCM_SOURCE,
    ),
    BillingCode(
        "G0556",
        Program.APCM,
        None,
        None,
        None,
        None,
        None,
        "APCM, monthly, 0-1 chronic conditions",
        _APCM_SOURCE,
        starts=Month(2025, 1),
        max_conditions=1,
    ),
    BillingCode(
        "G0557",
        Program.APCM,
        None,
        None,
        None,
        None,
        None,
        "APCM, monthly, 2 or more chronic conditions",
        _APCM_SOURCE,
        starts=Month(2025, 1),
        min_conditions=2,
        qmb=False,
    ),
    BillingCode(
        "G0558",
        Program.APCM,
        None,
        None,
        None,
        None,
        None,
        "APCM, monthly, 2 or more chronic conditions and QMB",
        _APCM_SOURCE,
        starts=Month(2025, 1),
        min_conditions=2,
        qmb=True,
    ),
    BillingCode(
        "G0568",
        Program.COCM,
        None,
        None,
        None,
        None,
        None,
        "APCM behavioral add-on, CoCM first month (mirrors 99492)",
        _APCM_BH_SOURCE,
        starts=Month(2026, 1),
        apcm_addon=True,
        first_month=True,
        instead_of=_STANDALONE_BH,
    ),
    BillingCode(
        "G0569",
        Program.COCM,
        None,
        None,
        None,
        None,
        None,
        "APCM behavioral add-on, CoCM later months (mirrors 99493)",
        _APCM_BH_SOURCE,
        starts=Month(2026, 1),
        apcm_addon=True,
        first_month=False,
        instead_of=_STANDALONE_BH,
    ),
    BillingCode(
        "G0570",
        Program.BHI,
        None,
        None,
        None,
        None,
        None,
        "APCM behavioral add-on, general BHI (mirrors 99484)",
        _APCM_BH_SOURCE,
        starts=Month(2026, 1),
        apcm_addon=True,
        instead_of=_STANDALONE_BH,
    ),
)

# The channels of a real-time interactive contact for RPM treatment management: a portal
# message or a letter is not synchronous (CY2025 PFS final rule, 99457).
REALTIME_CHANNELS = frozenset({Channel.PHONE, Channel.VIDEO, Channel.HOME_VISIT})

# Programs the same billing practitioner cannot bill in one month: when both earn codes the
# first is kept. A different practitioner may (a specialist's PCM beside the PCP's CCM):
# SPEC 3, CY2025 PFS final rule. CCM and complex CCM are one service (billing_minutes.FAMILY).
EXCLUSIONS: tuple[tuple[Program, Program, str], ...] = (
    (Program.COMPLEX_CCM, Program.CCM, "CCM and complex CCM in one month: complex chosen"),
    (Program.CCM, Program.PCM, "CCM and PCM in one month: CCM chosen"),
    (Program.COMPLEX_CCM, Program.PCM, "complex CCM and PCM in one month: complex CCM chosen"),
    # APCM bundles CCM, PCM and TCM (SPEC 3; CY2025 PFS final rule).
    (Program.APCM, Program.COMPLEX_CCM, "APCM bundles complex CCM: APCM chosen"),
    (Program.APCM, Program.CCM, "APCM bundles CCM: APCM chosen"),
    (Program.APCM, Program.PCM, "APCM bundles PCM: APCM chosen"),
    (Program.APCM, Program.TCM, "APCM bundles TCM: APCM chosen"),
)
