"""The encrypted store's reads against plain SQLite (issue 14: within 1.2x).

The queue's own statements (captured from `CallQueue.build`) replayed with plain cursors on
the SQLCipher store, through the engine's own keyed connection and its page cache, and on an
unencrypted copy made with sqlcipher_export, interleaved in one run; medians.
"""

from __future__ import annotations

import pytest

from caredesk.services.billing_report import month_report
from caredesk.services.call_queue import CallQueue
from caredesk.services.patients import patient_list
from tests.bench import floors

pytestmark = pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])


@pytest.fixture(scope="module")
def plain_copies(panels, tmp_path_factory):
    base = tmp_path_factory.mktemp("plain")
    return {name: floors.plain_copy(ws, base / f"{name}.db") for name, ws in panels.items()}


def _month(ws):
    from caredesk.domain.calendar import Month

    return lambda: month_report(ws, Month.of(ws.today()))


@pytest.mark.parametrize("what", ["queue", "patient list", "month report"])
def test_reads_encrypted_vs_plain(benchmark, panels, panel, plain_copies, what):
    ws = panels[panel]
    run = {"queue": CallQueue(ws).build, "patient list": lambda: patient_list(ws), "month report": _month(ws)}[what]
    statements = floors.captured_sql(ws, run)
    plain = floors.open_plain(plain_copies[panel])
    raw = ws.store._engine.raw_connection()
    try:
        sides = {
            "encrypted": lambda: floors.replay(raw.driver_connection, statements),
            "plain": lambda: floors.replay(plain, statements),
        }
        medians = benchmark.pedantic(floors.interleaved, args=(sides, 21 if panel == "170x1y" else 11), rounds=1)
    finally:
        raw.close()
        plain.close()
    floors.report(
        benchmark, f"{what}'s SQL encrypted vs plain ({panel}, {len(statements)} statements)", medians, "plain"
    )
