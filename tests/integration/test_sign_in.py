"""Signing in: wrong passwords are refused, and repeated failures are throttled on every worker."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.accounts.identity import SignInThrottledError


def test_a_correct_password_signs_in_and_a_wrong_one_does_not(engine):
    person = engine.authenticate("seisaku", "renkei-demo-2025", "10.0.0.1")
    assert (person.username, person.role, person.department_names) == ("seisaku", "coordinator", ["総合政策課"])
    assert person.actor.is_coordinator
    assert engine.authenticate("seisaku", "wrong-password", "10.0.0.1") is None
    assert engine.authenticate("nobody", "renkei-demo-2025", "10.0.0.1") is None


def test_five_failures_lock_the_name_for_fifteen_minutes(engine, clock):
    for _ in range(5):
        assert engine.authenticate("kankyo", "guess", "10.0.0.2") is None
    with pytest.raises(SignInThrottledError, match="15分"):
        engine.authenticate("kankyo", "renkei-demo-2025", "10.0.0.3")  # even the right password, from elsewhere
    clock.now += timedelta(minutes=16)
    assert engine.authenticate("kankyo", "renkei-demo-2025", "10.0.0.3").username == "kankyo"


def test_a_deactivated_user_cannot_sign_in(engine):
    from engine.persistence.models import UserAccount

    with engine.unit_of_work() as session:
        session.query(UserAccount).filter_by(username="kodomo").one().active = False
    assert engine.authenticate("kodomo", "renkei-demo-2025") is None
