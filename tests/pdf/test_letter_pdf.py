"""The letter PDF read back: its words, the address where a window envelope shows it, type sizes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from caredesk.domain.letters import compose
from caredesk.pdf.letter import render_letter
from tests.domain.test_letters import CALLS, PRACTICE, TODAY, patient

INCH = 72.0
PAGE_H = 11 * INCH


def placed(data: bytes) -> list[tuple[int, str, float, float, float]]:
    """(page, text, size, x, y from the top) of every text run pypdf reports."""
    runs: list[tuple[int, str, float, float, float]] = []
    for n, page in enumerate(PdfReader(io.BytesIO(data)).pages, 1):

        def visit(text, cm, tm, _font, size, n=n):
            if text.strip():
                scale = tm[3] * cm[3] if tm[3] * cm[3] else 1
                runs.append(
                    (n, text.strip(), size * abs(scale), tm[4] * cm[0] + cm[4], PAGE_H - (tm[5] * cm[3] + cm[5]))
                )

        page.extract_text(visitor_text=visit)
    return runs


def text_of(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\u00a0", " ")


@pytest.fixture(scope="module")
def pdfs() -> tuple[bytes, bytes]:
    letter = compose(patient(), PRACTICE, CALLS, TODAY)
    return render_letter(letter), render_letter(letter, large_print=True)


def test_the_letter_reads_back_with_every_call_date_and_the_practice_phone(pdfs):
    for data in pdfs:
        text = text_of(data)
        for day in ("11/03/2026", "11/10/2026", "11/18/2026"):
            assert day in text
        assert "Please call us at (555) 019-4321." in text
        assert "Dear Peggy," in text and "11/24/2026" in text
        assert "Sam Rivera, RN" in text


def test_both_fit_one_sheet(pdfs):
    assert [len(PdfReader(io.BytesIO(d)).pages) for d in pdfs] == [1, 1]


def test_the_address_sits_in_a_window_envelopes_window_11_pt_and_12_in_large_print(pdfs):
    """A #10 window envelope (USPS Publication 25: window 1 1/8 x 4 1/2 in, 7/8 in from the
    left, 1/2 in from the bottom) shows a letter-size sheet folded in three at about 2 to 3 in
    from the top and 7/8 to 5 3/8 in from the left."""
    for data, expected in zip(pdfs, (11, 12), strict=True):
        runs = placed(data)
        block = [r for r in runs if r[1] in ("Margaret Okafor", "4821 Larkspur Ave", "Apt 12", "Springfield, IL 62701")]
        assert len(block) == 4
        for _page, _text, size, x, y in block:
            assert 0.875 * INCH <= x <= 1.2 * INCH
            assert 2.0 * INCH <= y <= 3.0 * INCH
            assert size == expected


def test_large_print_body_is_18_pt_and_normal_13(pdfs):
    normal, large = (next(size for _p, text, size, *_ in placed(d) if text.startswith("Dear")) for d in pdfs)
    assert (normal, large) == (13, 18)


def test_metadata_names_the_document_not_the_patient(pdfs):
    meta = PdfReader(io.BytesIO(pdfs[0])).metadata
    assert meta.title == "Letter from your care team"
    values = " ".join(str(v) for v in meta.values())
    assert "Okafor" not in values and "Margaret" not in values and "Larkspur" not in values


def test_many_calls_in_large_print_run_to_a_second_page_that_says_so():
    many = tuple(date(2026, 11, d) for d in range(2, 24, 2))
    data = render_letter(compose(patient(), PRACTICE, many, TODAY), large_print=True)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 2
    assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]
    assert "Demo Family Medicine" in pages[1]
    assert "Thank you," in pages[1] and "Sam Rivera, RN" in pages[1]  # the closing kept with the signature
