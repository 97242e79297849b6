"""Long names and addresses stay inside the envelope window and the page, read back from the PDF
by poppler's pdftotext (-bbox: every word's box in points from the page's top left).

A #10 window envelope (USPS Publication 25): window 1 1/8 x 4 1/2 in, 7/8 in from the left;
a letter-size sheet folded in three shows it from about 2 1/8 in from the top. The record
accepts names up to 80 characters each and an address up to 300 (domain/patients.py); the
practice details a name up to 120 and an address up to 200 (domain/practice.py).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from caredesk.domain.letters import compose
from caredesk.domain.practice import PracticeProfile
from caredesk.pdf.letter import render_letter
from tests.domain.test_letters import CALLS, PRACTICE, TODAY, patient
from tests.pdf.test_letter_pdf import placed

INCH = 72.0
WINDOW = (0.875 * INCH, 2.0 * INCH, (0.875 + 4.5) * INCH, (2.125 + 1.125) * INCH)  # x0, top, x1, bottom
GIVEN = "Maximiliana-Josefina Anneliese Christabella K"  # 44 characters, the tester's case
FAMILY = "Vanderbilt-Oyelaran-Castellanos de la Fuente-Wójcik-Nakamura-Smit"  # 66
LONG_ADDRESS = (
    "Building 7 West Tower Residential Apartments Unit 1204B, 48213 North Larkspur Avenue Extension, "
    "Care of Springfield Senior Living Community Office, Springfield, IL 62701-1234"
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


def words(data: bytes, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) of every word on page 1."""
    src = tmp_path / "letter.pdf"
    src.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(src), "-"], capture_output=True, text=True, check=True
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [(html.unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, out)]


def window_words(data: bytes, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """The words between the rule under the letterhead and the body (2 to 3.15 in from the top)."""
    return [w for w in words(data, tmp_path) if w[2] >= 2.0 * INCH and w[4] <= 3.15 * INCH]


CASES = {
    "tester's long name": patient(given_name=GIVEN, family_name=FAMILY, preferred_name=""),
    "long address lines": patient(address=LONG_ADDRESS),
    "five parts": patient(address="1 A St, Unit 2, Bldg 3, Floor 4, Care of Ann, Town, ZZ 00011"),
    "everything at the record's limits": patient(
        given_name=("Anna Maria " * 8)[:80].strip(),
        family_name=("Okafor-Lindqvist " * 5)[:80].strip(),
        address=", ".join(["12 Larkspur Avenue Extension North"] * 9)[:300].strip(" ,"),
    ),
}


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large print"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_window_block_keeps_every_word_inside_the_window(tmp_path, case, large):
    p = CASES[case]
    data = render_letter(compose(p, PRACTICE, CALLS, TODAY), large_print=large)
    block = window_words(data, tmp_path)
    assert block
    x0, top, x1, bottom = WINDOW
    for word, left, upper, right, lower in block:
        assert x0 <= left and right <= x1, (word, right / INCH)
        assert top <= upper and lower <= bottom, (word, lower / INCH)
    # Nothing is lost: the name and the address read back whole, in order.
    text = "".join(w[0] for w in block)
    expected = "".join(f"{p.given_name} {p.family_name} {p.address}".split())
    assert text.replace(",", "") == expected.replace(",", "")
    for word, left, _upper, right, _lower in words(data, tmp_path):
        assert left >= 1.0 * INCH - 0.5 and right <= 7.5 * INCH + 0.5, word  # the page's margins


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large print"])
def test_a_long_practice_name_and_address_stay_in_the_letterhead(tmp_path, large):
    practice = PracticeProfile(
        **(
            PRACTICE.as_dict()
            | {
                "practice_name": "Greater Springfield Community Family Medicine and Internal Medicine Associates "
                "of the Central Valley Region",
                "practice_address": "Medical Office Building C, Suite 2200, 4500 North Memorial Parkway, "
                "Third Floor East Wing, Springfield, IL 62701-1234",
            }
        )
    )
    data = render_letter(compose(patient(), practice, CALLS, TODAY), large_print=large)
    head = [w for w in words(data, tmp_path) if w[4] <= 2.125 * INCH]
    text = " ".join(w[0] for w in head)
    for part in ("Greater", "Region", "Building", "2200", "Wing", "62701-1234", "(555)", "11/24/2026"):
        assert part in text
    date_left = next(w[1] for w in head if w[0] == "11/24/2026")
    for word, left, _upper, right, _lower in head:
        assert left >= 1.0 * INCH - 0.5 and right <= 7.5 * INCH + 0.5, word
        if word != "11/24/2026":
            assert right < date_left, word  # nothing runs under the date
    assert "Margaret" in " ".join(w[0] for w in window_words(data, tmp_path))


def test_large_print_enlarges_the_letterhead_and_the_date_too():
    """Large print (18 pt body) enlarges everything the patient reads: the practice's name and
    the date 18 pt, its address and phone 16 pt (11 and 14 pt in the normal letter)."""
    letter = compose(patient(), PRACTICE, CALLS, TODAY)
    for data, name, date_, line in (
        (render_letter(letter), 14, 11, 11),
        (render_letter(letter, large_print=True), 18, 18, 16),
    ):
        sizes = {text: size for _page, text, size, *_ in placed(data)}
        assert sizes["Demo Family Medicine"] == name
        assert sizes["11/24/2026"] == date_
        assert sizes["120 Main Street"] == line and sizes["Phone: (555) 019-4321"] == line
