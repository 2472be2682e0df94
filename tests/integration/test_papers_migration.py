"""Revision 0017 adds the papers' tables: an agreement signed before it gets its 協定書 from what the register
holds, and its signed scan can be put on record."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from engine.bootstrap import bootstrap
from engine.definitions.bundle import Bundle
from engine.demo import seed_people
from engine.persistence.database import connect
from engine.persistence.schema import upgrade
from tests.conftest import PROCESSES
from tests.integration.papers_steps import docx_text, papers
from tests.web.test_agreement_papers import SCAN


def test_an_agreement_recorded_at_revision_0011_gets_its_document_and_its_scan_after_0017(database_url):
    database = connect(database_url)
    upgrade(database, "0011")
    engine = bootstrap(database)
    engine.deploy(Bundle.from_folder(PROCESSES))
    seed_people(engine)
    at = datetime(2025, 6, 15, tzinfo=UTC)
    with database.begin() as connection:  # a case and its agreement as revision 0011 stored them
        organisation = connection.scalar(text("SELECT id FROM organisation WHERE name = '湘南サンプル株式会社'"))
        version = connection.scalar(text("SELECT id FROM process_version WHERE process_id = 'comprehensive_agreement'"))
        connection.execute(text(
            "INSERT INTO case_record (number, process_version_id, process_id, organisation_id, title, initiated_by, "
            "status, outcome, active_steps, started_at, updated_at, version_id, timer_attempts, project_count, "
            "category_count) VALUES ('R7-0001', :version, 'comprehensive_agreement', :organisation, '包括連携', "
            "'organisation', 'completed', 'concluded', '[]', :at, :at, 1, 0, 0, 0)"),
            {"version": version, "organisation": organisation, "at": at})
        case = connection.scalar(text("SELECT id FROM case_record WHERE number = 'R7-0001'"))
        connection.execute(text(
            "INSERT INTO agreement (case_id, organisation_id, kind, title, signed_on, valid_from, valid_until, "
            "notice_deadline, status, created_at) VALUES (:case, :organisation, 'comprehensive', '湘南との包括連携協定', "
            ":signed, :signed, :until, :deadline, 'active', :at)"),
            {"case": case, "organisation": organisation, "signed": date(2025, 6, 15), "until": date(2027, 3, 31),
             "deadline": date(2027, 2, 28), "at": at})
        agreement = connection.scalar(text("SELECT id FROM agreement"))
    upgrade(database)  # to 0017
    seisaku = engine.actor("seisaku")
    text_of_document = docx_text(papers(engine).agreement_document(seisaku, agreement).content)
    assert "湘南との包括連携協定" in text_of_document and "令和7年6月15日から令和9年3月31日まで" in text_of_document
    papers(engine).attach_signed_copy(seisaku, agreement, "協定書.pdf", SCAN)
    assert [c.file_name for c in papers(engine).papers(seisaku, agreement).copies] == ["協定書.pdf"]
    database.dispose()
