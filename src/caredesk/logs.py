"""Logging that cannot leak patient data.

Log lines name events and record ids only. An unexpected exception is logged as its
type and stack frames (file, line, function), never its message, which may quote values.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import traceback
from pathlib import Path
from types import TracebackType

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _CareDeskLog(logging.handlers.RotatingFileHandler):
    """CareDesk's own file handler: configuring again replaces it instead of adding a second.
    Its files are the user's alone (0600), like the store beside them. A line that cannot be
    written (a full disk) is dropped: logging's default prints a traceback on stderr for each,
    three per command on a tester's full disk, in front of the one message that mattered."""

    def _open(self):  # type: ignore[no-untyped-def]  # logging's own hook, untyped there
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.chmod(self.baseFilename, 0o600)  # a log made before this rule, or under a wide umask
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        """Drop the line: there is nowhere left to say that logging failed."""

    def flush(self) -> None:
        # logging.shutdown flushes at exit outside handleError; a full disk must stay quiet there too.
        with contextlib.suppress(OSError):
            super().flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            super().close()


def configure(log_dir: Path, level: int = logging.INFO) -> Path | None:
    """Rotating file log in log_dir; returns its path, or None if the folder is not writable."""
    try:
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(log_dir, 0o700)  # a folder made before this rule, or by someone else's umask
        path = log_dir / "caredesk.log"
        handler = _CareDeskLog(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.setLevel(level)
    for old in [h for h in root.handlers if isinstance(h, _CareDeskLog)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    # SQLAlchemy's engine logger would print statements; parameters are hidden anyway.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    return path


def active() -> bool:
    """Whether CareDesk's own log file is configured (a message may then point to it)."""
    return any(isinstance(h, _CareDeskLog) for h in logging.getLogger().handlers)


def describe_exception(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """Type and frames only: safe to write to a log or show in a crash dialog."""
    frames = traceback.extract_tb(tb)
    lines = [f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames]
    return f"{exc_type.__module__}.{exc_type.__qualname__}\n" + "\n".join(lines)


def log_unexpected(exc: BaseException) -> None:
    logging.getLogger("caredesk").error("unexpected error: %s", describe_exception(type(exc), exc.__traceback__))
