"""Community resources and the closed referral loop, with plain values.

Sources: SPEC section 1.6 and section 3 (Assessments: "a positive domain suggests a referral to
a matching community resource"; Call queue: "a referral with no news for 14 days"); issue 10
(proposed -> sent -> accepted -> completed / declined / closed, each step dated). The needs
are the core domains of the CMS Accountable Health Communities Health-Related Social Needs
Screening Tool (Billioux et al., NAM Perspectives 2017): housing, food, transportation,
utilities, interpersonal safety.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import product

import pytest

from caredesk.domain.assessments import SOCIAL_NEEDS_DOMAINS, Instrument
from caredesk.domain.community import (
    CommunityResource,
    Need,
    field_refusals,
    need_of,
    needs_of,
    same_listing,
    search,
    twin_refusal,
)
from caredesk.domain.coordination import Assessment
from caredesk.domain.referrals import (
    NEXT,
    NO_NEWS_DAYS,
    Referral,
    ReferralNews,
    ReferralStatus,
    ReferralStep,
    advance,
    open_referral,
    quiet_days,
    step_refusal,
    suggest,
    unreferred,
)
from caredesk.errors import ValidationError

S = ReferralStatus
NOV3 = date(2026, 11, 3)
PANTRY = CommunityResource(id=1, name="Riverside Food Pantry", needs=(Need.FOOD,), phone="(555) 010-2001")
RIDES = CommunityResource(id=2, name="Brightwater Senior Rides", needs=(Need.TRANSPORTATION, Need.OTHER))
CLOSED_PANTRY = CommunityResource(id=3, name="Old Mill Food Cupboard", needs=(Need.FOOD,), active=False)


def referral(*path: ReferralStatus, start: date = NOV3) -> Referral:
    r = open_referral(7, PANTRY, Need.FOOD, start)
    for i, status in enumerate(path, start=1):
        r = advance(r, status, start + timedelta(days=i))
    return r


# --- needs and resources -----------------------------------------------------------


def test_the_needs_are_the_ahc_core_domains_of_the_screen_plus_other():
    assert [d.name for d in SOCIAL_NEEDS_DOMAINS] == [n.value for n in Need if n is not Need.OTHER]
    assert Need.SAFETY.label == "interpersonal safety"


@pytest.mark.parametrize("typed", ["food", "Food", " FOOD "])
def test_a_need_is_read_whatever_its_case(typed):
    assert need_of("need", typed) is Need.FOOD


def test_interpersonal_safety_is_read_by_its_label_or_its_value():
    assert need_of("need", "interpersonal safety") is need_of("need", "safety") is Need.SAFETY


def test_several_needs_are_separated_by_semicolons_kept_once_in_the_directory_order():
    assert needs_of("needs", "transportation; food;food;") == (Need.FOOD, Need.TRANSPORTATION)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "needs: at least one is required"),
        ("food;groceries", 'needs: "groceries" is not a need; must be one of: housing, food'),
    ],
)
def test_needs_refused_name_the_field(typed, message):
    with pytest.raises(ValidationError, match=message):
        needs_of("needs", typed)


def test_a_resource_keeps_its_fields_and_uses_the_patient_records_phone_rule():
    r = CommunityResource(
        name="  Riverside Food Pantry ",
        needs="food",
        phone="555.010.2001",
        hours="Tue 10-2",
        eligibility="County residents",
        notes="Bring ID",
    )
    assert (r.name, r.needs, r.phone, r.active) == ("Riverside Food Pantry", (Need.FOOD,), "555.010.2001", True)
    with pytest.raises(ValidationError, match="phone: 555-01 is not a phone number; type all 10 digits"):
        CommunityResource(name="X", needs="food", phone="555-01")
    with pytest.raises(ValidationError, match="name: is required"):
        CommunityResource(name=" ", needs="food")


def test_every_bad_field_of_a_form_is_named_at_once():
    problems = field_refusals({"name": "", "needs": "groceries", "phone": "12", "hours": "9-5"})
    assert [p.field for p in problems] == ["name", "needs", "phone"]


def _listing(name: str, phone: str = "", rid: int | None = None) -> CommunityResource:
    return CommunityResource(name=name, needs=(Need.FOOD,), phone=phone, id=rid)


def test_one_listing_whatever_the_case_accents_spacing_and_phone_punctuation():
    assert same_listing(
        _listing("Riverside  food pantry", "(555) 010-2001"), _listing("RIVERSIDE Food Pantry", "5550102001")
    )
    assert same_listing(_listing("Café Rides", "555-010-2002"), _listing("cafe rides", "555.010.2002"))


def test_a_listing_without_a_phone_is_the_same_as_one_with_but_another_phone_is_another_site():
    with_phone, without = _listing("Fakeville Food Pantry", "555-010-2000", 1), _listing("Fakeville Food Pantry")
    assert same_listing(without, with_phone) and same_listing(with_phone, without) and same_listing(without, without)
    assert not same_listing(with_phone, _listing("Fakeville Food Pantry", "555-010-2999"))  # a branch
    assert not same_listing(without, _listing("Fakeville Food Bank"))


@pytest.mark.parametrize(
    ("stored", "new", "message"),
    [
        ("555-010-2000", "(555) 010-2000", "is already in the directory with this phone (resource 1)"),
        (
            "555-010-2000",
            "",
            "is already in the directory (resource 1, phone 555-010-2000); give this one's phone if it is another site",
        ),
        ("", "555-010-2000", "is already in the directory without a phone (resource 1); add the phone to that one"),
        ("", "", "is already in the directory (resource 1, no phone either)"),
    ],
)
def test_the_refusal_names_what_matched(stored, new, message):
    # A tester was told "already in the directory with this phone" having given no phone.
    assert twin_refusal(_listing("Pantry", stored, 1), _listing("Pantry", new)).startswith(message)


def test_search_by_need_and_by_name_leaves_inactive_resources_out_unless_asked():
    pool = [PANTRY, RIDES, CLOSED_PANTRY]
    assert search(pool, need=Need.FOOD) == [PANTRY]
    assert search(pool, need=Need.FOOD, include_inactive=True) == [CLOSED_PANTRY, PANTRY]
    assert search(pool, text="senior") == [RIDES]
    assert search(pool, text="pantry", need=Need.TRANSPORTATION) == []


def test_a_name_search_ignores_case_and_accents_and_takes_words_in_any_order():
    # The patient search's folding (caredesk.domain.text.fold): "cafe" finds "Café".
    cafe = CommunityResource(name="Café  Comunitario Ñandú", needs=(Need.FOOD,), id=9)
    pool = [PANTRY, cafe]
    assert search(pool, text="cafe") == [cafe]
    assert search(pool, text="  ÑANDU comunitario ") == [cafe]
    assert search(pool, text="pantry cafe") == []
    assert search(pool) == [cafe, PANTRY]  # "Café" sorts with C


# --- the loop --------------------------------------------------------------------------

ALLOWED = {
    (S.PROPOSED, S.SENT),
    (S.PROPOSED, S.DECLINED),
    (S.PROPOSED, S.CLOSED),
    (S.SENT, S.ACCEPTED),
    (S.SENT, S.DECLINED),
    (S.SENT, S.CLOSED),
    (S.ACCEPTED, S.COMPLETED),
    (S.ACCEPTED, S.DECLINED),
    (S.ACCEPTED, S.CLOSED),
}
REACH = {S.PROPOSED: (), S.SENT: (S.SENT,), S.ACCEPTED: (S.SENT, S.ACCEPTED)}
REACH |= {S.COMPLETED: (S.SENT, S.ACCEPTED, S.COMPLETED), S.DECLINED: (S.DECLINED,), S.CLOSED: (S.CLOSED,)}
REFUSED = {
    (S.PROPOSED, S.ACCEPTED): "a proposed referral cannot be accepted before it is sent",
    (S.PROPOSED, S.COMPLETED): "a proposed referral cannot be completed before it is sent",
    (S.SENT, S.PROPOSED): "a sent referral cannot go back to proposed",
    (S.SENT, S.COMPLETED): "a sent referral cannot be completed before it is accepted",
    (S.ACCEPTED, S.PROPOSED): "an accepted referral cannot go back to proposed",
    (S.ACCEPTED, S.SENT): "an accepted referral cannot go back to sent",
}


def test_the_table_allows_exactly_the_loops_steps():
    assert {(a, b) for a, nexts in NEXT.items() for b in nexts} == ALLOWED


@pytest.mark.parametrize(("current", "wanted"), sorted(product(S, S)))
def test_every_step_from_every_status(current, wanted):
    """All 36 pairs: the nine steps of the loop pass; an open status repeated with a note is
    news; everything else is refused naming the step, and the referral is unchanged."""
    r = referral(*REACH[current])
    day = r.last_step.on + timedelta(days=1)
    if (current, wanted) in ALLOWED:
        moved = advance(r, wanted, day, "ok")
        assert moved.status is wanted and moved.steps[:-1] == r.steps
        assert moved.is_open is (wanted in (S.SENT, S.ACCEPTED))
        return
    if current is wanted and r.is_open:
        assert advance(r, wanted, day, "Called: still on the wait list").steps[-1].note.startswith("Called")
        with pytest.raises(
            ValidationError, match=f"note: is needed to record news \\(the referral is already {current.value}\\)"
        ):
            advance(r, wanted, day)
        return
    with pytest.raises(ValidationError) as refused:
        advance(r, wanted, day, "note")
    assert refused.value.field == "status"
    if not r.is_open:
        closing = r.last_step
        assert refused.value.message == (
            f"the referral is closed ({closing.status.value} on {closing.on:%m/%d/%Y}); "
            "nothing follows a closed referral: make a new one"
        )
    else:
        assert refused.value.message == REFUSED[(current, wanted)]


def test_news_without_a_status_is_a_step_on_the_current_status_and_needs_a_note():
    r = referral(S.SENT)
    day = r.last_step.on + timedelta(days=2)
    news = advance(r, None, day, "Called: still on the wait list")
    assert (news.status, news.last_step.on, len(news.steps)) == (S.SENT, day, len(r.steps) + 1)
    with pytest.raises(ValidationError) as refused:
        advance(r, None, day)
    assert refused.value.field == "note"  # the form puts the cursor on the note, not the step


def test_an_unknown_status_lists_only_the_steps_the_referral_may_take():
    # A tester typed --status bogus and was offered "proposed", which a sent referral refuses.
    with pytest.raises(ValidationError) as refused:
        advance(referral(S.SENT), "bogus", NOV3 + timedelta(days=5))
    assert str(refused.value) == "status: must be one of: accepted, declined, closed; or sent again with a note (news)"


def test_a_stored_closed_referral_is_named_with_its_id_and_closing_day():
    done = replace(referral(S.SENT, S.ACCEPTED, S.COMPLETED), id=4)
    with pytest.raises(ValidationError) as refused:
        advance(done, "sent", NOV3 + timedelta(days=9), "again?")
    assert str(refused.value) == (
        "status: referral 4 is closed (completed on 11/06/2026); nothing follows a closed referral: make a new one"
    )


def test_the_issues_example_of_a_step_out_of_order():
    assert step_refusal(S.PROPOSED, S.COMPLETED) == "a proposed referral cannot be completed before it is sent"


def test_a_step_before_the_last_one_is_refused_naming_the_date():
    r = referral(S.SENT)  # sent 11/04
    with pytest.raises(ValidationError, match=r"date: cannot be before the last step \(sent on 11/04/2026\)"):
        advance(r, S.ACCEPTED, date(2026, 11, 3))
    assert advance(r, S.ACCEPTED, date(2026, 11, 4)).status is S.ACCEPTED  # the same day is fine


def test_a_stored_history_out_of_date_order_or_not_starting_proposed_is_refused():
    with pytest.raises(ValidationError, match="date: cannot be before the step before"):
        Referral(
            patient_id=1,
            resource_id=1,
            need="food",
            steps=(ReferralStep(status=S.PROPOSED, on=NOV3), ReferralStep(status=S.SENT, on=NOV3 - timedelta(1))),
        )
    with pytest.raises(ValidationError, match="status: a referral starts as proposed"):
        Referral(patient_id=1, resource_id=1, need="food", steps=(ReferralStep(status=S.SENT, on=NOV3),))


def test_dates_status_opened_and_closed_come_from_the_steps():
    done = referral(S.SENT, S.ACCEPTED, S.COMPLETED)
    assert (done.opened_on, done.closed_on, done.status, done.is_open) == (NOV3, date(2026, 11, 6), S.COMPLETED, False)
    assert referral(S.SENT).closed_on is None


def test_an_inactive_resource_or_one_not_meeting_the_need_is_refused():
    with pytest.raises(ValidationError, match="resource: is marked inactive"):
        open_referral(7, CLOSED_PANTRY, Need.FOOD, NOV3)
    with pytest.raises(ValidationError, match=r"need: this resource does not list housing \(it meets: food\)"):
        open_referral(7, PANTRY, "housing", NOV3)


# --- suggestions and the queue's facts -----------------------------------------------

FOOD_ONLY = (0, 1, 0, 0, 0, 1, 1, 1, 1)  # AHC question 3 "sometimes true": food positive


def test_a_positive_food_item_suggests_the_active_food_resources():
    screen = Assessment(patient_id=7, instrument=Instrument.SOCIAL_NEEDS, taken_on=NOV3, answers=FOOD_ONLY, id=5)
    assert screen.result.positive_domains == ("food",)
    (food,) = suggest(screen.result.positive_domains, NOV3, 5, [PANTRY, RIDES, CLOSED_PANTRY], [])
    assert (food.need, food.resources, food.referred) == (Need.FOOD, (PANTRY,), False)
    made = referral()
    (again,) = suggest(("food",), NOV3, 5, [PANTRY], [made])
    assert again.referrals == (made,) and again.referred


def test_a_referral_answers_a_need_when_open_made_since_the_screen_or_naming_it():
    old_closed = referral(S.CLOSED, start=NOV3 - timedelta(days=60))
    assert unreferred(("food",), [old_closed], NOV3, 5) == (Need.FOOD,)  # closed before this screen
    named = Referral(
        patient_id=7, resource_id=1, need="food", assessment_id=5, steps=old_closed.steps
    )  # made for this screen
    assert unreferred(("food",), [named], NOV3, 5) == ()
    assert unreferred(("food", "housing"), [referral()], NOV3, 5) == (Need.HOUSING,)
    assert unreferred(("food",), [referral(S.DECLINED)], NOV3, 5) == ()  # declined since: still referred


@pytest.mark.parametrize(("days", "quiet"), [(13, None), (NO_NEWS_DAYS, 14), (30, 30)])
def test_an_open_referral_is_quiet_after_14_days_without_a_step(days, quiet):
    """SPEC section 3, Call queue: "a referral with no news for 14 days"."""
    news = ReferralNews(1, Need.FOOD, "Food bank", S.SENT, NOV3, NOV3)
    assert quiet_days(news, NOV3 + timedelta(days=days)) == quiet
    closed = ReferralNews(1, Need.FOOD, "Food bank", S.CLOSED, NOV3, NOV3)
    assert quiet_days(closed, NOV3 + timedelta(days=days)) is None
