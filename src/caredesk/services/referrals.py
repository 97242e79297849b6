"""Referrals to community resources until the loop is closed, and the referrals a positive
social-needs screen suggests (SPEC sections 1.4, 1.6 and 3; issue 10). The loop's steps and
their order: caredesk.domain.referrals.

Every write is one unit of work, audited by the referral's id (the step's status as detail;
never the need, the resource or a note: they are patient content), and returns Kind.REFERRAL
for the patient, so the queue's "Social needs positive - food: no referral yet" and "... referral
sent 11/03 - no news" reasons leave or return at once.

Dates are clinic dates: never in the future, never before the step before, never before the
date of birth; after a recorded date of death only closing the referral is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caredesk.domain import audit as events
from caredesk.domain.assessments import Instrument
from caredesk.domain.calendar import us_date
from caredesk.domain.community import CommunityResource, Need, need_of
from caredesk.domain.coordination import Assessment
from caredesk.domain.lifespan import check_not_deceased, check_within_life
from caredesk.domain.patients import Patient
from caredesk.domain.referrals import (
    Referral,
    ReferralStatus,
    Suggestion,
    advance,
    open_referral,
    suggest,
)
from caredesk.errors import NotFound, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.community import get_resource
from caredesk.services.missing import not_found
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

SOCIAL_SCREENS = (Instrument.SOCIAL_NEEDS, Instrument.SOCIAL_NEEDS_YES_NO)


@dataclass(frozen=True, slots=True)
class ReferralView:
    """A referral with the resource it names (which may since have been marked inactive)."""

    referral: Referral
    resource: CommunityResource


@dataclass(frozen=True, slots=True)
class Suggestions:
    """The patient's latest complete social-needs screen (None: never screened) and, for each of
    its positive domains in the screen's order, the active resources meeting it and the
    referrals already answering it (caredesk.domain.referrals.suggest)."""

    screen: Assessment | None
    needs: tuple[Suggestion, ...]


def refer(
    ws: Workspace,
    patient_id: int,
    resource_id: int,
    need: Need | str,
    *,
    on: date | None = None,
    note: str = "",
    assessment_id: int | None = None,
) -> Saved[Referral]:
    """Propose a referral of the patient to an active resource for one need it meets, on `on`
    (default today), with an optional note; `assessment_id` names the patient's screen that
    prompted it: a social-needs screen of the patient that found `need` positive (the referral is
    then dated on or after it). Refused when an open referral to
    the same resource for the same need exists, and for a deceased patient.

    Raises ValidationError ("need", "resource": inactive, or "has an open referral for this need
    (referral 3, sent 11/03/2026)"; "date", "note", "screen", "referral": a deceased patient) or
    NotFound ("patient", "community resource"); nothing is saved then."""
    day = _day(ws, on)
    chosen = need_of("need", need)
    with ws.uow() as uow:
        patient = _patient(uow, patient_id)
        check_not_deceased("referral", patient)
        check_within_life("date", day, patient)
        resource = get_resource(uow, resource_id)
        if assessment_id is not None:
            _check_screen(uow, patient_id, assessment_id, chosen, day)
        new = open_referral(patient_id, resource, chosen, day, note=note, assessment_id=assessment_id)
        for other in uow.referrals.for_patient(patient_id):
            if other.is_open and other.resource_id == resource_id and other.need is chosen:
                last = other.last_step
                raise ValidationError(
                    "resource",
                    f"has an open referral for this need (referral {other.id}, {last.status.value} {us_date(last.on)})",
                )
        saved = uow.referrals.add(new)
        uow.audit(events.RECORD_CREATED, "referral", saved.id, ReferralStatus.PROPOSED.value)
        uow.commit()
    return Saved(saved, Changes.of([patient_id], Kind.REFERRAL))


def record_step(
    ws: Workspace, referral_id: int, status: ReferralStatus | str | None, *, on: date | None = None, note: str = ""
) -> Saved[Referral]:
    """The referral's next step: `status` on `on` (default today) with an optional outcome
    note. The order is caredesk.domain.referrals.NEXT; the current open status again, or None,
    with a note records news. Any step clears the queue's "no news" reason; a closing step
    (completed, declined, closed) ends the referral.

    Raises ValidationError ("status": out of order, e.g. "a proposed referral cannot be
    completed before it is sent", unknown, or the referral is closed; "note": news without
    one; "date") or NotFound("referral")."""
    day = _day(ws, on)
    with ws.uow() as uow:
        referral = uow.referrals.get(referral_id)
        if referral is None:
            raise not_found(uow, "referral", "referral", referral_id)
        moved = advance(referral, status, day, note)
        patient = _patient(uow, referral.patient_id)
        if moved.status is not ReferralStatus.CLOSED:  # closing after a death is ordinary
            check_within_life("date", day, patient)
        elif day < patient.birth_date:
            raise ValidationError("date", "cannot be before the date of birth")
        saved = uow.referrals.update(moved)
        uow.audit(events.RECORD_CHANGED, "referral", referral_id, moved.status.value)
        uow.commit()
    return Saved(saved, Changes.of([referral.patient_id], Kind.REFERRAL))


def referrals(ws: Workspace, patient_id: int) -> list[ReferralView]:
    """The patient's referrals, oldest first, each with its resource and its steps.
    Raises NotFound("patient")."""
    with ws.reading() as uow:
        _patient(uow, patient_id)
        made = uow.referrals.for_patient(patient_id)
        return [ReferralView(r, get_resource(uow, r.resource_id)) for r in made]


def referral(ws: Workspace, referral_id: int) -> ReferralView:
    """One referral with its resource. Raises NotFound("referral")."""
    with ws.reading() as uow:
        found = uow.referrals.get(referral_id)
        if found is None:
            raise not_found(uow, "referral", "referral", referral_id)
        return ReferralView(found, get_resource(uow, found.resource_id))


def suggestions(ws: Workspace, patient_id: int) -> Suggestions:
    """What the patient's latest complete social-needs screen suggests: each positive domain
    (a positive food item: food) with the active resources meeting it, by name, and the
    referrals already answering it. Raises NotFound("patient")."""
    with ws.reading() as uow:
        _patient(uow, patient_id)
        screens = [s for s in uow.assessments.for_patient(patient_id) if s.instrument in SOCIAL_SCREENS and s.complete]
        if not screens:
            return Suggestions(None, ())
        screen = screens[-1]  # oldest first: the last is the latest
        directory = uow.resources.all()
        made = uow.referrals.for_patient(patient_id)
    needs = suggest(screen.result.positive_domains, screen.taken_on, screen.id, directory, made)
    return Suggestions(screen, needs)


def _day(ws: Workspace, on: date | None) -> date:
    today = ws.today()
    if on is None:
        return today
    if on > today:
        raise ValidationError("date", f"cannot be in the future (today is {us_date(today)})")
    return on


def _patient(uow: UnitOfWork, patient_id: int) -> Patient:
    patient = uow.patients.get(patient_id)
    if patient is None:
        raise NotFound("patient")
    return patient


def _check_screen(uow: UnitOfWork, patient_id: int, assessment_id: int, need: Need, day: date) -> None:
    """The screen that prompted a referral: one of the patient's social-needs screens whose
    answers found `need` positive, taken on or before the referral's day."""
    screen = uow.assessments.get(assessment_id)
    said = f"screen {assessment_id}"
    if screen is None or screen.patient_id != patient_id:
        raise ValidationError("screen", f"{said} is not one of this patient's screens")
    if screen.instrument not in SOCIAL_SCREENS:
        raise ValidationError("screen", f"{said} is a {screen.instrument.value}, not a social-needs screen")
    positive = screen.result.positive_domains
    if need.value not in positive:
        found = ", ".join(need_of("need", d).label for d in positive) if positive else "no need"
        raise ValidationError(
            "screen", f"{said} ({us_date(screen.taken_on)}) did not find {need.label} positive (it found: {found})"
        )
    if day < screen.taken_on:
        raise ValidationError("date", f"cannot be before the screen that prompted it ({us_date(screen.taken_on)})")
