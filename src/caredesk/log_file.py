"""CareDesk's own log file handler (caredesk.logs opens it).

In a module of its own: `logging.handlers` (with socket, pickle and queue, ~10 ms) is imported
only when the file is opened, which at program start is after the window's first paint
(issue 14).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os


class CareDeskLog(logging.handlers.RotatingFileHandler):
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
