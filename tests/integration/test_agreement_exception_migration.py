"""Revision 0012 adds agreement.principle_exception_reason: agreements signed at revision 0011 keep every
column and read as concluded with the requirements met (NULL), in the register and its exports alike."""

from __future__ import annotations

from sqlalchemy import inspect, text

from engine.agreements import AgreementRegister
from engine.persistence.schema import downgrade, upgrade
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


def downgrade_to_0011(database) -> None:
    downgrade(database, "0011")  # through every later revision's downgrade, as an operator would


def test_agreements_signed_at_revision_0011_are_kept_and_not_marked_as_exceptions_after_0012(engine):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    flow.judge().agree_and_sign("2025-05-01")
    database = engine.database
    downgrade_to_0011(database)  # the schema as revision 0011 left it, with the agreement in it
    assert "principle_exception_reason" not in {c["name"] for c in inspect(database).get_columns("agreement")}
    with database.connect() as connection:
        before = connection.execute(
            text("SELECT id, case_id, title, signed_on, valid_until FROM agreement")).all()
    assert len(before) == 1
    upgrade(database)
    with database.connect() as connection:
        after = connection.execute(text("SELECT id, case_id, title, signed_on, valid_until, "
                                        "principle_exception_reason FROM agreement")).all()
    assert [tuple(row[:5]) for row in after] == [tuple(row) for row in before]
    assert after[0].principle_exception_reason is None
    [row] = AgreementRegister(engine).search(engine.actor("seisaku"))
    assert not row.concluded_by_exception
