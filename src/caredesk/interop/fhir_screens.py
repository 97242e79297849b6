"""A screen (PHQ-2, PHQ-9, GAD-7, social needs) as a FHIR R4 QuestionnaireResponse and, when
complete and scored, an Observation of its total score.

QuestionnaireResponse (https://hl7.org/fhir/R4/questionnaireresponse.html): `questionnaire`
the LOINC form's canonical (http://loinc.org/q/44249-1 PHQ-9, 55757-9 PHQ-2, 69737-5 GAD-7);
CareDesk's social-needs screen asks a subset of the AHC tool's questions in its own order,
so it names CareDesk's own canonical rather than claim LOINC 96777-8's item list. status
completed, or in-progress for a screen left incomplete; one item per question answered
(linkId the question's number, text its wording), the answer a Coding: for the four
frequency answers of PHQ/GAD their LOINC answer codes (LA6568-5 ... LA6571-9, answer list
LL358-3), otherwise the option's value as code and its wording as display.

The total score: Observation category survey, LOINC 44261-6 (PHQ-9), 55758-7 (PHQ-2),
70274-6 (GAD-7) with valueInteger, derivedFrom the QuestionnaireResponse; the social-needs
screen's "score" (positive domains) has no LOINC total, so it gets none.

A screen's safety check (domain.safety: who checked a PHQ-9 item 9 or social-needs safety
answer, when, what was done) travels as a complex extension on its QuestionnaireResponse,
urn:caredesk:fhir:safety-check, with sub-extensions checked-at (valueDateTime, with its
offset), by (valueString), action (valueCoding in urn:caredesk:safety-action, one per action)
and note (valueString). Why not a Procedure: R4's Procedure.reasonReference cannot name a
QuestionnaireResponse (Condition, Observation, Procedure, DiagnosticReport, DocumentReference:
https://hl7.org/fhir/R4/procedure-definitions.html#Procedure.reasonReference) and the
social-needs screen has no score Observation to name instead; the protocol allows one check
per screen (domain.safety.check_refusal), so the screen's own resource is where it belongs.
"""

from __future__ import annotations

from typing import Any

from caredesk.domain.assessments import Instrument, spec
from caredesk.domain.coordination import Assessment
from caredesk.domain.safety import SafetyCheck
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_patient import ref

_OWN_QUESTIONNAIRE = "urn:caredesk:questionnaire:"
_ANSWER_SYSTEM = "urn:caredesk:answer"


def safety_extension(c: SafetyCheck) -> dict[str, Any]:
    """The safety check as the QuestionnaireResponse's extension (see the module's docstring)."""
    parts: list[dict[str, Any]] = [
        {"url": "checked-at", "valueDateTime": c.checked_at.isoformat()},
        {"url": "by", "valueString": c.by},
    ]
    for action in c.actions:
        coding = {"system": fc.SAFETY_ACTION_SYSTEM, "code": action.value, "display": action.label}
        parts.append({"url": "action", "valueCoding": coding})
    if c.note:
        parts.append({"url": "note", "valueString": c.note})
    return {"url": fc.EXT_SAFETY_CHECK, "extension": parts}


def screen_resources(
    a: Assessment, patient_rid: str, check: SafetyCheck | None = None
) -> list[tuple[str, dict[str, Any]]]:
    qr_rid = fc.stable_id("QuestionnaireResponse", a.id)
    s = spec(a.instrument)
    coded = fc.QUESTIONNAIRES.get(a.instrument)
    loinc_form = coded is not None and a.instrument is not Instrument.SOCIAL_NEEDS
    canonical = (
        f"http://loinc.org/q/{coded[0]}"
        if loinc_form and coded
        else _OWN_QUESTIONNAIRE + a.instrument.value.replace(" ", "-").replace("/", "-")
    )
    items: list[dict[str, Any]] = []
    for item, answer in zip(s.items, a.answers, strict=True):
        if answer is None:
            continue
        label = next(o.label for o in item.options if o.value == answer)
        if loinc_form and answer in fc.FREQUENCY_ANSWERS:
            coding = {"system": fc.LOINC, "code": fc.FREQUENCY_ANSWERS[answer], "display": label}
        else:
            coding = {"system": _ANSWER_SYSTEM, "code": str(answer), "display": label}
        items.append({"linkId": str(item.number), "text": item.text, "answer": [{"valueCoding": coding}]})
    qr: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": qr_rid,
        "questionnaire": canonical,
        "status": "completed" if a.complete else "in-progress",
        "subject": ref("Patient", patient_rid),
        "authored": a.taken_on.isoformat(),
    }
    if check is not None:
        qr["extension"] = [safety_extension(check)]
    if items:
        qr["item"] = items
    out = [(qr_rid, qr)]
    if coded and coded[1] and a.complete and a.score is not None:
        obs_rid = fc.stable_id("Observation", "screen", a.id)
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": obs_rid,
            "status": "final",
            "category": [
                {
                    "coding": [
                        {"system": fc.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"},
                    ]
                }
            ],
            "code": {
                "coding": [{"system": fc.LOINC, "code": coded[1], "display": coded[2]}],
                "text": f"{a.instrument.value} total score",
            },
            "subject": ref("Patient", patient_rid),
            "effectiveDateTime": a.taken_on.isoformat(),
            "valueInteger": a.score,
            "derivedFrom": [ref("QuestionnaireResponse", qr_rid)],
        }
        if a.band:
            obs["interpretation"] = [{"text": a.band}]
        out.append((obs_rid, obs))
    return out
