"""The store's own settings, key to text (store_meta: the time zone, the last backup, ...)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from caredesk.store import models as t


class Meta:
    def __init__(self, session: Session):
        self.s = session

    def get(self, key: str) -> str | None:
        row = self.s.get(t.StoreMeta, key)
        return None if row is None else row.value

    def set(self, key: str, value: str) -> None:
        self.s.merge(t.StoreMeta(key=key, value=value))
        self.s.flush()
