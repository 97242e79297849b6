"""Community resources and the referrals a positive social-needs screen leads to."""

from __future__ import annotations

import random
from datetime import date, timedelta

from caredesk.demo import names
from caredesk.domain.assessments import SOCIAL_NEEDS_DOMAINS
from caredesk.domain.coordination import Assessment, CommunityResource, Referral, ReferralStatus

_RESOURCES = (
    ("Riverside Food Pantry", "food"),
    ("Maple Street Meals on Wheels", "food"),
    ("Lakeview Housing Help Desk", "housing"),
    ("Brightwater Senior Rides", "transportation"),
    ("Hearthstone Utility Assistance", "utilities"),
    ("Safe Harbor Helpline", "safety"),
    ("Willow Creek Senior Center", "social isolation"),
    ("Evergreen Caregiver Support Group", "caregiver support"),
)
_STREETS = ("Fictional Elm Street", "Sample Maple Avenue", "Placeholder Parkway", "Storybook Road")


def resources() -> list[CommunityResource]:
    return [
        CommunityResource(
            id=i,
            name=name,
            category=category,
            phone=names.office_phone(100 + i),
            address=f"{100 + 7 * i} {_STREETS[i % len(_STREETS)]}, Demoville, ZZ 00011",
        )
        for i, (name, category) in enumerate(_RESOURCES, start=1)
    ]


def referrals(rng: random.Random, screen: Assessment, pool: list[CommunityResource], last: date) -> list[Referral]:
    """Most positive items get a referral; a few are left open for the queue to flag."""
    out = []
    positive = screen.result.positive_domains
    for domain in SOCIAL_NEEDS_DOMAINS:
        item = domain.name
        matching = [r for r in pool if r.category == item]
        if item not in positive or not matching or rng.random() >= 0.75:
            continue
        resource = rng.choice(matching)
        assert resource.id is not None  # resources() numbers them
        opened = min(last, screen.taken_on + timedelta(days=rng.randint(0, 5)))
        age = (last - opened).days
        if age < 14:
            status, closed = rng.choice((ReferralStatus.PROPOSED, ReferralStatus.SENT)), None
        elif age < 45:
            status, closed = rng.choice((ReferralStatus.SENT, ReferralStatus.ACCEPTED)), None
        else:
            status = rng.choices(
                (ReferralStatus.COMPLETED, ReferralStatus.CLOSED, ReferralStatus.DECLINED, ReferralStatus.ACCEPTED),
                (55, 15, 15, 15),
            )[0]
            closed = opened + timedelta(days=rng.randint(7, 40)) if status is not ReferralStatus.ACCEPTED else None
        out.append(
            Referral(
                patient_id=screen.patient_id,
                resource_id=resource.id,
                reason=f"Positive {item} screen",
                opened_on=opened,
                status=status,
                closed_on=closed,
            )
        )
    return out
