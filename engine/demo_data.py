"""The fictional city data used by ``renkei demo`` and by scenario files (department codes)."""

from __future__ import annotations

COORDINATOR_CODE = "kikaku"

# (code, name, is the coordinating division). Names follow Chigasaki's divisions; the set is illustrative.
DEPARTMENTS: tuple[tuple[str, str, bool], ...] = (
    (COORDINATOR_CODE, "総合政策課", True),
    ("kodomo", "こども育成相談課", False),
    ("shiminkatsudo", "市民自治推進課", False),
    ("kankyo", "環境政策課", False),
    ("kenko", "健康増進課", False),
    ("kyoiku", "教育政策課", False),
    ("bosai", "防災対策課", False),
    ("toshi", "都市政策課", False),
)


def department_options() -> list[dict[str, str]]:
    return [{"value": code, "label": name} for code, name, _ in DEPARTMENTS]
