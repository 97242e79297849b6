"""The month's EHR summaries (issue 13 part 4) for the 170-patient demo panel: every patient with
care-management time or a code in November 2026, gathered (text) and laid out (PDF), one file each."""

from __future__ import annotations

import itertools

from caredesk.domain.calendar import Month
from caredesk.interop import ehr_summary_files as files

_runs = itertools.count()
NOVEMBER = Month(2026, 11)


def _batch(benchmark, ws, tmp_path, kind):
    def run():
        return files.batch(ws, NOVEMBER, tmp_path / f"run{next(_runs)}", kind)

    outcome = benchmark.pedantic(run, rounds=3)
    benchmark.extra_info["summaries"] = len(outcome.written)
    assert len(outcome.written) == outcome.total > 100 and not outcome.failed


def test_month_batch_as_text(benchmark, panels, tmp_path):
    """Reading every summary's facts through the services and writing them as text files."""
    _batch(benchmark, panels["170x1y"], tmp_path, files.TEXT)


def test_month_batch_as_pdf(benchmark, panels, tmp_path):
    """The same facts laid out as one PDF per patient (reportlab), written atomically."""
    _batch(benchmark, panels["170x1y"], tmp_path, files.PDF)
