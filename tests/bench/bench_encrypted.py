"""The encrypted store's reads against plain SQLite (issue 14: within 1.2x).

Each service's own statements (captured while it runs) replayed with plain cursors on three
files, interleaved in one run; medians:
- "encrypted": the SQLCipher store itself, through the engine's own keyed connection and its
  page cache;
- "plain": an unencrypted copy made with sqlcipher_export (SQLCipher's documented way);
- "compacted": an encrypted copy made the same way (floors.compacted_copy).
The export rewrites every index in order, so the plain copy's pages are full where the store's,
grown row by row, are part-full: "encrypted" against "plain" is encryption plus layout,
"compacted" against "plain" is the encryption's own cost (the same pages, decrypted or not).
"""

from __future__ import annotations

import time

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


@pytest.fixture(scope="module")
def compacted_copies(panels, tmp_path_factory):
    base = tmp_path_factory.mktemp("compacted")
    return {name: floors.compacted_copy(ws, base / f"{name}.db") for name, ws in panels.items()}


def _month(ws):
    from caredesk.domain.calendar import Month

    return lambda: month_report(ws, Month.of(ws.today()))


@pytest.mark.parametrize("what", ["queue", "patient list", "month report"])
def test_reads_encrypted_vs_plain(benchmark, panels, panel, plain_copies, compacted_copies, what):
    ws = panels[panel]
    run = {"queue": CallQueue(ws).build, "patient list": lambda: patient_list(ws), "month report": _month(ws)}[what]
    statements = floors.captured_sql(ws, run)
    plain = floors.open_plain(plain_copies[panel])
    compacted = floors.open_compacted(compacted_copies[panel])
    raw = ws.store._engine.raw_connection()
    try:
        sides = {
            "encrypted": lambda: floors.replay(raw.driver_connection, statements),
            "compacted": lambda: floors.replay(compacted, statements),
            "plain": lambda: floors.replay(plain, statements),
        }
        rounds = 21 if panel == "170x1y" else 11
        medians = benchmark.pedantic(floors.interleaved, args=(sides, rounds), rounds=1)
        cpu = floors.interleaved(sides, rounds, time.thread_time)
    finally:
        raw.close()
        plain.close()
        compacted.close()
    title = f"{what}'s SQL encrypted vs plain ({panel}, {len(statements)} statements)"
    floors.report(benchmark, title, medians, "plain")
    cpu_ratios = {f"cpu_{k}": v for k, v in cpu.items()}
    floors.report(benchmark, f"{title}, this thread's CPU", cpu_ratios, "cpu_plain")
