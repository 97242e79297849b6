"""Schema 0004 (issue 10): a 0003 store's resources and referrals are kept through the upgrade.

A resource's one-word category becomes its need (the AHC HRSN core domains, else "other" with
the old word kept in its notes); each referral gets the step history its dates tell and the
need its resource meets; the downgrade gives 0003's columns back from them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, text

from caredesk.domain.community import Need
from caredesk.domain.referrals import ReferralStatus
from caredesk.services import community as directory
from caredesk.services import referrals as referral_service
from caredesk.services.access import Access
from caredesk.store import migrate
from caredesk.store.engine import open_engine
from caredesk.store.keys import KeyFile
from tests.conftest import PASSPHRASE
from tests.services.test_calls import _patient

S = ReferralStatus
OLD_RESOURCES = [(1, "Riverside Food Pantry", "food"), (2, "Willow Creek Senior Center", "social isolation")]
# id, resource, reason, status, opened, closed
OLD_REFERRALS = [
    (1, 1, "Positive food screen", "proposed", "2026-10-01", None),
    (2, 1, "Food again", "sent", "2026-10-02", None),
    (3, 2, "Lonely", "completed", "2026-09-01", "2026-09-20"),
    (4, 1, "Said no", "declined", "2026-08-01", None),
]


def _engine(folder, workspace):
    workspace.lock()
    return open_engine(folder.db, KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE))


def test_a_0003_stores_resources_and_referrals_are_kept_with_needs_and_step_histories(workspace, folder, clock):
    pid = _patient(workspace, "M4")
    engine = _engine(folder, workspace)
    migrate.downgrade(engine, "0003")
    assert "referral_steps" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        for rid, name, category in OLD_RESOURCES:
            conn.execute(
                text(
                    "INSERT INTO community_resources (id, name, category, phone, address) VALUES (:i, :n, :c, '', '')"
                ),
                {"i": rid, "n": name, "c": category},
            )
        for rid, res, reason, status, opened, closed in OLD_REFERRALS:
            conn.execute(
                text(
                    "INSERT INTO referrals (id, patient_id, resource_id, reason, status, opened_on, closed_on) "
                    "VALUES (:i, :p, :r, :why, :s, :o, :c)"
                ),
                {"i": rid, "p": pid, "r": res, "why": reason, "s": status, "o": opened, "c": closed},
            )
    engine.dispose()

    ws = Access(folder, clock).unlock(PASSPHRASE)  # upgrades on unlock
    try:
        assert migrate.current_revision(ws.store._engine) == migrate.HEAD
        pantry, center = directory.resources(ws, include_inactive=True)
        assert (pantry.needs, pantry.notes, pantry.active) == ((Need.FOOD,), "", True)
        assert (center.needs, center.notes) == ((Need.OTHER,), "social isolation")
        made = {v.referral.id: v.referral for v in referral_service.referrals(ws, pid)}
        steps = {rid: [(s.status, s.on, s.note) for s in r.steps] for rid, r in made.items()}
        assert steps == {
            1: [(S.PROPOSED, date(2026, 10, 1), "Positive food screen")],
            2: [(S.PROPOSED, date(2026, 10, 2), "Food again"), (S.SENT, date(2026, 10, 2), "")],
            3: [(S.PROPOSED, date(2026, 9, 1), "Lonely"), (S.COMPLETED, date(2026, 9, 20), "")],
            4: [(S.PROPOSED, date(2026, 8, 1), "Said no"), (S.DECLINED, date(2026, 8, 1), "")],
        }
        assert [made[i].need for i in (1, 2, 3, 4)] == [Need.FOOD, Need.FOOD, Need.OTHER, Need.FOOD]
        assert (made[3].closed_on, made[4].closed_on, made[2].closed_on) == (date(2026, 9, 20), date(2026, 8, 1), None)
        # The loop goes on from the kept history.
        assert referral_service.record_step(ws, 2, "accepted", on=date(2026, 10, 5)).value.status is S.ACCEPTED
    finally:
        ws.lock()

    engine = open_engine(folder.db, KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE))
    migrate.downgrade(engine, "0003")  # and back: reasons from the first notes, categories from the needs
    with engine.connect() as conn:
        referrals = conn.execute(text("SELECT id, reason, status FROM referrals ORDER BY id")).all()
        categories = conn.execute(text("SELECT category FROM community_resources ORDER BY id")).scalars().all()
    engine.dispose()
    assert [tuple(r) for r in referrals] == [
        (1, "Positive food screen", "proposed"),
        (2, "Food again", "accepted"),
        (3, "Lonely", "completed"),
        (4, "Said no", "declined"),
    ]
    assert categories == ["food", "other"]
