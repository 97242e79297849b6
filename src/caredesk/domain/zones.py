"""The clinic's time zone by its IANA name, and UTC without any time-zone database.

zoneinfo reads zones from the system database (PYTHONTZPATH, /usr/share/zoneinfo) or from the
`tzdata` package, a dependency for Windows and minimal Linux that have none. Even "UTC" is a
file there, so with neither, `ZoneInfo("UTC")` raises ZoneInfoNotFoundError: creating a store
then failed with "unexpected problem" (issue 14). UTC needs no database (`datetime.UTC`), so
the fallback always works.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FALLBACK = "UTC"


def lookup(name: str) -> tzinfo:
    """The zone named `name` (an IANA name such as "America/New_York").

    "UTC" is always found (datetime.UTC when there is no database). Raises
    ZoneInfoNotFoundError (a KeyError) for a name no database here knows, ValueError for a
    malformed one ("../etc")."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if name == FALLBACK:
            return UTC
        raise


def zone_or_utc(name: str) -> tzinfo:
    """The zone named `name`, or UTC when it cannot be found here (a store made elsewhere,
    opened where no database knows its zone)."""
    try:
        return lookup(name)
    except (ZoneInfoNotFoundError, ValueError):
        return lookup(FALLBACK)


def have_database() -> bool:
    """Whether any time-zone database (system or `tzdata`) is readable here."""
    try:
        ZoneInfo(FALLBACK)
    except ZoneInfoNotFoundError:
        return False
    return True
