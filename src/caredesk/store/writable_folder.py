"""A folder CareDesk writes into (the data folder, a backup folder): there or made, a folder,
and writable. One check for both; each caller says it in its own words (FolderWords), the
ones its users see and its tests assert.

Light (no SQLAlchemy, no SQLCipher): the unlock page checks the data folder before the
database layer loads (issue 14).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from caredesk.errors import StoreError


@dataclass(frozen=True)
class FolderWords:
    """The messages for one kind of folder; `{folder}` stands for its path."""

    name: str  # "data folder": "Cannot create the data folder … (No space left on device)."
    missing: str  # it is not there and is not to be made
    is_file: str
    not_writable: str
    missing_error: type[StoreError] = StoreError


def not_a_folder(folder: Path, words: FolderWords) -> str | None:
    """`words.is_file` for a `folder` that is there but is not a folder (a file); else None."""
    return words.is_file.format(folder=folder) if folder.exists() and not folder.is_dir() else None


def check_writable(folder: Path, words: FolderWords, *, create: bool = False) -> None:
    """Raise StoreError with `words` for a folder that is a file, absent (`words.missing_error`;
    made with mode 0700 instead when `create`) or not writable."""
    is_file = not_a_folder(folder, words)
    if is_file is not None:
        raise StoreError(is_file)
    if not folder.exists():
        if not create:
            raise words.missing_error(words.missing.format(folder=folder))
        try:
            folder.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise StoreError(f"Cannot create the {words.name} {folder} ({exc.strerror}).") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(words.not_writable.format(folder=folder))


def check_can_make(folder: Path, words: FolderWords) -> None:
    """Raise StoreError with `words` where `check_writable(folder, words, create=True)` would, but
    make nothing: a folder that is there is checked as it is; a missing one must be makeable, its
    nearest existing parent a folder that may be written in. Asked before a new store's passphrase
    is typed (caredesk init), so an unusable folder is refused first, and nothing is left behind
    when the typing is abandoned."""
    if folder.exists():
        check_writable(folder, words)
        return
    parent = folder.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise StoreError(f"Cannot create the {words.name} {folder}: {parent} is a file, not a folder.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"Cannot create the {words.name} {folder}: the folder {parent} is not writable.")
