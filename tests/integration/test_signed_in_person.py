"""Every request of a signed-in person loads that person (issue #15 item 4): in one statement, with the same
answer the longer path gives, and a bearer token's last use written at most once a minute."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from engine.accounts.api_tokens import ApiTokens
from engine.persistence.models import ApiToken, UserAccount


def statements_of(engine, call):
    seen = []

    def count(*_args) -> None:
        seen.append(1)

    event.listen(engine.database, "before_cursor_execute", count)
    try:
        result = call()
    finally:
        event.remove(engine.database, "before_cursor_execute", count)
    return result, len(seen)


def user_id(engine, username: str) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(select(UserAccount.id).where(UserAccount.username == username))


def test_a_request_loads_its_person_with_departments_organisation_and_coordinator_in_one_statement(engine):
    for username in ("seisaku", "kankyo", "shonan", "kanri"):
        person, statements = statements_of(engine, lambda u=username: engine.person(user_id(engine, u), 0))
        assert statements == 2  # user_id's lookup, then the person
        assert person.actor == engine.actor(username)
    seisaku = engine.person(user_id(engine, "seisaku"), 0)
    assert seisaku.department_names == ["総合政策課"] and seisaku.organisation_name is None
    assert engine.person(user_id(engine, "shonan"), 0).organisation_name


def test_a_session_of_an_earlier_generation_or_of_a_deactivated_user_loads_nobody(engine):
    kankyo = user_id(engine, "kankyo")
    engine.end_sessions(kankyo)
    assert engine.person(kankyo, 0) is None
    assert engine.person(kankyo, 1).username == "kankyo"
    with engine.unit_of_work() as session:
        session.get(UserAccount, kankyo).active = False
    assert engine.person(kankyo, 1) is None
    assert engine.person(10_000, 0) is None


def test_a_token_used_many_times_a_minute_records_its_last_use_once(engine, clock):
    tokens = ApiTokens(engine)
    issued = tokens.create("kankyo", "集計スクリプト")

    def last_used():
        with engine.unit_of_work() as session:
            return session.get(ApiToken, issued.id).last_used_at

    assert tokens.authenticate(issued.token).username == "kankyo"
    first = last_used()
    assert first == clock.now
    clock.now += timedelta(seconds=30)
    tokens.authenticate(issued.token)
    assert last_used() == first
    clock.now += timedelta(seconds=31)
    tokens.authenticate(issued.token)
    assert last_used() == clock.now
