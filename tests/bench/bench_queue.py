"""The call queue (budget: re-rank after a call < 50 ms at 170 patients, < 300 ms at 2,000)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from caredesk.domain.queue import rank
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from tests.bench import floors

pytestmark = pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])


def test_build_the_queue_from_the_store(benchmark, panels, panel):
    q = CallQueue(panels[panel])
    rows = benchmark(q.build)
    assert rows and rows == sorted(rows, key=lambda r: (-r.entry.score, r.patient_id))


def test_rank_only_in_memory(benchmark, panels, panel):
    q = CallQueue(panels[panel])
    q.build()
    entries = benchmark(rank, list(q._facts.values()), q.as_of, q.ws.tz)
    assert len(entries) == len(q.rows)


def test_rerank_after_logging_a_call(benchmark, panels, panel):
    """What the screen does after Save: log the call, re-read that patient, re-rank."""
    ws = panels[panel]
    q = CallQueue(ws)
    rows = q.build()
    pid = rows[len(rows) // 2].patient_id

    def call_then_refresh():
        logged = log_contact(ws, pid, outcome="voicemail", minutes=1)
        return q.refresh(logged.patient_ids)

    assert benchmark.pedantic(call_then_refresh, rounds=20, warmup_rounds=1)


def test_refresh_only(benchmark, panels, panel):
    ws = panels[panel]
    q = CallQueue(ws)
    rows = q.build()
    pid = rows[0].patient_id
    assert benchmark(q.refresh, {pid})


def test_plain_query_of_the_queue_rows(benchmark, panels, panel):
    """Baseline: the same tables read with plain SQL and no ranking."""
    ws = panels[panel]

    def plain():
        with ws.uow() as uow:
            conn = uow.patients.s.connection()
            n = 0
            for sql in (
                "SELECT id, risk_tier, call_window FROM patients WHERE status = 'active'",
                "SELECT * FROM enrollments",
                "SELECT patient_id, count(*) FROM conditions GROUP BY patient_id",
                "SELECT patient_id, program, staff_type, sum(minutes) FROM time_entries WHERE \"on\" >= '2026-11-01' GROUP BY 1, 2, 3",
                "SELECT * FROM contacts WHERE \"on\" >= '2026-09-10'",
                "SELECT patient_id, max(\"on\") FROM contacts WHERE outcome = 'reached' GROUP BY patient_id",
                "SELECT * FROM tasks WHERE status = 'open'",
                "SELECT * FROM transitions WHERE discharged_on >= '2026-10-10'",
                "SELECT * FROM assessments",
                "SELECT patient_id, kind, value, observed_on FROM observations",
                "SELECT patient_id, number, content_json FROM care_plan_versions",
            ):
                n += len(conn.execute(text(sql)).fetchall())
            return n

    assert benchmark(plain) > 0


@pytest.mark.parametrize("unit", ["calls", "minutes"])
def test_todays_plan_over_the_built_queue(benchmark, panels, panel, unit):
    """Today's plan (issue 12): over the queue already built, at 20 calls or 5 h of calls a day."""
    from caredesk.domain.call_capacity import Capacity, CapacityUnit

    q = CallQueue(panels[panel])
    q.build()
    capacity = Capacity(CapacityUnit(unit), 20 if unit == "calls" else 300, 15)
    p = benchmark(q.plan, capacity)
    assert p.today and len(p.today) + len(p.later) == len(q.rows)


def test_build_the_queue_and_its_plan(benchmark, panels, panel):
    """What the queue page does on unlock: build the queue, read the capacity, plan."""
    q = CallQueue(panels[panel])

    def build_and_plan():
        q.build()
        return q.plan()

    assert benchmark(build_and_plan).today


@pytest.fixture(scope="module")
def plain_copies(panels, tmp_path_factory):
    """Each panel's store decrypted into a plain SQLite file (the floor's database)."""
    base = tmp_path_factory.mktemp("plain")
    return {name: floors.plain_copy(ws, base / f"{name}.db") for name, ws in panels.items()}


def test_build_against_its_own_sql_on_a_plain_copy(benchmark, panels, panel, plain_copies):
    """Issue 14's row: `CallQueue.build` against the very statements it sends, fetched whole
    with a plain cursor from an unencrypted copy (the floor), and from the encrypted store;
    interleaved in one run, medians. Goal: build within 2x the floor."""
    ws = panels[panel]
    q = CallQueue(ws)
    statements = floors.captured_sql(ws, q.build)
    plain = floors.open_plain(plain_copies[panel])
    raw = ws.store._engine.raw_connection()
    try:
        sides = {
            "build": q.build,
            "sql_encrypted": lambda: floors.replay(raw.driver_connection, statements),
            "sql_plain": lambda: floors.replay(plain, statements),
        }
        medians = benchmark.pedantic(floors.interleaved, args=(sides, 15 if panel == "170x1y" else 7), rounds=1)
    finally:
        raw.close()
        plain.close()
    floors.report(benchmark, f"queue build vs its SQL ({panel}, {len(statements)} statements)", medians, "sql_plain")


def test_where_the_build_goes(benchmark, panels, panel, plain_copies):
    """The build's parts, interleaved with its plain-SQL floor: the facts read (store rows to
    records), the patients' list rows, and ranking in memory (the queue's rules, no store)."""
    ws = panels[panel]
    q = CallQueue(ws)
    statements = floors.captured_sql(ws, q.build)
    facts = list(q._facts.values())
    ids = [f.patient_id for f in facts]
    plain = floors.open_plain(plain_copies[panel])

    def read_facts():
        with ws.reading() as uow:
            return uow.queue_facts(q.as_of)

    def summaries():
        with ws.reading() as uow:
            return uow.patients.summaries(q.as_of, ids)

    sides = {
        "build": q.build,
        "facts": read_facts,
        "summaries": summaries,
        "rank": lambda: rank(facts, q.as_of, ws.tz),
        "sql_plain": lambda: floors.replay(plain, statements),
    }
    try:
        medians = benchmark.pedantic(floors.interleaved, args=(sides, 15 if panel == "170x1y" else 7), rounds=1)
    finally:
        plain.close()
    floors.report(benchmark, f"queue build's parts ({panel})", medians, "sql_plain")
