"""The demo panels every other benchmark runs on: what they hold and how big their store is.

BENCHMARKS.md's header quotes their contents (170 patients with one year: ~4.9k contacts,
~3.8k time entries; 2,000 with three years: ~140k contacts, 106k time entries, 132k
observations) and issue 14 quotes the 2,000-patient store's size against SQLCipher's page
cache. This counts the rows of the session's panels (tests/bench/conftest.py, seed 1, built on
the real today) and sizes their files; the timed part is one count, so the figure is the counts.
The build time (generate + encrypt + write) is conftest's, printed at the end of the session.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])

TABLES = ("patients", "contacts", "time_entries", "observations", "assessments", "care_plan_versions")


def test_what_the_demo_panel_holds(benchmark, panels, panel):
    ws = panels[panel]

    def count() -> dict[str, int]:
        with ws.uow() as uow:
            conn = uow.patients.s.connection()
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}

    counts = benchmark.pedantic(count, rounds=1)
    with ws.uow() as uow:
        conn = uow.patients.s.connection()
        pages = int(conn.execute(text("PRAGMA page_count")).scalar_one())
        page_size = int(conn.execute(text("PRAGMA page_size")).scalar_one())
        cache = int(conn.execute(text("PRAGMA cache_size")).scalar_one())
    sizes = {p.name: p.stat().st_size for p in ws.store.folder.files()}
    db_mb = pages * page_size / 1e6
    # cache_size < 0 is in KiB, > 0 in pages (SQLite's convention).
    cache_mb = (-cache * 1024 if cache < 0 else cache * page_size) / 1e6
    benchmark.extra_info.update(counts, db_mb=round(db_mb, 1), page_cache_mb=round(cache_mb, 1), files=sizes)
    assert counts["patients"] == int(panel.split("x")[0])
    print(
        f"\n[{panel}] "
        + ", ".join(f"{n:,} {t}" for t, n in counts.items())
        + f"; database {db_mb:.1f} MB ({pages:,} pages of {page_size} B), page cache {cache_mb:.1f} MB; files "
        + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items())
    )
