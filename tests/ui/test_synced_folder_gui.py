"""The app refuses a synced data folder before it writes anything there: no folder, no logs/,
no lock file (issue 11 item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from caredesk.errors import StoreError
from caredesk.ui.shell import launch


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_the_app_says_why_and_writes_nothing_in_an_icloud_folder(qapp, monkeypatch, tmp_path):
    data_dir = tmp_path / "Library" / "Mobile Documents" / "com~apple~CloudDocs" / "CareDesk"
    data_dir.parent.mkdir(parents=True)
    before = _listing(tmp_path)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    monkeypatch.setattr(launch.crash, "install", lambda: None)
    assert launch.main(["--data-dir", str(data_dir)]) == 1
    assert len(shown) == 1 and "iCloud Drive" in shown[0] and "local disk" in shown[0]
    assert _listing(tmp_path) == before


def test_no_window_and_no_lock_file_for_a_network_looking_folder(qapp, tmp_path):
    data_dir = tmp_path / "Google Drive" / "My Drive" / "CareDesk"
    with pytest.raises(StoreError, match="Google Drive"):
        launch.build_main_window(data_dir, tmp_path / "settings.ini")
    assert not (tmp_path / "Google Drive").exists()
