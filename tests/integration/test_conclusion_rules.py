"""R-3 decided by the engine (issue #12 items 1 and 3), on SQLite and PostgreSQL: whatever ⑥'s form says, an
ineligible case concludes only by a principle exception with its reason, never under R-3.5, and only with an
organisation 総合政策課 has verified; the exception is marked on the agreement, and a decision not to conclude
reaches the 企業等 with the reason written for it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.accounts.service import AccountService
from engine.agreements import AgreementRegister, PublicRegister
from engine.cases import TaskPages
from engine.errors import FormDataError
from engine.library.drafts import DraftService
from engine.notifications.service import Kind, Notifications
from engine.persistence.models import Agreement, HumanTask, MailOutbox, Organisation
from tests.conftest import PROCESSES
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, at_step_6
from tests.mail_server import give_everyone_mail

NECESSITY_FORM = "comprehensive_agreement/forms/agreement_necessity.form"
EXCEPTION = "市の重点施策である子育てと環境の両分野で全市的な展開が予定され、効果が大きいため"


def set_verified(engine, username: str, verified: bool) -> int:
    with engine.unit_of_work() as session:
        organisation = session.get(Organisation, engine.actor(username).organisation_id)
        organisation.verified = verified
        return organisation.id


def test_two_projects_in_two_categories_are_refused_naming_both_requirements_and_nothing_is_saved(engine):
    flow = at_step_6(engine)
    task = flow.task("judge_necessity")
    with pytest.raises(FormDataError) as error:
        flow.judge(necessity="conclude")
    assert "要件⑶ 事業数が3未満（R-3.3）、要件⑷ 分類数が3未満（R-3.4）。" in error.value.errors["necessity"]
    assert flow.task("judge_necessity").id == task.id  # still open: the refusal changed nothing
    with engine.unit_of_work() as session:
        assert session.get(HumanTask, task.id).state == "ready"


def test_a_principle_exception_with_its_reason_concludes_and_the_agreement_says_so(engine):
    flow = at_step_6(engine)
    flow.judge(necessity="conclude", principle_exception=True, principle_exception_reason=EXCEPTION)
    flow.agree_and_sign("2025-05-01")
    with engine.unit_of_work() as session:
        agreement = session.scalar(select(Agreement).where(Agreement.case_id == flow.case_id))
        assert agreement.principle_exception_reason == EXCEPTION
    [row] = AgreementRegister(engine).search(engine.actor("seisaku"))
    assert row.concluded_by_exception and row.exception_text == f"例外により締結（理由：{EXCEPTION}）"


def test_an_agreement_meeting_the_requirements_is_not_marked_as_an_exception(engine):
    flow = at_step_6(engine, FOUR_PROJECTS_THREE_CATEGORIES)
    flow.judge().agree_and_sign("2025-05-01")
    [row] = AgreementRegister(engine).search(engine.actor("seisaku"))
    assert not row.concluded_by_exception and row.exception_text == ""


def test_r35_refuses_the_conclusion_even_with_a_recorded_exception(engine):
    flow = at_step_6(engine, FOUR_PROJECTS_THREE_CATEGORIES)
    with pytest.raises(FormDataError) as error:
        flow.judge(necessity="conclude", r35_3="applies", principle_exception=True,
                   principle_exception_reason=EXCEPTION)
    assert "原則の例外としても締結できません" in error.value.errors["necessity"]


def redrawn_necessity_form() -> str:
    """⑥ as a process owner might redraw it: the exception fields and every check gone."""
    form = json.loads((PROCESSES / NECESSITY_FORM).read_text("utf-8"))
    dropped = {"principle_exception", "principle_exception_reason"}
    form["components"] = [c for c in form["components"] if c.get("key") not in dropped]
    for component in form["components"]:
        component.pop("properties", None)
        component.get("validate", {}).pop("required", None)
    return json.dumps(form, ensure_ascii=False)


def test_a_redrawn_form_without_its_checks_still_cannot_conclude_an_ineligible_case(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, "comprehensive_agreement", "⑥のフォームを簡素化")
    drafts.save_file(owner, draft, NECESSITY_FORM, redrawn_necessity_form())
    drafts.deploy(owner, draft, "⑥の入力項目を減らす", override_reason="例外の項目がなくなるため既存シナリオの一部が合わない")
    flow = at_step_6(engine)
    with pytest.raises(FormDataError) as error:
        flow.judge(necessity="conclude")
    assert "R-3.3" in error.value.errors["necessity"] and "R-3.4" in error.value.errors["necessity"]
    # an exception the form does not collect is not recorded: still refused
    with pytest.raises(FormDataError):
        flow.judge(necessity="conclude", principle_exception=True, principle_exception_reason=EXCEPTION)
    assert flow.task("judge_necessity").bpmn_id == "judge_necessity"


def test_an_unverified_organisation_cannot_conclude_and_its_page_says_so(engine):
    organisation_id = set_verified(engine, "shonan", False)
    flow = at_step_6(engine, FOUR_PROJECTS_THREE_CATEGORIES)
    page = TaskPages(engine).page(engine.actor("seisaku"), flow.task("judge_necessity").id)
    assert page.unverified is not None and page.unverified.organisation_id == organisation_id
    with pytest.raises(FormDataError) as error:
        flow.judge()
    assert "団体の確認" in error.value.errors["necessity"]
    AccountService(engine).verify_organisation(engine.actor("seisaku"), organisation_id)
    assert TaskPages(engine).page(engine.actor("seisaku"), flow.task("judge_necessity").id).unverified is None
    flow.judge().agree_and_sign("2025-05-01")
    assert flow.status().outcome == "concluded"


def test_the_signing_is_refused_for_an_organisation_no_longer_verified(engine):
    flow = at_step_6(engine, FOUR_PROJECTS_THREE_CATEGORIES).judge()
    flow.complete("draft_agreement", {"agreement_title": "包括連携協定", "agreement_terms": "協定書の内容",
                                      "planned_signing_date": "2025-05-01"})
    flow.complete("confirm_agreement", {"agreement_response": "confirm"})
    set_verified(engine, "shonan", False)
    signing = TaskPages(engine).page(engine.actor("seisaku"), flow.task("sign_agreement").id)
    assert signing.unverified is not None
    with pytest.raises(FormDataError) as error:
        flow.complete("sign_agreement", {"signed_on": "2025-05-01", "signing_notes": ""})
    assert "団体の確認" in error.value.errors["signed_on"]
    assert flow.task("sign_agreement") and flow.status().agreements == []


def test_the_public_register_never_lists_an_unverified_organisations_agreement(engine):
    at_step_6(engine, FOUR_PROJECTS_THREE_CATEGORIES).judge().agree_and_sign("2025-05-01")
    register = PublicRegister(engine)
    assert [a.partner_name for a in register.agreements()] == ["湘南サンプル株式会社"]
    set_verified(engine, "shonan", False)
    assert register.agreements() == [] and register.as_json()["agreements"] == []
    assert "湘南サンプル株式会社" not in register.as_csv()


def test_declining_tells_the_organisation_with_the_reason_written_for_it(engine):
    give_everyone_mail(engine)
    flow = at_step_6(engine)
    with pytest.raises(FormDataError) as error:
        flow.judge(necessity="not_conclude", reason_for_organisation="")
    assert set(error.value.errors) == {"reason_for_organisation"}
    flow.judge(necessity="not_conclude", necessity_reason="内部の検討メモ",
               reason_for_organisation="分野が2つに限られるため、個別協定で連携を進めます。")
    [notice] = [n for n in Notifications(engine).list(engine.actor("shonan")).items
                if n.kind == Kind.AGREEMENT_DECLINED.value]
    assert notice.title.startswith("包括連携協定は締結しないこととなりました") and notice.link == f"/cases/{flow.case_id}"
    with engine.unit_of_work() as session:
        declined = select(MailOutbox).where(MailOutbox.template == Kind.AGREEMENT_DECLINED.value)
        [mail] = session.scalars(declined)
        assert mail.context["reason"] == "分野が2つに限られるため、個別協定で連携を進めます。"
        assert "内部の検討メモ" not in json.dumps(mail.context, ensure_ascii=False)
    assert not [n for n in Notifications(engine).list(engine.actor("seisaku")).items
                if n.kind == Kind.AGREEMENT_DECLINED.value]
