"""監査記録's 詳細 reads as Japanese: labelled values, the form's words for a step's data, no stored keys.

Regression found by the crawl (tests/web/test_crawl.py): the details showed the stored keys
(``from_version``, ``content_hash``, the case data's keys) and JSON with ``\\uXXXX`` escapes.
"""

from __future__ import annotations

from engine.access import SYSTEM
from engine.audit import record
from engine.board.audit_trail import AuditFilter, AuditTrail
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.web.crawler import raw_identifiers, read_page


def test_a_deployment_and_a_proposal_read_as_labelled_japanese_in_the_audit_details(engine, as_user):
    Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    page = as_user("seisaku").get("/audit/").get_data(as_text=True)
    for words in ("内容のハッシュ値", "包括連携協定の締結", "提案名", "地域課題の解決に向けた連携", "商店街のキャッシュレス化"):
        assert words in page
    assert list(raw_identifiers(read_page(page))) == []
    assert "<code>comprehensive_agreement</code>" in page  # the process id stays, marked as an identifier


def test_a_migrations_versions_are_labelled_and_people_are_named(engine):
    seisaku = engine.actor("seisaku")
    with engine.unit_of_work() as session:
        record(session, SYSTEM, "case_migrated", process_id="comprehensive_agreement", from_version=1, to_version=2)
        record(session, SYSTEM, "task_reassigned", to_user=seisaku.user_id, reason="異動のため")
    rows = AuditTrail(engine).search(seisaku, AuditFilter()).rows
    fields = {row.action: [(f.label, f.value) for f in row.fields] for row in rows[:2]}
    assert fields["case_migrated"] == [("プロセス", "包括連携協定の締結"), ("プロセスID", "comprehensive_agreement"),
                                       ("移行前の版", "1"), ("移行後の版", "2")]
    assert fields["task_reassigned"] == [("変更後の担当者", "総合政策課 政策 一郎"), ("理由", "異動のため")]


def test_a_new_draft_names_the_version_it_starts_from_not_a_migration(engine):
    from engine.library.drafts import DraftService

    DraftService(engine).create(engine.actor("process"), "comprehensive_agreement", "改訂案")
    row = AuditTrail(engine).search(engine.actor("seisaku"), AuditFilter(action="draft_created")).rows[0]
    assert ("もとのバージョン", "1") in [(f.label, f.value) for f in row.fields]
    assert "移行前の版" not in [f.label for f in row.fields]
