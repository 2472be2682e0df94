"""The kinds of notification a person can receive, and how each can be delivered by mail.

The Japanese labels are what the preferences page and the in-app list show; the kind's value is also
the name of its mail template (``notifications/<kind>.txt``).
"""

from __future__ import annotations

from enum import StrEnum

from engine.persistence.models.notification import MAIL_DIGEST, MAIL_IMMEDIATE, MAIL_OFF


class Kind(StrEnum):
    TASK_ASSIGNED = "task_assigned"  # a new task for me or my group
    TASK_DUE = "task_due"  # a task due within N days
    TASK_OVERDUE = "task_overdue"  # a task past its due date
    CASE_WAITING = "case_waiting"  # a case waiting at one step longer than the limit (to 総合政策課)
    NOTICE_DEADLINE = "notice_deadline"  # an agreement's notice deadline (申出期限, R-6.2) approaching
    TERMINATION_PROPOSED = "termination_proposed"  # a termination proposed
    AGREEMENT_DECLINED = "agreement_declined"  # ⑥ decided not to conclude a 包括連携協定 (to the 企業等, R-5.6)
    AGREEMENT_SIGNED = "agreement_signed"  # an agreement signed (to its 企業等: validity and 申出期限, R-6)

    @property
    def label(self) -> str:
        return KIND_LABELS[self][0]

    @property
    def description(self) -> str:
        return KIND_LABELS[self][1]


KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.TASK_ASSIGNED: ("新しいタスク", "自分または所属グループ（課・団体）に新しいタスクが届いたとき、タスクの担当を任されたとき"),
    Kind.TASK_DUE: ("期限が近いタスク", "処理期限が近づいたタスクがあるとき"),
    Kind.TASK_OVERDUE: ("期限を過ぎたタスク", "処理期限を過ぎたタスクがあるとき"),
    Kind.CASE_WAITING: ("滞留している案件", "案件が同じ手順で一定期間以上止まっているとき（総合政策課あて）"),
    Kind.NOTICE_DEADLINE: ("協定の申出期限", "協定の更新をしない旨の申出期限（R-6.2）が近づいたとき"),
    Kind.TERMINATION_PROPOSED: ("協定の解除の提案", "協定の解除（R-9）が提案されたとき"),
    Kind.AGREEMENT_DECLINED: ("包括連携協定の要否の判断", "総合政策課が包括連携協定を締結しないと判断したとき（企業等あて、理由つき）"),
    Kind.AGREEMENT_SIGNED: ("協定の締結", "協定が締結されたとき（有効期間と更新しない旨の申出期限のお知らせ。企業等あて）"),
}

DELIVERIES: dict[str, str] = {
    MAIL_IMMEDIATE: "すぐにメールで受け取る",
    MAIL_DIGEST: "1日1回まとめて受け取る",
    MAIL_OFF: "メールで受け取らない（画面のお知らせのみ）",
}
DEFAULT_DELIVERY = MAIL_IMMEDIATE
