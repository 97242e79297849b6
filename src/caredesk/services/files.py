"""Writing the files a user asked for: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from caredesk.errors import CareDeskError


def write_atomic(path: Path, data: bytes) -> None:
    """A temporary file beside the target, flushed to disk, then a rename: never a half-written file
    under the real name, even after a power cut. The file is the user's alone (0600, from mkstemp):
    plans, letters and reports hold patient data. Raises CareDeskError naming the path."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise CareDeskError(f"Cannot write {path} ({exc.strerror}).") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CareDeskError(f"Cannot write {path} ({exc.strerror}).") from None
