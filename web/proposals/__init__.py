"""Starting a proposal (R-5.1): the public registration of a new 企業等, and a case started by the city.

``/register`` is public: a new organisation registers with its contact, the case starts and the contact
is signed in and sent to ① 連携事業の提案. ``/proposals/new`` lets 総合政策課 start a case on behalf
of an organisation (市からの提案), and lets a registered 企業等 contact make another proposal.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from engine.access import CITY, ORGANISATION, Actor, may_propose, proposes_as
from engine.accounts import PROPOSAL_PROCESS, AccountService, RegistrationInput, RegistrationThrottledError
from engine.errors import FormDataError, NotAllowedError
from web import navigation
from web.engine_access import actor, engine
from web.extensions import SignedIn

bp = Blueprint("proposals", __name__)

FIELDS = ("organisation_name", "display_name", "email", "username", "password", "password_confirmation")


def task_url(task_id: str) -> str:
    """The task page (web/tasks), where the new case's first step is worked."""
    return url_for("tasks.show", task_id=task_id)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        flash("ログイン中は新規登録できません。別の団体として登録する場合はログアウトしてください。", "info")
        return redirect(url_for("proposals.new" if may_propose(current_user.person.actor) else "home.index"))
    if request.method == "GET":
        return render_template("proposals/register.html", values={}, errors={}, throttled=None)
    form = RegistrationInput(**{name: request.form.get(name, "") for name in FIELDS})
    try:
        registered = AccountService(engine()).register(form, request.remote_addr)
    except RegistrationThrottledError as error:
        return render_template("proposals/register.html", values=request.form, errors={},
                               throttled=str(error)), 429
    except FormDataError as error:
        return render_template("proposals/register.html", values=request.form, errors=error.errors,
                               throttled=None), 422
    login_user(SignedIn(registered.person))
    flash(f"団体の登録を受け付けました（案件番号 {registered.case_number}）。"
          "続けて「① 連携事業の提案」を入力してください。団体の確認は総合政策課が行います。", "success")
    return redirect(task_url(registered.task_id))


def _proposer() -> Actor:
    """The rule is engine.access's (the engine applies it again when the case starts)."""
    me = actor()
    if not may_propose(me):
        raise NotAllowedError("新しい提案を始められるのは総合政策課の職員と企業等の担当者です")
    return me


def _form(me: Actor, errors: dict, status: int = 200):
    city = proposes_as(me) == CITY
    choices = AccountService(engine()).organisation_choices(me) if city else []
    return render_template("proposals/new.html", city=city, organisations=choices, errors=errors), status


@bp.get("/proposals/new")
@login_required
def new():
    return _form(_proposer(), {})


@bp.post("/proposals/new")
@login_required
def start():
    me = _proposer()
    if proposes_as(me) == ORGANISATION:
        return _start(me, me.organisation_id, ORGANISATION)
    organisation_id = request.form.get("organisation_id", type=int)
    if organisation_id is None:
        return _form(me, {"organisation_id": "提案先の団体を選択してください"}, 422)
    return _start(me, organisation_id, CITY)


def _start(me: Actor, organisation_id: int, initiated_by: str):
    case = engine().start_case(me, PROPOSAL_PROCESS, organisation_id, initiated_by)
    step = "① 提案内容の入力" if initiated_by == "city" else "① 連携事業の提案"
    flash(f"案件 {case.number}（{case.organisation_name}）を開始しました。"
          f"続けて「{step}」を入力してください。", "success")
    return redirect(task_url(case.open_tasks[0].id))


def init_app(app) -> None:
    app.register_blueprint(bp)
    navigation.register(app, navigation.NavItem(
        "proposals.new", "新しい提案",
        visible=lambda person: may_propose(person.actor), order=20))
