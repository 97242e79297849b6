"""The queue and the month's billing report on a demo panel, entry for entry and row for row,
against what the code computed before issue 14 made their reads lean (saved in
data/queue_report_oracle.json; CAREDESK_REGEN_ORACLE=1 rewrites it, only when a rule changes
on purpose)."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from caredesk.clock import FixedClock
from caredesk.domain.calendar import Month
from caredesk.services import billing_report
from caredesk.services.call_queue import CallQueue
from caredesk.services.demo_store import create_demo_store
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, ZONE

ORACLE = Path(__file__).with_name("data") / "queue_report_oracle.json"
DAYS_BACK = (0, 9, 41)  # today, earlier this month, the month before last


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    clock = FixedClock(datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo(ZONE)))
    ws, _ = create_demo_store(
        DataFolder(tmp_path_factory.mktemp("oracle")),
        patients=300,
        years=2,
        seed=3,
        clock=clock,
        kdf=FAST_KDF,
        zone=ZONE,
    )
    yield ws
    ws.lock()


def _plain(value):
    return value if isinstance(value, (int, float, str, type(None))) else str(value)


def _queue(ws, back: int) -> dict:
    q = CallQueue(ws)
    rows = q.build(ws.today() - timedelta(days=back))
    return {
        "rows": [
            [
                r.patient_id,
                r.entry.score,
                r.entry.minutes,
                r.entry.threshold,
                _plain(r.entry.due),
                _plain(r.entry.upcoming),
                [[x.kind.value, x.text, _plain(x.due), x.urgency] for x in r.entry.reasons],
                repr(r.patient),
            ]
            for r in rows
        ],
        "active": q.active_patients,
        "calls_today": q.calls_today(),
        "minutes_today": q.minutes_today(),
    }


def _report(ws, month: Month) -> list:
    return [
        [
            r.patient_id,
            r.name,
            r.status.value,
            [p.value for p in r.programs],
            _plain(r.consent),
            r.clinical_minutes,
            r.physician_minutes,
            sorted((p.value, m) for p, m in r.minutes_by_program.items()),
            repr(r.result),
            list(r.next_threshold) if r.next_threshold else None,
        ]
        for r in billing_report.month_report(ws, month).rows
    ]


def _computed(ws) -> dict:
    return {
        "queue": {str(back): _queue(ws, back) for back in DAYS_BACK},
        "report": {str(m): _report(ws, m) for m in (Month(2026, 11), Month(2026, 9))},
    }


def test_the_queue_and_the_report_are_what_they_were(demo):
    got = json.loads(json.dumps(_computed(demo)))
    if os.environ.get("CAREDESK_REGEN_ORACLE") == "1":
        ORACLE.write_text(json.dumps(got, separators=(",", ":"), sort_keys=True) + "\n")
    want = json.loads(ORACLE.read_text())
    for back in map(str, DAYS_BACK):
        assert got["queue"][back]["rows"] == want["queue"][back]["rows"], f"queue {back} days back"
        assert got["queue"][back] == want["queue"][back]
    for month, rows in want["report"].items():
        assert got["report"][month] == rows, month
    assert sum(len(q["rows"]) for q in want["queue"].values()) > 300  # the panel makes a real queue


def test_refreshing_patients_gives_the_queue_a_build_gives(demo):
    q = CallQueue(demo)
    rows = q.build()
    some = [r.patient_id for r in rows[::7]]
    assert q.refresh(some) == CallQueue(demo).build()
