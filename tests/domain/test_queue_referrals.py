"""The queue's referral reasons, with plain values.

SPEC section 3, Call queue: clinical flags include "positive social-needs screen without a
referral" and "a referral with no news for 14 days"; issue 10 gives the wording ("Food bank
referral sent 11/03 - no news") and says closing the referral clears it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caredesk.domain.community import Need
from caredesk.domain.queue import ReasonKind, entry_for
from caredesk.domain.referrals import ReferralNews, ReferralStatus
from tests.domain.test_queue import NY, TODAY, facts


def news(last: date, status: ReferralStatus = ReferralStatus.SENT, rid: int = 1, name: str = "Food bank"):
    return ReferralNews(rid, Need.FOOD, name, status, last - timedelta(days=2), last)


def reasons(f) -> list[tuple[ReasonKind, str]]:
    e = entry_for(f, TODAY, NY)
    return [] if e is None else [(r.kind, r.text) for r in e.reasons]


def test_a_sent_referral_quiet_for_14_days_is_a_clinical_reason_naming_resource_step_and_day():
    sent = TODAY - timedelta(days=14)  # 11/10
    assert (ReasonKind.CLINICAL, "Food bank referral sent 11/10 - no news") in reasons(
        facts(open_referrals=(news(sent),))
    )


def test_thirteen_quiet_days_are_not_yet_a_reason():
    assert not any("no news" in t for _, t in reasons(facts(open_referrals=(news(TODAY - timedelta(days=13)),))))


@pytest.mark.parametrize("status", [ReferralStatus.PROPOSED, ReferralStatus.ACCEPTED])
def test_every_open_status_is_watched(status):
    texts = [t for _, t in reasons(facts(open_referrals=(news(date(2026, 11, 3), status),)))]
    assert f"Food bank referral {status.value} 11/03 - no news" in texts


def test_a_closed_referral_is_never_a_no_news_reason():
    for status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.CLOSED):
        assert not any("no news" in t for _, t in reasons(facts(open_referrals=(news(date(2026, 10, 1), status),))))


def test_the_longest_silence_comes_first_and_ranks_after_safety_and_deadlines():
    f = facts(open_referrals=(news(TODAY - timedelta(days=15), rid=1, name="B"), news(date(2026, 10, 1), rid=2)))
    texts = [t for k, t in reasons(f) if k is ReasonKind.CLINICAL]
    assert texts == ["Food bank referral sent 10/01 - no news", "B referral sent 11/09 - no news"]


def test_the_social_needs_reason_names_the_needs_still_without_a_referral_in_the_screens_order():
    # SPEC section 3, Call queue: "positive social-needs screen without a referral"; a screen
    # positive for housing, food and utilities whose food need has a referral still waits on two.
    waiting = facts(unreferred_needs=(Need.HOUSING, Need.UTILITIES))
    assert (ReasonKind.CLINICAL, "Social needs positive - housing, utilities: no referral yet") in reasons(waiting)
    assert not any("Social needs" in t for _, t in reasons(facts()))
