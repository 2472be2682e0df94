"""Signing in: wrong passwords are refused, repeated failures slow down the guesser on every worker (per
address first, then a growing delay per name that the name's own known addresses skip), and logout or
deactivation ends every session of the user (docs/sign-in.md)."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.accounts import identity
from engine.accounts.identity import MAX_FAILURES_PER_NAME, SignInThrottledError, name_delay
from engine.accounts.service import AccountService
from engine.persistence.models import UserAccount


def test_a_correct_password_signs_in_and_a_wrong_one_does_not(engine):
    person = engine.authenticate("seisaku", "renkei-demo-2025", "10.0.0.1")
    assert (person.username, person.role, person.department_names) == ("seisaku", "coordinator", ["総合政策課"])
    assert person.actor.is_coordinator
    assert engine.authenticate("seisaku", "wrong-password", "10.0.0.1") is None
    assert engine.authenticate("nobody", "renkei-demo-2025", "10.0.0.1") is None


def test_five_failures_make_the_name_wait_15_seconds_then_twice_as_long_after_each_failure(engine, clock):
    for _ in range(5):
        assert engine.authenticate("kankyo", "guess", "10.0.0.2") is None
    with pytest.raises(SignInThrottledError, match="15秒"):
        engine.authenticate("kankyo", "renkei-demo-2025", "10.0.0.3")  # the right password, from elsewhere
    clock.now += timedelta(seconds=16)
    assert engine.authenticate("kankyo", "guess", "10.0.0.4") is None  # the 6th failure: 30 seconds
    clock.now += timedelta(seconds=20)
    with pytest.raises(SignInThrottledError, match="10秒"):
        engine.authenticate("kankyo", "renkei-demo-2025", "10.0.0.3")
    clock.now += timedelta(seconds=11)
    assert engine.authenticate("kankyo", "renkei-demo-2025", "10.0.0.3").username == "kankyo"


def test_the_delay_grows_to_at_most_fifteen_minutes_and_never_locks_for_good(engine, clock):
    for _ in range(5):
        engine.authenticate("kankyo", "guess", "10.0.0.2")
    for failures in range(MAX_FAILURES_PER_NAME, 9):  # a patient guesser who waits out every delay
        clock.now += name_delay(failures)
        assert engine.authenticate("kankyo", "guess", "10.0.0.2") is None
    with pytest.raises(SignInThrottledError, match="4分"):  # 9 failures: 15 s × 2⁴
        engine.authenticate("kankyo", "renkei-demo-2025", "10.0.0.3")
    assert [name_delay(n).total_seconds() for n in (4, 5, 6, 10, 11, 1000)] == [0, 15, 30, 480, 900, 900]
    clock.now += timedelta(minutes=15)
    assert engine.authenticate("kankyo", "renkei-demo-2025", "10.0.0.3").username == "kankyo"


def test_a_stranger_guessing_cannot_keep_an_administrator_out_of_their_usual_desk(engine, clock):
    assert engine.authenticate("admin", "renkei-demo-2025", "10.1.1.1").username == "admin"  # their desk
    clock.now += timedelta(days=30)
    for number in range(12):  # a stranger guessing from many addresses
        with suppress(SignInThrottledError):
            engine.authenticate("admin", "guess", f"203.0.113.{number}")
    with pytest.raises(SignInThrottledError):
        engine.authenticate("admin", "guess", "203.0.113.99")  # the stranger waits
    assert engine.authenticate("admin", "renkei-demo-2025", "10.1.1.1").username == "admin"  # not the admin


def test_an_address_with_twenty_failures_is_refused_whatever_the_name(engine, clock):
    for number in range(20):
        assert engine.authenticate(f"guess{number}", "guess", "198.51.100.7") is None
    with pytest.raises(SignInThrottledError, match="この端末"):
        engine.authenticate("seisaku", "renkei-demo-2025", "198.51.100.7")
    assert engine.authenticate("seisaku", "renkei-demo-2025", "198.51.100.8").username == "seisaku"
    clock.now += timedelta(minutes=16)
    assert engine.authenticate("seisaku", "renkei-demo-2025", "198.51.100.7").username == "seisaku"


def test_an_unknown_name_checks_a_decoy_password_hash_like_a_known_one(engine, monkeypatch):
    checked = []
    real = identity.check_password_hash
    monkeypatch.setattr(identity, "check_password_hash", lambda hashed, password: checked.append(hashed)
                        or real(hashed, password))
    engine.authenticate("nobody", "renkei-demo-2025")
    engine.authenticate("seisaku", "wrong-password")
    engine.authenticate("seisaku", "renkei-demo-2025")
    assert len(checked) == 3
    assert checked[0] == identity._decoy_hash() and checked[0].split("$")[0] == checked[1].split("$")[0]


def test_a_deactivated_user_cannot_sign_in(engine):
    from engine.persistence.models import UserAccount

    with engine.unit_of_work() as session:
        session.query(UserAccount).filter_by(username="kodomo").one().active = False
    assert engine.authenticate("kodomo", "renkei-demo-2025") is None


def user_id(engine, username: str) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(select(UserAccount.id).where(UserAccount.username == username))


def test_logout_ends_every_session_of_the_user_and_only_theirs(engine):
    seisaku = engine.authenticate("seisaku", "renkei-demo-2025")
    other = engine.authenticate("kankyo", "renkei-demo-2025")
    assert engine.person(seisaku.id, seisaku.session_generation).username == "seisaku"
    engine.end_sessions(seisaku.id)
    assert engine.person(seisaku.id, seisaku.session_generation) is None
    assert engine.person(other.id, other.session_generation).username == "kankyo"
    again = engine.authenticate("seisaku", "renkei-demo-2025")
    assert engine.person(again.id, again.session_generation).username == "seisaku"


def test_deactivation_ends_every_session_even_after_reactivation(engine):
    kankyo = engine.authenticate("kankyo", "renkei-demo-2025")
    accounts = AccountService(engine)
    admin = engine.actor("admin")
    accounts.set_user_active(admin, kankyo.id, False)
    assert engine.person(kankyo.id, kankyo.session_generation) is None
    accounts.set_user_active(admin, kankyo.id, True)
    assert engine.person(kankyo.id, kankyo.session_generation) is None  # the old cookie stays dead
    again = engine.authenticate("kankyo", "renkei-demo-2025")
    assert again.session_generation == kankyo.session_generation + 1
