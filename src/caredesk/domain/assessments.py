"""Screening instruments as data: item count, answer range, score bands and where they come from.

A score is always computed from the answers (SPEC section 3, Assessments), never typed, and
every band is read from the table below, so a changed cut-off is a data change with its source.
Both functions refuse what a screen could send wrongly with a ValidationError naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from caredesk.domain.coordination import Instrument
from caredesk.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Band:
    """Scores `low`..`high` (both inclusive) read as `label`."""

    low: int
    high: int
    label: str


@dataclass(frozen=True, slots=True)
class Scale:
    instrument: Instrument
    items: int  # how many answers the instrument has
    item_max: int  # each answer is a whole number 0..item_max
    bands: tuple[Band, ...]  # contiguous, from 0 to items * item_max
    source: str

    @property
    def max_score(self) -> int:
        return self.items * self.item_max


# The social-needs screen asks one yes/no question (yes = 1) per core domain of the
# Accountable Health Communities tool, in this order; a "yes" suggests a referral.
SOCIAL_NEEDS_DOMAINS = ("housing", "food", "transportation", "utilities", "safety")

SCALES: tuple[Scale, ...] = (
    Scale(
        Instrument.PHQ2,
        items=2,
        item_max=3,
        bands=(Band(0, 2, "negative"), Band(3, 6, "positive")),
        source="Kroenke K, Spitzer RL, Williams JBW. The Patient Health Questionnaire-2: validity of a two-item "
        "depression screener. Med Care 2003;41(11):1284-1292 (cut-point 3; a positive screen leads into the PHQ-9)",
    ),
    Scale(
        Instrument.PHQ9,
        items=9,
        item_max=3,
        bands=(
            Band(0, 4, "minimal"),
            Band(5, 9, "mild"),
            Band(10, 14, "moderate"),
            Band(15, 19, "moderately severe"),
            Band(20, 27, "severe"),
        ),
        source="Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. "
        "J Gen Intern Med 2001;16(9):606-613",
    ),
    Scale(
        Instrument.GAD7,
        items=7,
        item_max=3,
        bands=(Band(0, 4, "minimal"), Band(5, 9, "mild"), Band(10, 14, "moderate"), Band(15, 21, "severe")),
        source="Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety "
        "disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097",
    ),
    Scale(
        Instrument.SOCIAL_NEEDS,
        items=len(SOCIAL_NEEDS_DOMAINS),
        item_max=1,
        bands=(Band(0, 0, "negative"), Band(1, len(SOCIAL_NEEDS_DOMAINS), "positive")),
        source="CMS Accountable Health Communities Health-Related Social Needs Screening Tool, core domains "
        "(Billioux A, Verlander K, Anthony S, Alley D. NAM Perspectives, 2017); asked here as one yes/no "
        "per domain, any yes is positive",
    ),
)

_BY_INSTRUMENT = {s.instrument: s for s in SCALES}


def scale(instrument: Instrument) -> Scale:
    """The scale of an instrument; every Instrument has one."""
    return _BY_INSTRUMENT[instrument]


def score(instrument: Instrument, answers: Sequence[int]) -> int:
    """The total of the answers, after checking their count and that each is 0..item_max."""
    s = scale(instrument)
    name = instrument.value
    if len(answers) != s.items:
        raise ValidationError(f"{name} answers", f"needs {s.items} answers, not {len(answers)}")
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= s.item_max:
            raise ValidationError(f"{name} item {number}", f"must be a whole number from 0 to {s.item_max}")
    return sum(answers)


def band(instrument: Instrument, score: int) -> str:
    """The label of the band holding `score` ("moderately severe" for a PHQ-9 of 17)."""
    s = scale(instrument)
    if not isinstance(score, bool) and isinstance(score, int):
        for b in s.bands:
            if b.low <= score <= b.high:
                return b.label
    raise ValidationError(f"{instrument.value} score", f"must be a whole number from 0 to {s.max_score}")
