"""The community-resource directory: add, edit, mark inactive, search (SPEC section 1.6, issue 10).

Every write is one unit of work, audited by the resource's id (and the names of the fields
changed), and returns Kind.REFERRAL with the patients referred to the resource, so a queue
reason naming it ("Riverside Food Pantry referral sent 11/03 - no news") is redrawn at once.
A resource is never deleted: a referral may name it; `change_resource(..., active=False)`
takes it out of searches and suggestions. CSV import: caredesk.services.resource_import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from caredesk.domain import audit as events
from caredesk.domain.community import CommunityResource, Need, need_of, needs_of, same_listing, search, twin_refusal
from caredesk.domain.phone_entry import entered_or_kept
from caredesk.errors import ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.missing import not_found
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

ENTITY = "community resource"  # the audit log's name for the record


def add_resource(
    ws: Workspace,
    *,
    name: str,
    needs: str | Iterable[Need | str],
    phone: str = "",
    address: str = "",
    hours: str = "",
    eligibility: str = "",
    notes: str = "",
) -> Saved[CommunityResource]:
    """A new active resource. `needs`: Need members or their names ("food", "interpersonal
    safety", "other"), or one text "food;transportation". Refused when the directory holds the
    same listing: the same name and the same phone, or no phone on either side
    (caredesk.domain.community.same_listing).

    Raises ValidationError naming the field ("name", "needs", "phone", "address", "hours",
    "eligibility", "notes"); nothing is saved then. The phone must be a whole number
    (domain.phone_entry: "phone: 555-0142 has no area code; type all 10 digits")."""
    resource = CommunityResource(
        name=name,
        needs=needs_of("needs", needs),
        phone=phone,
        address=address,
        hours=hours,
        eligibility=eligibility,
        notes=notes,
    )
    entered_or_kept("phone", resource.phone)  # after the fields' own checks, as the form orders them
    with ws.uow() as uow:
        refuse_twin(uow.resources.all(), resource)
        saved = uow.resources.add(resource)
        uow.audit(events.RECORD_CREATED, ENTITY, saved.id)
        uow.commit()
    return Saved(saved, Changes.of([], Kind.REFERRAL))


def change_resource(
    ws: Workspace,
    resource_id: int,
    *,
    name: str | None = None,
    needs: str | Iterable[Need | str] | None = None,
    phone: str | None = None,
    address: str | None = None,
    hours: str | None = None,
    eligibility: str | None = None,
    notes: str | None = None,
    active: bool | None = None,
) -> Saved[CommunityResource]:
    """Edit a resource: each field given replaces the old value (None: unchanged; "" clears an
    optional field). `active=False` marks it inactive (it stays for the referrals that name it),
    `active=True` brings it back. Nothing to change: the resource as it was, no change set.

    Raises ValidationError naming the field (or "name" for a twin; a phone changed as add_resource
    says) or NotFound."""
    given: dict[str, Any] = {
        "name": name,
        "needs": needs,
        "phone": phone,
        "address": address,
        "hours": hours,
        "eligibility": eligibility,
        "notes": notes,
        "active": active,
    }
    with ws.uow() as uow:
        old = get_resource(uow, resource_id)
        new = replace(old, **{k: v for k, v in given.items() if v is not None})
        entered_or_kept("phone", new.phone, old.phone)  # a number on file is kept as it is; a new one must be whole
        changed = [k for k in given if getattr(new, k) != getattr(old, k)]
        if not changed:
            return Saved(old, Changes())
        refuse_twin(uow.resources.all(), new)
        saved = uow.resources.update(new)
        uow.audit(events.RECORD_CHANGED, ENTITY, resource_id, "; ".join(changed))
        patients = uow.resources.referred_patients(resource_id)
        uow.commit()
    return Saved(saved, Changes.of(patients, Kind.REFERRAL))


def resources(
    ws: Workspace, *, need: Need | str | None = None, text: str = "", include_inactive: bool = False
) -> list[CommunityResource]:
    """The directory by name: only resources meeting `need` (when given) whose name holds
    every word of `text` (without case or accents, as the patient search); inactive ones only
    with `include_inactive`.
    Raises ValidationError("need") for an unknown need."""
    chosen = None if need is None else need_of("need", need)
    with ws.reading() as uow:
        found = uow.resources.all()
    return search(found, need=chosen, text=text, include_inactive=include_inactive)


def resource(ws: Workspace, resource_id: int) -> CommunityResource:
    """One resource, active or not. Raises NotFound("community resource")."""
    with ws.reading() as uow:
        return get_resource(uow, resource_id)


def get_resource(uow: UnitOfWork, resource_id: int) -> CommunityResource:
    found = uow.resources.get(resource_id)
    if found is None:
        raise not_found(uow, "community resource", ENTITY, resource_id)
    return found


def twin_of(directory: Iterable[CommunityResource], resource: CommunityResource) -> CommunityResource | None:
    """Another resource of the directory that is the same listing (caredesk.domain.community.same_listing)."""
    return next((r for r in directory if r.id != resource.id and same_listing(r, resource)), None)


def refuse_twin(directory: Iterable[CommunityResource], resource: CommunityResource) -> None:
    twin = twin_of(directory, resource)
    if twin is not None:
        raise ValidationError("name", twin_refusal(twin, resource))
