"""The patient's copy in the patient's language (issue 12): every phrase in every language, the
record's language read as the care manager types it, dates spelled out without the OS locale,
and a Spanish copy read back from the PDF with the care manager's own wording as typed."""

from __future__ import annotations

import locale
import string
from datetime import date

import pytest

from caredesk.domain.careplan import CarePlanContent, Goal, Intervention, Owner, Problem
from caredesk.domain.patients import CareTeamMember, Medication
from caredesk.pdf.careplan import PlanContacts, goal_words, render_care_plan
from caredesk.pdf.medicine_words import SHORTHAND, medicine_row
from caredesk.pdf.plan_vocabulary import LANGUAGES, MONTHS, WORDS, Words, copy_language
from tests.pdf.test_careplan_pdf import BORN, CONTACTS, GENERATED, NAME, flat, small_plan, texts, version
from tests.pdf.test_fonts_embedded import fonts


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", [WORDS, SHORTHAND], ids=["plan words", "medicine shorthand"])
def test_every_phrase_is_in_every_language_with_the_same_fields(table):
    for key, by_language in table.items():
        assert set(by_language) == set(LANGUAGES), f"{key}: {sorted(set(LANGUAGES) - set(by_language))} missing"
        fields = {lang: _fields(text) for lang, text in by_language.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, f"{key}: fields differ {fields}"
        assert all(text.strip() for text in by_language.values()), key
    assert all(len(MONTHS[lang]) == 12 for lang in LANGUAGES)


@pytest.mark.parametrize(
    ("on_record", "language"),
    [
        ("Spanish", "es"),
        ("spanish", "es"),
        (" SPANISH ", "es"),
        ("es", "es"),
        ("es-MX", "es"),
        ("Español", "es"),
        ("espanol", "es"),
        ("Castellano", "es"),
        ("Spanish (Mexico)", "es"),
        ("English", "en"),
        ("", "en"),
        ("Vietnamese", "en"),  # no wording in it yet: English
        ("Mandarin", "en"),
    ],
)
def test_the_records_language_as_typed_chooses_the_copys(on_record, language):
    assert copy_language(on_record) == language


def test_dates_are_spelled_out_in_each_language_whatever_the_os_locale():
    before = locale.setlocale(locale.LC_TIME)
    assert Words("es").date(date(2026, 3, 3)) == "3 de marzo de 2026"
    assert Words("es").date(date(1947, 12, 25)) == "25 de diciembre de 1947"
    assert Words("en").date(date(2026, 3, 3)) == "March 3, 2026"
    assert locale.setlocale(locale.LC_TIME) == before  # never set


def test_medicine_shorthand_is_spelled_out_in_the_copys_language():
    med = Medication(patient_id=1, name="metformin", dose="1 tab", frequency="PO BID")
    assert medicine_row(med, "es") == ("Metformin", "1 tableta", "por la boca dos veces al día")
    assert medicine_row(med) == ("Metformin", "1 tablet", "by mouth twice a day")
    prn = Medication(patient_id=1, name="Ibuprofen", dose="", frequency="q6h prn dolor")
    assert medicine_row(prn, "es") == ("Ibuprofen", "-", "cada 6 horas cuando lo necesite para dolor")
    blank = Medication(patient_id=1, name="Vitamin D", dose="1000 IU", frequency="")
    assert medicine_row(blank, "es") == ("Vitamin D", "1000 unidades", "como le indicaron")


def test_a_goal_without_plain_wording_says_by_in_the_copys_language():
    goal = Goal(measure="A1c", target="below 8%", target_date=date(2027, 3, 1))
    assert goal_words(goal, Words("es")) == "A1c: below 8% para el 1 de marzo de 2027"


def test_an_office_named_for_its_doctor_is_worded_in_the_copys_language():
    team = [CareTeamMember(patient_id=1, role="PCP", name="Ana Ruiz", phone="(555) 019-0000")]
    assert PlanContacts.from_care_team(team, words=Words("es")).practice_name == "Dr. Ana Ruiz"


def _spanish_plan() -> CarePlanContent:
    plan = small_plan()
    typed = Problem(
        title="Presión alta",
        plain="Mi presión está alta.",
        goals=(Goal(measure="Presión en casa", target="menos de 140/90", target_date=date(2027, 1, 15)),),
        interventions=(
            Intervention(action="Revisar la presión", owner=Owner.PATIENT, frequency="diario"),
            Intervention(action="Llamar cada mes", owner=Owner.CARE_MANAGER, frequency="mensual"),
        ),
    )
    return CarePlanContent(
        problems=(*plan.problems, typed), symptom_management="Llame si se siente mareado.", next_review=date(2026, 3, 3)
    )


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large print"])
def test_a_spanish_patients_copy_prints_its_wording_in_spanish_and_the_plan_as_typed(large_print):
    content = _spanish_plan()
    team = PlanContacts(
        care_manager_name="Ana Ruiz, RN",
        practice_name="Demo Family Medicine",
        practice_phone="(555) 019-0000",
        specialists=(("Cardiólogo", "Dr. Lin", "(555) 019-0200"),),
    )
    meds = [Medication(patient_id=1, name="Lisinopril", dose="10 mg", frequency="1 tab PO qd")]
    data = render_care_plan(
        patient_name=NAME,
        birth_date=BORN,
        version=version(content),
        content=content,
        medications=meds,
        contacts=team,
        large_print=large_print,
        generated=GENERATED,
        language="Spanish",
    )
    embedded = fonts(data)
    assert embedded and all(embedded.values()), embedded
    pages = texts(data)
    text = flat(" ".join(pages))
    for heading in (
        "Mi plan de cuidados",
        "Mis problemas de salud",
        "Mis metas",
        "Lo que yo voy a hacer",
        "Lo que va a hacer mi equipo de cuidados",
        "Si me siento peor",
        "Mis medicinas",
        "A quién llamar",
        "Próxima revisión",
    ):
        assert heading in text, heading
    assert f"Este plan es para {NAME}." in text
    assert "Vamos a revisar este plan con usted otra vez, a más tardar el 3 de marzo de 2026." in text
    assert "Para el 1 de marzo de 2027" in text  # a plain goal's date, below it
    assert "Presión en casa: menos de 140/90 para el 15 de enero de 2027" in text
    assert "Cada cuándo: diario" in text  # label in Spanish, the frequency as typed
    assert "Medicina Cuánto Cada cuándo" in text and "1 tableta por la boca una vez al día" in text
    assert "Mi coordinador de cuidados" in text and "y pida hablar con mi coordinador de cuidados" in text
    assert "Cardiólogo Dr. Lin" in text and "Emergencia" in text and "911" in text
    assert (
        "Plan de cuidados, versión 2, terminado el 20 de noviembre de 2026. Impreso el 24 de noviembre de 2026." in text
    )
    for n, page in enumerate(pages, 1):
        assert f"Página {n} de {len(pages)}" in page
        assert "Fecha de nacimiento: 9 de febrero de 1947" in page and "Privado:" in page
    # The care manager's own wording stays as typed, English included.
    for typed in (
        "Bring my A1c under 8.",
        "Take my diabetes pills every day.",
        "Order A1c",
        "Llame si se siente mareado.",
    ):
        assert typed in text, typed
    # No fixed English wording is left.
    for english in (
        "My care plan",
        "My goals",
        "Who to call",
        "Page ",
        "Date of birth",
        "How often",
        "Private",
        "We will go over",
        "February",
        "Reached",
        "My doctor",
    ):
        assert english not in text, english


def test_other_languages_print_in_english():
    data = render_care_plan(
        patient_name=NAME,
        birth_date=BORN,
        version=version(small_plan()),
        content=small_plan(),
        medications=[],
        contacts=CONTACTS,
        generated=GENERATED,
        language="Vietnamese",
    )
    text = flat(" ".join(texts(data)))
    assert "My care plan" in text and "Page 1 of" in text and "Mi plan" not in text
