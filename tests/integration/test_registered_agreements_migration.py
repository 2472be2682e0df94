"""Revision 0013 lets an agreement signed before the system live without a case; agreements signed through a
case at revision 0011 keep their case, projects and periods, and read the same afterwards."""

from __future__ import annotations

from sqlalchemy import text

from engine.access import SYSTEM
from engine.agreements.service import AgreementRegister
from engine.persistence.schema import downgrade, upgrade
from tests.integration.board_cases import concluded


def _stored(database):
    with database.connect() as connection:
        return (
            connection.execute(text("SELECT id, case_id, title, signed_on, status FROM agreement ORDER BY id")).all(),
            connection.execute(text("SELECT id, case_id, title, category FROM project ORDER BY id")).all(),
            connection.execute(text("SELECT agreement_id, number, case_id FROM agreement_period ORDER BY id")).all(),
        )


def test_an_agreement_concluded_at_revision_0011_keeps_its_case_and_reads_the_same_after_0013(engine):
    concluded(engine)
    [before] = AgreementRegister(engine).search(SYSTEM)
    downgrade(engine.database, "0011")  # the data as revision 0011 holds it
    kept = _stored(engine.database)
    assert kept[0] and all(row.case_id is not None for table in kept for row in table)
    upgrade(engine.database)  # to 0013
    assert _stored(engine.database) == kept
    with engine.database.connect() as connection:
        assert connection.execute(text("SELECT registered_at, registered_by_id FROM agreement")).all() == [
            (None, None)]
        assert connection.execute(text("SELECT DISTINCT agreement_id FROM project")).all() == [(None,)]
    [after] = AgreementRegister(engine).search(SYSTEM)
    assert after == before and not after.registered
