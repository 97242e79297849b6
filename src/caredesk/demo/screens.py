"""Screening instruments over time, scored and banded by the domain's instruments
(caredesk.domain.assessments: the Assessment record computes them; no scoring here), and the
safety checks documented for the screens that raised a safety flag."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from caredesk.domain.assessments import SOCIAL_NEEDS_DOMAINS, Instrument
from caredesk.domain.coordination import Assessment
from caredesk.domain.safety import SafetyAction, SafetyCheck

# The demo practice's care manager (caredesk.services.demo_store.DEMO_PRACTICE).
CHECKED_BY = "Sam Rivera, RN"
# Flags this recent are left open, so the demo queue shows the protocol at work.
OPEN_FLAG_DAYS = 10


def _items(rng: random.Random, level: float, count: int) -> list[int]:
    return [int(min(3, max(0, round(rng.gauss(level, 0.7))))) for _ in range(count)]


def _series(rng: random.Random, first: date, last: date, gap: tuple[int, int]) -> list[date]:
    days, day = [], first + timedelta(days=rng.randint(0, 30))
    while day <= last:
        days.append(day)
        day += timedelta(days=rng.randint(*gap))
    return days


def _screen(pid: int, instrument: Instrument, day: date, answers: Sequence[int]) -> Assessment:
    return Assessment(patient_id=pid, instrument=instrument, taken_on=day, answers=tuple(answers))


def mood_screens(rng: random.Random, pid: int, keys: list[str], first: date, last: date) -> list[Assessment]:
    """Quarterly PHQ-9 / GAD-7 for depression / anxiety; a yearly PHQ-2 for some others."""
    out = []
    if "dep" in keys:
        level = rng.uniform(0.4, 2.3)  # mean item score; improves slowly with care
        for day in _series(rng, first, last, (75, 110)):
            answers = _items(rng, level, 8)
            # Item 9 (thoughts of self-harm) is rare and mostly with severe symptoms.
            answers.append(1 if level > 1.4 and rng.random() < 0.15 else 0)
            out.append(_screen(pid, Instrument.PHQ9, day, answers))
            level = max(0.2, level - rng.uniform(-0.15, 0.3))
    elif rng.random() < 0.5:
        for day in _series(rng, first, last, (330, 400)):
            out.append(_screen(pid, Instrument.PHQ2, day, _items(rng, rng.uniform(0, 0.9), 2)))
    if "anx" in keys:
        level = rng.uniform(0.4, 2.2)
        for day in _series(rng, first, last, (75, 110)):
            out.append(_screen(pid, Instrument.GAD7, day, _items(rng, level, 7)))
            level = max(0.2, level - rng.uniform(-0.15, 0.3))
    return out


def social_needs(rng: random.Random, pid: int, first: date, last: date) -> Assessment | None:
    """One AHC social-needs screen for about a third of patients, each core domain a need for
    about one in twelve. The main stream decides which domains (the same draws as before the
    AHC items, so every later record of a panel is unchanged); a stream of the patient's own
    picks the answers that say so."""
    if rng.random() >= 0.35 or last < first:
        return None
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    need = {d.name: rng.random() < 0.08 for d in SOCIAL_NEEDS_DOMAINS}
    own = random.Random(pid * 1_000_003 + day.toordinal())
    food = [own.choice((1, 2)), own.choice((0, 1, 2))] if need["food"] else [0, 0]
    own.shuffle(food)
    if need["safety"]:
        harm = [own.randint(2, 5) for _ in range(4)]
        while sum(harm) <= 10:  # the AHC tool's cut-off: more than 10 is positive
            harm[own.randrange(4)] = 5
    else:
        harm = [own.choice((1, 1, 1, 2)) for _ in range(4)]
    answers = [
        own.choices((1, 2), (3, 1))[0] if need["housing"] else 0,
        *food,
        1 if need["transportation"] else 0,
        own.choices((1, 2), (4, 1))[0] if need["utilities"] else 0,
        *harm,
    ]
    return _screen(pid, Instrument.SOCIAL_NEEDS, day, answers)


def safety_checks(rng: random.Random, screens: Sequence[Assessment], tz: tzinfo, today: date) -> list[SafetyCheck]:
    """A safety check the same or the next day for each flagged screen (numbered), except
    those of the last OPEN_FLAG_DAYS days, which wait for the care manager."""
    out = []
    for s in screens:
        if not s.safety or s.id is None or (today - s.taken_on).days <= OPEN_FLAG_DAYS:
            continue
        when = datetime.combine(s.taken_on + timedelta(days=rng.randint(0, 1)), time(rng.randint(9, 16)), tzinfo=tz)
        if s.instrument is Instrument.PHQ9:
            actions = [SafetyAction.CRISIS_LINE, SafetyAction.PCP_TOLD]
            if rng.random() < 0.5:
                actions.append(SafetyAction.SAFETY_PLAN)
            note = "Passive thoughts, no plan or intent; crisis line number given."
        else:
            actions = [SafetyAction.SAFETY_PLAN, SafetyAction.PCP_TOLD]
            note = "Talked privately; safety plan reviewed; hotline number given."
        out.append(
            SafetyCheck(
                patient_id=s.patient_id,
                assessment_id=s.id,
                checked_at=when,
                by=CHECKED_BY,
                actions=tuple(actions),
                note=note,
            )
        )
    return out
