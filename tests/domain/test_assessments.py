"""The instruments as data: wording, options, scoring, bands, safety and follow-on, every band edge.

Sources (also recorded beside each instrument in caredesk.domain.assessments):
- PHQ-9: Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16:606-613.
  0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe;
  item 9 ("Thoughts that you would be better off dead...") above 0 asks for a safety check.
- GAD-7: Spitzer RL, Kroenke K, Williams JBW, Löwe B. Arch Intern Med 2006;166:1092-1097.
  0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
- PHQ-2: Kroenke K, Spitzer RL, Williams JBW. Med Care 2003;41:1284-1292. PHQ-9 items 1-2,
  0-6, positive at >= 3, which leads into the PHQ-9.
- Social needs: CMS Accountable Health Communities HRSN Screening Tool (2017): living
  situation, food (2 items), transportation, utilities, interpersonal safety (4 items scored
  1-5; "a score of 11 or more ... shows that the person might not be safe").
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.domain.assessments import (
    GAD7_STEM,
    OFFERED,
    PHQ_STEM,
    SPECS,
    Instrument,
    carried_into,
    result,
    spec,
)
from caredesk.domain.coordination import Assessment
from caredesk.errors import ValidationError

SCORED = [s for s in SPECS if not s.domains]

# (instrument, score, band): both edges of every band, from the sources above.
EDGES = [
    # PHQ-9, Kroenke, Spitzer, Williams 2001
    (Instrument.PHQ9, 0, "minimal"),
    (Instrument.PHQ9, 4, "minimal"),
    (Instrument.PHQ9, 5, "mild"),
    (Instrument.PHQ9, 9, "mild"),
    (Instrument.PHQ9, 10, "moderate"),
    (Instrument.PHQ9, 14, "moderate"),
    (Instrument.PHQ9, 15, "moderately severe"),
    (Instrument.PHQ9, 19, "moderately severe"),
    (Instrument.PHQ9, 20, "severe"),
    (Instrument.PHQ9, 27, "severe"),
    # GAD-7, Spitzer et al. 2006
    (Instrument.GAD7, 0, "minimal"),
    (Instrument.GAD7, 4, "minimal"),
    (Instrument.GAD7, 5, "mild"),
    (Instrument.GAD7, 9, "mild"),
    (Instrument.GAD7, 10, "moderate"),
    (Instrument.GAD7, 14, "moderate"),
    (Instrument.GAD7, 15, "severe"),
    (Instrument.GAD7, 21, "severe"),
    # PHQ-2, Kroenke, Spitzer, Williams 2003: positive at 3 or more
    (Instrument.PHQ2, 0, "negative"),
    (Instrument.PHQ2, 2, "negative"),
    (Instrument.PHQ2, 3, "positive"),
    (Instrument.PHQ2, 6, "positive"),
]


def answers_for(instrument: Instrument, total: int) -> list[int]:
    """Answers of 0-3 adding up to `total`, filled from the first item."""
    out = []
    for _ in spec(instrument).items:
        take = min(3, total)
        out.append(take)
        total -= take
    assert total == 0
    return out


@pytest.mark.parametrize(("instrument", "total", "label"), EDGES)
def test_every_band_edge_scored_from_answers(instrument, total, label):
    r = result(instrument, answers_for(instrument, total))
    assert (r.score, r.band, r.complete) == (total, label, True)


def test_the_edges_above_cover_every_band_of_the_summed_instruments():
    assert {(i, label) for i, _, label in EDGES} == {(s.instrument, b.label) for s in SCORED for b in s.bands}


def test_nine_answers_of_3_score_27_severe_with_the_safety_flag():
    """Issue 10's example: nine answers of 3 were once storable as "4, minimal"."""
    r = result(Instrument.PHQ9, (3,) * 9)
    assert (r.score, r.band, r.safety) == (27, "severe", True)


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item_9_above_0_raises_the_safety_flag_whatever_the_total(item9):
    # Kroenke 2001 / the PHQ-9 instructions: any positive answer to item 9 is asked about.
    r = result(Instrument.PHQ9, (0,) * 8 + (item9,))
    assert (r.score, r.band, r.safety) == (item9, "minimal", True)


def test_phq9_without_item_9_has_no_safety_flag():
    assert result(Instrument.PHQ9, (3,) * 8 + (0,)).safety is False


def test_the_wording_is_the_published_one():
    phq9 = spec(Instrument.PHQ9)
    assert phq9.stem == "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    assert phq9.items[0].text == "Little interest or pleasure in doing things"
    assert phq9.items[8].text == "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert [(o.value, o.label) for o in phq9.items[0].options] == [
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    ]
    assert spec(Instrument.GAD7).items[1].text == "Not being able to stop or control worrying"
    assert spec(Instrument.GAD7).stem == GAD7_STEM and spec(Instrument.PHQ2).stem == PHQ_STEM
    # PHQ-2 = PHQ-9 items 1-2 (Kroenke 2003)
    assert [i.text for i in spec(Instrument.PHQ2).items] == [i.text for i in phq9.items[:2]]


def test_every_instrument_and_item_has_a_source():
    assert {s.instrument for s in SPECS} == set(Instrument)
    for s in SPECS:
        assert s.source.strip()
        assert all(i.source.strip() for i in s.items)
    assert "J Gen Intern Med 2001" in spec(Instrument.PHQ9).source
    assert "Arch Intern Med 2006" in spec(Instrument.GAD7).source
    assert "Med Care 2003" in spec(Instrument.PHQ2).source
    assert "Accountable Health Communities" in spec(Instrument.SOCIAL_NEEDS).source
    assert "Simplified" in spec(Instrument.SOCIAL_NEEDS).source  # says where it departs from the tool


@pytest.mark.parametrize("s", SCORED, ids=lambda s: s.instrument.value)
def test_bands_cover_the_range_without_gaps_or_overlaps(s):
    assert s.bands[0].low == 0
    assert s.bands[-1].high == s.max_score
    for before, after in itertools.pairwise(s.bands):
        assert after.low == before.high + 1


@pytest.mark.parametrize(("instrument", "items", "top"), [("PHQ-2", 2, 6), ("PHQ-9", 9, 27), ("GAD-7", 7, 21)])
def test_ranges_are_as_published(instrument, items, top):
    s = spec(instrument)
    assert (len(s.items), s.max_score) == (items, top)


# --- PHQ-2 into PHQ-9 (Kroenke 2003) ---------------------------------------------------


@pytest.mark.parametrize(("answers", "follow"), [((1, 1), None), ((2, 1), Instrument.PHQ9), ((3, 3), Instrument.PHQ9)])
def test_a_positive_phq2_continues_with_the_phq9(answers, follow):
    assert result(Instrument.PHQ2, answers).follow_on is follow


def test_the_phq9_is_prefilled_with_the_phq2_answers():
    assert carried_into(Instrument.PHQ9, (2, 1)) == (2, 1) + (None,) * 7
    assert result(Instrument.PHQ9, carried_into(Instrument.PHQ9, (2, 1))).complete is False


# --- Social needs (AHC HRSN) -------------------------------------------------------------

NONE = (0, 0, 0, 0, 0, 1, 1, 1, 1)  # steady place, food never short, no..., never harmed


def social(**changes: int) -> tuple[int, ...]:
    names = ("housing", "food1", "food2", "transport", "utilities", "hurt", "insult", "threaten", "scream")
    return tuple(changes.get(n, v) for n, v in zip(names, NONE, strict=True))


def test_the_social_needs_items_know_their_domain():
    domains = [i.domain for i in spec(Instrument.SOCIAL_NEEDS).items]
    assert domains == ["housing", "food", "food", "transportation", "utilities"] + ["safety"] * 4
    harm = spec(Instrument.SOCIAL_NEEDS).items[5]
    assert harm.text == "How often does anyone, including family and friends, physically hurt you?"
    assert (harm.options[0].value, harm.options[0].label) == (1, "Never")
    assert (harm.options[-1].value, harm.options[-1].label) == (5, "Frequently")


def test_no_need_is_a_negative_screen():
    r = result(Instrument.SOCIAL_NEEDS, NONE)
    assert (r.score, r.band, r.positive_domains, r.safety) == (0, "negative", (), False)


@pytest.mark.parametrize(
    ("answers", "domain"),
    [
        (social(housing=1), "housing"),  # AHC Q1: worried about losing it
        (social(housing=2), "housing"),  # AHC Q1: no steady place
        (social(food1=1), "food"),  # AHC Q3: sometimes true
        (social(food2=2), "food"),  # AHC Q4: often true
        (social(transport=1), "transportation"),  # AHC Q5: yes
        (social(utilities=2), "utilities"),  # AHC Q6: already shut off
    ],
)
def test_one_positive_answer_makes_its_domain_positive(answers, domain):
    r = result(Instrument.SOCIAL_NEEDS, answers)
    assert (r.positive_domains, r.score, r.band, r.safety) == ((domain,), 1, "positive", False)


def test_interpersonal_safety_is_positive_above_10_and_raises_the_safety_flag():
    # AHC tool: questions 7-10 added; 11 or more "might not be safe".
    at_10 = result(Instrument.SOCIAL_NEEDS, social(hurt=4, insult=3, threaten=2, scream=1))
    at_11 = result(Instrument.SOCIAL_NEEDS, social(hurt=4, insult=3, threaten=2, scream=2))
    assert (at_10.safety, at_10.positive_domains) == (False, ())
    assert (at_11.safety, at_11.positive_domains, at_11.band) == (True, ("safety",), "positive")


def test_the_score_counts_positive_domains():
    r = result(Instrument.SOCIAL_NEEDS, social(food1=2, transport=1, hurt=5, insult=5, threaten=1, scream=1))
    assert (r.score, r.positive_domains) == (3, ("food", "transportation", "safety"))


def test_safety_answers_already_over_10_flag_an_incomplete_screen():
    # 5 + 5 + 1 with one left: at least 12 whatever the last answer.
    sure = result(Instrument.SOCIAL_NEEDS, (0, 0, 0, 0, 0, 5, 5, 1, None))
    unsure = result(Instrument.SOCIAL_NEEDS, (0, 0, 0, 0, 0, 4, 4, 1, None))  # 10 or more: not decided
    assert (sure.complete, sure.score, sure.safety) == (False, None, True)
    assert unsure.safety is False


def test_an_incomplete_phq9_with_item_9_answered_above_0_is_flagged_but_not_scored():
    r = result(Instrument.PHQ9, (None,) * 8 + (1,))
    assert (r.complete, r.score, r.band, r.safety, r.answered) == (False, None, None, True, 1)


def test_the_old_yes_no_social_screen_is_read_but_not_offered():
    old = result(Instrument.SOCIAL_NEEDS_YES_NO, (0, 1, 0, 0, 1))
    assert (old.score, old.band, old.positive_domains, old.safety) == (2, "positive", ("food", "safety"), True)
    assert Instrument.SOCIAL_NEEDS_YES_NO not in OFFERED


# --- Refusals name the item ---------------------------------------------------------------


@pytest.mark.parametrize("answers", [(1,) * 8, (1,) * 10, ()])
def test_the_wrong_number_of_answers_is_refused(answers):
    with pytest.raises(ValidationError) as err:
        result(Instrument.PHQ9, answers)
    assert str(err.value) == f"PHQ-9: needs 9 answers, not {len(answers)}"


@pytest.mark.parametrize("bad", [-1, 4, True, 1.5, "2"])
def test_an_answer_outside_the_options_is_refused_naming_the_item(bad):
    with pytest.raises(ValidationError) as err:
        result(Instrument.PHQ9, [0, 0, 0, bad, 0, 0, 0, 0, 0])
    assert str(err.value) == "PHQ-9 item 4: must be one of 0, 1, 2, 3"


def test_a_safety_item_takes_1_to_5():
    with pytest.raises(ValidationError, match=r"^social needs item 6: must be one of 1, 2, 3, 4, 5$"):
        result(Instrument.SOCIAL_NEEDS, social(hurt=0))


def test_an_unknown_instrument_is_refused():
    with pytest.raises(ValidationError) as err:
        result("PHQ-8", (0,) * 8)
    assert str(err.value) == "instrument: must be one of: PHQ-2, PHQ-9, GAD-7, social needs"


def test_the_record_computes_and_never_takes_a_score():
    a = Assessment(patient_id=1, instrument="PHQ-9", taken_on=date(2026, 11, 3), answers=[3] * 9)
    assert (a.score, a.band, a.complete, a.safety) == (27, "severe", True, True)
    with pytest.raises(TypeError):
        Assessment(patient_id=1, instrument="PHQ-9", taken_on=a.taken_on, answers=(3,) * 9, score=4, band="minimal")  # type: ignore[call-arg]


# --- Properties over all answer sets --------------------------------------------------------


@st.composite
def answer_sets(draw, partial: bool = False, specs=tuple(SPECS)):
    s = draw(st.sampled_from(specs))
    answers = [draw(st.sampled_from(i.values)) for i in s.items]
    if partial:
        holes = draw(st.sets(st.integers(0, len(answers) - 1), min_size=1))
        answers = [None if n in holes else a for n, a in enumerate(answers)]
    return s, answers


@given(answer_sets())
def test_any_full_answer_set_is_scored_in_range_with_a_band(drawn):
    s, answers = drawn
    r = result(s.instrument, answers)
    assert r.complete and r.score is not None and 0 <= r.score <= s.max_score
    assert r.score == (len(r.positive_domains) if s.domains else sum(answers))
    assert r.band in {b.label for b in s.bands}
    assert r.band == next(b.label for b in s.bands if b.low <= r.score <= b.high)


@given(answer_sets(partial=True))
def test_a_partial_answer_set_is_never_scored_or_banded(drawn):
    s, answers = drawn
    r = result(s.instrument, answers)
    assert (r.complete, r.score, r.band, r.follow_on) == (False, None, None, None)
    assert r.answered == sum(a is not None for a in answers)


@given(answer_sets(specs=tuple(SCORED)), st.data())
def test_a_higher_answer_never_lowers_the_score_or_clears_a_flag(drawn, data):
    s, answers = drawn
    n = data.draw(st.integers(0, len(answers) - 1))
    raised = list(answers)
    raised[n] = data.draw(st.sampled_from([v for v in s.items[n].values if v >= answers[n]]))
    before, after = result(s.instrument, answers), result(s.instrument, raised)
    assert after.score - before.score == raised[n] - answers[n]
    assert after.score >= before.score and (after.safety or not before.safety)
    labels = [b.label for b in s.bands]  # in order of severity
    assert labels.index(after.band) >= labels.index(before.band)


@given(answer_sets(partial=True), st.data())
def test_filling_in_a_partial_set_keeps_every_safety_flag_and_positive_domain(drawn, data):
    s, answers = drawn
    filled = [
        a if a is not None else data.draw(st.sampled_from(i.values)) for i, a in zip(s.items, answers, strict=True)
    ]
    before, after = result(s.instrument, answers), result(s.instrument, filled)
    assert after.safety or not before.safety
    assert set(before.positive_domains) <= set(after.positive_domains)


@given(st.sampled_from(SPECS), st.lists(st.one_of(st.none(), st.integers(-5, 8)), max_size=12))
def test_any_answers_either_read_or_are_refused(s, answers):
    valid = len(answers) == len(s.items) and all(
        a is None or a in i.values for i, a in zip(s.items, answers, strict=False)
    )
    if valid:
        assert result(s.instrument, answers).answered == sum(a is not None for a in answers)
    else:
        with pytest.raises(ValidationError):
            result(s.instrument, answers)


@pytest.mark.parametrize("instrument", [Instrument.PHQ2, Instrument.GAD7])
def test_every_possible_answer_set_of_the_short_instruments_is_banded(instrument):
    s = spec(instrument)
    for answers in itertools.product(range(4), repeat=len(s.items)):
        assert result(instrument, answers).band is not None
