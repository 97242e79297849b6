"""Sheets the patients' copies take (issue 12's layout): every latest plan of the 170-patient
demo panel rendered as `plan_printing.render` does (a Spanish-speaking patient's copy in
Spanish), normal and large print, read back with poppler's `pdftotext -bbox-layout`.

BENCHMARKS.md ("Sheets: pages the copies take") quotes the pages in all, the plans by page
count, the plans ending on a near-empty page (4 body lines or fewer) and those whose last
page is under a quarter full. Body lines are the page's lines less the header and footer,
found as the lines (digits ignored) every page of that copy repeats; "full" is how far down
the body area of the copy's first page the last page's body reaches. The timed part is the
rendering; the figures are the counts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from caredesk.services import plan_printing
from caredesk.services.patients import patient_list

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
NEAR_EMPTY_LINES = 4
Line = tuple[str, float, float]  # text, yMin, yMax


def _pages(pdf: bytes) -> list[list[Line]]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "plan.pdf"
        src.write_bytes(pdf)
        xml = subprocess.run(
            ["pdftotext", "-bbox-layout", str(src), "-"], capture_output=True, text=True, check=True
        ).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    out = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        lines = []
        for line in page.iter("{http://www.w3.org/1999/xhtml}line"):
            words = " ".join(w.text or "" for w in line.iter("{http://www.w3.org/1999/xhtml}word"))
            lines.append((words, float(line.get("yMin", 0)), float(line.get("yMax", 0))))
        out.append(lines)
    return out


def _body(pages: list[list[Line]]) -> list[list[Line]]:
    """Each page's lines less the header and footer (what every page repeats, digits ignored)."""

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text)

    repeated = set.intersection(*({key(t) for t, _, _ in page} for page in pages)) if len(pages) > 1 else set()
    return [[ln for ln in page if key(ln[0]) not in repeated] for page in pages]


def _last_page(pdf: bytes) -> tuple[int, int, float]:
    """(pages, body lines on the last page, how full the last page's body is, 0-1)."""
    body = _body(_pages(pdf))
    if len(body) < 2:
        return len(body), len(body[0]) if body else 0, 1.0
    top = min(y0 for _, y0, _ in body[0])
    area = max(y1 for _, _, y1 in body[0]) - top
    reach = max((y1 for _, _, y1 in body[-1]), default=top) - top
    return len(body), len(body[-1]), reach / area


def _latest_versions(ws):
    """Each patient's latest plan, and the languages of those patients (a copy's wording follows it)."""
    with ws.uow() as uow:
        versions = [vs[-1] for p in patient_list(ws) if (vs := uow.care_plans.versions(p.id))]
        languages = Counter(str(uow.patients.get(v.patient_id).language) for v in versions)
    return versions, dict(languages)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-print"])
def test_sheets_the_copies_take(benchmark, panels, large):
    ws = panels["170x1y"]
    versions, languages = _latest_versions(ws)
    pdfs = benchmark.pedantic(
        lambda: [plan_printing.render(ws, v, large_print=large) for v in versions], rounds=1, iterations=1
    )
    found = [_last_page(pdf) for pdf in pdfs]
    by_pages = dict(sorted(Counter(n for n, _, _ in found).items()))
    near_empty = sum(1 for n, lines, _ in found if n > 1 and lines <= NEAR_EMPTY_LINES)
    quarter = sum(1 for n, _, full in found if n > 1 and full < 0.25)
    benchmark.extra_info.update(
        plans=len(pdfs),
        pages=sum(by_pages[n] * n for n in by_pages),
        plans_by_pages=by_pages,
        near_empty_last_page=near_empty,
        last_page_under_a_quarter=quarter,
    )
    print(
        f"\n{'large' if large else 'normal'} print, {len(pdfs)} plans ({languages}): {benchmark.extra_info['pages']} pages "
        f"(plans by pages {by_pages}); ending on a near-empty page {near_empty}; last page under a quarter full {quarter}"
    )
