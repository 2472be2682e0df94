"""Revision 0014 adds agreement_case_link.project_id/individual_kind and case_participant.

Links stored before it (a ① case started from a 個別定例会議, R-8.1) stay links with no project: the register
does not mistake them for 個別協定, and a 個別協定 may then be started and recorded beside them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from engine.persistence.database import connect
from engine.persistence.schema import upgrade


def _insert(connection, table: str, **values) -> int:
    columns = ", ".join(values)
    names = ", ".join(f":{k}" for k in values)
    connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({names})"), values)
    return connection.execute(text(f"SELECT max(id) FROM {table}")).scalar_one()


def test_links_stored_at_revision_0011_are_kept_with_no_project_and_participants_can_be_recorded(database_url):
    database = connect(database_url)
    upgrade(database, "0011")
    at = datetime(2025, 6, 15, tzinfo=UTC)
    with database.begin() as connection:  # an agreement and a ① case linked to it, as 0011 stored them
        organisation = _insert(connection, "organisation", id=1, name="湘南サンプル株式会社", active=True,
                               verified=True, created_at=at)
        department = _insert(connection, "department", id=1, code="kankyo", name="環境政策課", active=True,
                             is_coordinator=False)
        version = _insert(connection, "process_version", id=1, process_id="comprehensive_agreement", version=1,
                          name="包括連携協定", starts_cases=True, files="{}", content_hash="h", deployed_at=at)
        case = _insert(connection, "case_record", id=1, process_version_id=version,
                       process_id="comprehensive_agreement", organisation_id=organisation, title="提案",
                       initiated_by="city", status="running", active_steps="[]", started_at=at, updated_at=at,
                       version_id=1, timer_attempts=0, project_count=0, category_count=0)
        agreement = _insert(connection, "agreement", id=1, case_id=case, organisation_id=organisation,
                            kind="comprehensive", title="包括連携協定", signed_on=at.date(), status="active",
                            created_at=at)
        _insert(connection, "agreement_case_link", id=1, agreement_id=agreement, case_id=case, created_at=at)
    upgrade(database)
    with database.begin() as connection:
        assert connection.execute(text(
            "SELECT agreement_id, case_id, project_id, individual_kind FROM agreement_case_link")).all() == [
            (agreement, case, None, None)]
        _insert(connection, "case_participant", id=1, case_id=case, department_id=department, role="attended",
                created_at=at)
        assert connection.execute(text("SELECT case_id, department_id, role FROM case_participant")).all() == [
            (case, department, "attended")]
    database.dispose()
