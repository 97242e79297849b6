"""Screening instruments over time, scored and banded by the domain's instrument table."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from caredesk.domain import assessments
from caredesk.domain.assessments import SOCIAL_NEEDS_DOMAINS
from caredesk.domain.coordination import Assessment, Instrument


def _items(rng: random.Random, level: float, count: int) -> list[int]:
    return [int(min(3, max(0, round(rng.gauss(level, 0.7))))) for _ in range(count)]


def _series(rng: random.Random, first: date, last: date, gap: tuple[int, int]) -> list[date]:
    days, day = [], first + timedelta(days=rng.randint(0, 30))
    while day <= last:
        days.append(day)
        day += timedelta(days=rng.randint(*gap))
    return days


def _screen(pid: int, instrument: Instrument, day: date, answers: Sequence[int]) -> Assessment:
    score = assessments.score(instrument, answers)
    return Assessment(
        patient_id=pid,
        instrument=instrument,
        taken_on=day,
        answers=tuple(answers),
        score=score,
        band=assessments.band(instrument, score),
    )


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
    """One social-needs screen (yes = 1 per domain) for about a third of patients."""
    if rng.random() >= 0.35 or last < first:
        return None
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    answers = tuple(1 if rng.random() < 0.08 else 0 for _ in SOCIAL_NEEDS_DOMAINS)
    return _screen(pid, Instrument.SOCIAL_NEEDS, day, answers)
