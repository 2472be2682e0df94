"""Who may do what (issue #11 item 3): every demo role × every action, through the page and through the API.

Both channels must give the same answer, the one engine.access gives, and a refused request that would
change something changes nothing (cases, tasks, claims, audit rows, meetings are counted before and after).
Each request runs on a fresh copy of one prepared database, so an allowed change never affects the next row.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.access import proposes_as
from engine.accounts.api_tokens import ApiTokens
from engine.agreements import AgreementRegister
from engine.bootstrap import bootstrap
from engine.errors import NotAllowedError, NotFoundError
from engine.persistence.models import AuditEvent, Case, HumanTask, PartnershipMeeting
from tests.conftest import demo_engine
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.test_comprehensive_flow import concluded_on
from tests.web.conftest import csrf_token, sign_in
from tests.web.test_agreements_register import TODAY
from web import create_app

# None: anonymous
ROLES = ("shonan", "mirai", "kankyo", "bosai", "seisaku", "kanri", "process", "admin", None)
EVERYONE = set(ROLES) - {None}

# The rule table: who is allowed. The case belongs to shonan; its project P3 (the task) is kankyo's; bosai has
# nothing in it; the agreement is shonan's.
ALLOWED = {
    "start_case": {"shonan", "mirai", "seisaku", "admin"},
    "read_case": {"shonan", "kankyo", "seisaku", "kanri", "process", "admin"},
    "read_task": {"kankyo", "seisaku", "kanri", "process", "admin"},
    "claim": {"kankyo"},
    "complete": {"kankyo"},
    "read_agreement": EVERYONE - {"mirai"},
    "act_on_agreement": {"seisaku", "admin"},
}
MUTATING = {"start_case", "claim", "complete", "act_on_agreement"}
DECISION = {"consultation_date": TODAY.isoformat(), "consultation_summary": "詳細協議を実施", "exclusions": [],
            "implementation": "implement", "reason": "効果が見込まれるため"}


@dataclass(frozen=True)
class Prepared:
    path: str
    shonan_org: int
    case_id: int
    task_id: str
    agreement_id: int


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Prepared:
    path = tmp_path_factory.mktemp("matrix") / "template.sqlite3"
    engine = demo_engine(f"sqlite:///{path}")
    [agreement] = concluded_on(engine, TODAY.isoformat()).status().agreements
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    task = flow.task("decide_implementation", "P3")
    shonan_org = engine.actor("shonan").organisation_id
    engine.database.dispose()
    return Prepared(str(path), shonan_org, flow.case_id, task.id, agreement.id)


class World:
    """A fresh copy of the prepared database with an app on it."""

    def __init__(self, prepared: Prepared, folder) -> None:
        copy = folder / "copy.sqlite3"
        shutil.copy(prepared.path, copy)
        self.engine = bootstrap(f"sqlite:///{copy}")
        self.app = create_app({"TESTING": True, "SECRET_KEY": "test", "RENKEI_ENGINE": self.engine,
                               "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
        self.app.instance_path = str(folder / "instance")
        self.client = self.app.test_client()
        self.headers: dict[str, str] = {}

    def bearer(self, username: str) -> None:
        """API requests act as this person (the token's own rows are written before anything is counted)."""
        self.headers = {"Authorization": f"Bearer {ApiTokens(self.engine).create(username, 'テスト').token}"}

    def fingerprint(self) -> dict[str, int]:
        with self.engine.unit_of_work() as session:
            def count(table, *where):
                return session.scalar(select(func.count()).select_from(table).where(*where))

            return {"cases": count(Case), "tasks": count(HumanTask), "audit": count(AuditEvent),
                    "claimed": count(HumanTask, HumanTask.claimed_by_id.is_not(None)),
                    "completed": count(HumanTask, HumanTask.state == "completed"),
                    "meetings": count(PartnershipMeeting)}


def _allowed(response, page: bool) -> bool:
    """Allowed: 2xx, or a page's redirect anywhere but the sign-in. Refused: the answers below only."""
    location = response.headers.get("Location", "")
    if page and response.status_code == 302:
        return not location.startswith("/login")
    if 200 <= response.status_code < 300:
        return True
    assert response.status_code in (400, 401, 403, 404), response.get_data(as_text=True)
    return False


def _page(world: World, p: Prepared, username: str | None, action: str):
    client = world.client
    if username:
        assert sign_in(client, username).status_code == 302
    token = csrf_token(client, "/login" if username is None else "/")
    meeting = {"agenda": "連携事業の進捗", "planned_on": (TODAY + timedelta(days=14)).isoformat()}
    decision = {f"project_decision.{key}": value for key, value in DECISION.items() if key != "exclusions"}
    requests = {
        "start_case": lambda: client.post("/proposals/new", data={"organisation_id": p.shonan_org,
                                                                  "csrf_token": token}),
        "read_case": lambda: client.get(f"/cases/{p.case_id}"),
        "read_task": lambda: client.get(f"/tasks/{p.task_id}"),
        "claim": lambda: client.post(f"/tasks/{p.task_id}/claim", data={"csrf_token": token}),
        "complete": lambda: client.post(f"/tasks/{p.task_id}", data={**decision, "csrf_token": token}),
        "read_agreement": lambda: client.get(f"/agreements/{p.agreement_id}"),
        "act_on_agreement": lambda: client.post(f"/agreements/{p.agreement_id}/general-meeting",
                                                data={**meeting, "csrf_token": token}),
    }
    return requests[action]()


def _api(world: World, p: Prepared, username: str | None, action: str):
    """The JSON API. It has no agreement action yet: that row goes through the engine (as the CLI would)."""
    headers = world.headers
    me = world.engine.actor(username) if username else None
    client = world.client
    if action == "act_on_agreement":
        return _engine_call(world, p, me)
    own = me is not None and proposes_as(me) == "organisation"
    start = {"organisation_id": me.organisation_id if own else p.shonan_org,
             "initiated_by": proposes_as(me) if me else "organisation"}
    requests = {
        "start_case": lambda: client.post("/api/cases", json=start, headers=headers),
        "read_case": lambda: client.get(f"/api/cases/{p.case_id}", headers=headers),
        "read_task": lambda: client.get(f"/api/tasks/{p.task_id}", headers=headers),
        "claim": lambda: client.post(f"/api/tasks/{p.task_id}/claim", json={}, headers=headers),
        "complete": lambda: client.post(f"/api/tasks/{p.task_id}/complete",
                                        json={"data": {"project_decision": DECISION}}, headers=headers),
        "read_agreement": lambda: client.get(f"/api/agreements/{p.agreement_id}", headers=headers),
    }
    return requests[action]()


class _Answer:
    def __init__(self, status_code: int) -> None:
        self.status_code, self.headers = status_code, {}

    def get_data(self, as_text: bool = False) -> str:
        return ""


def _engine_call(world: World, p: Prepared, me):
    if me is None:
        return _Answer(401)
    try:
        AgreementRegister(world.engine).call_general_meeting(
            me, p.agreement_id, "連携事業の進捗", (TODAY + timedelta(days=14)).isoformat())
    except NotFoundError:
        return _Answer(404)
    except NotAllowedError:
        return _Answer(403)
    return _Answer(200)


CASES = [(action, role) for action in ALLOWED for role in ROLES]


@pytest.mark.parametrize(("action", "username"), CASES, ids=[f"{a}-{r or 'anonymous'}" for a, r in CASES])
def test_the_page_and_the_api_give_the_same_answer_and_a_refusal_changes_nothing(
        prepared, tmp_path, action, username):
    expected = username in ALLOWED[action]
    answers = {}
    for channel, send in (("page", _page), ("api", _api)):
        folder = tmp_path / channel
        folder.mkdir()
        world = World(prepared, folder)
        try:
            if username is not None and channel == "api":
                world.bearer(username)
            before = world.fingerprint()
            response = send(world, prepared, username, action)
            answers[channel] = _allowed(response, page=channel == "page")
            after = world.fingerprint()
        finally:
            world.engine.database.dispose()
        if not answers[channel] and action in MUTATING:
            assert after == before, f"{channel}: a refused {action} changed {before} → {after}"
        if answers[channel] and action in MUTATING:
            assert after != before, f"{channel}: an allowed {action} changed nothing"
    assert answers == {"page": expected, "api": expected}


@pytest.mark.parametrize("username", ["kankyo", "process", "kanri", "bosai"])
def test_the_api_refuses_city_staff_a_proposal_as_an_organisation_and_keeps_no_case(
        prepared, tmp_path, username):
    """The page never offered it; the API started the case (and answered a 担当課 404 after keeping it)."""
    world = World(prepared, tmp_path)
    try:
        world.bearer(username)
        before = world.fingerprint()
        response = world.client.post("/api/cases", headers=world.headers,
                                     json={"organisation_id": prepared.shonan_org,
                                           "initiated_by": "organisation"})
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"
        assert world.fingerprint() == before
    finally:
        world.engine.database.dispose()


def test_the_release_button_is_shown_only_to_those_the_engine_lets_release(prepared, tmp_path):
    """総合政策課 hands tasks over, but only within its own lanes: a 担当課's claim is not its to return."""
    world = World(prepared, tmp_path)
    try:
        world.engine.claim(world.engine.actor("kankyo"), prepared.task_id)
        for username, shown in (("kankyo", True), ("seisaku", False), ("kanri", False)):
            client = world.app.test_client()
            assert sign_in(client, username).status_code == 302
            page = client.get(f"/tasks/{prepared.task_id}").get_data(as_text=True)
            assert ("担当を外す" in page) is shown, username
    finally:
        world.engine.database.dispose()
