"""⑦ signed (R-5.7): the 企業等 is told, with the validity period (R-6.1) and the notice deadline (R-6.2)."""

from __future__ import annotations

from sqlalchemy import select

from engine.notifications.mail import MailTemplates
from engine.persistence.models import Agreement, MailOutbox, Notification, UserAccount
from tests.integration.flow import Flow, project
from tests.integration.test_comprehensive_flow import concluded_on
from tests.mail_server import give_everyone_mail


def signed_notices(engine) -> list[tuple[str, str, str]]:
    with engine.unit_of_work() as session:
        return [(user.username, notice.title, notice.link) for notice, user in session.execute(
            select(Notification, UserAccount).join(UserAccount, Notification.user_id == UserAccount.id)
            .where(Notification.kind == "agreement_signed").order_by(UserAccount.username))]


def test_the_partner_is_told_its_agreement_was_signed_with_the_period_and_the_notice_deadline(engine):
    give_everyone_mail(engine)
    concluded_on(engine, "2025-06-15", engine.clock)  # until 2027-03-31: notice by 2027-02-28
    with engine.unit_of_work() as session:
        agreement_id = session.scalar(select(Agreement.id))
        [mail] = session.scalars(select(MailOutbox).where(MailOutbox.template == "agreement_signed"))
        context, to = mail.context, mail.to_address
    assert signed_notices(engine) == [
        ("shonan", "協定を締結しました：包括連携協定（湘南サンプル株式会社）", f"/agreements/{agreement_id}")]
    assert to.startswith("shonan")
    assert (context["valid_from"], context["valid_until"], context["notice_deadline"]) == (
        "2025-06-15", "2027-03-31", "2027-02-28")
    assert (context["renewed_from"], context["renewed_until"]) == ("2027-04-01", "2028-03-31")
    subject, body = MailTemplates(base_url="https://renkei.city.example.jp").render("agreement_signed", context)
    assert subject == "【Renkei】協定を締結しました：包括連携協定"
    assert "有効期間：令和7年6月15日から令和9年3月31日まで" in body
    assert "申出期限：令和9年2月28日" in body
    assert "令和9年4月1日から令和10年3月31日までの1年間更新" in body


def test_a_leap_year_deadline_is_the_29th_of_february(engine):
    concluded_on(engine, "2026-04-01", engine.clock)  # until 2028-03-31: notice by 2028-02-29
    with engine.unit_of_work() as session:
        context = session.scalar(select(Notification.context).where(Notification.kind == "agreement_signed"))
    assert context["notice_deadline"] == "2028-02-29"


def test_the_city_and_other_partners_are_not_sent_the_partners_signing_notice(engine):
    Flow(engine, "mirai").start()
    concluded_on(engine, "2025-06-15", engine.clock)
    assert [who for who, _, _ in signed_notices(engine)] == ["shonan"]


def test_an_individual_agreement_is_announced_without_a_validity_of_r6(engine):
    two_categories = [project("見守り", "1", department="kodomo"), project("海岸清掃", "5", department="kankyo")]
    flow = Flow(engine).start().propose(two_categories).record_partnership()
    flow.assign_departments(two_categories).consult_feasibility()
    for key in ("P1", "P2"):
        flow.decide(key)
    flow.judge(necessity="not_conclude", necessity_reason="分類数が要件を満たさないため")
    flow.complete("negotiate_terms", {"individual_kind": "specific_project", "roles": "市: 周知、企業: 運営",
                                      "costs": "各自負担", "budget_required": "no"}, project_key="P2")
    flow.complete("confirm_terms", {"individual_response": "confirm"}, project_key="P2")
    engine.clock.move_to("2025-10-01T10:00:00+09:00")  # the 個別協定 is signed on the day it is decided
    flow.complete("decide_individual", {"individual_decision": "conclude", "individual_signed_on": "2025-10-01",
                                        "individual_decision_reason": "合意"}, project_key="P2")
    [(who, title, _)] = signed_notices(engine)
    assert (who, title) == ("shonan", "協定を締結しました：個別協定：海岸清掃（湘南サンプル株式会社）")
    with engine.unit_of_work() as session:
        context = session.scalar(select(Notification.context).where(Notification.kind == "agreement_signed"))
    assert (context["comprehensive"], context["valid_until"], context["signed_on"]) == (False, None, "2025-10-01")
    subject, body = MailTemplates().render("agreement_signed", {**context, "recipient_name": "湘南 花子",
                                                                "link": "/agreements/1", "title": title})
    assert "締結日　：令和7年10月1日" in body and "申出期限" not in body
