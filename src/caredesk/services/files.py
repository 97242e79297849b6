"""Writing the files a user asked for: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from caredesk.errors import CareDeskError


def write_atomic(path: Path, data: bytes) -> None:
    """A temporary file beside the target, then a rename: never a half-written file under the real name."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise CareDeskError(f"Cannot write {path} ({exc.strerror}).") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CareDeskError(f"Cannot write {path} ({exc.strerror}).") from None
