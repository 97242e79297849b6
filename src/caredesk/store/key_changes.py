"""Changing the secrets that unwrap a store's data key: a forgotten passphrase reset with the
recovery code, a new recovery code, a new passphrase. The database is never re-encrypted: only
the key file's wrappings change (caredesk.store.keys). A reset or a new code is made first and
written only on `commit()`, so the new code can be shown before the old one stops working.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from caredesk.errors import StoreError
from caredesk.store.keys import KeyFile, check_passphrase_rules, new_recovery_code
from caredesk.store.vault import DataFolder, OpenStore, open_with_key, read_key_file


@dataclass(frozen=True)
class KeyChange:
    """New wrappings of the data key, made but not yet written: until `commit()` the old
    passphrase and recovery code still work. Callers show `recovery_code` first (the CLI
    prints and flushes it, the app puts it on screen), so no moment exists in which the old
    code no longer works and the new one was never seen (issue 11).

    `commit()` writes only the slots this change replaces into the key file as it is then
    (other fields another part of CareDesk keeps there survive); it raises StoreError when
    the secrets were changed meanwhile (another CareDesk process) or the file cannot be
    written; the old file is then whole (KeyFile.write is atomic).
    """

    folder: DataFolder
    recovery_code: str
    before: KeyFile  # the key file the change was made from
    after: KeyFile

    def commit(self) -> None:
        current = read_key_file(self.folder)
        if (current.store_id, current.passphrase, current.recovery) != (
            self.before.store_id,
            self.before.passphrase,
            self.before.recovery,
        ):
            raise StoreError(
                "The passphrase or recovery code was changed meanwhile (by another CareDesk window or command); "
                "nothing was changed here. Start again."
            )
        changed = replace(current, passphrase=self.after.passphrase, recovery=self.after.recovery)
        try:
            changed.write(self.folder.key)
        except OSError as exc:
            raise StoreError(
                f"The key file could not be written ({exc.strerror}); nothing was changed: "
                "the old passphrase and recovery code still work."
            ) from None


def recover(folder: DataFolder, recovery_code: str, new_passphrase: str) -> tuple[OpenStore, KeyChange]:
    """Forgotten passphrase: the recovery code opens the store, and a change to a new
    passphrase and a NEW recovery code is made (the typed code may have been seen).

    Returns the open store and the change, not yet written: show `change.recovery_code`,
    then `change.commit()`. WrongSecret for a wrong code, ValidationError for a weak passphrase.
    """
    check_passphrase_rules(new_passphrase)
    key_file = read_key_file(folder)
    data_key = key_file.unwrap_with_recovery(recovery_code)
    store = open_with_key(folder, data_key)
    new_code = new_recovery_code()
    after = key_file.with_passphrase(data_key, new_passphrase, key_file.kdf_params()).with_recovery(data_key, new_code)
    return store, KeyChange(folder, new_code, key_file, after)


def reissue_recovery_code(folder: DataFolder, passphrase: str) -> KeyChange:
    """A new recovery code for a store whose passphrase is known (the old code is lost, or a
    recovery kit is wanted: the code itself is stored nowhere). Not yet written, as recover().
    WrongSecret for a wrong passphrase."""
    key_file = read_key_file(folder)
    data_key = key_file.unwrap_with_passphrase(passphrase)
    new_code = new_recovery_code()
    return KeyChange(folder, new_code, key_file, key_file.with_recovery(data_key, new_code))


def change_passphrase(folder: DataFolder, old: str, new: str) -> None:
    """Rewrap the data key under a new passphrase; the database is not touched."""
    check_passphrase_rules(new)
    key_file = read_key_file(folder)
    data_key = key_file.unwrap_with_passphrase(old)
    key_file.with_passphrase(data_key, new, key_file.kdf_params()).write(folder.key)
