"""The patient's copy's fixed wording, in each language it prints in: one table, one row per phrase.

Issue 12: the copy's own wording (headings, labels, the footer, "Who to call", dates) prints in
the patient's language when CareDesk has it (English and Spanish), else in English; what the care
manager typed prints as typed. Adding a language is a column in `WORDS` (and its month names):
tests/pdf/test_plan_vocabulary.py fails while any phrase lacks it.

The Spanish is written for patients in the US at about a 6th-grade reading level, in the "usted"
form; the plan's own voice stays in the first person, as the English ("Mis metas", "Lo que yo haré").
Dates are spelled out with the month's name from this table, never from the OS locale.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

from caredesk.domain.calendar import MONTH_NAMES

ENGLISH: Final = "en"
SPANISH: Final = "es"
LANGUAGES: Final = (ENGLISH, SPANISH)

# The patient record's language is free text (default "English"; the demo writes "Spanish"):
# folded (lower case, no accents, no dots) -> the language the copy prints in.
_NAMES = {
    "english": ENGLISH,
    "en": ENGLISH,
    "spanish": SPANISH,
    "es": SPANISH,
    "espanol": SPANISH,
    "castellano": SPANISH,
    "spa": SPANISH,
}

# {phrase: {language: wording}}. `{name}`-style fields are filled by Words.__call__.
WORDS: Final[dict[str, dict[str, str]]] = {
    "title": {ENGLISH: "My care plan", SPANISH: "Mi plan de cuidados"},
    "intro": {
        ENGLISH: "This plan is for {name}. It shows what we are working on together, what you will do, "
        "and what your care team will do. Keep it handy and bring it to your visits.",
        SPANISH: "Este plan es para {name}. Muestra en qué estamos trabajando juntos, lo que usted va a hacer "
        "y lo que va a hacer su equipo de cuidados. Téngalo a la mano y tráigalo a sus citas.",
    },
    "draft": {
        ENGLISH: "This is a draft. Your care team has not finished it yet.",
        SPANISH: "Esto es un borrador. Su equipo de cuidados todavía no lo termina.",
    },
    "concerns": {ENGLISH: "My health concerns", SPANISH: "Mis problemas de salud"},
    "goals": {ENGLISH: "My goals", SPANISH: "Mis metas"},
    "mine": {ENGLISH: "What I will do", SPANISH: "Lo que yo voy a hacer"},
    "team": {ENGLISH: "What my care team will do", SPANISH: "Lo que va a hacer mi equipo de cuidados"},
    "worse": {ENGLISH: "If I feel worse", SPANISH: "Si me siento peor"},
    "medicines": {ENGLISH: "My medicines", SPANISH: "Mis medicinas"},
    "medicines_keep": {
        ENGLISH: "Keep this list with you. Tell your care team about any new medicine, vitamin or supplement.",
        SPANISH: "Lleve esta lista con usted. Avise a su equipo de cuidados si empieza a tomar una medicina, "
        "vitamina o suplemento nuevo.",
    },
    "medicines_none": {
        ENGLISH: "No medicines are listed for you. Please bring all your medicine bottles to your next visit.",
        SPANISH: "No tenemos medicinas anotadas para usted. Por favor, traiga todos sus frascos de medicina "
        "a su próxima cita.",
    },
    "call": {ENGLISH: "Who to call", SPANISH: "A quién llamar"},
    "review": {ENGLISH: "Next review", SPANISH: "Próxima revisión"},
    "review_by": {
        ENGLISH: "We will go over this plan with you again by {date}.",
        SPANISH: "Vamos a revisar este plan con usted otra vez, a más tardar el {date}.",
    },
    "review_next": {
        ENGLISH: "We will go over this plan with you at your next check-in.",
        SPANISH: "Vamos a revisar este plan con usted otra vez en su próxima cita o llamada.",
    },
    "review_change": {
        ENGLISH: "You can ask to change your plan at any time.",
        SPANISH: "Usted puede pedir cambios a su plan en cualquier momento.",
    },
    # Table headings.
    "col_who": {ENGLISH: "Who", SPANISH: "Quién"},
    "col_team_what": {ENGLISH: "What they will do", SPANISH: "Lo que va a hacer"},
    "col_medicine": {ENGLISH: "Medicine", SPANISH: "Medicina"},
    "col_how_much": {ENGLISH: "How much", SPANISH: "Cuánto"},
    "col_how_often": {ENGLISH: "How often", SPANISH: "Cada cuándo"},
    "col_call_for": {ENGLISH: "Call them for", SPANISH: "Llame para"},
    "col_phone": {ENGLISH: "Phone", SPANISH: "Teléfono"},
    # Goals and steps.
    "how_often": {ENGLISH: "How often: {often}", SPANISH: "Cada cuándo: {often}"},
    "goal_by": {ENGLISH: "By {date}", SPANISH: "Para el {date}"},
    "goal_target_by": {ENGLISH: "{goal} by {date}", SPANISH: "{goal} para el {date}"},
    "goal_met": {ENGLISH: "Reached \u2713", SPANISH: "Lo logré \u2713"},
    "goal_in_progress": {ENGLISH: "Working on it", SPANISH: "Estoy trabajando en esto"},
    "goal_not_met": {ENGLISH: "Still working on it", SPANISH: "Sigo trabajando en esto"},
    # Who does what (the team's steps) and who to call.
    "owner_care_manager": {ENGLISH: "My care manager", SPANISH: "Mi coordinador de cuidados"},
    "owner_pcp": {ENGLISH: "My primary care doctor", SPANISH: "Mi médico de cabecera"},
    "owner_specialist": {ENGLISH: "My specialist", SPANISH: "Mi especialista"},
    "owner_community": {ENGLISH: "Community services", SPANISH: "Servicios de la comunidad"},
    "manager_for": {
        ENGLISH: "Questions about this plan or how I am doing",
        SPANISH: "Preguntas sobre este plan o sobre cómo me siento",
    },
    "manager_ask": {ENGLISH: "and ask for my care manager", SPANISH: "y pida hablar con mi coordinador de cuidados"},
    "manager_no_number": {
        ENGLISH: "Call my doctor\u2019s office and ask for my care manager",
        SPANISH: "Llame al consultorio de mi médico y pida hablar con mi coordinador de cuidados",
    },
    "office": {ENGLISH: "My doctor\u2019s office", SPANISH: "El consultorio de mi médico"},
    # Below "My doctor's office" in Who to call; Spanish needs no "office of" there (and "del Dr." /
    # "de la Dra." would need the doctor's gender).
    "office_of": {ENGLISH: "{doctor}\u2019s office", SPANISH: "{doctor}"},
    "office_for": {ENGLISH: "Appointments, refills and new problems", SPANISH: "Citas, recetas y problemas nuevos"},
    "office_no_number": {
        ENGLISH: "The number on your appointment card",
        SPANISH: "El número que está en su tarjeta de citas",
    },
    "specialist_who": {ENGLISH: "My {role}", SPANISH: "{role}"},  # the role as typed: "My cardiologist"
    "specialist_for": {
        ENGLISH: "Questions about their part of my care",
        SPANISH: "Preguntas sobre su parte de mi cuidado",
    },
    "specialist_no_number": {
        ENGLISH: "Ask my doctor\u2019s office for the number",
        SPANISH: "Pida el número en el consultorio de mi médico",
    },
    "after_hours": {ENGLISH: "After hours", SPANISH: "Fuera de horario"},
    "after_hours_for": {ENGLISH: "Nights, weekends and holidays", SPANISH: "Noches, fines de semana y días festivos"},
    "after_hours_no_number": {
        ENGLISH: "Call my doctor\u2019s office and follow the after-hours message",
        SPANISH: "Llame al consultorio de mi médico y siga las instrucciones del mensaje",
    },
    "emergency": {ENGLISH: "Emergency", SPANISH: "Emergencia"},
    "emergency_for": {
        ENGLISH: "Chest pain, trouble breathing, fainting",
        SPANISH: "Dolor de pecho, falta de aire, desmayos",
    },
    # Page furniture.
    "born": {ENGLISH: "Date of birth: {date}", SPANISH: "Fecha de nacimiento: {date}"},
    "page": {ENGLISH: "Page {page} of {total}", SPANISH: "Página {page} de {total}"},
    "private": {
        ENGLISH: "Private: this plan holds your health information. Keep it somewhere safe.",
        SPANISH: "Privado: este plan tiene información sobre su salud. Guárdelo en un lugar seguro.",
    },
    "version": {
        ENGLISH: "Care plan version {number}, finalized {finalized}. Printed {printed}.",
        SPANISH: "Plan de cuidados, versión {number}, terminado el {finalized}. Impreso el {printed}.",
    },
    "draft_footer": {
        ENGLISH: "Draft care plan, not yet finalized. Printed {printed}.",
        SPANISH: "Borrador del plan de cuidados, todavía sin terminar. Impreso el {printed}.",
    },
    # A date spelled out: "March 4, 1950", "4 de marzo de 1950".
    "date": {ENGLISH: "{month} {day}, {year}", SPANISH: "{day} de {month} de {year}"},
}

MONTHS: Final[dict[str, tuple[str, ...]]] = {
    ENGLISH: MONTH_NAMES,
    SPANISH: (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}


def copy_language(on_record: str) -> str:
    """The language the copy prints in for the record's language ('Spanish', 'es', 'Español',
    'es-MX' ...): a language of LANGUAGES, English for any other or none."""
    folded = unicodedata.normalize("NFKD", on_record).encode("ascii", "ignore").decode().strip().lower()
    folded = folded.replace(".", "")
    return _NAMES.get(folded) or _NAMES.get(folded.replace("_", "-").split("-")[0].split(" ")[0], ENGLISH)


@dataclass(frozen=True, slots=True)
class Words:
    """The copy's wording in one language: `words("page", page=1, total=3)`; `words.date(d)`."""

    language: str = ENGLISH

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"no wording for the copy in {self.language!r}")

    def __call__(self, key: str, **fields: object) -> str:
        """The phrase `key` with its fields filled. KeyError for a phrase not in WORDS."""
        return WORDS[key][self.language].format(**fields)

    def date(self, d: date) -> str:
        """'March 4, 1950' / '4 de marzo de 1950': no numeric dates to misread, no OS locale."""
        return self("date", month=MONTHS[self.language][d.month - 1], day=d.day, year=d.year)


IN_ENGLISH: Final = Words(ENGLISH)


def words_for(on_record: str) -> Words:
    """The copy's wording for a patient whose record says `on_record` (see copy_language)."""
    return Words(copy_language(on_record))
