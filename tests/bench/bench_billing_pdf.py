"""The month's billing report as a PDF (`billing_report.write_pdf`: layout, atomic write, audit),
over the demo panels' current month (issue 3's "billing PDF" figure; the report's rows
themselves, `month_report`, are bench_month's). The report is read once, outside the timing,
as the month page hands its loaded report to the export.
"""

from __future__ import annotations

import itertools

import pytest
from pypdf import PdfReader

from caredesk.domain.calendar import Month
from caredesk.services.billing_report import month_report, write_pdf

_runs = itertools.count()


@pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])
def test_billing_report_pdf(benchmark, panels, panel, tmp_path):
    ws = panels[panel]
    report = month_report(ws, Month.of(ws.today()))
    paths = []

    def once() -> None:
        paths.append(tmp_path / f"report{next(_runs)}.pdf")
        write_pdf(ws, report, paths[-1])

    benchmark.pedantic(once, rounds=3, iterations=1)
    pages = len(PdfReader(paths[-1]).pages)
    median = benchmark.stats.stats.median
    benchmark.extra_info.update(rows=len(report.rows), pages=pages, kb=round(paths[-1].stat().st_size / 1024))
    print(f"\n[{panel}] billing PDF of {len(report.rows):,} rows, {pages} pages: median {median:.2f} s")
