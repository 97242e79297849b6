"""Community resources and the referrals a positive social-needs screen leads to, with the
dated steps of each referral (the same model the app records: caredesk.domain.referrals)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from caredesk.demo import names
from caredesk.domain.assessments import SOCIAL_NEEDS_DOMAINS, Instrument
from caredesk.domain.community import CommunityResource, Need
from caredesk.domain.coordination import Assessment
from caredesk.domain.referrals import Referral, ReferralStatus, ReferralStep

_S = ReferralStatus
# name, needs, hours, eligibility, notes, active
_RESOURCES: tuple[tuple[str, tuple[Need, ...], str, str, str, bool], ...] = (
    ("Riverside Food Pantry", (Need.FOOD,), "Tue and Thu 10-2", "County residents", "Bring a photo ID.", True),
    ("Maple Street Meals on Wheels", (Need.FOOD,), "Mon-Fri 8-4", "Homebound adults 60 and older", "", True),
    ("Lakeview Housing Help Desk", (Need.HOUSING,), "Mon-Fri 9-5", "", "Eviction prevention and rent help.", True),
    ("Brightwater Senior Rides", (Need.TRANSPORTATION,), "Mon-Sat 7-6", "60 and older", "Book 2 days ahead.", True),
    ("Hearthstone Utility Assistance", (Need.UTILITIES,), "Mon-Thu 9-3", "Income limits apply", "", True),
    ("Safe Harbor Helpline", (Need.SAFETY,), "24 hours", "", "Confidential; call from a safe phone.", True),
    ("Willow Creek Senior Center", (Need.OTHER,), "Mon-Fri 9-4", "55 and older", "Social isolation: groups.", True),
    (
        "Evergreen Caregiver Support Group",
        (Need.OTHER,),
        "1st Wed 6 PM",
        "Family caregivers",
        "Caregiver support.",
        True,
    ),
    ("Old Mill Food Cupboard", (Need.FOOD,), "", "", "Closed in 2025; kept for old referrals.", False),
)
_STREETS = ("Fictional Elm Street", "Sample Maple Avenue", "Placeholder Parkway", "Storybook Road")


def resources() -> list[CommunityResource]:
    return [
        CommunityResource(
            id=i,
            name=name,
            needs=needs,
            phone=names.office_phone(100 + i),
            address=f"{100 + 7 * i} {_STREETS[i % len(_STREETS)]}, Demoville, ZZ 00011",
            hours=hours,
            eligibility=eligibility,
            notes=notes,
            active=active,
        )
        for i, (name, needs, hours, eligibility, notes, active) in enumerate(_RESOURCES, start=1)
    ]


def referrals(rng: random.Random, screen: Assessment, pool: list[CommunityResource], last: date) -> list[Referral]:
    """Most positive items get a referral; a few are left open for the queue to flag.

    The main stream makes the same draws as before referrals had steps (so every later record
    of a panel is unchanged); a stream of the referral's own dates the steps between."""
    out = []
    positive = screen.result.positive_domains
    for domain in SOCIAL_NEEDS_DOMAINS:
        item = domain.name
        matching = [r for r in pool if r.active and r.meets(Need(item))]
        if item not in positive or not matching or rng.random() >= 0.75:
            continue
        resource = rng.choice(matching)
        assert resource.id is not None  # resources() numbers them
        opened = min(last, screen.taken_on + timedelta(days=rng.randint(0, 5)))
        age = (last - opened).days
        if age < 14:
            status, closed = rng.choice((_S.PROPOSED, _S.SENT)), None
        elif age < 45:
            status, closed = rng.choice((_S.SENT, _S.ACCEPTED)), None
        else:
            status = rng.choices((_S.COMPLETED, _S.CLOSED, _S.DECLINED, _S.ACCEPTED), (55, 15, 15, 15))[0]
            closed = opened + timedelta(days=rng.randint(7, 40)) if status is not _S.ACCEPTED else None
        own = random.Random(f"referral {screen.patient_id} {item} {opened.isoformat()}")
        out.append(
            Referral(
                patient_id=screen.patient_id,
                resource_id=resource.id,
                need=Need(item),
                steps=_steps(own, status, opened, min(closed, last) if closed else None, last, item),
            )
        )
    return out


def _steps(
    own: random.Random, status: ReferralStatus, opened: date, closed: date | None, last: date, item: str
) -> tuple[ReferralStep, ...]:
    """The steps that lead to `status`, in the loop's order, dated between opening and closing
    (an open referral's last step is at most `last`)."""
    path = {
        _S.PROPOSED: (),
        _S.SENT: (_S.SENT,),
        _S.ACCEPTED: (_S.SENT, _S.ACCEPTED),
        _S.COMPLETED: (_S.SENT, _S.ACCEPTED, _S.COMPLETED),
        _S.DECLINED: (_S.SENT, _S.DECLINED) if own.random() < 0.5 else (_S.SENT, _S.ACCEPTED, _S.DECLINED),
        _S.CLOSED: (_S.CLOSED,) if own.random() < 0.5 else (_S.SENT, _S.CLOSED),
    }[status]
    steps = [ReferralStep(status=_S.PROPOSED, on=opened, note=f"Positive {item} screen")]
    day = opened
    end = closed or last
    for step in path:
        if step is path[-1] and closed is not None:
            day = closed
        else:
            day = min(end, day + timedelta(days=own.randint(0, 6)))
        steps.append(ReferralStep(status=step, on=day, note=_NOTES.get(step, "")))
    return tuple(steps)


_NOTES = {
    _S.SENT: "Faxed the referral form.",
    _S.ACCEPTED: "Intake call booked.",
    _S.COMPLETED: "Patient says the help arrived.",
    _S.DECLINED: "Patient chose not to go ahead.",
    _S.CLOSED: "Could not reach the program.",
}


def numbered(made: Sequence[Referral], screens: Sequence[Assessment]) -> list[Referral]:
    """The referrals numbered 1.. (their steps name them) and linked to the numbered screen
    they came from (the patient's social-needs screen on or before the referral)."""
    social = {s.patient_id: s for s in screens if s.instrument is Instrument.SOCIAL_NEEDS}  # one per patient
    out = []
    for i, r in enumerate(made, start=1):
        screen = social.get(r.patient_id)
        linked = screen.id if screen is not None and screen.taken_on <= r.opened_on else None
        out.append(replace(r, id=i, assessment_id=linked))
    return out
