"""A restore killed (SIGKILL) at any moment leaves one whole store: the one it replaced or the
one it restored, never none (issue 11; a tester's `kill -9` during `caredesk restore` left only
`.restore-*.db` and `replaced-*/`, and `caredesk init` then made a new, empty store there).

Real processes: `caredesk restore` kills itself at its Nth step (CAREDESK_TEST_RESTORE_CRASH_AT,
caredesk.store.restore_swap), for every N until it finishes; then the next command finds the
old or the new store whole (`caredesk patients`, `caredesk verify`) and no restore debris.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
from pathlib import Path

import pytest

from caredesk.clock import FixedClock
from caredesk.services.access import Access
from caredesk.store.restore_swap import CRASH_AT
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import pw_env, run
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE
from tests.services.test_calls import _patient

OLD, NEW = {"OLD1", "OLD2", "OLD3"}, {"NEW1", "NEW2"}


@pytest.fixture(scope="module")
def setting(tmp_path_factory) -> tuple[Path, Path]:
    """(a data folder holding the store of OLD patients, a backup of another store of NEW ones);
    both stores open with PASSPHRASE. Copied for each try."""
    base = tmp_path_factory.mktemp("crash")
    clock = FixedClock(NOW)
    for name, mrns in (("live", OLD), ("other", NEW)):
        ws, _ = Access(DataFolder(base / name), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
        for mrn in sorted(mrns):
            _patient(ws, mrn)
        ws.lock()
    (base / "usb").mkdir()
    r = run("backup", "--to", str(base / "usb"), "--data-dir", str(base / "other"), env=pw_env())
    assert r.returncode == 0, r.stderr
    return base / "live", next((base / "usb").iterdir())


def _mrns(folder: Path) -> set[str]:
    r = run("patients", "--json", "--data-dir", str(folder), env=pw_env())
    assert r.returncode == 0, r.stderr
    return {p["mrn"] for p in json.loads(r.stdout)}


def _restore(folder: Path, backup: Path, env: dict[str, str]):
    return run("restore", str(backup), "--data-dir", str(folder), "--replace", env={**pw_env(), **env})


@pytest.mark.slow
def test_a_restore_killed_at_any_step_leaves_the_old_or_the_new_store_whole(setting, tmp_path):
    live, backup = setting
    seen: list[tuple[int, str]] = []
    for n in range(1, 30):
        folder = tmp_path / f"try{n}"
        shutil.copytree(live, folder)
        r = _restore(folder, backup, {CRASH_AT: str(n)})
        if r.returncode == 0:
            break
        assert r.returncode == -signal.SIGKILL, r.stderr
        left = sorted(p.name for p in folder.iterdir())
        if n == 4:  # the old files moved out, no new one in yet: the tester's folder
            assert "caredesk.db" not in left and any(name.startswith(".restore-") for name in left), left
            refused = run("init", "--data-dir", str(folder), env=pw_env())
            assert refused.returncode != 0 and "already exists" in refused.stderr  # finished, not overwritten
        found = _mrns(folder)
        assert found in (OLD, NEW), (n, left, found)
        seen.append((n, "old" if found == OLD else "new"))
        v = run("verify", "--data-dir", str(folder), env=pw_env())
        assert v.returncode == 0, (n, left, v.stdout, v.stderr)
        assert not [p.name for p in folder.iterdir() if p.name.startswith(".restore-")]
        kept = [p for p in folder.iterdir() if p.name.startswith("replaced-")]
        if found == NEW:  # the replaced store is kept whole, and opens
            assert len(kept) == 1 and _mrns(kept[0]) == OLD
        else:
            assert not kept
    else:
        pytest.fail("the restore never finished")
    assert n >= 8, seen  # every step was tried: journal, 3 files out, 3 in, the end
    assert seen[0][1] == "old" and seen[-1][1] == "new", seen


@pytest.mark.slow
def test_a_settle_killed_half_way_is_settled_by_the_next_command(setting, tmp_path):
    live, backup = setting
    folder = tmp_path / "twice"
    shutil.copytree(live, folder)
    assert _restore(folder, backup, {CRASH_AT: "3"}).returncode == -signal.SIGKILL  # 1 of 3 old files moved
    r = run("patients", "--data-dir", str(folder), env={**pw_env(), CRASH_AT: "2"})  # killed finishing it
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert _mrns(folder) == NEW
    assert run("verify", "--data-dir", str(folder), env=pw_env()).returncode == 0


def test_debris_of_an_older_restore_is_removed(setting, tmp_path):
    live, _backup = setting
    folder = tmp_path / "debris"
    shutil.copytree(live, folder)
    (folder / ".restore-9ea157c5.db").write_bytes(b"\0" * 4096)  # what the tester found
    (folder / ".restore-0badf00d").mkdir()  # a staging folder killed before its journal
    (folder / ".restore-0badf00d" / "caredesk.db").write_bytes(b"\0" * 4096)
    assert _mrns(folder) == OLD
    assert not [p for p in folder.iterdir() if re.match(r"\.restore-", p.name)]
