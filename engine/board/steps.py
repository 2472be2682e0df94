"""The board's columns: the guideline's steps ①–⑦ (§3), the 個別協定 fallback (R-5.8) and the end states.

A running case stands in one column: the earliest step among its open tasks (several ⑤ tasks run in
parallel, one per project, but they are all ⑤). A finished case stands in the column of its outcome.
Cases of processes whose tasks carry no step mark (an agreement's lifecycle) stand in その他の手続き.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from engine.domain.guideline import OUTCOMES

MARKS = "①②③④⑤⑥⑦"
INDIVIDUAL = "individual"  # open tasks inside the called 個別協定 process
INDIVIDUAL_PROCESS = "individual_agreement"  # the fallback (docs/process-data.md)
WAITING = "waiting"  # running, but no person is needed right now (e.g. a timer)
OTHER = "other"  # a case of a process without the guideline's step marks (e.g. an agreement's lifecycle)

RUNNING_COLUMNS: dict[str, str] = {
    "1": "① 提案", "2": "② 実績の整理", "3": "③ ニーズ調査・担当課", "4": "④ 実施可否の協議",
    "5": "⑤ 個別協議・実施判断", "6": "⑥ 協定の要否", "7": "⑦ 協定書・締結", INDIVIDUAL: "個別協定",
    WAITING: "待機中（自動処理）", OTHER: "その他の手続き",
}
END_COLUMNS: dict[str, str] = {key: OUTCOMES[key] for key in ("concluded", "individual_only", "no_partnership",
                                                             "withdrawn")}
COLUMNS: dict[str, str] = {**RUNNING_COLUMNS, **END_COLUMNS}

STATUSES: dict[str, str] = {"running": "進行中", "completed": "終了", "cancelled": "取り下げ（中止）"}

# A step that has waited this long for a person is shown as 滞留 (overdue). The guideline sets no
# deadline per step; two weeks is the city's working rule for "a proposal should not sit unanswered".
OVERDUE_AFTER = timedelta(days=14)


def step_of(names: Iterable[str]) -> str | None:
    """The earliest step mark among task names (``③ ニーズ調査…`` → ``"3"``), or None without a mark."""
    marks = sorted(MARKS.index(name[0]) + 1 for name in names if name and name[0] in MARKS)
    return str(marks[0]) if marks else None


def column_label(key: str | None) -> str:
    return COLUMNS.get(key or "", "")
