"""Administrators manage organisations, departments and users (issue #3 item 2): nobody is ever deleted,
every change is audited, and bad input names the field and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.access import SYSTEM
from engine.accounts.service import AccountService, UserInput
from engine.errors import FormDataError, NotAllowedError
from engine.persistence.models import AuditEvent, Department, Organisation, UserAccount
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


@pytest.fixture
def accounts(engine) -> AccountService:
    return AccountService(engine)


def department_id(engine, code: str) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(select(Department.id).where(Department.code == code))


def user_id(engine, username: str) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(select(UserAccount.id).where(UserAccount.username == username))


def audit_actions(engine) -> list[str]:
    with engine.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def counts(engine) -> tuple[int, int, int]:
    with engine.unit_of_work() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (UserAccount, Organisation, Department))


def test_an_administrator_creates_a_department_user_who_sets_a_password_and_signs_in(engine, accounts):
    admin = engine.actor("admin")
    link = accounts.create_user(admin, UserInput("chigasaki-taro", "環境政策課 茅ヶ崎 太郎", "taro@city.example.jp",
                                                 "department", department_ids=(department_id(engine, "kankyo"),)))
    assert engine.authenticate("chigasaki-taro", "anything-at-all") is None  # no password until the link is used
    person = accounts.accept_invitation(link.token, "umi-no-machi-2025", "umi-no-machi-2025")
    assert (person.username, person.role, person.department_names) == ("chigasaki-taro", "department", ["環境政策課"])
    assert engine.authenticate("chigasaki-taro", "umi-no-machi-2025").display_name == "環境政策課 茅ヶ崎 太郎"
    assert audit_actions(engine)[-3:] == ["user_created", "invitation_issued", "password_set"]


def test_every_bad_field_of_a_new_user_is_reported_at_once_and_nothing_is_saved(engine, accounts):
    before = counts(engine)
    with pytest.raises(FormDataError) as refused:
        accounts.create_user(engine.actor("admin"), UserInput("seisaku", "", "not-an-address", "department"))
    assert refused.value.errors == {
        "username": "利用者名「seisaku」は既に使われています。別の利用者名にしてください",
        "display_name": "氏名を入力してください",
        "email": "メールアドレスの形式が正しくありません（例: tanto@example.co.jp）",
        "department_ids": "担当課職員は所属課を1つ以上選択してください",
    }
    assert counts(engine) == before


def test_a_企業等_user_needs_an_organisation_and_a_coordinator_joins_総合政策課_by_itself(engine, accounts):
    admin = engine.actor("admin")
    with pytest.raises(FormDataError) as refused:
        accounts.create_user(admin, UserInput("new-contact", "新しい担当者", role="organisation"))
    assert refused.value.errors == {"organisation_id": "企業等の利用者は所属する団体を選択してください"}
    link = accounts.create_user(admin, UserInput("seisaku2", "総合政策課 調整 二郎", role="coordinator"))
    person = accounts.accept_invitation(link.token, "kyodo-no-machi-7", "kyodo-no-machi-7")
    assert person.department_names == ["総合政策課"] and person.actor.is_coordinator


def test_a_deactivated_user_cannot_sign_in_and_keeps_appearing_by_name_in_the_case_history(engine, accounts):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    accounts.set_user_active(engine.actor("admin"), user_id(engine, "shonan"), False)
    assert engine.authenticate("shonan", "renkei-demo-2025") is None
    assert engine.person(user_id(engine, "shonan")) is None  # a signed-in session ends at the next request
    proposal = next(entry for entry in flow.status().history if entry.action == "task_completed")
    assert proposal.actor == "湘南 花子（湘南サンプル株式会社）"
    with engine.unit_of_work() as session:
        assert session.get(UserAccount, user_id(engine, "shonan")) is not None  # never deleted


def test_deactivating_a_user_returns_their_claimed_task_to_the_group(engine, accounts):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    engine.claim(engine.actor("seisaku"), task.id)
    colleague = accounts.create_user(engine.actor("admin"), UserInput("seisaku-b", "総合政策課 連携 三郎",
                                                                      role="coordinator"))
    accounts.set_user_active(engine.actor("admin"), user_id(engine, "seisaku"), False)
    assert flow.task("record_partnership").claimed_by is None
    group = engine.list_tasks(engine.actor("seisaku-b"), "group")
    assert task.id in [t.id for t in group] and colleague.username == "seisaku-b"
    assert [e.action for e in flow.status().history][-1] == "task_released"


def test_a_role_change_counts_from_the_next_request(engine, accounts):
    kodomo = user_id(engine, "kodomo")
    assert engine.person(kodomo).role == "department"
    accounts.update_user(engine.actor("admin"), kodomo, UserInput("kodomo", "こども育成相談課 職員", role="manager"))
    person = engine.person(kodomo)  # what the web layer loads for the next request
    assert person.role == "manager" and not person.actor.may_change_cases and person.department_names == []
    assert audit_actions(engine)[-1] == "user_changed"


def test_a_department_user_moved_to_another_department_loses_the_task_they_had_claimed(engine, accounts):
    flow = (Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
            .assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility())
    task = flow.task("decide_implementation", "P1")
    engine.claim(engine.actor("kodomo"), task.id)
    accounts.update_user(engine.actor("admin"), user_id(engine, "kodomo"),
                         UserInput("kodomo", "異動した職員", role="department",
                                   department_ids=(department_id(engine, "kenko"),)))
    assert flow.task("decide_implementation", "P1").claimed_by is None


def test_nobody_locks_themselves_out_and_the_city_keeps_one_administrator(engine, accounts):
    admin = engine.actor("admin")
    with pytest.raises(NotAllowedError, match="自分自身を無効"):
        accounts.set_user_active(admin, admin.user_id, False)
    with pytest.raises(FormDataError) as refused:
        accounts.update_user(admin, admin.user_id, UserInput("admin", "システム管理者", role="manager"))
    assert "自分自身" in refused.value.errors["role"]
    second = accounts.create_user(admin, UserInput("admin2", "副管理者", role="admin"))
    accounts.set_user_active(admin, second.user_id, False)  # another administrator may go
    with pytest.raises(NotAllowedError, match="有効なシステム管理者がいなくなる"):
        accounts.set_user_active(SYSTEM, admin.user_id, False)


def test_an_organisation_with_a_running_case_stays_active_and_deactivating_one_deactivates_its_contacts(
        engine, accounts):
    admin = engine.actor("admin")
    case = Flow(engine, "mirai").start()
    mirai = engine.actor("mirai").organisation_id
    with pytest.raises(NotAllowedError, match="進行中の案件（R7-0001）があるため無効にできません"):
        accounts.set_organisation_active(admin, mirai, False)
    engine.cancel_case(admin, case.case_id, "提案の取り下げ")
    assert not accounts.set_organisation_active(admin, mirai, False).active
    assert engine.authenticate("mirai", "renkei-demo-2025") is None
    with pytest.raises(NotAllowedError, match="先に団体を有効にしてください"):
        accounts.set_user_active(admin, user_id(engine, "mirai"), True)
    accounts.set_organisation_active(admin, mirai, True)
    assert accounts.set_user_active(admin, user_id(engine, "mirai"), True).active


def test_a_department_that_owns_open_work_or_coordinates_cannot_be_deactivated(engine, accounts):
    admin = engine.actor("admin")
    (Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
     .assign_departments(FOUR_PROJECTS_THREE_CATEGORIES))
    with pytest.raises(NotAllowedError, match="連携事業2件を担当しているため"):
        accounts.set_department_active(admin, department_id(engine, "kankyo"), False)
    with pytest.raises(NotAllowedError, match="総合政策課（調整担当の課）は無効にできません"):
        accounts.set_department_active(admin, department_id(engine, "kikaku"), False)
    bosai = accounts.set_department_active(admin, department_id(engine, "bosai"), False)
    assert not bosai.active
    assert "防災対策課" not in [d.name for d in accounts.user_form(admin).departments]  # gone from choices


def test_departments_get_a_code_when_none_is_given_and_a_bad_code_is_named(engine, accounts):
    admin = engine.actor("admin")
    created = accounts.create_department(admin, "  文化生涯学習課 ", "")
    assert (created.name, created.code) == ("文化生涯学習課", "dept009")
    with pytest.raises(FormDataError) as refused:
        accounts.create_department(admin, "文化生涯学習課", "文化")
    assert refused.value.errors == {"name": "課「文化生涯学習課」は既に登録されています",
                                    "code": "課のコードは半角英数字と「_ -」の50文字以内にしてください"}


def test_lists_are_searchable_filtered_by_status_and_paged(engine, accounts):
    admin = engine.actor("admin")
    assert [o.name for o in accounts.list_organisations(admin, "みらい").items] == ["茅ヶ崎みらい大学（架空）"]
    assert [u.username for u in accounts.list_users(admin, "環境").items] == ["kankyo"]
    assert [u.username for u in accounts.list_users(admin, role="manager").items] == ["kanri"]
    assert [d.code for d in accounts.list_departments(admin, "KANKYO").items] == ["kankyo"]
    assert accounts.list_users(admin, "100%").total == 0  # % is a character, not a wildcard
    for n in range(60):
        accounts.create_organisation(admin, f"テスト団体{n:02d}")
    first, second = (accounts.list_organisations(admin, "テスト団体", page=p) for p in (1, 2))
    assert (first.total, first.pages, len(first.items), len(second.items)) == (60, 2, 50, 10)
    accounts.set_user_active(admin, user_id(engine, "toshi"), False)
    assert [u.username for u in accounts.list_users(admin, status="inactive").items] == ["toshi"]


def test_verifying_an_organisation_is_audited_and_renaming_names_both(engine, accounts):
    seisaku = engine.actor("seisaku")
    created = accounts.create_organisation(seisaku, "株式会社しおさい（架空）")
    assert created.verified  # entered by city staff
    accounts.rename_organisation(seisaku, created.id, "株式会社しおさい企画（架空）")
    history = accounts.history(engine.actor("admin")).items
    assert (history[0].label, history[0].subject, history[0].actor) == (
        "団体情報の変更", "団体「株式会社しおさい企画（架空）」", "総合政策課 政策 一郎")
    assert history[0].changes == [("名称", "株式会社しおさい（架空）", "株式会社しおさい企画（架空）")]


def test_総合政策課_manages_partners_but_not_staff_and_others_manage_nothing(engine, accounts):
    seisaku, kankyo, kanri = engine.actor("seisaku"), engine.actor("kankyo"), engine.actor("kanri")
    assert accounts.list_organisations(seisaku).total == 4
    with pytest.raises(NotAllowedError):
        accounts.list_users(seisaku)
    with pytest.raises(NotAllowedError):
        accounts.create_department(seisaku, "新しい課", "new")
    for outsider in (kankyo, kanri, engine.actor("shonan")):
        with pytest.raises(NotAllowedError):
            accounts.list_organisations(outsider)
        assert accounts.unverified_count(outsider) is None
