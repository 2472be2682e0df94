"""既存協定の登録 (issue #12 item 5): a 包括連携協定 signed before the system starts its life in the period R-6 gives.

Registered on 2026-12-07 (Japan), an agreement signed 2023-06-01 has been through 第1期 (2023-06-01〜2025-03-31)
and 第2期 (2025-04-01〜2026-03-31), renewed each time without notice (R-6.2); 第3期 runs 2026-04-01〜2027-03-31
with notice due by 2027-02-28. Each test runs on SQLite and on PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.access import SYSTEM, Actor, Role
from engine.agreements.register_csv import AgreementImportError
from engine.agreements.registration import ExistingAgreement, NoticeInput, ProjectInput
from engine.agreements.service import AgreementRegister
from engine.errors import FormDataError, NotAllowedError
from engine.persistence.models import Agreement, AuditEvent, Organisation, Project
from tests.integration import lifecycle_steps

REGISTERED_AT = "2026-12-07T10:00:00+09:00"
PROJECTS = (
    ProjectInput("海岸清掃ボランティア", "5", "kankyo"),
    ProjectInput("子ども食堂の支援", "①", "こども育成相談課"),
    ProjectInput("地域の防災訓練", "⑥ 防災・減災・暮らしの安全・安心", "bosai"),
)


def existing(**changes) -> ExistingAgreement:
    values = {"title": "茅ヶ崎みらい連携協定", "signed_on": "2023-06-01", "organisation_name": "みらい創造株式会社",
              "projects": PROJECTS}
    return ExistingAgreement(**{**values, **changes})


@pytest.fixture
def registered(database_url):
    with lifecycle_steps.frozen_engine(database_url, REGISTERED_AT) as (engine, clock):
        yield lifecycle_steps.Lifecycle(engine, clock)


def register(lc, data: ExistingAgreement | None = None, user: str = "seisaku") -> int:
    lc.agreement_id = lc.register.register_existing(lc.engine.actor(user), data or existing())
    return lc.agreement_id


def periods(lc):
    return [(p.number, p.valid_from, p.valid_until, p.notice_deadline, p.outcome) for p in lc.detail().row.renewals]


def test_an_agreement_signed_in_2023_starts_in_its_third_period_with_the_two_passed_ones_renewed(registered):
    register(registered)
    row = registered.detail().row
    assert (row.status_label, row.valid_from, row.valid_until, row.notice_deadline, row.period_number) == (
        "更新済み", date(2026, 4, 1), date(2027, 3, 31), date(2027, 2, 28), 3)
    assert periods(registered) == [
        (1, date(2023, 6, 1), date(2025, 3, 31), date(2025, 2, 28), "renewed"),
        (2, date(2025, 4, 1), date(2026, 3, 31), date(2026, 2, 28), "renewed"),
        (3, date(2026, 4, 1), date(2027, 3, 31), date(2027, 2, 28), None),
    ]
    assert row.registered and row.case_id is None and row.organisation_name == "みらい創造株式会社"
    assert sorted((p.title, p.category, p.department_name) for p in row.projects) == [
        ("地域の防災訓練", "6", "防災対策課"), ("子ども食堂の支援", "1", "こども育成相談課"),
        ("海岸清掃ボランティア", "5", "環境政策課")]
    assert len(row.categories) == 3
    # notice (協定終了の申出) is an action on the partner's agreement page, not a task in its inbox
    assert [t for t in registered.detail().open_tasks if t.lane == "企業等"] == []
    with registered.engine.unit_of_work() as session:
        partner_id = session.scalar(select(Organisation.id).where(Organisation.name == "みらい創造株式会社"))
    partner = Actor(user_id=None, role=Role.ORGANISATION, organisation_id=partner_id)
    action = registered.register.detail(partner, registered.agreement_id).notice
    assert (action.deadline, action.late, action.takes_effect_on) == (date(2027, 2, 28), False, date(2027, 3, 31))
    registered.at("2026-12-07T10:00:01")  # the timer worker's next pass: May's meetings, asked for from today
    meetings = [t for t in registered.detail().open_tasks if t.step == "個別定例会議（R-8.1）"]
    assert sorted(t.department_name for t in meetings) == ["こども育成相談課", "環境政策課", "防災対策課"]
    assert {t.due_at.date() for t in meetings} == {date(2027, 2, 5)} and not any(t.overdue for t in meetings)


def test_the_registration_is_audited_and_the_new_partner_created_verified(registered):
    register(registered)
    with registered.engine.unit_of_work() as session:
        partner = session.scalar(select(Organisation).where(Organisation.name == "みらい創造株式会社"))
        assert partner.verified
        events = {e.action: e.detail for e in session.scalars(select(AuditEvent))}
    assert events["agreement_registered"]["organisation"] == "みらい創造株式会社"
    assert (events["agreement_registered"]["period_number"], events["agreement_registered"]["source"]) == (3, "page")
    assert "organisation_created" in events


def test_without_notice_the_registered_agreement_renews_on_1_april(registered):
    register(registered)
    registered.at("2027-04-01T00:00:01")
    row = registered.detail().row
    assert (row.valid_from, row.valid_until, row.period_number, row.status_label) == (
        date(2027, 4, 1), date(2028, 3, 31), 4, "更新済み")


def test_a_notice_given_in_time_before_registration_ends_it_at_this_periods_expiry(registered):
    register(registered, existing(notices=(NoticeInput("2026-11-20", "city", "事業の見直し"),)))
    detail = registered.detail()
    assert detail.row.status_label == "終了予定"
    [notice] = detail.notices
    assert (notice.given_by, notice.given_on, notice.in_time, notice.takes_effect_on) == (
        "city", date(2026, 11, 20), True, date(2027, 3, 31))
    registered.at("2027-04-01T00:00:01")
    assert registered.detail().row.status_label == "終了"
    assert [p[-1] for p in periods(registered)] == ["renewed", "renewed", "ended"]


def test_a_notice_given_late_in_the_last_period_ends_it_now_and_one_given_late_now_renews_once_more(database_url):
    with lifecycle_steps.frozen_engine(database_url, "2027-03-10T10:00:00+09:00") as (engine, clock):
        lc = lifecycle_steps.Lifecycle(engine, clock)
        register(lc, existing(notices=(NoticeInput("2027-03-05"),)))  # after 2027-02-28: late
        detail = lc.detail()
        assert detail.row.status_label == "更新済み"
        assert (detail.row.late_notice.given_on, detail.row.late_notice.takes_effect_on) == (
            date(2027, 3, 5), date(2028, 3, 31))
        lc.at("2027-04-01T00:00:01")  # renews once more, carrying the notice
        assert (lc.detail().row.status_label, lc.detail().row.valid_until) == ("終了予定", date(2028, 3, 31))
        lc.at("2028-04-01T00:00:01")
        assert lc.detail().row.status_label == "終了"
        assert [p[-1] for p in periods(lc)] == ["renewed", "renewed", "renewed", "ended"]


def test_a_notice_that_already_ended_the_agreement_is_refused_and_nothing_is_saved(registered):
    with pytest.raises(FormDataError) as refused:
        register(registered, existing(notices=(NoticeInput("2025-01-10"),)))  # in time for 2025-03-31
    assert "終了した協定は登録できません" in refused.value.errors["notices.0.given_on"]
    with registered.engine.unit_of_work() as session:
        assert session.scalars(select(Agreement)).all() == []
        assert session.scalar(select(Organisation).where(Organisation.name == "みらい創造株式会社")) is None


def test_every_field_problem_is_reported_at_once(registered):
    data = existing(title="", signed_on="2026-12-08", organisation_name="",
                    projects=(ProjectInput("名前だけの事業", "", ""), ProjectInput("", "8", "nowhere")))
    with pytest.raises(FormDataError) as refused:
        register(registered, data)
    errors = refused.value.errors
    assert errors["title"] == "協定名を入力してください" and errors["organisation"] == "企業等を入力してください"
    assert errors["signed_on"] == "締結日は今日（令和8年12月7日）以前の日付を入力してください"
    assert set(errors) >= {"projects.0.category", "projects.0.department", "projects.1.title",
                           "projects.1.category", "projects.1.department"}
    assert errors["projects.1.department"] == "担当課「nowhere」は登録されていません"


def test_a_signing_before_the_floor_and_a_notice_before_the_signing_are_refused(registered):
    with pytest.raises(FormDataError) as refused:
        register(registered, existing(signed_on="1980-04-01"))
    assert refused.value.errors["signed_on"].startswith("締結日は平成の始まり（平成元年1月8日）以降")
    with pytest.raises(FormDataError) as refused:
        register(registered, existing(notices=(NoticeInput("2023-05-01"),)))
    assert refused.value.errors["notices.0.given_on"] == "申出日は締結日（令和5年6月1日）以降の日付を入力してください"


def test_the_same_agreement_cannot_be_registered_twice(registered):
    first = register(registered)
    with pytest.raises(FormDataError) as refused:
        register(registered)
    assert refused.value.errors["title"] == f"同じ企業等・協定名・締結日の協定が既に台帳にあります（協定ID {first}）"


@pytest.mark.parametrize("user", ["kankyo", "shonan", "kanri"])
def test_only_the_coordinating_division_registers_agreements(registered, user):
    with pytest.raises(NotAllowedError):
        register(registered, user=user)


def test_an_import_with_one_bad_row_imports_nothing(registered):
    from engine.agreements.register_csv import HEADINGS

    def line(title: str, signed: str, projects: str) -> str:
        values = dict.fromkeys(HEADINGS, "")
        values.update({"種別": "包括連携協定", "協定名": title, "企業等": "湘南サンプル株式会社", "締結日（ISO）": signed,
                       "状態": "有効", "連携事業（分類・担当課）": projects})
        return ",".join(f'"{values[h]}"' for h in HEADINGS)

    text = "\n".join([",".join(HEADINGS), line("よい協定", "2024-05-01", "海岸清掃（⑤・環境政策課）"),
                      line("悪い協定", "2024-05-01", "海岸清掃（⑤・存在しない課）")])
    with pytest.raises(AgreementImportError) as refused:
        AgreementRegister(registered.engine).import_csv(SYSTEM, text.encode())
    assert refused.value.problems == [(3, "連携事業（分類・担当課）", "担当課「存在しない課」は登録されていません")]
    with registered.engine.unit_of_work() as session:
        assert session.scalars(select(Agreement)).all() == [] and session.scalars(
            select(Project).where(Project.agreement_id.is_not(None))).all() == []


def test_an_import_reports_a_row_it_could_not_read_once_per_column_with_the_other_columns_checked(registered):
    from engine.agreements.register_csv import HEADINGS

    values = dict.fromkeys(HEADINGS, "")
    values.update({"種別": "包括連携協定", "協定名": "読めない協定", "企業等": "湘南サンプル株式会社",
                   "締結日（ISO）": "2024-13-01", "状態": "有効", "連携事業（分類・担当課）": "分類のない事業"})
    text = ",".join(HEADINGS) + "\n" + ",".join(f'"{values[h]}"' for h in HEADINGS)
    with pytest.raises(AgreementImportError) as refused:
        AgreementRegister(registered.engine).import_csv(SYSTEM, text.encode())
    assert [(line, column) for line, column, _ in refused.value.problems] == [
        (2, "連携事業（分類・担当課）"), (2, "締結日（ISO）")]
