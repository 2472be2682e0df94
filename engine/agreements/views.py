"""What the agreement register (協定台帳) returns (issue #5 items 1, 6).

Plain read-only values: no ORM object leaves the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from engine.cases.views import TimerProblem

if TYPE_CHECKING:
    from engine.paging.keyset import Page

KIND_LABELS = {
    "comprehensive": "包括連携協定",
    "specific_project": "個別協定（特定事業）",
    "specific_field": "個別協定（特定分野）",
}
INDIVIDUAL_KINDS = {k: v for k, v in KIND_LABELS.items() if k != "comprehensive"}
PROGRESS_LABELS = {"running": "協議中", "concluded": "締結", "dropped": "締結せず"}  # a 個別協定's case
GIVEN_BY_LABELS = {"organisation": "企業等", "city": "市"}
EXCEPTION_LABEL = "例外により締結"  # 原則の例外 (engine.domain.conclusion)
DECISION_LABELS = {"terminate": "解除する", "continue": "継続する"}
# what the report says no longer holds (R-3.5 ①–⑧, or another requirement of R-3).
REQUIREMENT_ITEMS = {
    "r35_1": "R-3.5① 代表者・役員に破産者又は禁錮以上の刑に処せられた者がいる",
    "r35_2": "R-3.5② 会社更生法・民事再生法による手続中",
    "r35_3": "R-3.5③ 暴力団員が役員等である、又は経営に実質的に関与している",
    "r35_4": "R-3.5④ 役員等が暴力団に資金等を提供している",
    "r35_5": "R-3.5⑤ 税・公課を滞納している",
    "r35_6": "R-3.5⑥ 市の一般競争入札の参加資格を取り消されている",
    "r35_7": "R-3.5⑦ 市の基準による指名停止を受けている",
    "r35_8": "R-3.5⑧ その他包括連携協定の締結に適さない",
    "r3_other": "R-3.1〜R-3.4 のいずれかを満たさなくなった",
}


@dataclass(frozen=True)
class RegisterFilter:
    """The register's search: free text (協定名・企業等・連携事業・案件番号), kind, status, 担当課 code."""

    q: str = ""
    kind: str = ""
    status: str = ""
    department: str = ""

    @property
    def active(self) -> bool:
        return any((self.q, self.kind, self.status, self.department))


@dataclass(frozen=True)
class ProjectRow:
    id: int
    title: str
    category: str | None
    department_name: str | None
    case_id: int | None  # None: this person may not open that case
    case_number: str


@dataclass(frozen=True)
class YearRecord:
    """実績 of one fiscal year: projects recorded, how many were implemented, people reached."""

    fiscal_year: int
    label: str
    recorded: int
    implemented: int
    citizen_reach: int


@dataclass(frozen=True)
class NoticeView:
    given_by: str
    given_on: date
    in_time: bool
    takes_effect_on: date
    reason: str | None
    recorded_by: str | None


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class PeriodView:
    number: int
    valid_from: date
    valid_until: date
    notice_deadline: date
    outcome: str | None
    outcome_label: str
    case_id: int | None  # None: this person may not open that case
    case_number: str


@dataclass(frozen=True)
class IndividualView:
    """One 個別協定 started under an agreement: where it stands, and the register row once signed."""

    case_id: int | None  # None: this person may not open that case
    case_number: str
    project_id: int
    project_title: str
    department_name: str | None
    kind: str
    kind_label: str
    progress: str  # running / concluded / dropped
    progress_label: str
    signed_on: date | None
    agreement_id: int | None  # the signed 個別協定's own register row
    meeting_id: int | None  # the 個別定例会議 it came from


@dataclass(frozen=True)
class StartableProject:
    """A project of the agreement, as the start form offers it; ``refusal`` says why this person may not."""

    id: int
    title: str
    department_name: str | None
    refusal: str | None


@dataclass(frozen=True)
class AgreementRow:
    """One line of the register (and one element of GET /api/agreements)."""

    id: int
    kind: str
    title: str
    organisation_name: str
    signed_on: date
    valid_from: date | None
    valid_until: date | None
    notice_deadline: date | None
    status: str
    status_label: str
    case_id: int | None  # None: this person may not open that case
    case_number: str
    period_number: int | None
    categories: list[str]
    projects: list[ProjectRow]
    records: list[YearRecord]
    renewals: list[PeriodView]  # every validity period so far, the first one from signing
    late_notice: NoticeView | None = None  # given after the deadline: this period still renews
    principle_exception_reason: str | None = None  # concluded by 原則の例外: why
    individuals: list[IndividualView] = field(default_factory=list)  # 個別協定 started under it
    registered_at: datetime | None = None  # signed before the system and entered then (既存協定の登録)
    ending_notice: NoticeView | None = None  # the notice that ends it at its current expiry

    @property
    def registered(self) -> bool:
        return self.registered_at is not None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def concluded_by_exception(self) -> bool:
        return self.principle_exception_reason is not None

    @property
    def exception_text(self) -> str:
        """「例外により締結（理由：…）」, or "" for an agreement whose requirements were met."""
        if self.principle_exception_reason is None:
            return ""
        return f"{EXCEPTION_LABEL}（理由：{self.principle_exception_reason}）"


@dataclass(frozen=True)
class ResultView:
    fiscal_year: int
    year_label: str
    project_title: str
    department_name: str | None
    implemented: bool
    outcome: str | None
    citizen_reach: int | None


@dataclass(frozen=True)
class LinkedCaseView:
    id: int
    number: str
    title: str
    status: str
    outcome: str | None
    meeting_id: int | None = None  # the 個別定例会議 it came from
    individual: bool = False  # a 個別協定 for one of the agreement's projects


@dataclass(frozen=True)
class ProposalView:
    """A 新たな提案 on a 個別定例会議's record (R-8.1), and what this person may turn it into."""

    number: int  # its place on the meeting's record, from 1
    title: str
    summary: str | None
    category: str | None
    case_id: int | None  # the case it became (None: none yet, or this person may not open it)
    started: bool
    may_propose: bool = False  # as a new ① case (総合政策課)
    may_individual: bool = False  # as a 個別協定 (the meeting's 担当課, 総合政策課)


@dataclass(frozen=True)
class MeetingView:
    kind: str  # regular or general
    department_name: str | None
    review_year: int | None
    review_year_label: str | None
    agenda: str | None
    planned_on: date | None
    held_on: date | None
    notes: str | None
    invited: list[str]
    attendees: list[str]
    id: int = 0
    cases: list[LinkedCaseView] = field(default_factory=list)  # started from this meeting
    proposals: list[ProposalView] = field(default_factory=list)  # its 新たな提案 (regular meetings)


@dataclass(frozen=True)
class ReviewView:
    review_year: int
    years_label: str  # the two fiscal years without 実績
    decision: str
    reason: str | None  # the city's own reason: None for a 企業等 (engine.access.sees_city_data)
    decided_by: str | None
    decided_at: datetime


@dataclass(frozen=True)
class TerminationView:
    ground: str
    items: list[str]
    reason: str
    terminated_on: date
    decided_by: str | None
    decided_at: datetime


@dataclass(frozen=True)
class LifecycleTask:
    """An open task of the running period, with its due date (reminders, issue #5 item 7)."""

    id: str
    step: str
    lane: str
    department_name: str | None
    subject: str | None
    created_at: datetime
    due_at: datetime | None
    overdue: bool
    may_open: bool = True  # the task page would answer this person 404 (another lane's task)


@dataclass(frozen=True)
class NoticeAction:
    """The 企業等's 申出 on its agreement's page (R-6.2): shown only while it may be given."""

    deadline: date  # 申出期限
    valid_until: date
    late: bool  # today is after the deadline: recorded, but this period still renews
    takes_effect_on: date  # the expiry at which notice given today would end the agreement


@dataclass(frozen=True)
class AgreementDetail:
    row: AgreementRow
    notices: list[NoticeView]
    results: list[ResultView]
    meetings: list[MeetingView]
    reviews: list[ReviewView]
    termination: TerminationView | None
    linked_cases: list[LinkedCaseView]
    lifecycle_case_id: int | None  # the running period's case
    timer_problem: TimerProblem | None = None
    may_act: bool = False  # 総合政策課: may call a 全体会議 and report
    general_meeting_open: bool = False  # a called 全体会議 waits for its record
    open_tasks: list[LifecycleTask] = field(default_factory=list)
    startable: list[StartableProject] = field(default_factory=list)  # for a 個別協定 (empty: no form)
    meeting_choices: list[Choice] = field(default_factory=list)  # 個別定例会議 a 個別協定 may come from
    notice: NoticeAction | None = None  # the 企業等 may give notice now (engine.agreements.notice)


@dataclass(frozen=True)
class RegisterPage:
    listing: Page[AgreementRow]  # this page's agreements, the total and the cursors
    departments: list[Choice]  # the 担当課 filter's choices
    may_register: bool = False  # 既存協定の登録 is offered (engine.access.may_register_agreements)

    @property
    def rows(self) -> list[AgreementRow]:
        return self.listing.items


@dataclass(frozen=True)
class RegistrationChoices:
    """The 既存協定の登録 form's choices: partners, R-4 categories, 担当課 (by code)."""

    organisations: list[Choice]
    categories: list[Choice]
    departments: list[Choice]
