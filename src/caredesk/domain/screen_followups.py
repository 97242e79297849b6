"""What a screening left to do, as queue reasons: a screen left unfinished, a positive PHQ-2 with
no PHQ-9 after it, and a severe GAD-7.

- Unfinished: the PHQ-2, PHQ-9 and GAD-7 ask about "the last 2 weeks" (Kroenke, Spitzer and
  Williams 2001 and 2003; Spitzer et al. 2006), so a screen left incomplete can be finished
  within 14 days of it; after that it is a new screen. An unasked PHQ-9 item 9 (thoughts of
  self-harm) is named: it is the item the safety protocol hangs on (SPEC section 3).
- A positive PHQ-2 (3 or more) leads into the PHQ-9 (SPEC section 3; Kroenke et al. 2003);
  until a complete PHQ-9 is taken on or after it, within the same 14 days, it is a reason.
- A GAD-7 of 15 or more is severe anxiety (Spitzer et al. 2006): a reason until a later
  complete GAD-7 is below it, as the PHQ-9's re-screen reason is (domain.queue).

Pure: takes the patient's screens, returns (text, score) pairs; the queue makes them reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from caredesk.domain.assessments import Instrument
from caredesk.domain.calendar import us_month_day
from caredesk.domain.coordination import Assessment

FOLLOW_UP_DAYS = 14  # "over the last 2 weeks": an unfinished screen can still be finished
GAD7_SEVERE = 15
_FOLLOWED = (Instrument.PHQ2, Instrument.PHQ9, Instrument.GAD7)
_PHQ9_SAFETY_ITEM = 9


def recent_since(as_of: date) -> date:
    """The first day whose screens can still make an "unfinished" or "PHQ-9 not done" reason."""
    return as_of - timedelta(days=FOLLOW_UP_DAYS - 1)


def reasons(screens: Iterable[Assessment], as_of: date) -> list[tuple[str, int]]:
    """(text, score) for each follow-up the patient's screens need on `as_of`.

    `screens`: the patient's PHQ-2, PHQ-9 and GAD-7 screens (others are ignored), any order,
    taken on or before `as_of`; those older than 14 days only count for the GAD-7 rule.
    """
    mine = sorted(
        (s for s in screens if s.instrument in _FOLLOWED and s.taken_on <= as_of), key=lambda s: (s.taken_on, s.id or 0)
    )
    recent = [s for s in mine if s.taken_on >= recent_since(as_of)]
    out = [_unfinished(s) for s in _open_unfinished(recent)]
    phq2 = next((s for s in reversed(recent) if s.instrument is Instrument.PHQ2 and s.complete), None)
    if phq2 is not None and phq2.result.follow_on is Instrument.PHQ9 and not _phq9_after(recent, phq2):
        out.append((f"PHQ-2 {phq2.score} on {us_month_day(phq2.taken_on)} positive - PHQ-9 not done", 40))
    gad7 = next((s for s in reversed(mine) if s.instrument is Instrument.GAD7 and s.complete), None)
    if gad7 is not None and gad7.score is not None and gad7.score >= GAD7_SEVERE:
        out.append((f"GAD-7 {gad7.score} on {us_month_day(gad7.taken_on)} - severe anxiety, follow up", gad7.score))
    return out


def _open_unfinished(recent: list[Assessment]) -> list[Assessment]:
    """Per followed instrument, its latest screen in `recent` (sorted oldest first) when that one
    is unfinished and no complete screen finished it later."""
    out = []
    for instrument in _FOLLOWED:
        latest = next((s for s in reversed(recent) if s.instrument is instrument), None)
        if latest is not None and not latest.complete and not _finished_after(recent, latest):
            out.append(latest)
    return out


def resumable(screens: Iterable[Assessment], as_of: date) -> Assessment | None:
    """The unfinished screen a new interview on `as_of` should continue: the newest of those the
    queue asks to finish (same rule and 14 days as `reasons`), or None. Its given answers are
    carried into the new screen, which is saved as a new record taken on `as_of`."""
    mine = sorted(
        (s for s in screens if s.instrument in _FOLLOWED and recent_since(as_of) <= s.taken_on <= as_of),
        key=lambda s: (s.taken_on, s.id or 0),
    )
    candidates = _open_unfinished(mine)
    return max(candidates, key=lambda s: (s.taken_on, s.id or 0)) if candidates else None


def _later(a: Assessment, b: Assessment) -> bool:
    return (a.taken_on, a.id or 0) > (b.taken_on, b.id or 0)


def _finished_after(screens: list[Assessment], unfinished: Assessment) -> bool:
    """A complete screen of the same instrument after it (for a PHQ-2, a complete PHQ-9 too:
    its first two items are the PHQ-2's)."""
    same = {unfinished.instrument}
    if unfinished.instrument is Instrument.PHQ2:
        same.add(Instrument.PHQ9)
    return any(s.complete and s.instrument in same and _later(s, unfinished) for s in screens)


def _phq9_after(screens: list[Assessment], phq2: Assessment) -> bool:
    return any(s.instrument is Instrument.PHQ9 and s.complete and s.taken_on >= phq2.taken_on for s in screens)


def _unfinished(s: Assessment) -> tuple[str, int]:
    total = len(s.answers)
    head = f"{s.instrument.value} of {us_month_day(s.taken_on)} unfinished ({s.result.answered} of {total} answered)"
    if s.instrument is Instrument.PHQ9 and s.answers[_PHQ9_SAFETY_ITEM - 1] is None:
        return f"{head} - item 9 not asked", 60
    return f"{head} - finish it", 20
