"""The code systems, codes and units CareDesk's FHIR R4 export writes and its import reads.

Data, one source per line. Systems are the canonical URIs of FHIR R4 terminology
(https://hl7.org/fhir/R4/terminologies-systems.html). CareDesk's own values (programs,
the care-plan problem list, patient details FHIR has no element for) use `urn:caredesk:`
URIs: a logical name is allowed as an extension's url (https://hl7.org/fhir/R4/extensibility.html#Extension,
"Source of the definition for the extension code - a logical name or a URL").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from caredesk.domain.assessments import Instrument
from caredesk.domain.patients import ObservationKind

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
BCP47 = "urn:ietf:bcp:47"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
ENCOUNTER_CLASS = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_MODE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"

# The patient's MRN: the practice's own identifier system is not known to CareDesk, so the
# export names CareDesk's; an importing EHR maps it to its MRN system.
MRN_SYSTEM = "urn:caredesk:mrn"
PROGRAM_SYSTEM = "urn:caredesk:program"
ACTIVITY_SYSTEM = "urn:caredesk:activity"

# CareDesk's extensions (documented where each is written).
EXT = "urn:caredesk:fhir:"
EXT_CHRONIC = EXT + "chronic"  # Condition: counts as chronic for CCM billing (valueBoolean)
EXT_ADHERENCE = EXT + "adherence"  # MedicationStatement: good/partial/poor/unknown (valueCode); R4 has no element
EXT_PATIENT = EXT + "patient-details"  # Basic: status, risk tier, call window
EXT_CONSENT = EXT + "consent"  # EpisodeOfCare: consent date and method
EXT_QMB = EXT + "qmb"  # EpisodeOfCare (APCM): a Qualified Medicare Beneficiary (valueBoolean)
EXT_PROBLEM = EXT + "care-plan-problem"  # CarePlan: one problem of the plan, in order
EXT_SECTION = EXT + "care-plan-section"  # CarePlan.note: which text section (valueCode)
EXT_NEXT_REVIEW = EXT + "care-plan-next-review"  # CarePlan: valueDate
EXT_VERSION = EXT + "care-plan-version"  # CarePlan: the finalized version's number (valueInteger)
EXT_COPY_GIVEN = EXT + "care-plan-copy-given"  # CarePlan: date and method the copy went to the patient
EXT_PLAIN = EXT + "plain-language"  # Goal, CarePlan.activity: what the patient reads (valueString)
EXT_FOLLOW_UP = EXT + "contact-follow-up"  # Communication: the contact's follow-up date (valueDate)
EXT_MINUTES_DAY = EXT + "minutes-day"  # Encounter: the day the minutes count on, when not period.start's
EXT_SAFETY_CHECK = EXT + "safety-check"  # QuestionnaireResponse: the safety check of a flagged screen (fhir_screens)
EXT_FOR_STAY = EXT + "for-stay"  # Appointment: the stay's Encounter a TCM visit follows up (fhir_appointments)
EXT_REFERRAL_STEP = EXT + "referral-step"  # ServiceRequest: one step of a referral (fhir_referrals)
EXT_READING_DAYS = EXT + "reading-days"  # DeviceUseStatement: the days an RPM device sent readings (fhir_devices)
EXT_TCM = EXT + "tcm"  # Encounter (a hospital stay): complexity and the TCM steps' dates (fhir_stays)
SAFETY_ACTION_SYSTEM = "urn:caredesk:safety-action"  # domain.safety.SafetyAction values
BASIC_PATIENT_CODE = "caredesk-patient-details"

# SNOMED CT 716186003 "No known allergy (situation)": how FHIR R4 records "no known allergies"
# (https://hl7.org/fhir/R4/allergyintolerance.html, "no known allergies"; example allergyintolerance-nka).
NO_KNOWN_ALLERGY = "716186003"


@dataclass(frozen=True, slots=True)
class Measure:
    """How one ObservationKind is coded: LOINC code and name, category, and the codes an
    import also accepts for it (another method or specimen for the same measure)."""

    loinc: str
    display: str
    category: str  # vital-signs | laboratory
    also: tuple[str, ...] = ()


# LOINC codes from https://loinc.org/<code>/ ; the vital signs are those of the FHIR R4
# Vital Signs profile (https://hl7.org/fhir/R4/observation-vitalsigns.html, table of codes).
MEASURES: dict[ObservationKind, Measure] = {
    ObservationKind.SYSTOLIC_BP: Measure("8480-6", "Systolic blood pressure", "vital-signs"),
    ObservationKind.DIASTOLIC_BP: Measure("8462-4", "Diastolic blood pressure", "vital-signs"),
    ObservationKind.WEIGHT: Measure("29463-7", "Body weight", "vital-signs", ("3141-9",)),
    ObservationKind.HEART_RATE: Measure("8867-4", "Heart rate", "vital-signs"),
    # 59408-5 "Oxygen saturation in Arterial blood by Pulse oximetry" (the vital-signs profile's
    # second code); 2708-6 the arterial-blood code the profile also requires.
    ObservationKind.SPO2: Measure(
        "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "vital-signs", ("2708-6",)
    ),
    ObservationKind.TEMPERATURE: Measure("8310-5", "Body temperature", "vital-signs"),
    ObservationKind.RESPIRATORY_RATE: Measure("9279-1", "Respiratory rate", "vital-signs"),
    ObservationKind.A1C: Measure(
        "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "laboratory", ("17856-6", "4549-2")
    ),
    ObservationKind.GLUCOSE: Measure(
        "2339-0", "Glucose [Mass/volume] in Blood", "laboratory", ("2345-7", "41653-7", "1558-6")
    ),
    # eGFR: CareDesk does not record the equation. 98979-8 is the CKD-EPI 2021 (race-free)
    # code US labs report since the NKF-ASN task force's 2021 recommendation; the MDRD (33914-3)
    # and CKD-EPI 2009 (62238-1) codes and the race-specific ones import as eGFR too.
    ObservationKind.EGFR: Measure(
        "98979-8",
        "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)",
        "laboratory",
        ("33914-3", "62238-1", "48642-3", "48643-1", "69405-9", "88293-6", "88294-4"),
    ),
    # 13457-7 LDL calculated (Friedewald, what a lipid panel usually reports); 18262-6 direct.
    ObservationKind.LDL: Measure(
        "13457-7",
        "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation",
        "laboratory",
        ("18262-6", "2089-1"),
    ),
    ObservationKind.HDL: Measure("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", "laboratory"),
}

# The blood-pressure panel of the vital-signs profile: 85354-9 with systolic and diastolic components.
BP_PANEL = "85354-9"
BP_PANEL_DISPLAY = "Blood pressure panel with all children optional"

# CareDesk's unit text -> UCUM code (https://ucum.org/ucum; the vital-signs profile's units:
# mm[Hg], kg / [lb_av], /min, %, Cel / [degF]).
UCUM_OF_UNIT: dict[str, str] = {
    "mmHg": "mm[Hg]",
    "%": "%",
    "lb": "[lb_av]",
    "kg": "kg",
    "mg/dL": "mg/dL",
    "bpm": "/min",
    "breaths/min": "/min",
    "mL/min/1.73m2": "mL/min/{1.73_m2}",
    "°F": "[degF]",
    "°C": "Cel",
}

# Screens: questionnaire canonicals in LOINC's form (https://loinc.org/fhir/ "Questionnaire"
# resources at http://loinc.org/q/<panel code>) and the total-score code of each.
QUESTIONNAIRES: dict[Instrument, tuple[str, str, str]] = {
    # instrument: (panel code, total-score code, total-score display)
    Instrument.PHQ9: ("44249-1", "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    Instrument.PHQ2: ("55757-9", "55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]"),
    Instrument.GAD7: ("69737-5", "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
    # AHC HRSN screening tool core questions (LOINC 96777-8); score = positive domains.
    Instrument.SOCIAL_NEEDS: ("96777-8", "", ""),
}

# The four frequency answers of PHQ and GAD items (LOINC answer list LL358-3).
FREQUENCY_ANSWERS = {0: "LA6568-5", 1: "LA6569-3", 2: "LA6570-1", 3: "LA6571-9"}

# Language names as CareDesk stores them <-> BCP-47 tags (https://hl7.org/fhir/R4/valueset-languages.html).
LANGUAGE_TAGS = {
    "English": "en",
    "Spanish": "es",
    "Chinese": "zh",
    "Mandarin": "zh",
    "Cantonese": "yue",
    "Vietnamese": "vi",
    "Korean": "ko",
    "Tagalog": "tl",
    "Russian": "ru",
    "Arabic": "ar",
    "French": "fr",
    "Haitian Creole": "ht",
    "Portuguese": "pt",
    "Polish": "pl",
    "Japanese": "ja",
    "German": "de",
    "Italian": "it",
    "Hindi": "hi",
    "Urdu": "ur",
    "Bengali": "bn",
    "Somali": "so",
    "Amharic": "am",
    "Hebrew": "he",
    "Greek": "el",
    "Persian": "fa",
    "Farsi": "fa",
}

# The namespace of the ids: the store's own (services.store_identity, a uuid4 kept in the
# store), set by the export around its work (store_ids). Row ids alone are the same in every
# store (row 1), so a namespace fixed in the code gave two stores' patients one id. A
# ContextVar, not a parameter of every resource builder: the GUI exports in a worker thread,
# and each thread (context) sees only its own export's namespace. NAMESPACE is the default
# outside an export (a resource built on its own, as tests do).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:caredesk:fhir")
_STORE_NAMESPACE: ContextVar[uuid.UUID] = ContextVar("fhir_store_namespace", default=NAMESPACE)


@contextmanager
def store_ids(namespace: uuid.UUID) -> Iterator[None]:
    """stable_id's ids are under `namespace` (the store's identity) inside the block."""
    token = _STORE_NAMESPACE.set(namespace)
    try:
        yield
    finally:
        _STORE_NAMESPACE.reset(token)


def stable_id(*parts: object) -> str:
    """A uuid5 (RFC 4122 section 4.3) of the parts ("Patient", 12) under the store's
    namespace: one record, one id, on every export of its store; no other store's record has it."""
    return str(uuid.uuid5(_STORE_NAMESPACE.get(), "/".join(str(p) for p in parts)))


def full_url(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def ucum(unit: str) -> str | None:
    """UCUM code for CareDesk's unit text, or None when it has none on file."""
    return UCUM_OF_UNIT.get(unit)
