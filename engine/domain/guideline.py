"""Fixed vocabulary of the guideline: the three lanes (parties) and the seven categories of R-4."""

from __future__ import annotations

from enum import StrEnum


class Lane(StrEnum):
    """The three parties of the flow (§3). Lane names in BPMN must be exactly these."""

    ORGANISATION = "企業等"
    COORDINATOR = "総合政策課"
    DEPARTMENT = "担当課"

    @classmethod
    def from_bpmn(cls, name: str | None) -> Lane | None:
        """Modelers let a lane name wrap; compare without white space."""
        if name is None:
            return None
        compact = "".join(name.split())
        return next((lane for lane in cls if lane.value == compact), None)


# the seven categories, keyed by the value forms store.
CATEGORIES: dict[str, str] = {
    "1": "① 子ども・若者・子育て支援・障がい者支援・高齢者支援",
    "2": "② 地域活性化・シティプロモーション・ＤＸ",
    "3": "③ 健康増進・保健衛生・医療",
    "4": "④ 教育・学び・文化・スポーツ・多様性",
    "5": "⑤ 環境・自然",
    "6": "⑥ 防災・減災・暮らしの安全・安心",
    "7": "⑦ 都市空間・移動環境",
}

# Case outcomes named by end events (docs/process-data.md).
OUTCOMES: dict[str, str] = {
    "concluded": "包括連携協定を締結",
    "individual_only": "個別協定のみ",
    "withdrawn": "取り下げ",
    "no_partnership": "連携に至らず",
    "dropped": "締結せず",
    # agreement_lifecycle: how one validity period of a 包括連携協定 ended
    "renewed": "更新（次の期間へ）",
    "ended": "期間満了で終了",
    "terminated": "解除",
}
