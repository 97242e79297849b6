"""Writing the files a user asked for: whole or not at all, and only ever as a regular file."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from caredesk import paths
from caredesk.errors import CareDeskError


def refusal(path: Path) -> str | None:
    """Why `path` is no place for a file the user asked for ("standard output is not supported;
    give a file name", "it is not a regular file; give a file name", "it is inside CareDesk's
    data folder ..."), or None; the rules are write_atomic's. For commands that must refuse
    before they change anything (the recovery kit, the FHIR export)."""
    if str(path) == "-":
        return "standard output is not supported; give a file name"
    if (folder := paths.data_folder_holding(path)) is not None:
        return (
            f"it is inside CareDesk's data folder ({folder}), which holds the store and its key; choose another folder"
        )
    try:
        mode = path.stat().st_mode  # follows a symlink to its final target
    except OSError:
        return None  # a new file, or a dangling link: writing says why it cannot, if it cannot
    return None if stat.S_ISREG(mode) else "it is not a regular file; give a file name"


def write_atomic(path: Path, data: bytes) -> None:
    """A temporary file beside the target, flushed to disk, then a rename: never a half-written file
    under the real name, even after a power cut. The file is the user's alone (0600, from mkstemp):
    plans, letters and reports hold patient data. Raises CareDeskError naming the path.

    What `path` may be (every caller: CSV and PDF reports, plans, letters, the recovery kit, and
    the GUI's save dialogs, so the messages name the path and no command-line option):
    - a symlink is followed and its final target written (a missing target is created), the link
      kept, as the shell's `>` does; renaming over the link would silently cut it off from the
      file it names;
    - an existing target that is not a regular file (device, fifo, socket, folder) is refused and
      nothing is written: a rename would replace /dev/stdout or a pipe with a 0600 file of patient
      data (as root, even in /dev);
    - a path inside a data folder this process has used (caredesk.paths) is refused: a report
      written as DATA/caredesk.db or DATA/caredesk.key would destroy the store it came from;
    - a lone "-" is refused rather than read as standard output: a report's summary already goes
      to standard output, patient data does not belong on a terminal or in a pipe's scrollback,
      and a file named "-" in the working folder is never what was meant (pathlib reads "./-"
      as "-" too; "folder/-" names a file really called "-").
    The check and the rename are not one step; a target swapped for a device in between is not
    guarded against (the folder is the user's own)."""
    reason = refusal(path)
    if reason is not None:
        raise CareDeskError(f"Cannot write {path}: {reason}.")
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise CareDeskError(f"Cannot write {path} ({exc.strerror}).") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CareDeskError(f"Cannot write {path} ({exc.strerror}).") from None
