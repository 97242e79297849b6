"""No core dumps of CareDesk: a crash must not write the process's memory (the data key, the
patient data on screen) to a file on disk, as KeePassXC does at start (Bootstrap's
disableCoreDumps). Called first thing by the app and by every `caredesk` command, before a
store is opened; children started afterwards inherit the limit.

POSIX only: RLIMIT_CORE (0, 0) also lowers the hard limit, so nothing later in the process can
raise it again. Windows has no core dumps of this kind (crash dumps go through Windows Error
Reporting, README "Your data and its protection").
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def disable() -> bool:
    """Set RLIMIT_CORE to (0, 0); True when core dumps are now off, False where there is no
    such limit (Windows) or the system refused (then a line in the log, never an error)."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError) as exc:
        log.warning("core dumps could not be turned off (%s)", type(exc).__name__)
        return False
    return True
