"""A CareDesk CarePlan (as fhir_careplan writes it) back into a finalized CarePlanVersion.

Only a plan carrying CareDesk's problem list (the EXT_VERSION / EXT_PROBLEM extensions) is
read: another system's CarePlan has no problems, goals and interventions in CareDesk's
shape, and turning it into a finalized version would put words in the care manager's
mouth, so it is flagged for review instead. Only an `active` plan is read (the export
writes the latest version as active).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from caredesk.domain.careplan import (
    TEXT_FIELDS,
    CarePlanContent,
    CarePlanVersion,
    Goal,
    GoalStatus,
    Intervention,
    Problem,
)
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_bundle import Entries
from caredesk.interop.fhir_careplan import GOAL_STATUS
from caredesk.interop.fhir_import_patient import full_date
from caredesk.interop.fhir_import_records import Skip

_STATUS_OF = {v: k for k, v in GOAL_STATUS.items()}


def _ext(element: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [x for x in element.get("extension", ()) if x.get("url") == url]


def _goal(g: dict[str, Any]) -> Goal:
    achievement = next((c.get("code") for c in g.get("achievementStatus", {}).get("coding", ())), None)
    status = _STATUS_OF.get((g.get("lifecycleStatus", ""), achievement))
    if status is None:  # another mix: read the achievement first, then the lifecycle
        status = {"achieved": GoalStatus.MET, "not-achieved": GoalStatus.NOT_MET}.get(str(achievement)) or (
            GoalStatus.IN_PROGRESS if g.get("lifecycleStatus") == "active" else GoalStatus.NOT_STARTED
        )
    target = (g.get("target") or [{}])[0]
    plain = _ext(g, fc.EXT_PLAIN)
    return Goal(
        measure=str(g.get("description", {}).get("text", "")),
        target=str(target.get("detailString", "")),
        target_date=full_date("Goal.target.dueDate", target.get("dueDate")),
        status=status,
        plain=plain[0].get("valueString", "") if plain else "",
    )


def _intervention(a: dict[str, Any]) -> Intervention:
    detail = a.get("detail", {})
    owner = next((p.get("display") for p in detail.get("performer", ()) if p.get("display")), "care manager")
    plain = _ext(a, fc.EXT_PLAIN)
    return Intervention(
        action=str(detail.get("description", "")),
        owner=owner,  # type: ignore[arg-type]  # checked below: Owner(value)
        frequency=str(detail.get("scheduledString", "")),
        plain=plain[0].get("valueString", "") if plain else "",
    )


def careplan_of(r: dict[str, Any], entries: Entries) -> CarePlanVersion | str | Skip:
    version = _ext(r, fc.EXT_VERSION)
    if not version:
        return "is another system's care plan: not imported; review it and write the plan in CareDesk"
    if r.get("status") != "active":
        return Skip(f"CarePlan ({r.get('status')})")
    from caredesk.domain.careplan import Owner

    activities = r.get("activity", [])
    problems = []
    for block in _ext(r, fc.EXT_PROBLEM):
        parts = block.get("extension", [])

        def values(url: str, kind: str, parts: list[dict[str, Any]] = parts) -> list[Any]:
            return [p.get(kind) for p in parts if p.get("url") == url]

        goals = []
        for ref in values("goal", "valueReference"):
            found = entries.resolve(ref)
            if found is None or found.type != "Goal":
                raise ValidationError("CarePlan goal", f"{ref.get('reference', '')} is not a Goal in this bundle")
            goals.append(_goal(found.resource))
        interventions = []
        for index in values("activity", "valueInteger"):
            if not isinstance(index, int) or not 0 <= index < len(activities):
                raise ValidationError("CarePlan activity", f"{index} is not one of the plan's activities")
            iv = _intervention(activities[index])
            try:
                owner = Owner(iv.owner)
            except ValueError:
                raise ValidationError(
                    "CarePlan activity performer", f'"{iv.owner}" is not an owner CareDesk knows'
                ) from None
            interventions.append(Intervention(action=iv.action, owner=owner, frequency=iv.frequency, plain=iv.plain))
        problems.append(
            Problem(
                title=next(iter(values("title", "valueString")), ""),
                condition_icd10=next(iter(values("icd10", "valueCode")), ""),
                plain=next(iter(values("plain", "valueString")), ""),
                goals=tuple(goals),
                interventions=tuple(interventions),
            )
        )
    sections = {
        _ext(n, fc.EXT_SECTION)[0].get("valueCode"): n.get("text", "")
        for n in r.get("note", ())
        if _ext(n, fc.EXT_SECTION)
    }
    review = _ext(r, fc.EXT_NEXT_REVIEW)
    content = CarePlanContent(
        problems=tuple(problems),
        next_review=full_date("CarePlan next review", review[0].get("valueDate")) if review else None,
        **{name: str(sections.get(name, "")) for name in TEXT_FIELDS},
    )
    given = {p.get("url"): p for x in _ext(r, fc.EXT_COPY_GIVEN) for p in x.get("extension", ())}
    created = r.get("created")
    if not created or len(str(created)) <= 10:
        raise ValidationError("CarePlan.created", "needs the date and time the plan was finalized")
    return CarePlanVersion(
        patient_id=0,
        number=int(version[0].get("valueInteger") or 1),
        content=content,
        finalized_at=datetime.fromisoformat(str(created)),
        finalized_by=str(r.get("author", {}).get("display", "")),
        given_on=full_date("CarePlan copy given date", given["date"].get("valueDate")) if "date" in given else None,
        given_method=given["method"].get("valueCode") if "method" in given else None,
    )
