"""The month's billing report (`billing_report.month_report`) against its own SQL on a plain
copy (issue 14: within 3x), interleaved in one run; medians. BENCHMARKS.md's billing-report
figures come from here."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.domain.calendar import Month
from caredesk.services.billing_report import _rows, month_report
from tests.bench import floors

pytestmark = pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])


@pytest.fixture(scope="module")
def plain_copies(panels, tmp_path_factory):
    base = tmp_path_factory.mktemp("plain")
    return {name: floors.plain_copy(ws, base / f"{name}.db") for name, ws in panels.items()}


@pytest.mark.parametrize("which", ["this month", "last month"])
def test_month_report_against_its_own_sql(benchmark, panels, panel, plain_copies, which):
    """The report of this month (so far) or of the whole last month, against the statements it
    sends fetched whole from a plain copy, and from the encrypted store."""
    ws = panels[panel]
    month = Month.of(ws.today())
    if which == "last month":
        month = Month.of(month.first_day - timedelta(days=1))
    statements = floors.captured_sql(ws, lambda: month_report(ws, month))
    plain = floors.open_plain(plain_copies[panel])
    raw = ws.store._engine.raw_connection()
    try:
        sides = {
            "report": lambda: month_report(ws, month),
            "sql_encrypted": lambda: floors.replay(raw.driver_connection, statements),
            "sql_plain": lambda: floors.replay(plain, statements),
        }
        medians = benchmark.pedantic(floors.interleaved, args=(sides, 21 if panel == "170x1y" else 11), rounds=1)
    finally:
        raw.close()
        plain.close()
    rows = len(month_report(ws, month).rows)
    floors.report(benchmark, f"month report {month} vs its SQL ({panel}, {rows} rows)", medians, "sql_plain")


def test_where_the_report_goes(benchmark, panels, panel, plain_copies):
    """Last month's report in parts, interleaved with its plain-SQL floor: the billing facts
    read (store rows to records) and the billing rules per patient (in memory)."""
    ws = panels[panel]
    month = Month.of(Month.of(ws.today()).first_day - timedelta(days=1))
    statements = floors.captured_sql(ws, lambda: month_report(ws, month))
    with ws.reading() as uow:
        facts = uow.billing_facts(month)
    plain = floors.open_plain(plain_copies[panel])

    def read_facts():
        with ws.reading() as uow:
            return uow.billing_facts(month)

    sides = {
        "report": lambda: month_report(ws, month),
        "facts": read_facts,
        "rules": lambda: _rows(facts, month, ws.today()),
        "sql_plain": lambda: floors.replay(plain, statements),
    }
    try:
        medians = benchmark.pedantic(floors.interleaved, args=(sides, 21 if panel == "170x1y" else 11), rounds=1)
    finally:
        plain.close()
    floors.report(benchmark, f"month report {month}'s parts ({panel})", medians, "sql_plain")
