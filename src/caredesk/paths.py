"""Where the data folder is: --data-dir, else CAREDESK_DATA_DIR, else the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from caredesk import APP_NAME

ENV_DATA_DIR = "CAREDESK_DATA_DIR"


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, APP_NAME))


def resolve_data_dir(given: str | None) -> Path:
    return Path(given).expanduser() if given else default_data_dir()


# Every data folder this process has used. A file the user asks CareDesk to write (a report, an
# export, an error list) never lands inside one: `--out DATA/caredesk.db` would replace the
# encrypted store with plain text, `--out DATA/caredesk.key` the key that opens it.
_data_folders: set[Path] = set()


def note_data_folder(folder: Path) -> None:
    """Remember `folder` as a data folder (caredesk.store.vault.DataFolder does, when made)."""
    _data_folders.add(_resolved(folder))


def data_folder_holding(path: Path) -> Path | None:
    """The data folder that `path` (a file to write; a symlink followed) lies in, or None."""
    target = _resolved(path)
    for folder in _data_folders:
        if target == folder or folder in target.parents:
            return folder
    return None


def _resolved(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path.expanduser()))
    except (OSError, ValueError):
        return path.absolute()
