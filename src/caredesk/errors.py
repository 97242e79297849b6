"""The one error hierarchy: what a user can cause or fix, as one clear line.

Screens catch CareDeskError and show its message inline; anything else is a defect
and reaches the crash dialog. Messages never contain patient data.

    CareDeskError
      ValidationError   a value typed or imported is refused; names the field (and row)
      NotFound          a record that vanished (deleted, or another window changed it)
      StoreError        the store cannot be opened, created or read
        StoreMissing, StoreExists, WrongSecret, TooManyAttempts, StoreLocked, StoreBusy, DiskFull
      Cancelled         the user stopped a long job (a backup)
"""


class CareDeskError(Exception):
    """Base for errors shown to a user as one clear line."""


class ValidationError(CareDeskError):
    """A value a user typed or imported is not acceptable; names the field."""

    def __init__(self, field: str, message: str, *, row: int | None = None):
        self.field = field
        self.message = message
        self.row = row
        where = f"row {row}, " if row is not None else ""
        super().__init__(f"{where}{field}: {message}")


class NotFound(CareDeskError):
    """A record asked for is not in the store: `what` names its kind ("patient", "care plan version")."""

    def __init__(self, what: str, message: str | None = None):
        self.what = what
        super().__init__(message or f"That {what} is no longer in the store.")


class StoreError(CareDeskError):
    """The store cannot be opened, created or read."""


class StoreMissing(StoreError):
    pass


class StoreExists(StoreError):
    pass


class WrongSecret(StoreError):
    """A passphrase or recovery code did not unwrap the data key."""


class TooManyAttempts(StoreError):
    def __init__(self, wait_seconds: float):
        self.wait_seconds = wait_seconds
        super().__init__(f"Too many wrong attempts: wait {int(wait_seconds + 0.999)} s before trying again.")


class StoreLocked(StoreError):
    """Another CareDesk window already has this data folder open."""


class Cancelled(CareDeskError):
    """The user stopped a long job (a backup); nothing it would have written is left behind."""


class StoreBusy(StoreError):
    """Another process kept the store's write lock longer than we wait (SQLite's busy timeout)."""

    def __init__(self) -> None:
        super().__init__(
            "The store is busy: another CareDesk window or command has been saving for over 10 seconds. "
            "Nothing was saved; try again in a moment."
        )


class DiskFull(StoreError):
    """The disk holding the data folder has no room for a save; the transaction was rolled back."""

    def __init__(self, folder: object) -> None:
        super().__init__(
            f"The disk is full - nothing was saved. Free some space on the disk holding {folder} and try again."
        )
