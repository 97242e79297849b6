"""Referrals to community resources, followed until the loop is closed (SPEC sections 1.6 and
3, issue 10).

A referral links a patient, a resource, the need it answers and, optionally, the screen that
prompted it. It moves by dated steps, each with an optional outcome note, and keeps them all:

    status      meaning                                           may be followed by
    proposed    offered to the patient, not yet sent              sent, declined, closed
    sent        sent to the resource                              accepted, declined, closed
    accepted    the resource took the patient on                  completed, declined, closed
    completed   the patient received the service (loop closed)    -
    declined    the patient or the resource said no               -
    closed      ended otherwise (withdrawn, unreachable, moved)   -

A step may also repeat an open status with a note: news without a change ("called the food
bank: still on the wait list"), which counts as news for the queue; news without a note is
refused naming the note. Out-of-order steps are refused naming the step ("status: a proposed
referral cannot be completed before it is sent"), an unknown status lists the steps the
referral may take, and nothing follows a closed referral ("referral 4 is closed (completed
on 11/24/2026)..."). Steps are dated in order: never before the step before.

Suggestions (SPEC section 3, Assessments: "a positive domain suggests a referral to a matching
community resource"): each positive domain of the latest social-needs screen, with the active
resources that meet it. Queue (SPEC section 3, Call queue: "a referral with no news for 14
days"): an open referral whose last step is NO_NEWS_DAYS or more before the queue's date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from itertools import pairwise
from typing import Protocol

from caredesk.domain import checks
from caredesk.domain.calendar import us_date
from caredesk.domain.community import CommunityResource, Need, need_of, search
from caredesk.errors import ValidationError

NO_NEWS_DAYS = 14  # SPEC section 3, Call queue: "a referral with no news for 14 days"


class ReferralStatus(str, Enum):
    PROPOSED = "proposed"
    SENT = "sent"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    DECLINED = "declined"
    CLOSED = "closed"


OPEN = frozenset({ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED})
_S = ReferralStatus
# The closed loop: the statuses each status may be followed by (besides news, see module doc).
NEXT: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    _S.PROPOSED: frozenset({_S.SENT, _S.DECLINED, _S.CLOSED}),
    _S.SENT: frozenset({_S.ACCEPTED, _S.DECLINED, _S.CLOSED}),
    _S.ACCEPTED: frozenset({_S.COMPLETED, _S.DECLINED, _S.CLOSED}),
    _S.COMPLETED: frozenset(),
    _S.DECLINED: frozenset(),
    _S.CLOSED: frozenset(),
}
_ORDER = (_S.PROPOSED, _S.SENT, _S.ACCEPTED, _S.COMPLETED)  # the main path


def _a(status: ReferralStatus) -> str:
    return f"an {status.value}" if status.value[0] in "aeiou" else f"a {status.value}"


def step_refusal(current: ReferralStatus, wanted: ReferralStatus, *, note: str = "") -> str | None:
    """Why `wanted` cannot follow `current` (the message of ValidationError("status", ...)),
    or None when it may. Repeating an open status is news and needs a note."""
    if current not in OPEN:
        return f"{_a(current)} referral is closed; nothing follows a closed referral: make a new one"
    if wanted is current:
        return None if note.strip() else f"the referral is already {current.value}; add a note to record news"
    if wanted in NEXT[current]:
        return None
    if wanted in _ORDER and _ORDER.index(wanted) < _ORDER.index(current):
        return f"{_a(current)} referral cannot go back to {wanted.value}"
    missing = _ORDER[_ORDER.index(current) + 1]  # wanted is further along the main path
    verb = "sent" if missing is _S.SENT else "accepted"
    return f"{_a(current)} referral cannot be {wanted.value} before it is {verb}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferralStep:
    """The referral became `status` on `on` (a clinic date); `note` says what happened."""

    status: ReferralStatus
    on: date
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", checks.one_of("status", self.status, ReferralStatus))
        checks.a_date("date", self.on)
        object.__setattr__(self, "note", checks.optional_text("note", self.note, max_len=1000, multiline=True))


@dataclass(frozen=True, slots=True, kw_only=True)
class Referral:
    """`steps` oldest first: the first is always proposed, their dates never go back, nothing
    follows a closing step. (Which step may follow which is checked when a step is added,
    `advance`: referrals kept from before schema 0004 carry only their opening and last step.)"""

    patient_id: int
    resource_id: int
    need: Need
    steps: tuple[ReferralStep, ...]
    assessment_id: int | None = None  # the screen that prompted it
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "need", need_of("need", self.need))
        steps = tuple(self.steps)
        object.__setattr__(self, "steps", steps)
        if not steps or steps[0].status is not ReferralStatus.PROPOSED:
            raise ValidationError("status", "a referral starts as proposed")
        for before, after in pairwise(steps):
            if before.status not in OPEN:
                raise ValidationError("status", f"{_a(before.status)} referral is closed; make a new referral")
            if after.on < before.on:
                raise ValidationError("date", f"cannot be before the step before ({_said(before)})")

    @property
    def status(self) -> ReferralStatus:
        return self.steps[-1].status

    @property
    def last_step(self) -> ReferralStep:
        return self.steps[-1]

    @property
    def opened_on(self) -> date:
        return self.steps[0].on

    @property
    def closed_on(self) -> date | None:
        return None if self.is_open else self.steps[-1].on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


def _said(step: ReferralStep) -> str:
    return f"{step.status.value} on {us_date(step.on)}"


def open_referral(
    patient_id: int,
    resource: CommunityResource,
    need: Need | str,
    on: date,
    *,
    note: str = "",
    assessment_id: int | None = None,
) -> Referral:
    """A new proposed referral to `resource` for `need`. Refused (ValidationError) when the
    resource is inactive ("resource") or does not list the need ("need")."""
    chosen = need_of("need", need)
    if not resource.active:
        raise ValidationError("resource", "is marked inactive; choose an active resource")
    if not resource.meets(chosen):
        raise ValidationError("need", f"this resource does not list {chosen.label} (it meets: {resource.needs_text})")
    assert resource.id is not None, "a stored resource"
    step = ReferralStep(status=ReferralStatus.PROPOSED, on=on, note=note)
    return Referral(
        patient_id=patient_id, resource_id=resource.id, need=chosen, steps=(step,), assessment_id=assessment_id
    )


def closed_refusal(referral: Referral) -> str:
    """'referral 4 is closed (completed on 11/24/2026); nothing follows a closed referral: make
    a new one' (the message of ValidationError("status", ...))."""
    said = "the referral" if referral.id is None else f"referral {referral.id}"
    return f"{said} is closed ({_said(referral.last_step)}); nothing follows a closed referral: make a new one"


def _wanted(current: ReferralStatus, status: ReferralStatus | str) -> ReferralStatus:
    """A status by its name; an unknown one is refused listing the steps `current` may take."""
    try:
        return checks.one_of("status", status, ReferralStatus)
    except ValidationError:
        steps = ", ".join(s.value for s in ReferralStatus if s in NEXT[current])
        raise ValidationError(
            "status", f"must be one of: {steps}; or {current.value} again with a note (news)"
        ) from None


def advance(referral: Referral, status: ReferralStatus | str | None, on: date, note: str = "") -> Referral:
    """The referral with one more step: `status` (None: news on the current status, which needs
    a note). Refused with ValidationError naming "status" (a closed referral, an unknown status
    or a step out of order, see NEXT), "note" (news without one) or "date" (before the last
    step)."""
    if not referral.is_open:
        raise ValidationError("status", closed_refusal(referral))
    current = referral.status
    step = ReferralStep(status=current if status is None else _wanted(current, status), on=on, note=note)
    if step.status is current and not step.note:
        raise ValidationError("note", f"is needed to record news (the referral is already {current.value})")
    refusal = step_refusal(current, step.status, note=step.note)
    if refusal is not None:
        raise ValidationError("status", refusal)
    if on < referral.last_step.on:
        raise ValidationError("date", f"cannot be before the last step ({_said(referral.last_step)})")
    return replace(referral, steps=(*referral.steps, step))


# --- Suggestions and the queue --------------------------------------------------------


class Referred(Protocol):
    """What decides whether a referral answers a screen's need (a Referral or ReferralNews)."""

    @property
    def need(self) -> Need: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def opened_on(self) -> date: ...
    @property
    def assessment_id(self) -> int | None: ...


def answers(referral: Referred, need: Need, screen_on: date, screen_id: int | None) -> bool:
    """A referral answers a positive need of a screen when it is for that need and is still
    open, was made on or after the screen's day, or names the screen (whatever became of it:
    a declined referral was still a referral)."""
    return referral.need is need and (
        referral.is_open
        or referral.opened_on >= screen_on
        or (screen_id is not None and referral.assessment_id == screen_id)
    )


def unreferred(
    positive: Iterable[str], referrals: Iterable[Referred], screen_on: date, screen_id: int | None
) -> tuple[Need, ...]:
    """The screen's positive domains that no referral answers, in the screen's order."""
    made = list(referrals)
    return tuple(
        need
        for need in (need_of("need", d) for d in positive)
        if not any(answers(r, need, screen_on, screen_id) for r in made)
    )


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One positive domain of a screen: the active resources that meet it (by name) and the
    referrals already answering it."""

    need: Need
    resources: tuple[CommunityResource, ...]
    referrals: tuple[Referral, ...]

    @property
    def referred(self) -> bool:
        return bool(self.referrals)


def suggest(
    positive: Iterable[str],
    screen_on: date,
    screen_id: int | None,
    resources: Iterable[CommunityResource],
    referrals: Iterable[Referral],
) -> tuple[Suggestion, ...]:
    """For each positive domain of a screen (a positive food item: food), the matching active
    resources and the referrals that already answer it."""
    pool, made = list(resources), list(referrals)
    out = []
    for need in (need_of("need", d) for d in positive):
        out.append(
            Suggestion(
                need,
                tuple(search(pool, need=need)),
                tuple(r for r in made if answers(r, need, screen_on, screen_id)),
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ReferralNews:
    """What the queue reads of one referral: its resource's name and its last step."""

    referral_id: int
    need: Need
    resource: str
    status: ReferralStatus
    opened_on: date
    last_on: date
    assessment_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


def quiet_days(news: ReferralNews, as_of: date) -> int | None:
    """Days without news of an open referral when they are NO_NEWS_DAYS or more, else None."""
    days = (as_of - news.last_on).days
    return days if news.is_open and days >= NO_NEWS_DAYS else None
