"""What a screening left to do, as queue reasons (domain.screen_followups), with plain values.

Sources: the PHQ-2, PHQ-9 and GAD-7 ask about "the last 2 weeks" (Kroenke, Spitzer, Williams
2001, Med Care 2003; Spitzer et al. 2006), hence 14 days to finish a screen; a PHQ-2 of 3 or
more leads into the PHQ-9 (Kroenke et al. 2003; SPEC section 3); GAD-7 15-21 is severe
anxiety (Spitzer et al. 2006, Arch Intern Med 166:1092).
"""

from __future__ import annotations

from datetime import date, timedelta

from caredesk.domain.assessments import Instrument
from caredesk.domain.queue import ReasonKind
from caredesk.domain.screen_followups import reasons, resumable
from tests.domain.test_queue import TODAY, facts
from tests.domain.test_queue_safety import reasons as queue_reasons
from tests.domain.test_queue_safety import screen

PHQ2, PHQ9, GAD7 = Instrument.PHQ2, Instrument.PHQ9, Instrument.GAD7


def texts(*screens, as_of: date = TODAY) -> list[str]:
    return [text for text, _ in reasons(screens, as_of)]


def test_a_phq9_without_item_9_says_item_9_was_not_asked():
    s = screen(1, (3,) * 8 + (None,), TODAY, PHQ9)
    assert texts(s) == [f"PHQ-9 of {TODAY:%m/%d} unfinished (8 of 9 answered) - item 9 not asked"]


def test_another_unfinished_screen_asks_to_finish_it_until_a_complete_one_follows():
    half = screen(1, (1, 1, None, None, None, None, None), TODAY - timedelta(days=3), GAD7)
    assert texts(half) == [f"GAD-7 of {half.taken_on:%m/%d} unfinished (2 of 7 answered) - finish it"]
    done = screen(2, (1,) * 7, TODAY, GAD7)
    assert texts(half, done) == []


def test_an_unfinished_screen_lapses_after_14_days():
    """After two weeks the answers describe another fortnight: a new screen, not this one, is due."""
    s = screen(1, (3,) * 8 + (None,), TODAY - timedelta(days=13), PHQ9)
    assert len(texts(s)) == 1
    assert texts(screen(1, (3,) * 8 + (None,), TODAY - timedelta(days=14), PHQ9)) == []


def test_a_positive_phq2_asks_for_the_phq9_until_one_is_done_that_day_or_later():
    phq2 = screen(1, (2, 1), TODAY - timedelta(days=2), PHQ2)  # 3: positive
    assert texts(phq2) == [f"PHQ-2 3 on {phq2.taken_on:%m/%d} positive - PHQ-9 not done"]
    assert texts(phq2, screen(2, (0,) * 9, TODAY - timedelta(days=3), PHQ9)) != []  # a PHQ-9 before it
    assert texts(phq2, screen(3, (1,) * 9, TODAY, PHQ9)) == []
    assert texts(screen(4, (1, 1), TODAY, PHQ2)) == []  # 2: negative


def test_a_severe_gad7_stays_until_a_later_one_is_below_15_whatever_its_age():
    old = screen(1, (3,) * 7, TODAY - timedelta(days=90), GAD7)  # 21
    assert texts(old) == [f"GAD-7 21 on {old.taken_on:%m/%d} - severe anxiety, follow up"]
    assert texts(screen(1, (2,) * 7, TODAY, GAD7)) == []  # 14 is moderate: no reason
    assert texts(old, screen(2, (1,) * 7, TODAY, GAD7)) == []


def test_the_queue_shows_them_as_clinical_reasons():
    f = facts(screens=(screen(1, (3,) * 8 + (None,), TODAY, PHQ9),), minutes={})
    assert (
        ReasonKind.CLINICAL,
        f"PHQ-9 of {TODAY:%m/%d} unfinished (8 of 9 answered) - item 9 not asked",
    ) in (queue_reasons(f))


def test_the_screen_to_resume_is_the_newest_the_queue_asks_to_finish():
    """A new interview continues what the "unfinished" reason names, within the same 14 days."""
    phq9 = screen(1, (3,) * 4 + (None,) * 5, TODAY - timedelta(days=5), PHQ9)
    gad7 = screen(2, (1, 1, None, None, None, None, None), TODAY - timedelta(days=2), GAD7)
    assert resumable([phq9, gad7], TODAY) == gad7
    gad7_done = screen(3, (1,) * 7, TODAY - timedelta(days=1), GAD7)
    assert resumable([phq9, gad7, gad7_done], TODAY) == phq9
    assert resumable([phq9], TODAY + timedelta(days=9)) is None  # 14 days on: a new screen
    assert resumable([screen(4, (1,) * 9, TODAY, PHQ9)], TODAY) is None  # nothing unfinished
