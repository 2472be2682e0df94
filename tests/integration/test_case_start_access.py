"""Who may start a proposal (R-5.1), asked by the engine first; a refusal keeps nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import access
from engine.errors import CaseNotFoundError, NotAllowedError
from engine.persistence.models import AuditEvent, Case, HumanTask


def counts(engine) -> tuple[int, int, int]:
    with engine.unit_of_work() as session:
        tables = (Case, HumanTask, AuditEvent)
        return tuple(session.scalar(select(func.count()).select_from(table)) for table in tables)


@pytest.mark.parametrize(("username", "initiated_by"), [
    ("kankyo", "organisation"),  # a 担当課: was started, then answered 404 (the case stayed)
    ("kankyo", "city"),
    ("process", "organisation"),  # a process owner: was started through the API
    ("kanri", "city"),  # the read-only manager
    ("mirai", "organisation"),  # another organisation's contact
    ("shonan", "city"),  # a 企業等 never starts a 市からの提案
    ("seisaku", "organisation"),  # 総合政策課 starts only as the city
])
def test_a_refused_start_commits_nothing(engine, username, initiated_by):
    shonan = engine.actor("shonan").organisation_id
    before = counts(engine)
    with pytest.raises(NotAllowedError):
        engine.start_case(engine.actor(username), "comprehensive_agreement", shonan, initiated_by)
    assert counts(engine) == before


def test_a_partner_starts_its_own_proposal_and_the_city_one_on_its_behalf(engine):
    shonan = engine.actor("shonan")
    own = engine.start_case(shonan, "comprehensive_agreement", shonan.organisation_id, "organisation")
    seisaku = engine.actor("seisaku")
    city = engine.start_case(seisaku, "comprehensive_agreement", shonan.organisation_id, "city")
    assert (own.initiated_by, city.initiated_by) == ("organisation", "city")


def test_a_start_whose_starter_could_not_read_the_case_keeps_nothing(engine, monkeypatch):
    """Belt and braces: even if the start rule let someone through, the answer is read in the same unit of
    work, so a start never commits a case and then answers that it cannot be found."""
    monkeypatch.setattr("engine.cases.service.start_refusal", lambda *args: None)
    assert access.start_refusal(engine.actor("bosai"), 1, "organisation") is not None  # the real rule refuses
    before = counts(engine)
    with pytest.raises(CaseNotFoundError):
        engine.start_case(engine.actor("bosai"), "comprehensive_agreement",
                          engine.actor("shonan").organisation_id, "organisation")
    assert counts(engine) == before
