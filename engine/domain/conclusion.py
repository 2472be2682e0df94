"""May this case conclude a 包括連携協定? The one home of R-3 at ⑥ and ⑦ (issue #12, items 1 and 3).

⑥'s form used to carry these rules as ``invalidWhen`` checks, so a process owner who redrew the form dropped
them without noticing. The engine asks here instead, whatever the form says: when ⑥ is completed with 締結,
when ⑦'s signing is completed, and when the agreement record is written. A form only collects judgements.

- R-3.1 / R-3.2 are 総合政策課's recorded judgements (R-3.2 does not apply to a proposal of the city's own).
- R-3.3 / R-3.4 hold "in principle" (原則として): when the partnership projects (engine.domain.projects, the
  rule every surface counts with) are fewer than 3 or span fewer than 3 categories, 総合政策課 may still
  conclude by recording a principle exception (原則の例外) *with its reason*.
- R-3.5 (暴力団 etc., ``organisation_excluded``) admits no exception.
- Only an organisation 総合政策課 has verified (確認済み) may conclude: an unverified one registered itself.

Each function answers field errors (key → the message a clerk reads next to it); an empty dict means allowed.
The message names exactly the requirements that failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.domain.projects import decided, tally

MIN_PROJECTS = 3
MIN_CATEGORIES = 3
CONCLUDE = "conclude"  # ⑥'s necessity: 包括連携協定を締結する
NOT_CONCLUDE = "not_conclude"
R35_KEYS = tuple(f"r35_{n}" for n in range(1, 9))

REQUIREMENT_LABELS = {
    "R-3.1": "要件⑴ 共通目標と連携・共創の意欲を満たすと判断されていない（R-3.1）",
    "R-3.2": "要件⑵ 市の行政課題と合致すると判断されていない（R-3.2）",
    "R-3.3": f"要件⑶ 事業数が{MIN_PROJECTS}未満（R-3.3）",
    "R-3.4": f"要件⑷ 分類数が{MIN_CATEGORIES}未満（R-3.4）",
    "R-3.5": "要件⑸ 締結できない団体に該当する、又は該当しないことが確認されていない（R-3.5）",
}
UNVERIFIED_MESSAGE = ("この企業等は総合政策課による確認（団体の確認）が済んでいないため、包括連携協定を締結できません。"
                      "管理 → 企業等 で団体を確認してから処理してください")


@dataclass(frozen=True)
class Eligibility:
    """R-3.3 / R-3.4 over the case's partnership projects: which of the two fail, if any."""

    project_count: int
    category_count: int

    @property
    def unmet(self) -> list[str]:
        failed = []
        if self.project_count < MIN_PROJECTS:
            failed.append("R-3.3")
        if self.category_count < MIN_CATEGORIES:
            failed.append("R-3.4")
        return failed


def eligibility(data: Mapping[str, Any]) -> Eligibility:
    """Counted from ``projects`` and ``project_decisions``, not from totals a diagram may rename."""
    counts = tally(decided(data.get("projects") or [], data.get("project_decisions")))
    return Eligibility(counts.project_count, counts.category_count)


def _recorded_exception(data: Mapping[str, Any]) -> bool:
    reason = str(data.get("principle_exception_reason") or "").strip()
    return data.get("principle_exception") is True and bool(reason)


def excluded(data: Mapping[str, Any]) -> bool:
    """R-3.5: any of ①〜⑧ applies — or was never judged, which cannot count as "none applies"."""
    return any(data.get(key) != "not_applies" for key in R35_KEYS)


def unmet_requirements(data: Mapping[str, Any]) -> list[str]:
    """Every R-3 requirement the case does not meet, before any principle exception: ["R-3.3", "R-3.4", …]."""
    failed = []
    if data.get("r31_willingness") != "yes":
        failed.append("R-3.1")
    city_issues = data.get("r32_city_issues")
    if not (city_issues == "yes" or (city_issues == "not_applicable" and data.get("initiated_by") == "city")):
        failed.append("R-3.2")
    failed += eligibility(data).unmet
    if excluded(data):
        failed.append("R-3.5")
    return failed


def conclusion_refusal(data: Mapping[str, Any], *, organisation_verified: bool, field: str) -> dict[str, str]:
    """Why this case may not conclude (errors keyed for ⑥ or ⑦), or ``{}``.

    ``data`` is the case data with the step's submission over it; ``field`` is where the refusal is shown
    (⑥'s ``necessity``, ⑦'s ``signed_on``), a field any form of that step has.
    """
    errors: dict[str, str] = {}
    failed = unmet_requirements(data)
    excepted = {"R-3.3", "R-3.4"} if _recorded_exception(data) and "R-3.5" not in failed else set()
    blocking = [requirement for requirement in failed if requirement not in excepted]
    if blocking:
        named = "、".join(REQUIREMENT_LABELS[r] for r in blocking)
        message = f"要件を満たしていないため締結できません: {named}。"
        if "R-3.5" in blocking:
            message += "要件⑸に該当する企業等とは、原則の例外としても締結できません。"
        elif set(blocking) <= {"R-3.3", "R-3.4"}:
            message += "事業数・分類数は「原則として」の要件です。例外とする場合は「原則の例外として認める」を選び、理由を記録してください。"
        errors[field] = message
        if "R-3.2" in blocking and data.get("r32_city_issues") == "not_applicable":
            errors["r32_city_issues"] = "企業等からの提案では、市の行政課題との合致（要件⑵）を判断してください。"
        unexplained = data.get("principle_exception") is True and not _recorded_exception(data)
        if unexplained and "R-3.5" not in blocking:
            errors["principle_exception_reason"] = "原則の例外とする理由を入力してください"
    if not organisation_verified:
        errors[field] = errors.get(field, "") + UNVERIFIED_MESSAGE
    return errors


def decision_refusal(data: Mapping[str, Any], *, organisation_verified: bool) -> dict[str, str]:
    """⑥: a 締結 decision must satisfy R-3 (above); a decision not to conclude must give the 企業等 a reason."""
    necessity = data.get("necessity")
    if necessity == CONCLUDE:
        return conclusion_refusal(data, organisation_verified=organisation_verified, field="necessity")
    if necessity == NOT_CONCLUDE and not str(data.get("reason_for_organisation") or "").strip():
        return {"reason_for_organisation": "包括連携協定を締結しない理由（企業等に伝える内容）を入力してください"}
    return {}


def concluded_by_exception(data: Mapping[str, Any]) -> str | None:
    """The recorded reason when the case concludes by a principle exception (R-3.3/R-3.4 unmet), or None."""
    if eligibility(data).unmet and _recorded_exception(data):
        return str(data["principle_exception_reason"]).strip()
    return None


def step_refusal(before: Mapping[str, Any], submitted: Mapping[str, Any], *,
                 organisation_verified: bool) -> dict[str, str]:
    """Asked by every completion path (the page, the API, scenario files) before the step runs: is this ⑥'s
    decision, and may it be taken? ⑥ is told apart by the data contract (docs/process-data.md: ⑥ submits
    ``necessity``), not by element ids, so a redrawn form or diagram is asked all the same."""
    if "necessity" in submitted:
        return decision_refusal({**before, **submitted}, organisation_verified=organisation_verified)
    return {}


def signing_refusal(before: Mapping[str, Any], submitted: Mapping[str, Any], after: Mapping[str, Any], *,
                    organisation_verified: bool) -> dict[str, str]:
    """Asked once the step ran, before anything is saved: was this the signing of the 包括連携協定 (the step
    after which ``comprehensive_agreement``, the validity computed from the signing date, exists), and may
    it be? The requirements and the verification are asked again: either can change between ⑥ and ⑦."""
    if not signed(after) or signed(before):
        return {}
    field = "signed_on" if "signed_on" in submitted else next(iter(submitted), "signed_on")
    return conclusion_refusal(after, organisation_verified=organisation_verified, field=field)

def signed(data: Mapping[str, Any]) -> bool:
    """The 包括連携協定 is signed: its validity (R-6.1) has been computed from a signing date."""
    agreement = data.get("comprehensive_agreement")
    return isinstance(agreement, Mapping) and bool(agreement.get("signed_on"))
