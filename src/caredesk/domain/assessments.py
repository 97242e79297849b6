"""Screening instruments as data: every item's wording, its answer options, scoring, bands,
the safety rule and where each comes from (SPEC section 3, Assessments).

`result(instrument, answers)` is the one scorer: `answers` holds each item's option value in
item order, None for an item not answered. A full set is scored and banded; a partial one is
valid to keep as *incomplete* and is never scored or banded. Safety never waits for the last
answer: PHQ-9 item 9 answered above 0, or interpersonal-safety answers that already add up to
more than 10 whatever the rest say, flag the screen even when it is incomplete.
Bad answers raise ValidationError naming the item ("PHQ-9 item 4: must be one of 0, 1, 2, 3").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from caredesk.errors import ValidationError


class Instrument(str, Enum):
    """The value is what the store holds and what screens show."""

    PHQ2 = "PHQ-2"
    PHQ9 = "PHQ-9"
    GAD7 = "GAD-7"
    SOCIAL_NEEDS = "social needs"
    # Screens recorded before schema 0003: one yes/no per AHC core domain. Kept readable as
    # they were (their answers are not the AHC items); never offered for a new screen.
    SOCIAL_NEEDS_YES_NO = "social needs y/n"


@dataclass(frozen=True, slots=True)
class Option:
    value: int  # what is stored and scored
    label: str  # the published wording of the answer


@dataclass(frozen=True, slots=True)
class Item:
    """One question. `positive`: the answers that make it a positive answer (social needs;
    PHQ-9 item 9); `domain`: the social-needs domain it belongs to."""

    number: int  # 1-based position in the answers
    text: str
    options: tuple[Option, ...]
    domain: str = ""
    positive: frozenset[int] = frozenset()
    source: str = ""
    # The option values in order, made once: every stored screen's answers are checked
    # against them when the queue reads it (25k look-ups at 2,000 patients).
    values: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(sorted(o.value for o in self.options)))


@dataclass(frozen=True, slots=True)
class Domain:
    """A social-needs domain: positive when any of its items is (`sum_above` None), or when its
    items' values add up to more than `sum_above` (interpersonal safety: > 10)."""

    name: str
    label: str
    sum_above: int | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """Scores `low`..`high` (both inclusive) read as `label`."""

    low: int
    high: int
    label: str


@dataclass(frozen=True, slots=True)
class Spec:
    """An instrument. Its score is the sum of the answers, or with `domains` the number of
    positive domains. `safety_item` / `safety_domain` raise the safety flag; at `follow_on_at`
    or more the screen continues with `follow_on` (PHQ-2 -> PHQ-9)."""

    instrument: Instrument
    stem: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    source: str
    domains: tuple[Domain, ...] = ()
    safety_item: int | None = None
    safety_domain: str | None = None
    follow_on: Instrument | None = None
    follow_on_at: int | None = None
    offered: bool = True  # False: kept to read old screens, never recorded anew

    @property
    def max_score(self) -> int:
        if self.domains:
            return len(self.domains)
        return sum(max(i.values) for i in self.items)


@dataclass(frozen=True, slots=True)
class Result:
    """A screen read: `score`/`band` only when `complete`; `safety` True when the answers given
    already raise the safety flag; `positive_domains` (social needs) as decided by the answers
    given; `follow_on` the instrument to continue with (a positive PHQ-2: the PHQ-9)."""

    instrument: Instrument
    score: int | None
    band: str | None
    complete: bool
    safety: bool
    positive_domains: tuple[str, ...]
    follow_on: Instrument | None
    answered: int


# --- The published wording -------------------------------------------------------------

_FREQUENCY = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)
_PHQ_SOURCE = "PHQ-9 (Pfizer; Kroenke, Spitzer, Williams 2001), public domain wording"
_PHQ9_ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself - or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite - being so fidgety "
    "or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
_GAD7_ITEMS = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)
PHQ_STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
GAD7_STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"
SAFETY_DOMAIN = "safety"


def _frequency_items(texts: Sequence[str], source: str, *, item9_safety: bool = False) -> tuple[Item, ...]:
    return tuple(
        Item(
            n,
            text,
            _FREQUENCY,
            # PHQ-9 item 9: any answer above "Not at all" (Kroenke 2001; the PHQ-9 instructions
            # ask the clinician to assess suicide risk whatever the total).
            positive=frozenset({1, 2, 3}) if item9_safety and n == 9 else frozenset(),
            source=source,
        )
        for n, text in enumerate(texts, start=1)
    )


_AHC = (
    "CMS Accountable Health Communities Health-Related Social Needs Screening Tool (2017; "
    "Billioux A, Verlander K, Anthony S, Alley D. NAM Perspectives, 2017)"
)
_TRUE = (Option(2, "Often true"), Option(1, "Sometimes true"), Option(0, "Never true"))
_YES_NO = (Option(1, "Yes"), Option(0, "No"))
_HOW_OFTEN = (
    Option(1, "Never"),
    Option(2, "Rarely"),
    Option(3, "Sometimes"),
    Option(4, "Fairly often"),
    Option(5, "Frequently"),
)
_HARM = "How often does anyone, including family and friends, {}?"

SOCIAL_NEEDS_ITEMS = (
    Item(
        1,
        "What is your living situation today?",
        (
            Option(0, "I have a steady place to live"),
            Option(1, "I have a place to live today, but I am worried about losing it in the future"),
            Option(
                2,
                "I do not have a steady place to live (I am temporarily staying with others, in a hotel, in a "
                "shelter, living outside on the street, on a beach, in a car, abandoned building, bus or train "
                "station, or in a park)",
            ),
        ),
        domain="housing",
        positive=frozenset({1, 2}),
        source=f"{_AHC}, question 1 (living situation); either of the last two answers is positive",
    ),
    Item(
        2,
        "Within the past 12 months, you worried that your food would run out before you got money to buy more.",
        _TRUE,
        domain="food",
        positive=frozenset({1, 2}),
        source=f"{_AHC}, question 3 (food); 'often' or 'sometimes true' is positive",
    ),
    Item(
        3,
        "Within the past 12 months, the food you bought just didn't last and you didn't have money to get more.",
        _TRUE,
        domain="food",
        positive=frozenset({1, 2}),
        source=f"{_AHC}, question 4 (food); 'often' or 'sometimes true' is positive",
    ),
    Item(
        4,
        "In the past 12 months, has lack of reliable transportation kept you from medical appointments, "
        "meetings, work or from getting things needed for daily living?",
        _YES_NO,
        domain="transportation",
        positive=frozenset({1}),
        source=f"{_AHC}, question 5 (transportation); 'yes' is positive",
    ),
    Item(
        5,
        "In the past 12 months has the electric, gas, oil, or water company threatened to shut off services "
        "in your home?",
        (Option(1, "Yes"), Option(0, "No"), Option(2, "Already shut off")),
        domain="utilities",
        positive=frozenset({1, 2}),
        source=f"{_AHC}, question 6 (utilities); 'yes' or 'already shut off' is positive",
    ),
    *(
        Item(
            6 + k,
            _HARM.format(what),
            _HOW_OFTEN,
            domain=SAFETY_DOMAIN,
            source=f"{_AHC}, question {7 + k} (interpersonal safety); scored 1 (never) to 5 (frequently)",
        )
        for k, what in enumerate(
            ("physically hurt you", "insult or talk down to you", "threaten you with harm", "scream or curse at you")
        )
    ),
)
SOCIAL_NEEDS_DOMAINS = (
    Domain("housing", "Living situation"),
    Domain("food", "Food"),
    Domain("transportation", "Transportation"),
    Domain("utilities", "Utilities"),
    # AHC tool: "A score of 11 or more when the numerical values for answers to questions 7-10
    # are added shows that the person might not be safe."
    Domain(SAFETY_DOMAIN, "Interpersonal safety", sum_above=10),
)
_POSITIVE_BANDS = (Band(0, 0, "negative"), Band(1, len(SOCIAL_NEEDS_DOMAINS), "positive"))

SPECS: tuple[Spec, ...] = (
    Spec(
        Instrument.PHQ2,
        PHQ_STEM,
        _frequency_items(_PHQ9_ITEMS[:2], "PHQ-2: PHQ-9 items 1-2 (Kroenke, Spitzer, Williams 2003)"),
        (Band(0, 2, "negative"), Band(3, 6, "positive")),
        "Kroenke K, Spitzer RL, Williams JBW. The Patient Health Questionnaire-2: validity of a two-item "
        "depression screener. Med Care 2003;41(11):1284-1292 (cut-point 3; a positive screen leads into the PHQ-9)",
        follow_on=Instrument.PHQ9,
        follow_on_at=3,
    ),
    Spec(
        Instrument.PHQ9,
        PHQ_STEM,
        _frequency_items(_PHQ9_ITEMS, _PHQ_SOURCE, item9_safety=True),
        (
            Band(0, 4, "minimal"),
            Band(5, 9, "mild"),
            Band(10, 14, "moderate"),
            Band(15, 19, "moderately severe"),
            Band(20, 27, "severe"),
        ),
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. "
        "J Gen Intern Med 2001;16(9):606-613",
        safety_item=9,
    ),
    Spec(
        Instrument.GAD7,
        GAD7_STEM,
        _frequency_items(_GAD7_ITEMS, "GAD-7 (Pfizer; Spitzer et al. 2006), public domain wording"),
        (Band(0, 4, "minimal"), Band(5, 9, "mild"), Band(10, 14, "moderate"), Band(15, 21, "severe")),
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety "
        "disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097",
    ),
    Spec(
        Instrument.SOCIAL_NEEDS,
        "I'm going to ask a few questions about things that can affect health.",
        SOCIAL_NEEDS_ITEMS,
        _POSITIVE_BANDS,
        f"{_AHC}: the core questions 1 and 3-10. Simplified: question 2 (housing quality, 'choose all that "
        "apply') is not asked; the score is the number of positive domains (0-5), any positive domain makes "
        "a positive screen; the interpersonal-safety domain is positive when questions 7-10 add up to more "
        "than 10, as the tool says",
        domains=SOCIAL_NEEDS_DOMAINS,
        safety_domain=SAFETY_DOMAIN,
    ),
    Spec(
        Instrument.SOCIAL_NEEDS_YES_NO,
        "Screens recorded before CareDesk asked the AHC questions: one yes/no per core domain.",
        tuple(
            Item(n, f"{d.label}: a need?", _YES_NO, domain=d.name, positive=frozenset({1}), source=_AHC)
            for n, d in enumerate(SOCIAL_NEEDS_DOMAINS, start=1)
        ),
        _POSITIVE_BANDS,
        f"{_AHC} core domains, asked as one yes/no each (the form used before schema 0003); any yes is positive",
        domains=tuple(Domain(d.name, d.label) for d in SOCIAL_NEEDS_DOMAINS),
        safety_domain=SAFETY_DOMAIN,
        offered=False,
    ),
)

_BY_INSTRUMENT = {s.instrument: s for s in SPECS}
OFFERED = tuple(s.instrument for s in SPECS if s.offered)


def instrument_of(value: object) -> Instrument:
    """An Instrument from itself or its stored value; ValidationError("instrument") otherwise."""
    if isinstance(value, Instrument):
        return value
    try:
        return Instrument(value)
    except ValueError:
        allowed = ", ".join(i.value for i in OFFERED)
        raise ValidationError("instrument", f"must be one of: {allowed}") from None


def spec(instrument: Instrument | str) -> Spec:
    """The instrument's items, options, bands and sources."""
    return _BY_INSTRUMENT[instrument_of(instrument)]


def check_answers(instrument: Instrument | str, answers: Sequence[int | None]) -> tuple[int | None, ...]:
    """The answers as a tuple, after checking their count and that each given one is an option
    of its item. Raises ValidationError("PHQ-9", "needs 9 answers, not 8") or
    ValidationError("PHQ-9 item 4", "must be one of 0, 1, 2, 3")."""
    s = spec(instrument)
    name = s.instrument.value
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValidationError(name, f"needs {len(s.items)} answers")
    if len(answers) != len(s.items):
        raise ValidationError(name, f"needs {len(s.items)} answers, not {len(answers)}")
    for item, answer in zip(s.items, answers, strict=True):
        if answer is None:
            continue
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in item.values:
            allowed = ", ".join(str(v) for v in item.values)
            raise ValidationError(f"{name} item {item.number}", f"must be one of {allowed}")
    return tuple(answers)


def _band(s: Spec, score: int) -> str:
    for b in s.bands:
        if b.low <= score <= b.high:
            return b.label
    raise AssertionError(f"{s.instrument.value}: no band holds {score}")  # the bands cover 0..max


def _domain_positive(domain: Domain, items: Sequence[Item], answers: Sequence[int | None]) -> bool:
    """Decided by the answers given: a sum domain counts each unanswered item at its lowest
    option, so it is positive only when no remaining answer could bring it down to the cut-off."""
    pairs = [(i, a) for i, a in zip(items, answers, strict=True) if i.domain == domain.name]
    if domain.sum_above is None:
        return any(a is not None and a in i.positive for i, a in pairs)
    lowest = sum(a if a is not None else min(i.values) for i, a in pairs)
    return lowest > domain.sum_above


def result(instrument: Instrument | str, answers: Sequence[int | None]) -> Result:
    """Score, band, completeness, safety, positive domains and follow-on of a screen.
    Raises ValidationError for an unknown instrument, a wrong count or an answer that is not
    one of its item's options (see check_answers)."""
    s = spec(instrument)
    given = check_answers(s.instrument, answers)
    complete = all(a is not None for a in given)
    positive = tuple(d.name for d in s.domains if _domain_positive(d, s.items, given))
    safety = (s.safety_domain is not None and s.safety_domain in positive) or (
        s.safety_item is not None
        and (a := given[s.safety_item - 1]) is not None
        and a in s.items[s.safety_item - 1].positive
    )
    score: int | None = None
    band: str | None = None
    if complete:
        score = len(positive) if s.domains else sum(a for a in given if a is not None)
        band = _band(s, score)
    follow_on = s.follow_on if score is not None and s.follow_on_at is not None and score >= s.follow_on_at else None
    return Result(
        instrument=s.instrument,
        score=score,
        band=band,
        complete=complete,
        safety=bool(safety),
        positive_domains=positive,
        follow_on=follow_on,
        answered=sum(a is not None for a in given),
    )


def carried_into(follow_on: Instrument, answers: Sequence[int | None]) -> tuple[int | None, ...]:
    """The follow-on instrument's answers pre-filled from a PHQ-2's (its items are the PHQ-9's
    first two), the rest unanswered: (2, 1) -> (2, 1, None, ..., None) for the PHQ-9."""
    s = spec(follow_on)
    given = tuple(answers)[: len(s.items)]
    return given + (None,) * (len(s.items) - len(given))


def safety_wording(instrument: Instrument) -> str:
    """What raised a screen's safety flag, as the queue and the CLI say it."""
    if instrument is Instrument.PHQ9:
        return "PHQ-9 item 9 positive"
    return "Social-needs safety item positive"
