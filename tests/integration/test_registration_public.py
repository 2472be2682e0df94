"""A new 企業等 proposes from the public page (R-5.1, issue #3 item 3): it registers its organisation and
contact, the case starts at ① and 総合政策課 sees it; the organisation stays unverified until confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.accounts.registration import RegistrationThrottledError
from engine.accounts.service import AccountService, RegistrationInput
from engine.bootstrap import bootstrap
from engine.errors import FormDataError
from engine.persistence.models import Case, Organisation, RegistrationAttempt, UserAccount


@pytest.fixture
def accounts(engine) -> AccountService:
    return AccountService(engine)


def form(n: int = 1, **changes) -> RegistrationInput:
    values = {"organisation_name": f"株式会社なぎさ技研{n}（架空）", "display_name": "渚 一郎",
              "email": f"nagisa{n}@example.co.jp", "username": f"nagisa-{n}", "password": "hamakaze-2025",
              "password_confirmation": "hamakaze-2025"}
    return RegistrationInput(**{**values, **changes})


def totals(engine) -> tuple[int, int, int]:
    with engine.unit_of_work() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Organisation, UserAccount, Case))


def test_a_new_organisation_registers_and_its_contact_is_sent_to_the_proposal(engine, accounts):
    registered = accounts.register(form(), "203.0.113.5")
    assert (registered.person.role, registered.person.organisation_name) == ("organisation",
                                                                             "株式会社なぎさ技研1（架空）")
    task = engine.get_task(registered.person.actor, registered.task_id)
    assert (task.summary.bpmn_id, task.summary.step, task.may_complete) == ("propose", "① 連携事業の提案", True)
    case = engine.case_status(engine.actor("seisaku"), registered.case_id)  # 総合政策課 sees the case
    assert (case.initiated_by, case.organisation_name, case.status) == ("organisation", "株式会社なぎさ技研1（架空）",
                                                                        "running")
    assert [e.action for e in case.history] == ["case_started", "organisation_registered"]


def test_the_registered_organisation_stays_unverified_until_総合政策課_confirms_it(engine, accounts):
    registered = accounts.register(form(), "203.0.113.5")
    seisaku = engine.actor("seisaku")
    assert accounts.unverified_count(seisaku) == 1
    listed = accounts.list_organisations(seisaku).items[0]  # unverified organisations come first
    assert (listed.name, listed.verified, listed.contact_count, listed.running_case_count) == (
        "株式会社なぎさ技研1（架空）", False, 1, 1)
    accounts.verify_organisation(seisaku, listed.id)
    assert accounts.unverified_count(seisaku) == 0
    assert accounts.history(engine.actor("admin")).items[0].label == "団体の確認"
    assert registered.person.organisation_name == listed.name


def test_a_taken_name_or_bad_fields_are_named_and_nothing_is_created(engine, accounts):
    before = totals(engine)
    with pytest.raises(FormDataError) as refused:
        accounts.register(form(organisation_name="湘南サンプル株式会社", username="shonan", email="",
                               password_confirmation="hamakaze-2026"), "203.0.113.5")
    assert refused.value.errors == {
        "organisation_name": "団体「湘南サンプル株式会社」は既に登録されています。既に登録済みの団体の方は、"
                             "登録済みの担当者でログインしてください",
        "email": "メールアドレスを入力してください",
        "username": "利用者名「shonan」は既に使われています。別の利用者名にしてください",
        "password_confirmation": "パスワード（確認）が一致しません。同じものを入力してください",
    }
    assert totals(engine) == before


def test_one_address_may_register_three_organisations_a_day(engine, accounts, clock):
    for n in range(3):
        accounts.register(form(n), "198.51.100.7")
    with pytest.raises(RegistrationThrottledError, match="このネットワークからの登録が続いた"):
        accounts.register(form(3), "198.51.100.7")
    accounts.register(form(4), "198.51.100.8")  # another address is not affected
    clock.now += timedelta(days=1, minutes=1)
    accounts.register(form(5), "198.51.100.7")


def test_refused_submissions_count_too_so_guessing_names_is_slowed(engine, accounts, clock):
    for _ in range(10):
        with pytest.raises(FormDataError):
            accounts.register(form(username="seisaku"), "198.51.100.9")
    with pytest.raises(RegistrationThrottledError):
        accounts.register(form(), "198.51.100.9")
    clock.now += timedelta(hours=1, minutes=1)
    assert accounts.register(form(), "198.51.100.9").case_number


def test_the_limit_holds_across_web_workers_sharing_the_database(engine, database_url, clock):
    other_worker = bootstrap(database_url, clock)
    try:
        for n in range(3):
            AccountService(engine if n % 2 else other_worker).register(form(n), "192.0.2.44")
        with pytest.raises(RegistrationThrottledError):
            AccountService(other_worker).register(form(9), "192.0.2.44")
    finally:
        other_worker.database.dispose()


def test_a_flood_from_many_addresses_stops_at_the_daily_total(engine, accounts, clock):
    with engine.unit_of_work() as session:
        session.add_all(RegistrationAttempt(address=f"10.9.{n}.1", succeeded=True, at=clock.now - timedelta(hours=2))
                        for n in range(30))
    with pytest.raises(RegistrationThrottledError, match="本日の新規登録の受付数が上限"):
        accounts.register(form(), "192.0.2.99")
