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
