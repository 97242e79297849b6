"""Logging that cannot leak patient data.

Log lines name events and record ids only. An unexpected exception is logged as its
type and stack frames (file, line, function), never its message, which may quote values.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path
from types import TracebackType

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Held(logging.Handler):
    """Log lines kept in memory until `configure` opens the file, which writes them first; a
    line another thread was logging meanwhile is passed on to the file (`pass_on`)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self._to: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._to is None:
            self.records.append(record)
        else:
            self._to.handle(record)

    def pass_on(self, to: logging.Handler) -> None:
        """Write the kept lines to `to`, in order, and pass on any that still come here."""
        self.acquire()
        try:
            for record in self.records:
                to.handle(record)
            self.records.clear()
            self._to = to
        finally:
            self.release()


def hold(level: int = logging.INFO) -> None:
    """Keep log lines in memory until `configure` (the app opens its log file after the window's
    first paint, issue 14: importing logging.handlers and opening the file cost ~10 ms before it).
    Nothing is lost: `configure` writes them first, in order, with their own times; the caller
    calls it on every way out (caredesk.ui.shell.launch.main)."""
    root = logging.getLogger()
    root.setLevel(level)
    if not any(isinstance(h, _Held) for h in root.handlers):
        root.addHandler(_Held())


def holding() -> bool:
    """Whether lines are being kept for a `configure` still to come."""
    return any(isinstance(h, _Held) for h in logging.getLogger().handlers)


def configure(log_dir: Path, level: int = logging.INFO) -> Path | None:
    """Rotating file log in log_dir; returns its path, or None if the folder is not writable.
    Lines kept by `hold` are written first (or dropped with the folder not writable)."""
    from caredesk.log_file import CareDeskLog

    root = logging.getLogger()
    held = [h for h in root.handlers if isinstance(h, _Held)]
    try:
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(log_dir, 0o700)  # a folder made before this rule, or by someone else's umask
        path = log_dir / "caredesk.log"
        handler = CareDeskLog(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        for h in held:  # nowhere to write them
            root.removeHandler(h)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.setLevel(level)
    for old in [h for h in root.handlers if isinstance(h, CareDeskLog)]:
        root.removeHandler(old)
        old.close()
    for h in held:
        h.pass_on(handler)
    # One swap of the list: a line logged meanwhile goes either through the old list (the holder
    # passes it on) or the new one, never both or neither.
    root.handlers = [h for h in root.handlers if h not in held] + [handler]
    # SQLAlchemy's engine logger would print statements; parameters are hidden anyway.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    return path


def active() -> bool:
    """Whether CareDesk's own log file is configured (a message may then point to it)."""
    from caredesk.log_file import CareDeskLog

    return any(isinstance(h, CareDeskLog) for h in logging.getLogger().handlers)


def describe_exception(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """Type and frames only: safe to write to a log or show in a crash dialog."""
    frames = traceback.extract_tb(tb)
    lines = [f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames]
    return f"{exc_type.__module__}.{exc_type.__qualname__}\n" + "\n".join(lines)


def log_unexpected(exc: BaseException) -> None:
    logging.getLogger("caredesk").error("unexpected error: %s", describe_exception(type(exc), exc.__traceback__))
