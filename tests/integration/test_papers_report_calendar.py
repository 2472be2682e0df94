"""実績 reports against what the 個別定例会議 recorded (R-8.1), and each person's calendar feed (issue #16)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from engine.documents.calendar import CalendarFeeds
from engine.documents.report import PartnershipReport
from engine.errors import FormDataError, NotFoundError
from tests.integration.lifecycle_steps import lifecycle  # noqa: F401  (fixture)
from tests.integration.papers_steps import docx_text

TITLES = ["子ども見守りアプリ", "商店街のキャッシュレス化", "海岸清掃ボランティア", "環境学習の出前授業"]


def recorded_year(lc):
    """The agreement signed 2025-06-15; in May 2026 each 担当課 records 令和7年度 as implemented, 120 people each."""
    lc.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    lc.clock.move_to("2026-05-20T10:00:00+09:00")
    lc.hold_meetings(date(2026, 5, 20), implemented=True)
    return lc


def test_the_report_of_a_fiscal_year_holds_what_the_meetings_recorded(lifecycle):  # noqa: F811
    lc = recorded_year(lifecycle)
    report = PartnershipReport(lc.engine)
    seisaku = lc.engine.actor("seisaku")
    rows = report.rows(seisaku, 2025)
    assert sorted(r.project for r in rows) == sorted(TITLES)
    assert {(r.implemented, r.citizen_reach, r.outcome) for r in rows} == {(True, 120, "参加者から好評")}
    sheet = load_workbook(io.BytesIO(report.xlsx(seisaku, 2025).content)).active
    assert [c.value for c in sheet[1]][:3] == ["年度", "年度（和暦）", "協定番号"]
    assert sheet.cell(2, 2).value == "令和7年度"
    assert [c.value for c in sheet[sheet.max_row]] == ["合計", "協定1件", "連携事業4件", "実施4件",
                                                        "参加・利用した市民480人"] + [None] * 6
    text = docx_text(report.docx(seisaku, 2025).content)
    assert "包括連携協定に基づく連携事業の実績（令和7年度）" in text
    assert "協定1件、連携事業4件のうち実施4件、参加・利用した市民は延べ480人でした。" in text
    public = report.public_json(2025)
    assert len(public) == 4 and public[0]["implemented"] == "実施" and public[0]["citizen_reach"] == 120
    assert "kind" not in public[0]
    # the next year nothing is recorded yet: 未記録, not 未実施
    assert {r.value("implemented") for r in report.rows(seisaku, 2026)} == {"未記録"}


def test_a_year_that_is_not_a_number_is_refused_at_its_field(lifecycle):  # noqa: F811
    with pytest.raises(FormDataError) as refused:
        PartnershipReport(lifecycle.engine).rows(lifecycle.engine.actor("seisaku"), "令和七")
    assert refused.value.errors == {"year": "年度は西暦の数字で指定してください（例: 2025）"}


def events_of(feed: bytes) -> list[tuple[str, date]]:
    calendar = Calendar.from_ical(feed)
    return sorted((str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT"))


def test_each_person_sees_their_own_deadlines_in_their_calendar(lifecycle):  # noqa: F811
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    lc.register.call_general_meeting(lc.engine.actor("seisaku"), lc.agreement_id, "次年度の連携について",
                                     "2026-07-10")
    feeds = CalendarFeeds(lc.engine)
    title = lc.detail().row.title
    notice = (f"申出期限: {title}", date(2027, 2, 28))  # for the period ending 2027-03-31
    meeting = (f"全体会議: {title}", date(2026, 7, 10))
    kankyo = events_of(feeds.feed(feeds.issue(lc.engine.actor("kankyo"))))
    assert kankyo == sorted([("期限: 個別定例会議（R-8.1）", date(2026, 6, 30)), notice, meeting])
    # the partner: its agreement's 申出期限 and the meeting; giving notice is an action on the agreement's
    # page (engine.agreements.notice), not a task waiting in its inbox, so there is no task event for it
    assert events_of(feeds.feed(feeds.issue(lc.engine.actor("shonan")))) == sorted([notice, meeting])
    assert events_of(feeds.feed(feeds.issue(lc.engine.actor("kenko")))) == []  # no project under the agreement
    assert events_of(feeds.feed(feeds.issue(lc.engine.actor("mirai")))) == []  # another company


def test_a_revoked_or_replaced_feed_url_stops_working(lifecycle):  # noqa: F811
    feeds = CalendarFeeds(lifecycle.engine)
    kankyo = lifecycle.engine.actor("kankyo")
    first = feeds.issue(kankyo)
    second = feeds.issue(kankyo)
    with pytest.raises(NotFoundError):
        feeds.feed(first)
    assert Calendar.from_ical(feeds.feed(second))["x-wr-calname"] == "Renkei（環境政策課 職員）"
    feeds.revoke(kankyo)
    with pytest.raises(NotFoundError):
        feeds.feed(second)
    with pytest.raises(NotFoundError):
        feeds.feed("guessed-token")
