"""Store reads behind the patient list and the chart, against a plain query of the same rows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from caredesk.domain.patients import Status
from caredesk.services.patients import open_chart, patient_list

pytestmark = pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])


def test_patient_list(benchmark, panels, panel):
    ws = panels[panel]
    rows = benchmark(patient_list, ws)
    assert len(rows) == int(panel.split("x")[0])


def test_plain_query_of_the_same_rows(benchmark, panels, panel):
    """Baseline: the three tables the list reads, fetched with no conversion."""
    ws = panels[panel]

    def plain():
        with ws.uow() as uow:
            conn = uow.patients.s.connection()
            a = conn.execute(text("SELECT * FROM patients")).fetchall()
            b = conn.execute(text('SELECT patient_id, max("on") FROM contacts GROUP BY patient_id')).fetchall()
            c = conn.execute(
                text('SELECT patient_id, minutes, "on" FROM time_entries WHERE "on" >= \'2026-11-01\'')
            ).fetchall()
            return len(a) + len(b) + len(c)

    assert benchmark(plain) > 0


def test_open_chart(benchmark, panels, panel):
    ws = panels[panel]
    pid = next(p.id for p in patient_list(ws) if p.status is Status.ACTIVE)
    chart = benchmark(open_chart, ws, pid)
    assert chart.patient.id == pid
