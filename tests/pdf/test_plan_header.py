"""The care plan's running header read back by poppler's pdftotext -bbox: a long name never
runs into the date of birth (issue 12: a 51-character compound name overprinted it by 97 pt,
by 193 pt in large print). The record accepts 80 characters each for given and family name."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from caredesk.pdf.plan_header import wrap
from tests.pdf.test_careplan_pdf import render, small_plan

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")

Box = tuple[str, float, float, float, float]  # word, xMin, yMin, xMax, yMax (points from the top left)

NAMES = {
    "51-character compound name": "Maximiliana-Josefina Vanderbilt-Oyelaran-Castellano",
    "both names at the record's limit": ("Anna Maria " * 8)[:80].strip() + " " + ("Okafor-Lindqvist " * 5)[:80].strip(),
    "one 80-letter word": "Q" * 80 + " Smith",
    "short": "Ann Lee",
}


def pages(data: bytes, tmp_path: Path) -> list[list[Box]]:
    """Every word's box, page by page, in the order drawn (-raw)."""
    src = tmp_path / "plan.pdf"
    src.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-raw", str(src), "-"], capture_output=True, text=True, check=True
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [
        [(html.unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, page)]
        for page in out.split("</page>")[:-1]
    ]


def overlap(a: Box, b: Box) -> bool:
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large print"])
@pytest.mark.parametrize("case", list(NAMES))
def test_the_name_never_overlaps_the_date_of_birth_or_the_text(tmp_path, case, large):
    name = NAMES[case]
    content = small_plan()
    data = render(content, large_print=large, name=name)
    for boxes in pages(data, tmp_path):
        born_at = next(i for i, b in enumerate(boxes) if b[0] == "Date" and boxes[i + 2][0] == "birth:")
        born = boxes[born_at : born_at + 6]
        assert " ".join(b[0] for b in born) == "Date of birth: February 9, 1947"
        # The header is drawn after the page's text: the name, then the date of birth.
        whole = "".join(name.split())
        k = next(
            k for k in range(1, born_at + 1) if len("".join(b[0] for b in boxes[born_at - k : born_at])) >= len(whole)
        )
        header = boxes[born_at - k : born_at]
        assert "".join(b[0] for b in header) == whole  # whole, in order
        for word in header:
            assert not any(overlap(word, b) for b in born), (word, born)
        body = [b for b in boxes[: born_at - k] if b[2] < 3 * 72]  # the top of the page's text
        for word in header + born:
            assert all(not overlap(word, b) for b in body), (word, [b for b in body if overlap(word, b)])
            assert word[1] >= 0.85 * 72 and word[3] <= (8.5 - 0.85) * 72 + 0.5, word  # inside the margins


def test_wrap_breaks_at_spaces_then_hyphens_then_letters():
    from caredesk.pdf import fonts

    fonts.register()
    assert wrap("Ann Lee", fonts.BOLD, 10, 500) == ["Ann Lee"]
    assert wrap("Vanderbilt-Oyelaran-Castellanos", fonts.BOLD, 10, 110) == ["Vanderbilt-", "Oyelaran-", "Castellanos"]
    lines = wrap("Q" * 40, fonts.BOLD, 10, 100)
    assert "".join(lines) == "Q" * 40 and len(lines) > 1


def test_a_name_wraps_between_words_before_it_breaks_a_hyphenated_word():
    from caredesk.pdf import fonts

    fonts.register()
    name = NAMES["51-character compound name"]
    assert wrap(name, fonts.BOLD, 10, 200) == ["Maximiliana-Josefina", "Vanderbilt-Oyelaran-Castellano"]
