"""Alembic environment: always run on a connection CareDesk opened (keyed SQLCipher)."""

from alembic import context

from caredesk.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("CareDesk migrations run only through caredesk.store.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
