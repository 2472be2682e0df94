"""Revision 0011 adds user_account.session_generation: people signed up before keep signing in, at 0."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from werkzeug.security import generate_password_hash

from engine.bootstrap import bootstrap
from engine.demo import DEMO_PASSWORD
from engine.persistence.database import connect
from engine.persistence.schema import upgrade


def test_users_created_at_revision_0010_sign_in_after_0011_and_their_logout_ends_the_session(database_url):
    database = connect(database_url)
    upgrade(database, "0010")
    with database.begin() as connection:  # people as revision 0010 stored them (no generation column)
        connection.execute(text(
            "INSERT INTO user_account (username, display_name, role, password_hash, active, created_at) "
            "VALUES (:username, :username, :role, :hash, :active, :at)"), [
            {"username": username, "role": role, "hash": generate_password_hash(DEMO_PASSWORD),
             "active": active, "at": datetime(2025, 4, 1, tzinfo=UTC)}
            for username, role, active in (("seisaku", "coordinator", True), ("admin", "admin", True),
                                           ("retired", "manager", False))])
    upgrade(database)  # to 0011
    with database.begin() as connection:
        rows = connection.execute(text("SELECT username, session_generation FROM user_account")).all()
    assert sorted(rows) == [("admin", 0), ("retired", 0), ("seisaku", 0)]
    engine = bootstrap(database)
    person = engine.authenticate("seisaku", DEMO_PASSWORD)
    assert person.session_generation == 0 and engine.person(person.id, 0).username == "seisaku"
    engine.end_sessions(person.id)
    assert engine.person(person.id, 0) is None and engine.person(person.id, 1).username == "seisaku"
    database.dispose()
