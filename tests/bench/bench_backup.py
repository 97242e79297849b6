"""Backup and its checks (issue 11) against the floor of copying the store's files.

A verified backup copies the database page by page in one read transaction, checks the copy
(integrity_check, cipher_integrity_check, row counts, audit chain), packs it with the key file
and reads the archive back; the restore side extracts and checks it again. The floor is a
plain copy of caredesk.db and its WAL (what a user copying files would do, minus the checks).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from caredesk.services.backup import make_backup
from caredesk.store.backup_read import extract_checked, open_backup

pytestmark = pytest.mark.parametrize("panel", ["170x1y", "2000x3y"])
ROUNDS = 5


def test_backup_and_verify(benchmark, panels, panel):
    ws = panels[panel]
    with tempfile.TemporaryDirectory() as out:

        def one() -> int:
            made = make_backup(ws, Path(out))
            made.path.unlink()
            return made.rows["patients"]

        assert benchmark.pedantic(one, rounds=ROUNDS, warmup_rounds=1) == int(panel.split("x")[0])


def test_check_a_backup_before_restoring(benchmark, panels, panel):
    """What a restore does before it replaces anything: extract the database and check it."""
    ws = panels[panel]
    with tempfile.TemporaryDirectory() as out:
        made = make_backup(ws, Path(out))
        backup = open_backup(made.path)
        key = ws.store._data_key
        assert key is not None
        target = Path(out) / "extracted.db"

        def one() -> None:
            extract_checked(backup, key, target)
            target.unlink()

        benchmark.pedantic(one, rounds=ROUNDS, warmup_rounds=1)


def test_plain_file_copy_floor(benchmark, panels, panel):
    ws = panels[panel]
    folder = ws.store.folder
    with tempfile.TemporaryDirectory() as out:

        def one() -> int:
            size = 0
            for p in folder.files():
                shutil.copyfile(p, Path(out) / p.name)
                size += p.stat().st_size
            return size

        assert benchmark.pedantic(one, rounds=ROUNDS, warmup_rounds=1) > 0
