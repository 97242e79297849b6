"""What `patient show --json` and `patient add --json` print, and the demographic options that
`patient edit` and `patient add` share (option dest -> Patient field)."""

from __future__ import annotations

from datetime import date
from typing import Any

from caredesk.domain.calendar import age_on
from caredesk.domain.patients import Enrollment, Patient
from caredesk.services.enrollments import enrollment_status

DEMOGRAPHIC_OPTIONS = {
    "given": "given_name",
    "family": "family_name",
    "preferred": "preferred_name",
    "sex": "sex",
    "language": "language",
    "address": "address",
    "call_window": "call_window",
    "pcp": "pcp",
    "payer": "payer",
    "risk": "risk_tier",
}


def enrollment_json(e: Enrollment, today: date) -> dict[str, Any]:
    return {
        "id": e.id,
        "program": e.program.value,
        "start_date": e.start_date.isoformat(),
        "end_date": e.end_date.isoformat() if e.end_date else None,
        "active": e.active_on(today),
        "status": enrollment_status(e, today),  # upcoming, current or ended
        "consent_date": e.consent_date.isoformat() if e.consent_date else None,
        "consent_method": e.consent_method.value if e.consent_method else None,
        "billing_practitioner": e.billing_practitioner,
        "qmb": e.qmb,
    }


def patient_json(p: Patient, enrollments: tuple[Enrollment, ...], today: date) -> dict[str, Any]:
    return {
        "id": p.id,
        "mrn": p.mrn,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "preferred_name": p.preferred_name,
        "birth_date": p.birth_date.isoformat(),
        "age": age_on(p.birth_date, today),
        "sex": p.sex.value,
        "language": p.language,
        "phones": [{"number": ph.number, "type": ph.kind} for ph in p.phones],
        "address": p.address,
        "call_window": p.call_window,
        "pcp": p.pcp,
        "payer": p.payer,
        "risk_tier": p.risk_tier.value,
        "status": p.status.value,
        "died_on": p.died_on.isoformat() if p.died_on else None,
        "enrollments": [enrollment_json(e, today) for e in enrollments],
    }
