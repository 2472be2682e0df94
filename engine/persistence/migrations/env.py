"""Alembic environment: migrations run against the URL the engine was configured with."""

from alembic import context

from engine.persistence.base import Base
from engine.persistence.models import *  # noqa: F403 - registers every table on the metadata

connection = context.config.attributes.get("connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
