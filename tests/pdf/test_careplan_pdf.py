"""The patient's care-plan PDF, read back: sections, goals, fonts, pages, metadata, type size."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from caredesk.domain.careplan import CarePlanContent, CarePlanVersion, Goal, GoalStatus, Intervention, Owner, Problem
from caredesk.domain.patients import CareTeamMember, Medication
from caredesk.pdf.careplan import PlanContacts, goal_words, render_care_plan

NAME = "José Núñez"
BORN = date(1947, 2, 9)
GENERATED = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
SECTIONS = (
    "My care plan",
    "My health concerns",
    "My goals",
    "What I will do",
    "What my care team will do",
    "My medicines",
    "Who to call",
    "Next review",
)


def small_plan() -> CarePlanContent:
    return CarePlanContent(
        problems=(
            Problem(
                title="Type 2 diabetes",
                condition_icd10="E11.9",
                plain="My blood sugar needs watching.",
                goals=(
                    Goal(measure="A1c", target="below 8%", target_date=date(2027, 3, 1), plain="Bring my A1c under 8."),
                    Goal(
                        measure="Fasting glucose",
                        target="80-130 mg/dL",
                        target_date=date(2027, 2, 1),
                        status=GoalStatus.IN_PROGRESS,
                    ),
                ),
                interventions=(
                    Intervention(
                        action="Take diabetes medicines",
                        owner=Owner.PATIENT,
                        frequency="daily",
                        plain="Take my diabetes pills every day.",
                    ),
                    Intervention(action="Order A1c", owner=Owner.PCP, frequency="every 3 months"),
                    Intervention(action="Diabetes class referral", owner=Owner.COMMUNITY, frequency="once"),
                ),
            ),
            Problem(
                title="High blood pressure",
                condition_icd10="I10",
                goals=(Goal(measure="Home blood pressure", target="below 140/90", target_date=date(2027, 1, 15)),),
                interventions=(
                    Intervention(action="Review readings on call", owner=Owner.CARE_MANAGER, frequency="monthly"),
                ),
            ),
        ),
        symptom_management="Call the clinic for new or worse symptoms.",
        next_review=date(2027, 2, 20),
    )


def long_plan() -> CarePlanContent:
    """10 problems x 4 goals = 40 goals, with interventions for each owner."""
    owners = list(Owner)
    return CarePlanContent(
        problems=tuple(
            Problem(
                title=f"Concern {p + 1}",
                plain=f"Health concern number {p + 1} in my own words.",
                goals=tuple(
                    Goal(
                        measure=f"Measure {p + 1}.{g + 1}",
                        target="a healthy range",
                        target_date=date(2027, 1 + g, 10),
                        plain=f"Goal {p + 1}.{g + 1}: keep this measure in a healthy range.",
                    )
                    for g in range(4)
                ),
                interventions=tuple(
                    Intervention(
                        action=f"Action {p + 1}.{i + 1} to support the goals",
                        owner=owners[(p + i) % len(owners)],
                        frequency="weekly",
                    )
                    for i in range(3)
                ),
            )
            for p in range(10)
        ),
        next_review=date(2027, 5, 1),
    )


def version(content: CarePlanContent, number: int = 2) -> CarePlanVersion:
    return CarePlanVersion(
        patient_id=1,
        number=number,
        content=content,
        finalized_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
        finalized_by="Ana Ruiz, RN",
    )


MEDS = [
    Medication(patient_id=1, name="Metformin", dose="500 mg", frequency="twice a day with meals"),
    Medication(patient_id=1, name="Lisinopril", dose="10 mg", frequency="once a day"),
]
CONTACTS = PlanContacts(
    care_manager_name="Ana Ruiz, RN",
    care_manager_phone="(555) 019-0001",
    practice_name="Demo Family Medicine",
    practice_phone="(555) 019-0000",
)


def render(content: CarePlanContent, *, large_print: bool = False, name: str = NAME, meds=MEDS) -> bytes:
    return render_care_plan(
        patient_name=name,
        birth_date=BORN,
        version=version(content),
        content=content,
        medications=meds,
        contacts=CONTACTS,
        large_print=large_print,
        generated=GENERATED,
    )


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def contacts_text(contacts: PlanContacts) -> str:
    """The flattened text of an empty draft's copy printed with `contacts` (its "Who to call")."""
    generated = render_care_plan(
        patient_name=NAME,
        birth_date=BORN,
        version=None,
        content=CarePlanContent(),
        medications=[],
        contacts=contacts,
        generated=GENERATED,
    )
    return flat(" ".join(texts(generated)))


def font_sizes(data: bytes) -> Counter[float]:
    """How often each font size is set (Tf) across the content streams."""
    sizes: Counter[float] = Counter()
    for page in PdfReader(io.BytesIO(data)).pages:
        stream = page.get_contents().get_data().decode("latin-1")
        sizes.update(float(s) for s in re.findall(r"/F\S+ ([\d.]+) Tf", stream))
    return sizes


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    return render(small_plan())


@pytest.fixture(scope="module")
def long_pdfs() -> tuple[bytes, bytes]:
    return render(long_plan()), render(long_plan(), large_print=True)


def test_sections_goals_medicines_and_contacts_are_present(small_pdf):
    assert small_pdf.startswith(b"%PDF")
    text = flat(" ".join(texts(small_pdf)))
    for section in SECTIONS:
        assert section in text
    assert "Bring my A1c under 8." in text  # the plain wording
    assert "Fasting glucose: 80-130 mg/dL by February 1, 2027" in text  # measure: target by date
    assert "My blood sugar needs watching." in text and "High blood pressure" in text
    assert "Take my diabetes pills every day." in text  # the patient's own action
    assert "My primary care doctor" in text and "Order A1c" in text  # the team's, saying who
    assert "Community services" in text and "My care manager" in text
    assert "Metformin" in text and "500 mg" in text and "twice a day with meals" in text
    assert "(555) 019-0001" in text and "911" in text
    assert "February 20, 2027" in text  # next review
    assert "version 2" in text and "November 20, 2026" in text  # small print


def test_accented_names_extract_exactly(small_pdf):
    first = texts(small_pdf)[0]
    assert NAME in first
    for name in ("Zoë Ødegård", "Nguyễn Thị Hạnh"):
        assert name in texts(render(small_plan(), name=name))[0]


def test_the_truetype_font_is_embedded(small_pdf):
    reader = PdfReader(io.BytesIO(small_pdf))
    embedded = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is not None:
                embedded.append("/FontFile2" in descriptor.get_object())
    assert embedded and all(embedded)


def test_every_page_of_a_40_goal_plan_has_name_birth_date_and_page_x_of_y(long_pdfs):
    for data in long_pdfs:
        pages = texts(data)
        assert len(pages) >= 3
        for n, text in enumerate(pages, 1):
            assert f"Page {n} of {len(pages)}" in text
            assert NAME in text
            assert "February 9, 1947" in text
            assert "Private" in text  # the confidentiality line
        everything = flat(" ".join(pages))
        for p in range(1, 11):
            for g in range(1, 5):
                assert f"Goal {p}.{g}: keep this measure in a healthy range." in everything


def test_no_heading_is_left_alone_at_the_foot_of_a_page(long_pdfs):
    for data in long_pdfs:
        for text in texts(data):
            body = [line.strip() for line in text.splitlines() if line.strip()]
            # Header and footer are drawn last; without them, the page's last line is never a
            # section heading or a problem's subheading ("Concern N").
            decorations = (NAME, "Date of birth", "Page ", "Private", "Care plan version")
            last = [b for b in body if not b.startswith(decorations)][-1]
            assert last not in SECTIONS and not re.fullmatch(r"Concern \d+", last), last


def test_metadata_names_the_document_not_the_patient(small_pdf):
    meta = PdfReader(io.BytesIO(small_pdf)).metadata
    assert meta.title == "My care plan" and meta.author == "CareDesk"
    values = " ".join(str(v) for v in meta.values())
    assert "Núñez" not in values and "José" not in values and "1947" not in values


def test_large_print_is_16_pt_and_takes_more_pages(long_pdfs):
    normal, large = long_pdfs
    assert len(texts(large)) > len(texts(normal))
    normal_body = font_sizes(normal).most_common(1)[0][0]
    large_body = font_sizes(large).most_common(1)[0][0]
    assert normal_body >= 12
    assert large_body >= 16
    # Headings are bigger than the body in both.
    assert max(font_sizes(normal)) > normal_body and max(font_sizes(large)) > large_body


def test_goal_wording_falls_back_to_measure_target_and_date():
    assert (
        goal_words(Goal(measure="weight", target="5% lower", target_date=date(2027, 5, 1)))
        == "Weight: 5% lower by May 1, 2027"
    )
    assert goal_words(Goal(measure="A1c", plain="  Bring my A1c under 8. ")) == "Bring my A1c under 8."


def test_contacts_come_from_the_care_team_with_placeholders_otherwise():
    team = [
        CareTeamMember(
            patient_id=1,
            name="Dr. Amara Okafor",
            role="PCP",
            organization="Demo Family Medicine",
            phone="(555) 019-0000",
        ),
        CareTeamMember(patient_id=1, name="Ana Ruiz, RN", role="Care manager", phone="(555) 019-0001"),
    ]
    c = PlanContacts.from_care_team(team)
    assert (c.care_manager_name, c.care_manager_phone) == ("Ana Ruiz, RN", "(555) 019-0001")
    assert (c.practice_name, c.practice_phone, c.after_hours_phone) == ("Demo Family Medicine", "(555) 019-0000", "")
    empty = PlanContacts.from_care_team([])
    text = contacts_text(empty)
    assert "My care manager" in text and "after-hours message" in text and "911" in text
    assert "draft" in text.lower() and "No medicines are listed" in text


def test_who_to_call_lists_the_specialists_on_the_care_team_with_their_numbers():
    """Issue 12: "Who to call" left out the specialists on the care team. Family is not listed."""
    team = [
        CareTeamMember(patient_id=1, name="Dr. Amara Okafor", role="PCP", phone="(555) 019-0000"),
        CareTeamMember(
            patient_id=1,
            name="Dr. Lin Qzx",
            role="Cardiologist",
            organization="Heart Associates",
            phone="(555) 019-0200",
        ),
        CareTeamMember(patient_id=1, name="Sam Qzx", role="Pharmacist"),
        CareTeamMember(patient_id=1, name="Ruth Qzx", role="Caregiver (daughter)", phone="(555) 019-0300"),
    ]
    contacts = PlanContacts.from_care_team(team)
    assert contacts.specialists == (
        ("Cardiologist", "Dr. Lin Qzx, Heart Associates", "(555) 019-0200"),
        ("Pharmacist", "Sam Qzx", ""),
    )
    text = contacts_text(contacts)
    assert "My cardiologist Dr. Lin Qzx, Heart Associates" in text and "(555) 019-0200" in text
    assert "My pharmacist Sam Qzx" in text and "Ask my doctor’s office for the number" in text
    assert "Ruth Qzx" not in text


def _last_body_line(text: str) -> str:
    decorations = ("Date of birth", "Page ", "Private", "Care plan version")
    body = [line.strip() for line in text.splitlines() if line.strip()]
    return [b for b in body if not b.startswith(decorations) and b not in (NAME,)][-1]


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("medicines", [0, 2, 9, 30])
def test_short_and_long_plans_never_end_a_page_on_a_heading(large_print, medicines):
    meds = [
        Medication(patient_id=1, name=f"Medicine number {i}", dose="10 mg", frequency="once a day, in the morning")
        for i in range(medicines)
    ]
    for content in (small_plan(), long_plan()):
        data = render_care_plan(
            patient_name=NAME,
            birth_date=BORN,
            version=version(content),
            content=content,
            medications=meds,
            contacts=CONTACTS,
            large_print=large_print,
            generated=GENERATED,
        )
        pages = texts(data)
        for text in pages:
            assert _last_body_line(text) not in SECTIONS, _last_body_line(text)
        if medicines > 20:  # a long medicine list splits with its header row on each page
            assert sum("How much" in t for t in pages) >= 2
        everything = flat(" ".join(pages))
        for i in range(medicines):
            assert f"Medicine number {i} " in everything


def test_a_plain_wording_that_says_when_needs_no_how_often():
    from caredesk.pdf.careplan import intervention_words

    assert intervention_words(
        Intervention(
            action="BP log", owner=Owner.PATIENT, frequency="daily", plain="Check my blood pressure every morning."
        )
    ) == ("Check my blood pressure every morning.", "")
    assert intervention_words(
        Intervention(
            action="Call clinic", owner=Owner.PATIENT, frequency="as needed", plain="Call the clinic if I gain weight."
        )
    ) == ("Call the clinic if I gain weight.", "as needed")
    assert intervention_words(Intervention(action="Order A1c", owner=Owner.PCP, frequency="every 3 months")) == (
        "Order A1c",
        "every 3 months",
    )


def test_every_date_on_the_paper_is_the_clinics_local_date():
    """Issue 12: finalized at 20:30 in New York on March 31 (00:30 UTC April 1) read
    'finalized April 1 ... Printed March 31'."""
    from zoneinfo import ZoneInfo

    ny = ZoneInfo("America/New_York")
    content = small_plan()
    late = CarePlanVersion(
        patient_id=1,
        number=3,
        content=content,
        finalized_at=datetime(2026, 3, 31, 20, 30, tzinfo=ny).astimezone(UTC),
        finalized_by="Ana Ruiz, RN",
    )
    data = render_care_plan(
        patient_name=NAME,
        birth_date=BORN,
        version=late,
        content=content,
        medications=MEDS,
        contacts=CONTACTS,
        generated=datetime(2026, 3, 31, 20, 45, tzinfo=ny),
    )
    text = flat(" ".join(texts(data)))
    assert "Care plan version 3, finalized March 31, 2026. Printed March 31, 2026." in text
    assert "April" not in text
    with pytest.raises(ValueError):
        render_care_plan(
            patient_name=NAME,
            birth_date=BORN,
            version=late,
            content=content,
            medications=MEDS,
            contacts=CONTACTS,
            generated=datetime(2026, 3, 31, 20, 45),
        )
