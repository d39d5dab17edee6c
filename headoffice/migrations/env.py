"""Alembic environment of head office: runs on the connection headoffice.migrate hands over."""
from __future__ import annotations

from alembic import context

from headoffice.models import Base
import headoffice.console.models  # noqa: F401,E402  (console tables share Base)

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through headoffice.migrate.upgrade()")

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
                  version_table="alembic_version_headoffice")
with context.begin_transaction():
    context.run_migrations()
