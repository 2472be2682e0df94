"""既存協定の登録 (issue #12 item 5): a 包括連携協定 signed before the system, entered by 総合政策課.

The city's older agreements have no case: nobody proposed them here. Entering one records what the paper says
(the partner, the title, the signing date, the projects with their R-4 category and 担当課, any 申出 already
given) and then puts the agreement where R-6 says it stands today: the periods it has been through are
recorded as renewed, and the period in force today starts its lifecycle case like any renewal does, with the
notice it already carries (R-6.2). The page, ``renkei agreements import`` and any later entry point call
``register_existing``, so they accept and refuse the same things with the same words; dates are judged by
engine.domain.plausible_dates, the one home of date bounds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, may_register_agreements
from engine.accounts.administration import add_organisation
from engine.agreements.lifecycle import ACTIVE, ENDING, RENEWED, start_period
from engine.audit import record
from engine.domain.guideline import CATEGORIES
from engine.domain.japan_time import today_in_japan
from engine.domain.plausible_dates import happened_error
from engine.domain.projects import IMPLEMENT, is_counted
from engine.domain.validity import ValidityPeriod, periods_through
from engine.domain.wareki import DateInputError, format_wareki, parse_date_input
from engine.errors import FormDataError, NotAllowedError
from engine.persistence.models import (
    Agreement,
    AgreementNotice,
    AgreementPeriod,
    Department,
    Organisation,
    Project,
)
from engine.persistence.models.agreement import COMPREHENSIVE
from engine.persistence.models.agreement_notice import BY_CITY, BY_ORGANISATION

# The oldest signing date the register takes: the first day of 平成, the oldest era a current record is
# written in (engine.domain.wareki). An earlier date is a typing slip, not an agreement still in force.
SIGNED_FLOOR = date(1989, 1, 8)
TITLE_LIMIT = 300
NAME_LIMIT = 200
REASON_LIMIT = 4000
GIVEN_BY_CHOICES = {BY_ORGANISATION: "企業等", BY_CITY: "市"}


@dataclass(frozen=True)
class ProjectInput:
    """One 連携事業 as written: category as "1"–"7", "①"–"⑦" or the full R-4 label; 担当課 by code or name."""

    title: str = ""
    category: str = ""
    department: str = ""

    @property
    def blank(self) -> bool:
        return not (self.title.strip() or self.category.strip() or self.department.strip())


@dataclass(frozen=True)
class NoticeInput:
    """An earlier 申出 (R-6.2): the day it was given and by whom."""

    given_on: str = ""
    given_by: str = BY_ORGANISATION
    reason: str = ""

    @property
    def blank(self) -> bool:
        return not (self.given_on.strip() or self.reason.strip())


@dataclass(frozen=True)
class ExistingAgreement:
    """What 総合政策課 enters. The partner is an existing organisation (``organisation_id``, or its exact
    name) or, when no organisation has that name, a new one created with the agreement."""

    title: str = ""
    signed_on: str = ""
    organisation_id: int | None = None
    organisation_name: str = ""
    projects: tuple[ProjectInput, ...] = ()
    notices: tuple[NoticeInput, ...] = ()


@dataclass(frozen=True)
class _Notice:
    given_on: date
    given_by: str
    reason: str | None
    period_index: int  # into the periods the agreement has been through
    in_time: bool
    takes_effect_on: date


@dataclass
class _Checked:
    errors: dict[str, str] = field(default_factory=dict)
    organisation: Organisation | None = None
    new_organisation: str = ""
    signed_on: date | None = None
    projects: list[tuple[ProjectInput, str, Department]] = field(default_factory=list)
    notices: list[_Notice] = field(default_factory=list)


def category_key(text: str) -> str | None:
    """"5", "⑤", "⑤ 環境・自然" or "環境・自然" → "5" (R-4); anything else → None."""
    normal = unicodedata.normalize("NFKC", text or "").strip()  # NFKC turns ⑤ into 5
    if normal in CATEGORIES:
        return normal
    for key, label in CATEGORIES.items():
        words = unicodedata.normalize("NFKC", label).split(maxsplit=1)
        if normal in (words[1], " ".join(words)) or normal.startswith(key + " "):
            return key
    return None


def _department(departments: list[Department], text: str) -> Department | None:
    wanted = (text or "").strip()
    return next((d for d in departments if d.active and wanted in (d.code, d.name)), None)


def _text(errors: dict[str, str], key: str, value: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[key] = f"{label}を入力してください"
    elif len(value) > limit:
        errors[key] = f"{label}は{limit}文字以内で入力してください"
    return value


def _organisation(session: Session, data: ExistingAgreement, checked: _Checked) -> None:
    name = (data.organisation_name or "").strip()
    if data.organisation_id is not None:
        found = session.get(Organisation, data.organisation_id)
        if found is None or not found.active:
            checked.errors["organisation"] = "選択した企業等が見つかりません"
        elif name and name != found.name:
            checked.errors["organisation"] = "既存の企業等を選ぶか、新しい企業等の名称を入力するか、どちらか一方にしてください"
        checked.organisation = found
        return
    name = _text(checked.errors, "organisation", name, "企業等", NAME_LIMIT)
    if not name:
        return
    found = session.scalar(select(Organisation).where(Organisation.name == name))
    if found is not None and not found.active:
        checked.errors["organisation"] = f"企業等「{name}」は無効になっています。管理画面で有効にしてから登録してください"
    checked.organisation, checked.new_organisation = found, "" if found is not None else name


def _signed_on(data: ExistingAgreement, today: date, checked: _Checked) -> None:
    try:
        day = parse_date_input(data.signed_on)
    except DateInputError as error:
        checked.errors["signed_on"] = f"締結日: {error}"
        return
    problem = happened_error(day, label="締結日", today=today, earliest=SIGNED_FLOOR, earliest_label="平成の始まり")
    if problem:
        checked.errors["signed_on"] = problem
    else:
        checked.signed_on = day


def _projects(session: Session, data: ExistingAgreement, checked: _Checked) -> None:
    departments = list(session.scalars(select(Department).order_by(Department.id)))
    entered = [(i, p) for i, p in enumerate(data.projects) if not p.blank]
    if not entered:
        checked.errors["projects"] = "連携事業を1件以上入力してください（事業名・分類・担当課）"
    for index, project in entered:
        key = f"projects.{index}"
        title = _text(checked.errors, f"{key}.title", project.title, "事業名", TITLE_LIMIT)
        category = category_key(project.category)
        if category is None:
            checked.errors[f"{key}.category"] = (
                "分類を選択してください（R-4 の7分類）" if not project.category.strip()
                else f"分類「{project.category.strip()}」はR-4の7分類にありません"
            )
        department = _department(departments, project.department)
        if department is None:
            checked.errors[f"{key}.department"] = (
                "担当課を選択してください" if not project.department.strip()
                else f"担当課「{project.department.strip()}」は登録されていません"
            )
        if title and category and department:
            checked.projects.append((ProjectInput(title, category, department.code), category, department))


def _notices(data: ExistingAgreement, today: date, checked: _Checked) -> None:
    """R-6.2 decides what each 申出 did: the period it was given in says whether it was in time and at which
    expiry it ends the agreement. One that has already ended the agreement means there is nothing to register."""
    periods = periods_through(checked.signed_on, today) if checked.signed_on is not None else []
    for index, notice in enumerate(data.notices):
        if notice.blank:
            continue
        key = f"notices.{index}"
        if notice.given_by not in GIVEN_BY_CHOICES:
            checked.errors[f"{key}.given_by"] = "申出をしたのは企業等か市かを選択してください"
        reason = _text(checked.errors, f"{key}.reason", notice.reason, "申出の理由", REASON_LIMIT, required=False)
        try:
            day = parse_date_input(notice.given_on)
        except DateInputError as error:
            checked.errors[f"{key}.given_on"] = f"申出日: {error}"
            continue
        if not periods:  # the signing date is wrong: what this notice did cannot be told yet
            continue
        problem = happened_error(day, label="申出日", today=today, earliest=checked.signed_on,
                                 earliest_label="締結日")
        if problem:
            checked.errors[f"{key}.given_on"] = problem
            continue
        period_index = next(i for i, p in enumerate(periods) if p.valid_from <= day <= p.valid_until)
        in_time, takes_effect = periods[period_index].notice_effect(day)
        if takes_effect < today:
            checked.errors[f"{key}.given_on"] = (
                f"この申出により協定は{format_wareki(takes_effect)}の期間満了で終了しています（R-6.2）。"
                "終了した協定は登録できません"
            )
            continue
        checked.notices.append(_Notice(day, notice.given_by, reason or None, period_index, in_time, takes_effect))


def _duplicate(session: Session, checked: _Checked, title: str) -> None:
    if checked.organisation is None or checked.signed_on is None or not title:
        return
    found = session.scalar(select(Agreement.id).where(
        Agreement.organisation_id == checked.organisation.id, Agreement.title == title,
        Agreement.signed_on == checked.signed_on))
    if found is not None:
        checked.errors["title"] = f"同じ企業等・協定名・締結日の協定が既に台帳にあります（協定ID {found}）"


def check_existing(session: Session, data: ExistingAgreement, today: date) -> tuple[_Checked, str]:
    """Every field's problem at once (field path → message), with what was understood; reads only."""
    checked = _Checked()
    _organisation(session, data, checked)
    title = _text(checked.errors, "title", data.title, "協定名", TITLE_LIMIT)
    _signed_on(data, today, checked)
    _projects(session, data, checked)
    _notices(data, today, checked)
    _duplicate(session, checked, title)
    return checked, title


def _carried_notice(notices: list[_Notice], current: int, periods: list[ValidityPeriod]) -> dict[str, Any] | None:
    """The notice the current period's case starts with, shaped as the lifecycle's own (``notice``): one that
    ends the agreement at this period's expiry, else one given late in this period (it renews once more)."""
    ending = [n for n in notices if n.takes_effect_on == periods[current].valid_until]
    late = [n for n in notices if n.period_index == current and not n.in_time]
    chosen = min(ending or late, key=lambda n: n.given_on, default=None)
    if chosen is None:
        return None
    return {"by": chosen.given_by, "in_time": bool(ending), "carried": chosen.period_index < current,
            "given_on": chosen.given_on.isoformat()}


def register_existing(session: Session, actor: Actor, data: ExistingAgreement, now: datetime,
                      source: str = "page") -> Agreement:
    """Checks everything, then writes the agreement, its projects, periods and notices and starts the current
    period's lifecycle case; raises FormDataError (nothing written) on any problem. The caller's unit of work
    is the one transaction."""
    if not may_register_agreements(actor):
        raise NotAllowedError("既存の協定の登録は総合政策課が行います")
    today = today_in_japan(now)
    checked, title = check_existing(session, data, today)
    if checked.errors:
        raise FormDataError(checked.errors)
    organisation = checked.organisation or _new_organisation(session, actor, checked.new_organisation, now)
    periods = periods_through(checked.signed_on, today)
    current = len(periods) - 1
    carried = _carried_notice(checked.notices, current, periods)
    agreement = Agreement(
        case_id=None, organisation_id=organisation.id, kind=COMPREHENSIVE, title=title,
        signed_on=checked.signed_on,
        valid_from=periods[current].valid_from, valid_until=periods[current].valid_until,
        notice_deadline=periods[current].notice_deadline,
        status=ENDING if carried and carried["in_time"] else RENEWED if current else ACTIVE,
        registered_at=now, registered_by_id=actor.user_id, created_at=now,
    )
    session.add(agreement)
    session.flush()
    for number, (project, category, department) in enumerate(checked.projects, start=1):
        row = Project(case_id=None, agreement_id=agreement.id, key=f"P{number}", title=project.title,
                      category=category, department_id=department.id, feasible=True, implementation=IMPLEMENT,
                      exclusions=[], removed=False, updated_at=now)
        row.counted = is_counted(row)
        session.add(row)
    session.flush()
    rows = [AgreementPeriod(agreement_id=agreement.id, number=number, valid_from=p.valid_from,
                            valid_until=p.valid_until, notice_deadline=p.notice_deadline, case_id=None,
                            outcome="renewed", started_at=now)
            for number, p in enumerate(periods[:current], start=1)]
    session.add_all(rows)
    session.flush()
    rows.append(start_period(session, agreement, current + 1, periods[current], carried, now, entered_on=today))
    for notice in checked.notices:
        session.add(AgreementNotice(
            agreement_id=agreement.id, period_id=rows[notice.period_index].id, task_id=None,
            given_by=notice.given_by, given_on=notice.given_on, in_time=notice.in_time,
            takes_effect_on=notice.takes_effect_on, reason=notice.reason, recorded_by_id=actor.user_id,
            recorded_at=now))
    record(session, actor, "agreement_registered", now, None, agreement_id=agreement.id, subject=title,
           organisation=organisation.name, signed_on=checked.signed_on.isoformat(), period_number=current + 1,
           projects=len(checked.projects), notices=len(checked.notices), source=source)
    session.flush()
    return agreement


def _new_organisation(session: Session, actor: Actor, name: str, now: datetime) -> Organisation:
    """A partner entered by city staff is verified and audited, as on the administration page."""
    return add_organisation(session, actor, now, name)
