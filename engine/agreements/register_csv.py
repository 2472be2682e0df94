"""The 協定台帳's CSV: the one list of its columns, the export's cells for projects and notices, and reading it
back.

``renkei agreements import`` takes exactly the columns the register exports (web/agreements' CSV and Excel
export write ``HEADINGS``), so a city can export its register and import it elsewhere. What the import reads:
種別 (包括連携協定 only), 協定名, 企業等, 締結日（ISO） (or 締結日 in 和暦 when the ISO column is empty),
連携事業（分類・担当課）, and the earlier notices (R-6.2) in 期限後の申出 and 満了で終了する申出. Every other
column — validity, notice deadline, period, categories, 実績, case number — is what R-6 and the projects give,
so it is recomputed, not read; 例外により締結 and 個別協定 describe this system's own cases, so they are not
read either; 状態 is read only to refuse agreements that are over. Each row goes through ``register_existing``,
the page's own function.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.agreements.registration import GIVEN_BY_CHOICES, ExistingAgreement, NoticeInput, ProjectInput
from engine.agreements.views import KIND_LABELS, ProjectRow
from engine.csv_export import FORMULA_START
from engine.domain.guideline import CATEGORIES
from engine.errors import RenkeiError
from engine.persistence.models.agreement import COMPREHENSIVE
from engine.persistence.models.agreement_notice import BY_CITY, BY_ORGANISATION

PROJECTS = "連携事業（分類・担当課）"
LATE_NOTICE = "期限後の申出"
ENDING_NOTICE = "満了で終了する申出"
EXCEPTION = "例外により締結（理由）"  # R-3.3/R-3.4's exception recorded at ⑥: not read (a registration asks no R-3)
INDIVIDUALS = "個別協定（種別・状況・締結日）"  # not read: each 個別協定 is an agreement of its own
HEADINGS = [
    "協定ID", "種別", "協定名", "企業等", "締結日", "締結日（ISO）", "有効期間の開始", "開始（ISO）",
    "有効期間の満了", "満了（ISO）", "申出期限", "申出期限（ISO）", "状態", "期", "分類", PROJECTS,
    "実績（年度別）", LATE_NOTICE, EXCEPTION, "案件番号", INDIVIDUALS, ENDING_NOTICE,
]
# Which column a problem with a field of ExistingAgreement is reported in.
FIELD_COLUMNS = {"organisation": "企業等", "title": "協定名", "signed_on": "締結日（ISO）", "projects": PROJECTS}
OVER = {"終了", "解除"}
_PROJECT = re.compile(r"^(?P<title>.+)（(?P<category>[①②③④⑤⑥⑦1-7]?)・(?P<department>[^（）]*)）$")
_NOTICE = re.compile(r"^(?P<day>[^（]+)（(?P<who>[^・）]+)(・[^）]*)?）$")


def project_cell(projects: Sequence[ProjectRow]) -> str:
    """One project a line, 「事業名（⑤・環境政策課）」: the export writes it, ``read_projects`` reads it back."""
    def circled(category: str | None) -> str:
        return CATEGORIES[category].split()[0] if category in CATEGORIES else ""
    return "\n".join(f"{p.title}（{circled(p.category)}・{p.department_name or ''}）" for p in projects)


class AgreementImportError(RenkeiError):
    """The file cannot be imported; ``problems`` are (line, column, message), and nothing was imported."""

    code = "import_failed"

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{line}行目「{column}」: {message}" for line, column, message in problems))


@dataclass(frozen=True)
class ImportRow:
    line: int  # the file's line the row starts on (1 is the header)
    agreement: ExistingAgreement
    problems: dict[str, str]  # column → message, found while reading the row itself
    notice_columns: tuple[str, ...] = ()  # the column each of ``agreement.notices`` came from

    def column_of(self, field_path: str) -> str:
        """"projects.2.category" → 連携事業（分類・担当課）; "notices.0.given_on" → the notice's own column."""
        parts = field_path.split(".")
        if parts[0] == "notices" and len(parts) > 1 and parts[1].isdigit():
            return self.notice_columns[int(parts[1])]
        return FIELD_COLUMNS.get(parts[0], field_path)


def notice_cell(given_on: str, given_by: str, takes_effect_on: str | None = None) -> str:
    """「令和9年3月5日（企業等・令和10年3月31日で終了）」: the day in 和暦, who gave it, and for a late notice
    the expiry it ends the agreement at."""
    who = GIVEN_BY_CHOICES.get(given_by, given_by)
    return f"{given_on}（{who}・{takes_effect_on}で終了）" if takes_effect_on else f"{given_on}（{who}）"


def read_notice(cell: str) -> NoticeInput | None:
    match = _NOTICE.match(cell.strip())
    if not cell.strip():
        return None
    if match is None:  # the day alone, or text the check will refuse with the date's own words
        return NoticeInput(cell.strip(), BY_ORGANISATION)
    by = BY_CITY if match["who"] == GIVEN_BY_CHOICES[BY_CITY] else BY_ORGANISATION
    return NoticeInput(match["day"].strip(), by)


def read_projects(cell: str) -> tuple[tuple[ProjectInput, ...], str | None]:
    projects, bad = [], []
    for entry in (line.strip() for line in cell.splitlines()):
        if not entry:
            continue
        match = _PROJECT.match(entry)
        if match is None:
            bad.append(entry)
        else:
            projects.append(ProjectInput(match["title"].strip(), match["category"], match["department"].strip()))
    if bad:
        return (), f"「{bad[0]}」を読めません。1行に1件、「事業名（⑤・担当課名）」の形で書いてください"
    return tuple(projects), None


def _row(line: int, values: dict[str, str]) -> ImportRow:
    problems: dict[str, str] = {}
    if values["種別"].strip() != KIND_LABELS[COMPREHENSIVE]:
        problems["種別"] = f"登録できるのは{KIND_LABELS[COMPREHENSIVE]}だけです（「{values['種別'].strip()}」）"
    if values["状態"].strip() in OVER:
        problems["状態"] = f"「{values['状態'].strip()}」の協定は既に終わっているため登録しません"
    projects, problem = read_projects(values[PROJECTS])
    if problem:
        problems[PROJECTS] = problem
    notices = [(column, notice) for column in (ENDING_NOTICE, LATE_NOTICE)
               if (notice := read_notice(values[column]))]
    agreement = ExistingAgreement(
        title=values["協定名"], signed_on=values["締結日（ISO）"].strip() or values["締結日"],
        organisation_name=values["企業等"], projects=projects, notices=tuple(n for _, n in notices),
    )
    return ImportRow(line, agreement, problems, tuple(c for c, _ in notices))


def _uncell(text: str) -> str:
    """The inverse of engine.csv_export's guard: the export puts ``'`` before a cell a spreadsheet would run."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def read_register_csv(data: bytes) -> list[ImportRow]:
    """UTF-8 with or without a BOM (Excel writes one); the header must be the export's, column for column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AgreementImportError([(1, "ファイル", f"UTF-8 として読めません（{error.start}バイト目）。"
                                                   "UTF-8（BOM の有無は問いません）で保存してください")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != HEADINGS:
        missing = [h for h in HEADINGS if h not in (header or [])]
        extra = [h for h in header or [] if h not in HEADINGS]
        detail = "、".join(filter(None, [f"足りない列: {'・'.join(missing)}" if missing else "",
                                         f"余分な列: {'・'.join(extra)}" if extra else ""])) or "列の順序が違います"
        raise AgreementImportError([(1, "見出し", f"協定台帳の CSV と同じ列にしてください（{detail}）")])
    rows, problems = [], []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADINGS):
            problems.append((start, "行", f"列の数が{len(cells)}です（見出しは{len(HEADINGS)}列）"))
            continue
        rows.append(_row(start, {h: _uncell(c) for h, c in zip(HEADINGS, cells, strict=True)}))
    if problems:
        raise AgreementImportError(problems)
    if not rows:
        raise AgreementImportError([(2, "行", "登録する協定の行がありません")])
    return rows

