"""Schema migrations (Alembic) run on CareDesk's own keyed connection.

Alembic is imported only when a migration runs: checking that a store is current is one
query against alembic_version, which keeps Alembic's import (~0.15 s) out of every start.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

_SCRIPTS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions; tests/test_migrations.py keeps the two equal.
HEAD = "0007"


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The head according to the migration scripts themselves."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # no alembic_version table: a store before any migration
            return None


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_config(conn), target)


def downgrade(engine: Engine, target: str) -> None:
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(_config(conn), target)


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != HEAD


# Completes "This store ..." / "This backup ...".
NEWER = "was made by a newer version of CareDesk; install the newer version to open it."


def is_known(revision: str) -> bool:
    """Whether this CareDesk's migration scripts know `revision` (False: a newer CareDesk made it)."""
    if revision == HEAD:
        return True
    from alembic.script import ScriptDirectory

    return any(s.revision == revision for s in ScriptDirectory.from_config(_config()).walk_revisions())
