"""The patient's copy laid out to waste no sheet, with header and footer that grow with large
print (issue 12: 11 of 59 demo plans ended on a page holding one or two lines; plans ran 3-4
sheets; large print enlarged only the body). Read back with poppler's pdftotext -bbox and pypdf."""

from __future__ import annotations

import shutil
from datetime import date
from itertools import combinations

import pytest

from caredesk.domain.careplan import CarePlanContent, Goal, GoalStatus, Intervention, Owner, Problem
from caredesk.domain.patients import Medication
from caredesk.pdf.careplan import PlanContacts, render_care_plan
from tests.pdf.test_careplan_pdf import BORN, GENERATED, texts, version
from tests.pdf.test_plan_header import Box, overlap, pages

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")

PAGE_W, PAGE_H = 612, 792
LONG_NAME = "Maximiliana-Josefina Vanderbilt-Oyelaran-Castellano"
CONTACTS = PlanContacts(
    care_manager_name="Sam Rivera, RN",
    care_manager_phone="(555) 010-4400",
    practice_name="Demo Family Medicine",
    practice_phone="(555) 019-4321",
    after_hours_phone="(555) 019-4300",
    specialists=(("Cardiologist", "Dr. Nora Heartwell, MD, Demo Heart & Vascular", "(555) 019-2240"),),
)


def demo_like_plan() -> CarePlanContent:
    """Shaped like the demo panel's plans: four problems, each with a goal or two, the patient's
    steps and one of the team's."""
    problems = []
    for n, (title, plain) in enumerate(
        [
            ("Coronary artery disease", "The arteries of my heart are narrowed."),
            ("Anxiety", "I worry a lot and it is hard to relax."),
            ("COPD", "My lungs make it hard to breathe at times."),
            ("Hypothyroidism", "My thyroid is slow."),
        ]
    ):
        problems.append(
            Problem(
                title=title,
                plain=plain,
                goals=tuple(
                    Goal(
                        measure=f"Measure {g}",
                        target="in range",
                        target_date=date(2026, 12, 5),
                        plain=f"Keep measure {g} of {title.lower()} in a healthy range.",
                        status=GoalStatus.IN_PROGRESS,
                    )
                    for g in range(1 + n % 2)
                ),
                interventions=(
                    Intervention(
                        action="Take medicines",
                        owner=Owner.PATIENT,
                        frequency="daily",
                        plain=f"Take my {title.lower()} medicine every day.",
                    ),
                    Intervention(
                        action="Check in",
                        owner=Owner.CARE_MANAGER,
                        frequency="monthly",
                        plain="My nurse asks me how I am doing.",
                    ),
                ),
            )
        )
    return CarePlanContent(
        problems=tuple(problems),
        symptom_management="Call the clinic for new or worse symptoms; call 911 for chest pain or trouble breathing.",
        next_review=date(2027, 6, 8),
    )


def meds(n: int) -> list[Medication]:
    return [
        Medication(patient_id=1, name=f"Medicine {chr(65 + i)}", dose="10 mg", frequency="1 tab PO qd")
        for i in range(n)
    ]


def copy(
    content: CarePlanContent, *, large: bool, medicines: int = 6, name: str = "Ursula Jäger", language: str = "English"
) -> bytes:
    return render_care_plan(
        patient_name=name,
        birth_date=BORN,
        version=version(content),
        content=content,
        medications=meds(medicines),
        contacts=CONTACTS,
        large_print=large,
        generated=GENERATED,
        language=language,
    )


@pytest.mark.parametrize(("large", "expected"), [(False, 3), (True, 4)], ids=["normal", "large print"])
def test_a_demo_like_plan_takes_fewer_pages(large, expected):
    """The same copy took 4 pages, 6 in large print, before issue 12's layout change (measured)."""
    assert len(texts(copy(demo_like_plan(), large=large))) == expected


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large print"])
@pytest.mark.parametrize("medicines", range(15))
def test_the_copy_ends_with_who_to_call_whole_never_with_a_few_lines(large, medicines):
    found = texts(copy(demo_like_plan(), large=large, medicines=medicines))
    on = [n for n, page in enumerate(found) if "Who to call" in page]
    assert on == [len(found) - 1]  # one page, the last: the table is never split
    last = found[-1]
    assert "Call them for" in last and "Emergency" in last and "911" in last
    assert sum("Next review" in page for page in found) == 1
    if len(found) > 1:  # never a page for the last few lines: the review and the table fill it
        body = [line for line in last.splitlines() if line.strip()]
        assert len(body) >= 12, body


def _words_overlapping(boxes: list[Box]) -> list[tuple[Box, Box]]:
    return [(a, b) for a, b in combinations(boxes, 2) if overlap(a, b)]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large print"])
@pytest.mark.parametrize("language", ["English", "Spanish"])
def test_no_text_box_overlaps_another_and_all_are_on_the_page(tmp_path, large, language):
    for medicines in (3, 12):
        data = copy(demo_like_plan(), large=large, medicines=medicines, name=LONG_NAME, language=language)
        for boxes in pages(data, tmp_path):
            assert not _words_overlapping(boxes), _words_overlapping(boxes)[:3]
            for word in boxes:
                assert word[1] >= 0.85 * 72 - 0.5 and word[3] <= PAGE_W - 0.85 * 72 + 0.5, word
                assert word[2] >= 0.25 * 72 and word[4] <= PAGE_H - 0.25 * 72, word


def _height(boxes: list[Box], word: str) -> float:
    return [b[4] - b[2] for b in boxes if b[0] == word][-1]  # the header and footer are drawn last


@pytest.mark.parametrize("language", ["English", "Spanish"])
def test_large_print_enlarges_the_header_and_footer_too(tmp_path, language):
    normal = pages(copy(demo_like_plan(), large=False, language=language), tmp_path)[0]
    large = pages(copy(demo_like_plan(), large=True, language=language), tmp_path)[0]
    page, private = ("Page", "Private:") if language == "English" else ("Página", "Privado:")
    for word, normal_pt, large_pt in (("Ursula", 12, 16), ("1947", 12, 16), (page, 12, 16), (private, 9.5, 12)):
        # A word's box is as tall as its font's size times a constant of the font.
        assert _height(large, word) / _height(normal, word) == pytest.approx(large_pt / normal_pt, rel=0.03), word


def test_a_name_that_needs_many_lines_beside_the_date_of_birth_takes_the_width_above_it():
    """A 51-character name in large print beside 'Fecha de nacimiento: ...' took 5 lines at 12 pt."""
    from caredesk.pdf.plan_header import fit_header
    from caredesk.pdf.plan_style import TEXT_W

    born = "Fecha de nacimiento: 9 de febrero de 1947"
    head = fit_header(LONG_NAME, born, width=TEXT_W, size=16, min_size=12)
    assert head.born_below and len(head.name_lines) <= 2
    assert "".join(head.name_lines).replace(" ", "") == LONG_NAME.replace(" ", "")
    short = fit_header("Ann Lee", born, width=TEXT_W, size=16, min_size=12)
    assert not short.born_below and short.name_lines == ("Ann Lee",) and short.name_size == 16
