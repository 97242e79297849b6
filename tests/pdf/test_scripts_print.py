"""Text the app accepts prints (issue 12: Chinese printed as empty boxes, Arabic left to right with
unjoined letters). A care plan and a letter with a Chinese name and Arabic and Hebrew wording, read
back with poppler: pdffonts says every font is embedded, pdftotext gives the words back.

What pdftotext proves: it reads the glyphs' Unicode values (each embedded subset carries a
ToUnicode map) and puts right-to-left runs back in reading order itself. So
- a Chinese character that came back was drawn with a real glyph (a box has no Unicode value);
- an Arabic word comes back as *presentation forms* (the initial, medial and final shapes HarfBuzz
  chose: joined letters) which NFKC folds back to the letters typed, in the order typed; a word
  drawn left to right, or words of a line in the wrong order, would come back reversed.
The pages were also looked at (pdftoppm -png -r 80): joined right-to-left Arabic, real glyphs.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.domain.careplan import CarePlanContent, Goal, Intervention, Owner, Problem
from caredesk.domain.letters import compose
from caredesk.pdf import fonts, script_text
from caredesk.pdf.letter import render_letter
from tests.domain.test_letters import CALLS, PRACTICE, TODAY, patient
from tests.pdf.test_careplan_pdf import render

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext and pdffonts")

CHINESE_NAME = "王秀英"
CHINESE = "我的血糖需要注意。每天量兩次血糖。"  # Simplified and Traditional (兩) characters
ARABIC = "خذ دواء السكري مرتين كل يوم مع الطعام"
HEBREW = "מדוד לחץ דם כל בוקר"
ARABIC_NAME = "فاطمة الزهراء"


def plan() -> CarePlanContent:
    return CarePlanContent(
        problems=(
            Problem(
                title="Type 2 diabetes",
                plain=CHINESE,
                goals=(Goal(measure="A1c", target="below 8%", target_date=date(2027, 3, 1), plain=ARABIC),),
                interventions=(
                    Intervention(action="Check", owner=Owner.PATIENT, frequency="daily", plain=HEBREW),
                    Intervention(
                        action="Call",
                        owner=Owner.CARE_MANAGER,
                        frequency="weekly",
                        plain=f"Call {ARABIC_NAME} every week about her 血糖 readings.",
                    ),
                ),
            ),
        ),
        next_review=date(2027, 2, 20),
    )


def poppler(tool: str, pdf: bytes, tmp_path: Path) -> str:
    src = tmp_path / "doc.pdf"
    src.write_bytes(pdf)
    args = [tool, str(src)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def embedded(pdf: bytes, tmp_path: Path) -> dict[str, bool]:
    """pdffonts: each font's name and whether it is embedded ('emb' column)."""
    rows = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    return {row.split()[0]: row.split()[-5] == "yes" for row in rows}


def read_back(pdf: bytes, tmp_path: Path) -> str:
    """pdftotext's text, presentation forms folded to letters, direction marks dropped, one space per gap."""
    text = unicodedata.normalize("NFKC", poppler("pdftotext", pdf, tmp_path))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def has_joined_forms(pdf: bytes, tmp_path: Path) -> bool:
    """Arabic presentation forms B (U+FE70-U+FEFF) in the text: letters were drawn in their joined shapes."""
    return any("\ufe70" <= ch <= "\ufeff" for ch in poppler("pdftotext", pdf, tmp_path))


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large print"])
def test_a_care_plan_in_chinese_arabic_and_hebrew_prints_every_word_in_embedded_fonts(tmp_path, large_print):
    pdf = render(plan(), name=f"{CHINESE_NAME} (Wang Xiuying)", large_print=large_print)
    found = embedded(pdf, tmp_path)
    assert all(found.values()), found
    names = " ".join(found)
    assert "WenQuanYiMicroHei" in names and "NotoSansArabic" in names and "NotoSansHebrew" in names
    text = read_back(pdf, tmp_path)
    assert CHINESE_NAME in text  # the page header and the opening sentence
    assert CHINESE in text.replace(" ", "")
    assert ARABIC in text
    assert HEBREW in text
    # Arabic inside English keeps its place. Spaces compared out: pdftotext puts the space after a
    # right-to-left run inside the run ("Call  فاطمة الزهراءevery"); the letters' order is what counts.
    assert f"Call {ARABIC_NAME} every week about her 血糖".replace(" ", "") in text.replace(" ", "")
    assert has_joined_forms(pdf, tmp_path)


def test_an_arabic_name_in_the_page_header_is_shaped_and_reads_right_to_left(tmp_path):
    pdf = render(plan(), name=ARABIC_NAME)
    text = read_back(pdf, tmp_path)
    assert text.count(ARABIC_NAME) >= 3  # the header of both pages and the opening sentence
    assert f"This plan is for {ARABIC_NAME}. It shows" in text  # the full stop ends the English sentence


def test_a_letter_to_a_chinese_name_and_an_arabic_address_prints_both(tmp_path):
    chinese = render_letter(
        compose(patient(given_name="秀英", family_name="王", preferred_name=""), PRACTICE, CALLS, TODAY)
    )
    arabic = render_letter(
        compose(
            patient(given_name="فاطمة", family_name="الزهراء", preferred_name="", address="شارع الملك فهد 12, الرياض"),
            PRACTICE,
            CALLS,
            TODAY,
        )
    )
    for pdf in (chinese, arabic):
        found = embedded(pdf, tmp_path)
        assert all(found.values()), found
    # Family name first, no space, as a Chinese name is written (domain.names.full_name).
    assert "王秀英" in read_back(chinese, tmp_path) and "秀英 王" not in read_back(chinese, tmp_path)
    text = read_back(arabic, tmp_path)
    assert ARABIC_NAME in text and "شارع الملك فهد" in text and "Dear فاطمة," in text
    assert has_joined_forms(arabic, tmp_path)


def test_each_character_prints_in_a_face_that_has_it():
    assert script_text.runs("Wang 王秀英, محمد.") == [
        (fonts.REGULAR, "Wang "),
        (fonts.CJK, "王秀英"),
        (fonts.REGULAR, ", "),
        (fonts.ARABIC, "محمد."),  # the full stop stays in the Arabic word's face: it is shaped with it
    ]
    assert script_text.runs("שלום", bold=True) == [(fonts.HEBREW_BOLD, "שלום")]


def test_words_go_left_to_right_as_the_bidi_algorithm_orders_them():
    # "Call <R1 R2> weekly" in an English line: the Arabic words swap, the English stays.
    assert script_text.visual_order(["L", "R", "R", "L"], rtl=False) == [0, 2, 1, 3]
    # An Arabic line ending "... R 300 R 70": the numbers read left to right within the line from the right.
    assert script_text.visual_order(["R", "R", "N", "R", "N"], rtl=True) == [4, 3, 2, 1, 0]
    # English inside an Arabic line keeps its own order: "R By March 1 , 2027".
    assert script_text.visual_order(["R", "L", "L", "N", "", "N"], rtl=True) == [1, 2, 3, 4, 5, 0]


def test_characters_no_shipped_font_has_are_named():
    assert script_text.unprintable("王秀英 فاطمة José Ωμέγα Юлия שלום 김민준 さくら فارسی اردو 😀") == ""
    assert script_text.unprintable("नमस्ते Anita สวัสดี") == "नमस्तेสวัดี"  # Devanagari, Thai: each character once
    assert script_text.unprintable("a\u200db\u200e") == ""  # joiners and direction marks print as nothing


# Letters, marks, joiners, digits, punctuation and markup characters of the scripts the app sees.
MIXED = st.sampled_from(
    list("abc XYZ 019 .,;:!?()[]<>&\"'-/%")
    + list("محمد علي السكري ٣٠٠ ، ؟ لا")
    + ["\u064e", "\u0651", "\u0650"]  # Arabic vowel marks: raised glyphs
    + list("שלום ד")
    + list("王秀英血糖。，")
    + ["\u200f", "\u200e", "\u200d", "\u00a0", "\n", "नम", "😀", "  "]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(MIXED, max_size=80).map("".join))
def test_any_mix_of_scripts_renders(text):
    """Any text a form accepts renders, whatever its mix (found by fuzzing: a word in two faces,
    or a vowel mark starting a run in the face before it, crashed reportlab's shaping)."""
    content = plan()
    problem = content.problems[0]
    goal = dataclasses.replace(problem.goals[0], plain=text)
    content = dataclasses.replace(
        content, problems=(dataclasses.replace(problem, goals=(goal,), plain=text[::-1]),), symptom_management=text
    )
    assert render(content, name=text.strip()[:40] or "x").startswith(b"%PDF")


def word_boxes(pdf: bytes, tmp_path: Path) -> list[tuple[float, float, str]]:
    """pdftotext -bbox: (top, left, word folded by NFKC) for each word of page 1, in points."""
    src = tmp_path / "boxes.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(src), "-"], capture_output=True, text=True)
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', out.stdout)
    return [(float(y), float(x), unicodedata.normalize("NFKC", w)) for x, y, w in words]


def test_right_to_left_words_stand_right_to_left_on_the_page(tmp_path):
    """Where each word is drawn, not how a reader re-orders it: the first Arabic word of a line
    is its rightmost, and an Arabic name inside English text reads right to left in its place."""
    boxes = word_boxes(render(plan(), name="Wang Xiuying"), tmp_path)

    def left(word: str) -> float:
        # A shaped right-to-left word comes back with its letters in drawing order (reversed).
        return next(x for _y, x, w in boxes if word in (w, w[::-1], w.strip(".,:")[::-1]))

    first, second, third = ARABIC.split()[:3]  # خذ دواء السكري
    assert left(first) > left(second) > left(third)
    assert left("Call") < left("الزهراء") < left("فاطمة") < left("every")
