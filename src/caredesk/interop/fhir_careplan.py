"""The latest finalized care plan as a FHIR R4 CarePlan and its Goals, and back.

CarePlan (https://hl7.org/fhir/R4/careplan.html): status active, intent plan, created =
finalized at, author = who finalized it (display), `addresses` the patient's Conditions the
problems name (by ICD-10 code), `goal` every Goal, `activity` every intervention
(detail.description the action, detail.scheduledString the frequency, detail.performer
display the owner, detail.goal the problem's goals), `note` one Annotation per text section.

What R4 has no element for, so the plan survives a round trip whole (CareDesk extensions):
- EXT_PROBLEM (on CarePlan, one per problem, in order), sub-extensions: `title` (valueString),
  `icd10` (valueCode, when the problem names a condition), `plain` (valueString, what the
  patient reads), `goal` (valueReference, each of its Goals), `activity` (valueInteger, the
  0-based index of each of its interventions in CarePlan.activity);
- EXT_SECTION (valueCode) on each note: the section's field name (barriers, strengths ...);
- EXT_NEXT_REVIEW (valueDate), EXT_VERSION (valueInteger), EXT_COPY_GIVEN (date + method);
- EXT_PLAIN (valueString) on a Goal and on an activity: the patient's wording.

Goal (https://hl7.org/fhir/R4/goal.html): description.text the measure, target.detailString
the target, target.dueDate the target date; GoalStatus as lifecycleStatus + achievementStatus
(GOAL_STATUS below).
"""

from __future__ import annotations

from typing import Any

from caredesk.domain.careplan import TEXT_FIELDS, CarePlanVersion, Goal, GoalStatus
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_patient import ref

# GoalStatus -> (lifecycleStatus, achievementStatus code or None). goal-status and
# goal-achievement value sets: https://hl7.org/fhir/R4/valueset-goal-status.html,
# https://hl7.org/fhir/R4/valueset-goal-achievement.html.
GOAL_STATUS: dict[GoalStatus, tuple[str, str | None]] = {
    GoalStatus.NOT_STARTED: ("planned", None),
    GoalStatus.IN_PROGRESS: ("active", "in-progress"),
    GoalStatus.MET: ("completed", "achieved"),
    GoalStatus.NOT_MET: ("active", "not-achieved"),
}


def goal_resource(g: Goal, rid: str, patient_rid: str, condition_rid: str | None) -> dict[str, Any]:
    lifecycle, achievement = GOAL_STATUS[g.status]
    res: dict[str, Any] = {
        "resourceType": "Goal",
        "id": rid,
        "lifecycleStatus": lifecycle,
        "description": {"text": g.measure},
        "subject": ref("Patient", patient_rid),
    }
    if achievement is not None:
        res["achievementStatus"] = {"coding": [{"system": fc.GOAL_ACHIEVEMENT, "code": achievement}]}
    target: dict[str, Any] = {}
    if g.target:
        target["detailString"] = g.target
    if g.target_date is not None:
        target["dueDate"] = g.target_date.isoformat()
    if target:
        res["target"] = [target]
    if condition_rid is not None:
        res["addresses"] = [ref("Condition", condition_rid)]
    if g.plain:
        res["extension"] = [{"url": fc.EXT_PLAIN, "valueString": g.plain}]
    return res


def careplan_resources(
    version: CarePlanVersion, patient_rid: str, conditions: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """(id, resource) for the plan's Goals then the CarePlan. `conditions`: ICD-10 code ->
    the exported Condition's id, so a problem naming a condition references it."""
    plan_rid = fc.stable_id("CarePlan", version.id)
    out: list[tuple[str, dict[str, Any]]] = []
    problems_ext: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    addresses: list[dict[str, str]] = []
    for pi, problem in enumerate(version.content.problems):
        cond_rid = conditions.get(problem.condition_icd10) if problem.condition_icd10 else None
        if cond_rid is not None and ref("Condition", cond_rid) not in addresses:
            addresses.append(ref("Condition", cond_rid))
        parts: list[dict[str, Any]] = [{"url": "title", "valueString": problem.title}]
        if problem.condition_icd10:
            parts.append({"url": "icd10", "valueCode": problem.condition_icd10})
        if problem.plain:
            parts.append({"url": "plain", "valueString": problem.plain})
        goal_refs = []
        for gi, goal in enumerate(problem.goals):
            grid = fc.stable_id("Goal", version.id, pi, gi)
            out.append((grid, goal_resource(goal, grid, patient_rid, cond_rid)))
            goal_refs.append(ref("Goal", grid))
            parts.append({"url": "goal", "valueReference": ref("Goal", grid)})
        for iv in problem.interventions:
            detail: dict[str, Any] = {
                "status": "in-progress",
                "description": iv.action,
                "performer": [{"display": iv.owner.value}],
            }
            if iv.frequency:
                detail["scheduledString"] = iv.frequency
            if goal_refs:
                detail["goal"] = goal_refs
            if cond_rid is not None:
                detail["reasonReference"] = [ref("Condition", cond_rid)]
            activity: dict[str, Any] = {"detail": detail}
            if iv.plain:
                activity["extension"] = [{"url": fc.EXT_PLAIN, "valueString": iv.plain}]
            parts.append({"url": "activity", "valueInteger": len(activities)})
            activities.append(activity)
        problems_ext.append({"url": fc.EXT_PROBLEM, "extension": parts})
    content = version.content
    ext: list[dict[str, Any]] = [{"url": fc.EXT_VERSION, "valueInteger": version.number}, *problems_ext]
    if content.next_review is not None:
        ext.append({"url": fc.EXT_NEXT_REVIEW, "valueDate": content.next_review.isoformat()})
    if version.given_on is not None and version.given_method is not None:
        ext.append(
            {
                "url": fc.EXT_COPY_GIVEN,
                "extension": [
                    {"url": "date", "valueDate": version.given_on.isoformat()},
                    {"url": "method", "valueCode": version.given_method.value},
                ],
            }
        )
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": plan_rid,
        "extension": ext,
        "status": "active",
        "intent": "plan",
        "title": f"Care plan, version {version.number}",
        "subject": ref("Patient", patient_rid),
        "created": version.finalized_at.isoformat(),
        "author": {"display": version.finalized_by},
    }
    if addresses:
        plan["addresses"] = addresses
    if out:
        plan["goal"] = [ref("Goal", rid) for rid, _ in out]
    if activities:
        plan["activity"] = activities
    notes = [
        {"text": getattr(content, name), "extension": [{"url": fc.EXT_SECTION, "valueCode": name}]}
        for name in TEXT_FIELDS
        if getattr(content, name)
    ]
    if notes:
        plan["note"] = notes
    return [*out, (plan_rid, plan)]
