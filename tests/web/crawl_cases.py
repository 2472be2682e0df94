"""Demo data advanced so that a case stands in every state the pages can show, for the crawl test.

Proposals wait at each step ①–⑦ (and at the partner's confirmation of a city proposal); one falls back to
個別協定 (one still negotiating, one finished); one is withdrawn by the partner in the process (辞退) and one
cancelled by 総合政策課 (取り下げ); one found nothing feasible; one comes from a new partner registering on the
public page. Three agreements live through their years:
one renewed, one ended by notice (終了の申出), one terminated (解除, R-9.2).
For the process owners' pages, version 2 of the proposal process (a form's wording) is deployed and one
running case moved onto it (a migration record), and a draft of version 3 with its diagram changed stays open.

Cases are driven through the public engine API as the right person for each lane, with the scenario files'
inputs (``engine.demo.run_demo_case``) or the integration tests' builders. SpiffWorkflow's timers read
``datetime.now``, so the data is built under freezegun on a clock that ends before the real today; the crawl
then runs on the real clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from freezegun import freeze_time

from engine.access import SYSTEM
from engine.accounts import AccountService, RegistrationInput
from engine.agreements import AgreementRegister
from engine.bootstrap import bootstrap
from engine.definitions.bundle import Bundle
from engine.demo import DemoCase, run_demo_case, seed_people
from engine.library.drafts import DraftService
from engine.library.migration import MigrationService
from engine.service import CaseEngine
from tests.conftest import PROCESSES
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.lifecycle_steps import DEPARTMENT_USERS

CONCLUDES = "comprehensive_agreement/scenarios/organisation_concludes.json"
CITY_CONCLUDES = "comprehensive_agreement/scenarios/city_initiated_concludes.json"
FALLS_BACK = "comprehensive_agreement/scenarios/two_categories_fall_back.json"
WITHDRAWN = "comprehensive_agreement/scenarios/withdrawn_by_organisation.json"
NOTHING_FEASIBLE = "comprehensive_agreement/scenarios/nothing_feasible.json"

# organisation_concludes.json: how many of its steps to run so the case waits at each step of 3 (R-5.1〜)
PROPOSAL_STEPS = {
    "① 提案": 0,
    "② 実績の整理": 1,
    "③ 担当課の割り振り": 2,
    "④ 実施可否の協議": 3,
    "⑤ 個別協議（途中）": 5,
    "⑥ 締結の必要性の判断": 8,
    "⑦ 協定書案の作成": 9,
    "⑦ 協定書案の確認": 10,
    "⑦ 締結": 11,
}
PARTNERS = ("shonan", "mirai", "digital", "umibe")
PROPOSAL_PROCESS = "comprehensive_agreement"


@dataclass
class CrawlCases:
    """What was built, so a test can name the cases it expects a page to show."""

    proposals: dict[str, int] = field(default_factory=dict)
    agreements: dict[str, int] = field(default_factory=dict)  # renewed / ended / terminated → agreement id
    draft_id: int | None = None  # an open draft of the proposal process
    migrated_case_id: int | None = None  # moved from version 1 to version 2


def build(database_url: str) -> tuple[CaseEngine, CrawlCases]:
    """A fresh database with the processes, the demo people and cases in every state."""
    built = CrawlCases()
    with freeze_time("2024-04-01T00:00:00+09:00") as clock:
        engine = bootstrap(database_url)
        engine.upgrade_schema()
        bundle = Bundle.from_folder(PROCESSES)
        engine.deploy(bundle)
        seed_people(engine)
        _live_agreements(engine, clock, built)
        clock.move_to("2026-10-01T10:00:00+09:00")
        _proposals(engine, bundle, built)
        _process_library(engine, bundle, built)
    return engine, built


def _sign(engine: CaseEngine, clock, partner: str, signed_on: str) -> int:
    clock.move_to(f"{signed_on}T10:00:00+09:00")
    flow = Flow(engine, partner).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    flow.judge().agree_and_sign(signed_on)
    [agreement] = flow.status().agreements
    return agreement.id


def _at(engine: CaseEngine, clock, moment: str) -> None:
    clock.move_to(f"{moment}+09:00")
    engine.fire_due_timers()


def _complete(engine: CaseEngine, register: AgreementRegister, agreement_id: int, step: str, data: dict,
              partner: str) -> None:
    [task] = [t for t in register.detail(SYSTEM, agreement_id).open_tasks if t.step == step]
    person = {"企業等": partner, "総合政策課": "seisaku"}.get(task.lane) or DEPARTMENT_USERS[task.department_name]
    engine.complete_task(engine.actor(person), task.id, data)


def _live_agreements(engine: CaseEngine, clock, built: CrawlCases) -> None:
    """Signed in June 2024 (valid until 2026-03-31): renewed, ended by notice, terminated (R-9.2)."""
    register = AgreementRegister(engine)
    renewed = _sign(engine, clock, "shonan", "2024-06-15")
    ended = _sign(engine, clock, "mirai", "2024-06-17")
    terminated = _sign(engine, clock, "digital", "2024-06-20")
    clock.move_to("2024-09-02T15:00:00+09:00")
    register.report_requirements_not_met(engine.actor("seisaku"), terminated, ["r35_5"],
                                         "市税の滞納が判明したため（R-3.5⑤）")
    _at(engine, clock, "2025-05-01T09:00:01")  # the first 個別定例会議 open and stay open (overdue)
    _at(engine, clock, "2026-01-31T09:00:01")  # two months before expiry: 更新の確認
    _complete(engine, register, renewed, "更新の確認（継続の意向）",
              {"continuation": "continue", "continuation_note": "電話で継続の意向を確認した"}, "shonan")
    clock.move_to("2026-02-10T10:00:00+09:00")
    register.give_notice(engine.actor("mirai"), ended, "事業の見直しのため", "未来 太郎 0467-00-0000")
    _at(engine, clock, "2026-04-01T00:00:01")
    built.agreements.update(renewed=renewed, ended=ended, terminated=terminated)


def _proposals(engine: CaseEngine, bundle: Bundle, built: CrawlCases) -> None:
    for number, (label, steps) in enumerate(PROPOSAL_STEPS.items()):
        partner = PARTNERS[number % len(PARTNERS)]
        built.proposals[label] = run_demo_case(engine, bundle, DemoCase(CONCLUDES, partner, steps, label))
    for label, scenario, partner, steps in (
        ("① 市からの提案の確認", CITY_CONCLUDES, "umibe", 1),
        ("個別協定の協議中", FALLS_BACK, "digital", 10),
        ("個別協定のみ（終了）", FALLS_BACK, "umibe", None),
        ("辞退（終了）", WITHDRAWN, "mirai", None),
        ("連携不成立（終了）", NOTHING_FEASIBLE, "shonan", None),
        ("取り下げ", CONCLUDES, "umibe", 2),
    ):
        built.proposals[label] = run_demo_case(engine, bundle, DemoCase(scenario, partner, steps, label))
    engine.cancel_case(engine.actor("seisaku"), built.proposals["取り下げ"], "企業等の都合により取り下げ")
    registered = AccountService(engine).register(RegistrationInput(
        organisation_name="株式会社なぎさ技研（架空）", display_name="渚 一郎", email="nagisa@example.co.jp",
        username="nagisa", password="hamakaze-2025", password_confirmation="hamakaze-2025"), "203.0.113.5")
    built.proposals["① 公開ページからの新規登録"] = registered.case_id


def _process_library(engine: CaseEngine, bundle: Bundle, built: CrawlCases) -> None:
    """Version 2 (a form's wording, which every running case may move to), one case moved, an open draft."""
    form = f"{PROPOSAL_PROCESS}/forms/proposal.form"
    files = dict(bundle.files)
    files[form] = files[form].replace("提案名".encode(), "提案の名称".encode())
    owner = engine.actor("process")
    engine.deploy(Bundle(files), owner, "提案フォームの項目名を「提案の名称」に変更", [PROPOSAL_PROCESS])
    moved = built.proposals["② 実績の整理"]
    MigrationService(engine).migrate(owner, PROPOSAL_PROCESS, [moved])
    built.migrated_case_id = moved
    drafts = DraftService(engine)
    built.draft_id = drafts.create(owner, PROPOSAL_PROCESS, "②の名前を見直す")
    diagram = f"{PROPOSAL_PROCESS}/{PROPOSAL_PROCESS}.bpmn"
    text = drafts.file(owner, built.draft_id, diagram)
    renamed = text.replace("② 連携事業の実績を整理", "② 連携実績の整理")
    drafts.save_file(owner, built.draft_id, diagram, renamed)
