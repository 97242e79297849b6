"""The queue chases what a patient can still bill (SPEC 3 "Call queue"): an APCM patient in
BHI with the same billing practitioner bills G0570, which has no time threshold (CY2026 PFS
final rule; caredesk.domain.billing_apcm_bh), in place of 99484's 20 minutes (CMS MLN909432).
So the queue asks for some care this month, not "0 of 20 min"."""

from __future__ import annotations

from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Program
from caredesk.domain.queue import ReasonKind, entry_for
from tests.domain.test_billing_apcm_bh import _e
from tests.domain.test_queue import NY, TODAY, facts


def _minutes_reasons(**kw) -> list[str]:
    entry = entry_for(facts(enrollments=(_e(Program.APCM), _e(Program.BHI)), chronic_conditions=2, **kw), TODAY, NY)
    assert entry is not None
    return [r.text for r in entry.reasons if r.kind is ReasonKind.MINUTES]


def test_apcm_with_bhi_of_the_same_practitioner_chases_one_minute_not_twenty():
    (text,) = _minutes_reasons(minutes={})
    assert text.startswith("0 of 1 min this month")


def test_once_some_bhi_care_is_logged_the_add_on_bills_and_the_chase_stops():
    assert _minutes_reasons(minutes={(Program.BHI, StaffType.CLINICAL_STAFF): 3}, last_reached=None) == []


def test_bhi_of_another_practitioner_still_needs_99484s_twenty_minutes():
    entry = entry_for(
        facts(enrollments=(_e(Program.APCM), _e(Program.BHI, who="Dr Baker")), chronic_conditions=2, minutes={}),
        TODAY,
        NY,
    )
    assert entry is not None
    assert next(r.text for r in entry.reasons if r.kind is ReasonKind.MINUTES).startswith("0 of 20 min this month")
