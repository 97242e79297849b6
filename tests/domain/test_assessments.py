"""Assessment scoring: each instrument's range and bands as published, every band edge.

Sources (also recorded beside each scale in caredesk.domain.assessments):
- PHQ-9: Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16:606-613.
  0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe.
- GAD-7: Spitzer RL, Kroenke K, Williams JBW, Löwe B. Arch Intern Med 2006;166:1092-1097.
  0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
- PHQ-2: Kroenke K, Spitzer RL, Williams JBW. Med Care 2003;41:1284-1292.
  0-6, positive at >= 3.
- Social needs: the core domains of CMS's Accountable Health Communities HRSN screening
  tool, one yes/no each; any yes is positive (SPEC section 3).
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.domain import assessments
from caredesk.domain.assessments import SCALES, SOCIAL_NEEDS_DOMAINS, band, scale, score
from caredesk.domain.coordination import Instrument
from caredesk.errors import ValidationError

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
    # Social needs (AHC HRSN core domains): any yes is positive
    (Instrument.SOCIAL_NEEDS, 0, "negative"),
    (Instrument.SOCIAL_NEEDS, 1, "positive"),
    (Instrument.SOCIAL_NEEDS, 5, "positive"),
]


@pytest.mark.parametrize(("instrument", "total", "label"), EDGES)
def test_every_band_edge(instrument, total, label):
    assert band(instrument, total) == label


@pytest.mark.parametrize(
    ("instrument", "items", "top"),
    [(Instrument.PHQ2, 2, 6), (Instrument.PHQ9, 9, 27), (Instrument.GAD7, 7, 21), (Instrument.SOCIAL_NEEDS, 5, 5)],
)
def test_ranges_are_as_published(instrument, items, top):
    s = scale(instrument)
    assert (s.items, s.max_score) == (items, top)


def test_every_instrument_has_a_scale_with_a_source():
    assert {s.instrument for s in SCALES} == set(Instrument)
    for s in SCALES:
        assert s.source.strip()


@pytest.mark.parametrize("s", SCALES, ids=lambda s: s.instrument.value)
def test_bands_cover_the_range_without_gaps_or_overlaps(s):
    assert s.bands[0].low == 0
    assert s.bands[-1].high == s.max_score
    for before, after in itertools.pairwise(s.bands):
        assert after.low == before.high + 1


def test_the_edges_above_cover_every_band():
    labelled = {(i, label) for i, _, label in EDGES}
    assert labelled == {(s.instrument, b.label) for s in SCALES for b in s.bands}


def test_the_source_names_the_paper():
    assert "J Gen Intern Med 2001" in scale(Instrument.PHQ9).source
    assert "Arch Intern Med 2006" in scale(Instrument.GAD7).source
    assert "Med Care 2003" in scale(Instrument.PHQ2).source


def test_a_phq9_is_scored_from_its_answers():
    answers = (3, 2, 2, 1, 2, 2, 1, 3, 1)
    assert score(Instrument.PHQ9, answers) == 17
    assert band(Instrument.PHQ9, 17) == "moderately severe"


def test_one_positive_social_need_makes_a_positive_screen():
    answers = tuple(1 if domain == "food" else 0 for domain in SOCIAL_NEEDS_DOMAINS)
    assert band(Instrument.SOCIAL_NEEDS, score(Instrument.SOCIAL_NEEDS, answers)) == "positive"


@pytest.mark.parametrize("answers", [(1,) * 8, (1,) * 10, ()])
def test_the_wrong_number_of_answers_is_refused(answers):
    with pytest.raises(ValidationError) as err:
        score(Instrument.PHQ9, answers)
    assert err.value.field == "PHQ-9 answers"
    assert "needs 9 answers" in err.value.message


@pytest.mark.parametrize("bad", [-1, 4, True, 1.5, "2", None])
def test_an_answer_outside_0_to_3_is_refused_naming_the_item(bad):
    answers = [0, 0, 0, bad, 0, 0, 0]
    with pytest.raises(ValidationError) as err:
        score(Instrument.GAD7, answers)
    assert err.value.field == "GAD-7 item 4"
    assert "0 to 3" in err.value.message


def test_a_social_needs_answer_is_yes_or_no():
    with pytest.raises(ValidationError, match="item 2: must be a whole number from 0 to 1"):
        score(Instrument.SOCIAL_NEEDS, (0, 2, 0, 0, 0))


@pytest.mark.parametrize(
    ("instrument", "total"), [(Instrument.PHQ9, 28), (Instrument.PHQ9, -1), (Instrument.GAD7, 22), (Instrument.PHQ2, 7)]
)
def test_a_score_outside_the_range_has_no_band(instrument, total):
    with pytest.raises(ValidationError) as err:
        band(instrument, total)
    assert err.value.field == f"{instrument.value} score"


def test_errors_are_validation_errors_not_bare_value_errors():
    # A screen shows a CareDeskError inline; a bare ValueError would reach the crash dialog.
    with pytest.raises(ValidationError):
        score(Instrument.PHQ2, (4, 0))


@st.composite
def answer_sets(draw):
    s = draw(st.sampled_from(SCALES))
    answers = draw(st.lists(st.integers(0, s.item_max), min_size=s.items, max_size=s.items))
    return s, answers


@given(answer_sets())
def test_any_valid_answers_score_in_range_with_a_band(drawn):
    s, answers = drawn
    total = score(s.instrument, answers)
    assert 0 <= total <= s.max_score
    assert total == sum(answers)
    assert band(s.instrument, total) in {b.label for b in s.bands}


@given(st.sampled_from(SCALES), st.lists(st.integers(-5, 8), max_size=12))
def test_any_answers_either_score_or_are_refused(s, answers):
    valid = len(answers) == s.items and all(0 <= a <= s.item_max for a in answers)
    if valid:
        assert band(s.instrument, score(s.instrument, answers))
    else:
        with pytest.raises(ValidationError):
            score(s.instrument, answers)


@pytest.mark.parametrize("instrument", [Instrument.PHQ2, Instrument.GAD7, Instrument.SOCIAL_NEEDS])
def test_every_possible_answer_set_of_the_short_instruments(instrument):
    s = assessments.scale(instrument)
    for answers in itertools.product(range(s.item_max + 1), repeat=s.items):
        assert band(instrument, score(instrument, answers))
