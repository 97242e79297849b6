"""The queue's safety and screening reasons, with plain values.

SPEC section 3 "Call queue": safety flags come first (PHQ-9 item 9 above 0, a positive
safety item on the social-needs screen); clinical flags include PHQ-9 >= 15 and a positive
social-needs screen without a referral. Issue 10: a flag stays until a safety check is
documented for that screen; the re-screen reason comes from the computed score.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from caredesk.domain.assessments import Instrument
from caredesk.domain.community import Need
from caredesk.domain.contacts import Outcome
from caredesk.domain.coordination import Assessment
from caredesk.domain.queue import ReasonKind, entry_for, rank
from caredesk.domain.safety import SafetyAction, SafetyCheck, open_flags
from caredesk.errors import ValidationError
from tests.domain.test_queue import NY, TODAY, call, facts

NOV3, NOV10 = date(2026, 11, 3), date(2026, 11, 10)


def screen(aid: int, answers, on: date = NOV3, instrument: Instrument = Instrument.PHQ9) -> Assessment:
    return Assessment(id=aid, patient_id=1, instrument=instrument, taken_on=on, answers=tuple(answers))


def reasons(f) -> list[tuple[ReasonKind, str]]:
    e = entry_for(f, TODAY, NY)
    return [] if e is None else [(r.kind, r.text) for r in e.reasons]


def test_each_open_flag_is_a_safety_reason_oldest_first_above_everything():
    screens = [
        screen(1, (0,) * 8 + (1,), NOV3),
        screen(2, (0, 0, 0, 0, 0, 5, 5, 1, 1), NOV10, Instrument.SOCIAL_NEEDS),  # AHC 7-10: 12 > 10
    ]
    flagged = facts(safety_flags=tuple(open_flags(screens, checked=())), minutes={}, last_reached=None)
    assert reasons(flagged)[:2] == [
        (ReasonKind.SAFETY, "PHQ-9 item 9 positive on 11/03 - safety check"),
        (ReasonKind.SAFETY, "Social-needs safety item positive on 11/10 - safety check"),
    ]
    plain = facts(2, minutes={}, last_reached=None)  # short of minutes, never reached
    assert [e.patient_id for e in rank([plain, flagged], TODAY, NY)] == [1, 2]


def test_a_checked_screen_has_no_flag_and_a_later_calm_screen_clears_nothing():
    first = screen(1, (2,) * 9, NOV3)
    calm = screen(2, (0,) * 9, NOV10)
    assert [f.assessment_id for f in open_flags([first, calm], checked=())] == [1]
    assert open_flags([first, calm], checked=[1]) == []


def test_reached_since_does_not_clear_the_flag_and_it_beats_the_hold_after_an_attempt():
    flags = tuple(open_flags([screen(1, (0,) * 8 + (3,))], ()))
    f = facts(safety_flags=flags, contacts=(call(TODAY, Outcome.NO_ANSWER),), last_reached=TODAY)
    assert reasons(f)[0] == (ReasonKind.SAFETY, "PHQ-9 item 9 positive on 11/03 - safety check")


@pytest.mark.parametrize(("answers", "expected"), [((3, 2, 2, 1, 2, 2, 1, 3, 1), 17), ((3,) * 8 + (0,), 24)])
def test_the_rescreen_reason_is_the_computed_score(answers, expected):
    # Kroenke 2001: 15-19 moderately severe, 20-27 severe; the queue's flag is >= 15.
    assert (ReasonKind.CLINICAL, f"PHQ-9 {expected} - re-screen") in reasons(facts(phq9=screen(1, answers)))


def test_a_phq9_below_15_makes_no_rescreen_reason():
    assert not any("re-screen" in t for _, t in reasons(facts(phq9=screen(1, (1,) * 9), minutes={})))


def test_an_incomplete_phq9_is_never_the_rescreen_reason():
    # The store hands the queue only the latest complete PHQ-9; an incomplete one has no score.
    partial = screen(1, (3,) * 8 + (None,))
    assert partial.score is None
    assert not any("re-screen" in t for _, t in reasons(facts(phq9=partial, minutes={})))


def test_social_needs_positive_without_referral_is_a_clinical_reason_until_a_referral_opens():
    assert (ReasonKind.CLINICAL, "Social needs positive - food: no referral yet") in reasons(
        facts(unreferred_needs=(Need.FOOD,))
    )
    assert not any("Social needs" in t for _, t in reasons(facts(unreferred_needs=())))


# --- The safety check record ---------------------------------------------------------------

WHEN = datetime.combine(TODAY, time(11), tzinfo=NY)


def check(**kw) -> SafetyCheck:
    base = {"patient_id": 1, "assessment_id": 1, "checked_at": WHEN, "by": "Ana Ruiz, RN", "actions": ("pcp-told",)}
    base.update(kw)
    return SafetyCheck(**base)


def test_a_safety_check_keeps_its_actions_as_one_ordered_set():
    c = check(actions=["pcp-told", SafetyAction.CRISIS_LINE, "pcp-told"])
    assert c.actions == (SafetyAction.CRISIS_LINE, SafetyAction.PCP_TOLD)
    assert c.action_labels == ("crisis line given (988)", "PCP told")


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"actions": ()}, "actions"),
        ({"actions": "pcp-told"}, "actions"),  # a bare string is not a set of actions
        ({"actions": ("prayed",)}, "actions"),
        ({"actions": ("other",), "note": "  "}, "note"),
        ({"by": ""}, "checked by"),
        ({"checked_at": datetime(2026, 11, 24, 11)}, "checked at"),  # naive: refused
    ],
)
def test_a_safety_check_refuses_what_it_cannot_record(kw, field):
    with pytest.raises(ValidationError) as err:
        check(**kw)
    assert err.value.field == field


def test_other_with_a_note_is_kept():
    assert check(actions=("other",), note="Called the daughter, who is with her.").note.startswith("Called")


def test_flags_are_oldest_first_whatever_the_order_given():
    later = screen(5, (0,) * 8 + (1,), NOV10)
    earlier = screen(9, (0,) * 8 + (1,), NOV3 - timedelta(days=1))
    assert [f.assessment_id for f in open_flags([later, earlier], ())] == [9, 5]
