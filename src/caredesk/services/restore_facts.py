"""What a restore would replace, said before it does (issue 11: `caredesk restore` replaced a
store without a word, even with a backup of another store or one older than its last change).

`what_is_replaced(access, file, passphrase=... | recovery_code=...)` -> Replacing | None (None:
the folder holds no store, nothing to confirm). Reading the live store's patients and last
change needs its data key: the secret given for the backup is tried on the live key file too
(the same passphrase, usually). A wrong one counts toward the folder's back-off like any
failed unlock (caredesk.lockout; audited at the next unlock) and the facts say the store could
not be read; the backup's own facts (date, whether it is of this store) need no secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from caredesk.domain import zones
from caredesk.domain.calendar import us_date
from caredesk.errors import StoreError, TooManyAttempts, WrongSecret
from caredesk.services.access import Access
from caredesk.store.backup_read import open_backup
from caredesk.store.keys import KeyFile
from caredesk.store.restore import StoreFacts, store_facts


@dataclass(frozen=True)
class Replacing:
    """The live store's facts (None when the secret given does not open it: `unread` says why),
    the backup's date (clinic date, MM/DD/YYYY) and patients, and whether the backup is of
    another store (its key file's store_id differs) or older than the live store's last change."""

    live: StoreFacts | None
    unread: str
    backup_made: str
    backup_patients: int
    other_store: bool
    older: bool

    @property
    def last_changed(self) -> str | None:
        if self.live is None or self.live.last_change is None:
            return None
        return us_date(self.live.last_change.astimezone(zones.zone_or_utc(self.live.zone)).date())

    def sentence(self) -> str:
        """'This folder holds a store with 3 patients, last changed 12/01/2026; the backup was
        made 11/30/2026, before that change, and holds 2 patients. It is a backup of a
        different store.'"""
        if self.live is None:
            here = f"This folder holds a store that {self.unread}, so what it holds cannot be said"
        else:
            n = self.live.patients
            here = f"This folder holds a store with {n:,} patient{'' if n == 1 else 's'}"
            if self.last_changed is not None:
                here += f", last changed {self.last_changed}"
        made = f"the backup was made {self.backup_made}"
        if self.older:
            made += ", before that change,"
        text = f"{here}; {made} and holds {self.backup_patients:,} patient{'' if self.backup_patients == 1 else 's'}."
        if self.other_store:
            text += " It is a backup of a different store, not of this one."
        return text


def what_is_replaced(
    access: Access, file: Path, *, passphrase: str | None = None, recovery_code: str | None = None
) -> Replacing | None:
    """None when `access.folder` holds no store. StoreError for an unreadable backup or key
    file (the restore would refuse it too); a wrong secret or a back-off is in the facts."""
    folder = access.folder
    if not folder.has_store():
        return None
    backup = open_backup(file)
    key_file = KeyFile.read(folder.key)
    live, unread = None, ""
    try:
        access.lockout.check()
        try:
            if recovery_code is not None:
                data_key = key_file.unwrap_with_recovery(recovery_code)
            else:
                data_key = key_file.unwrap_with_passphrase(passphrase or "")
        except WrongSecret:
            access.lockout.failed(access.clock.now(), "recovery code" if recovery_code is not None else "passphrase")
            raise
        live = store_facts(folder, data_key)
    except WrongSecret:
        what = "recovery code" if recovery_code is not None else "passphrase"
        unread = f"the {what} given does not open (it is not the one the backup had)"
    except TooManyAttempts:
        unread = "cannot be opened now (too many wrong tries: wait, then try again)"
    except StoreError as exc:
        unread = f"cannot be read ({exc})"
    zone = zones.zone_or_utc(live.zone if live is not None else "UTC")
    made = backup.manifest.created
    return Replacing(
        live=live,
        unread=unread,
        backup_made=us_date(made.astimezone(zone).date()),
        backup_patients=backup.manifest.rows.get("patients", 0),
        other_store=backup.key_file.store_id != key_file.store_id,
        older=live is not None and live.last_change is not None and made < live.last_change,
    )


def secrets_line(made_on: str) -> str:
    """After a restore with the backup's passphrase (or one whose new passphrase never took
    effect): the store's secrets went back to the backup's, which nothing else says."""
    return (
        f"The store now opens with the passphrase it had when the backup was made ({made_on}), "
        "and with that day's recovery code."
    )


def replaced_line(replaced: Path, replacing: Replacing | None) -> str:
    """Where the replaced store is kept and what it holds (as read before the restore, when it
    could be read): it may hold work the backup does not, so it is not simply 'delete me'."""
    what = "the store this restore replaced"
    if replacing is not None and replacing.live is not None:
        n = replacing.live.patients
        what += f", {n:,} patient{'' if n == 1 else 's'}"
        if replacing.last_changed is not None:
            what += f", last changed {replacing.last_changed}"
    return (
        f"Kept, unchanged, in {replaced}: {what}. It opens with its own passphrase (--data-dir {replaced}, "
        "or copy its files into a data folder); delete it only once nothing in it is needed."
    )
