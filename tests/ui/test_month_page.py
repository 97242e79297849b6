"""This month: totals agree with the billing report, filters, month steps, exports in the background."""

from __future__ import annotations

import csv
import time
from collections import Counter

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from caredesk.domain.calendar import Month
from caredesk.services.billing_report import month_report
from caredesk.ui.month.page import MonthPage, totals_text
from caredesk.ui.month.table_model import CODES, MINUTES, MRN, PATIENT, MonthFilter


def month_page(window) -> MonthPage:
    """The month page with its report read (it is read in the background)."""
    page = window.view.show_page(MonthPage)
    settle(page)
    return page


def settle(page: MonthPage, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while page.loading:
        assert time.monotonic() < deadline, "the month's report did not arrive"
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def table_rows(page: MonthPage) -> list[tuple[str, str, str, str]]:
    p = page.proxy
    return [tuple(p.index(r, c).data() for c in (PATIENT, MRN, MINUTES, CODES)) for r in range(p.rowCount())]


def test_month_totals_equal_the_billing_report(demo_unlocked):
    page = month_page(demo_unlocked)
    report = month_report(demo_unlocked.workspace, Month(2026, 11))
    assert page.month_label.text() == "November 2026"
    assert page.proxy.rowCount() == len(report.rows) > 10
    # Totals computed from the table's own rows agree with the report (what the CLI prints).
    rows = page.model.rows()
    assert sum(r.clinical_minutes + r.physician_minutes for r in rows) == report.total_minutes
    units: Counter[str] = Counter()
    for r in rows:
        for c in r.result.codes:
            units[c.code] += c.units
    assert dict(units) == report.units_by_code
    assert sum(r.ready for r in rows) == report.ready_count
    assert page.totals.text() == totals_text(report)
    assert f"{report.total_minutes} min" in page.totals.text()
    assert f"{report.ready_count} ready to bill" in page.totals.text()


def test_filters_needs_minutes_and_ready_to_bill(demo_unlocked):
    page = month_page(demo_unlocked)
    report = month_report(demo_unlocked.workspace, Month(2026, 11))
    page.filter_buttons[MonthFilter.READY].click()
    assert page.proxy.rowCount() == report.ready_count
    assert all(code != "—" for *_rest, code in table_rows(page))
    page.filter_buttons[MonthFilter.NEEDS_MINUTES].click()
    assert page.proxy.rowCount() == sum(r.needs_minutes for r in report.rows)
    assert all(code == "—" for *_rest, code in table_rows(page))
    page.filter_buttons[MonthFilter.ALL].click()
    assert page.proxy.rowCount() == len(report.rows)


def test_previous_and_next_month(demo_unlocked):
    page = month_page(demo_unlocked)
    page.prev_button.click()
    settle(page)
    assert page.month_label.text() == "October 2026"
    october = month_report(demo_unlocked.workspace, Month(2026, 10))
    assert page.totals.text() == totals_text(october)
    assert page.next_button.isEnabled()
    page.next_button.click()
    settle(page)
    assert page.month_label.text() == "November 2026"
    # The current month is billed "so far"; a month that has not begun is not offered.
    assert not page.next_button.isEnabled()
    page.next_button.click()
    assert page.month_label.text() == "November 2026"
    page.restore("2027-02")  # a month remembered from a clock set wrong is not shown either
    settle(page)
    assert page.month_label.text() == "November 2026"
    page.prev_button.click()
    page.today_button.click()
    settle(page)
    assert page.month_label.text() == "November 2026"


def test_export_csv_writes_the_rows_of_the_table(demo_unlocked, qtbot, tmp_path):
    page = month_page(demo_unlocked)
    path = tmp_path / "billing.csv"
    page.export_csv(path)
    qtbot.waitUntil(lambda: not page.tasks.busy, timeout=10_000)
    with path.open(newline="", encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    expected = table_rows(page)
    assert [(w["patient"], w["mrn"]) for w in written] == [(name, mrn) for name, mrn, *_ in expected]
    for w, (_name, _mrn, minutes, codes) in zip(written, expected, strict=False):
        assert f"{w['clinical_staff_minutes']} / {w['physician_minutes']}" == minutes
        assert (w["codes"] or "—") == codes
    assert str(path) in page.message.text()


def test_export_pdf_runs_in_the_background_with_progress(demo_unlocked, qtbot, tmp_path):
    page = month_page(demo_unlocked)
    path = tmp_path / "billing.pdf"
    seen: list[tuple[int, int]] = []
    page.export_pdf(path)
    assert page.tasks.busy and not page.pdf_button.isEnabled()
    page._progress.changed.connect(lambda done, total: seen.append((done, total)))  # queued: none missed
    qtbot.waitUntil(lambda: not page.tasks.busy, timeout=20_000)
    assert path.read_bytes().startswith(b"%PDF")
    assert seen and seen[-1][0] == seen[-1][1] == page.model.rowCount()
    assert str(path) in page.message.text()
    assert page.pdf_button.isEnabled()


def test_cancelled_pdf_writes_nothing(demo_unlocked, qtbot, tmp_path):
    page = month_page(demo_unlocked)
    path = tmp_path / "billing.pdf"
    page.export_pdf(path)
    page._progress.cancelled = True  # what the dialog's Cancel does
    qtbot.waitUntil(lambda: not page.tasks.busy, timeout=20_000)
    assert not path.exists()
    assert page.message.text() == "Export cancelled; no file was written."


def test_lock_during_an_export_waits_then_clears(demo_unlocked, qtbot, tmp_path):
    page = month_page(demo_unlocked)
    page.export_pdf(tmp_path / "billing.pdf")
    demo_unlocked.lock()
    assert not page.tasks.busy or page.workspace is None
    assert page.model.rowCount() == 0 and page.totals.text() == ""
    assert page.progress is None
    qtbot.wait(50)  # a late result is dropped, not shown
    assert page.message.text() == ""


def test_month_totals_equal_what_the_cli_report_prints(demo_unlocked, data_dir):
    """The same store, read by `caredesk report billing` in another process."""
    import re

    from tests.cli.test_cli import run
    from tests.conftest import PASSPHRASE

    page = month_page(demo_unlocked)
    rows = page.model.rows()
    r = run(
        "report", "billing", "--month", "2026-11", "--data-dir", str(data_dir), env={"CAREDESK_PASSPHRASE": PASSPHRASE}
    )
    assert r.returncode == 0, r.stderr
    head = re.search(r"(\d+) enrolled patients, (\d+) with codes earned, (\d+) minutes", r.stdout)
    assert head is not None
    assert tuple(int(x) for x in head.groups()) == (
        len(rows),
        sum(x.ready for x in rows),
        sum(x.clinical_minutes + x.physician_minutes for x in rows),
    )
    printed = {code: int(n) for code, n in re.findall(r"^  (\S+): (\d+)$", r.stdout, flags=re.M)}
    units: Counter[str] = Counter()
    for x in rows:
        for c in x.result.codes:
            units[c.code] += c.units
    assert printed == dict(units) and printed


def test_one_patient_is_one_patient_in_the_totals(unlocked):
    report = month_report(unlocked.workspace, Month(2026, 11))
    assert len(report.rows) == 1  # the canary panel: only the canary is enrolled
    assert month_page(unlocked).totals.text().startswith("1 patient · ")
