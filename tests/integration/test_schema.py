"""Schema changes go through Alembic: one head, and the migrations build exactly what the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from engine.persistence.base import Base
from engine.persistence.database import connect
from engine.persistence.schema import alembic_config, upgrade


def test_the_migrations_have_a_single_head():
    engine = connect("sqlite://")
    assert len(ScriptDirectory.from_config(alembic_config(engine)).get_heads()) == 1


def test_the_migrated_schema_matches_the_models(database_url):
    engine = connect(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
