"""Process owners change the process themselves, safely (issue #6): drafts, validation, dry run, deploy.

A draft holds the files of a version being edited (in the browser modeler, or uploaded from Camunda
Modeler). Nothing of it is live: cases only ever run on deployed versions. Before a draft becomes the next
version it is validated (every problem by element, lane and XML line), its process's scenario files are
run against it (the runner behind ``renkei test-processes``; scripts run only once validation has passed),
and the difference to the current version is shown. A failing scenario blocks the deploy unless the owner
writes why, and that reason stays in the audit trail with every other change to a definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine.access import Actor
from engine.config import UPLOADS
from engine.definitions import archive
from engine.definitions.diff import VersionDiff, diff_files
from engine.definitions.identifiers import bpmn_path
from engine.definitions.scenario_files import SCENARIO_NAME, scenario_problems, user_tasks
from engine.errors import CaseStateError, DefinitionError, FormDataError, NotFoundError
from engine.library import catalogue as library
from engine.library.deployment import deploy_bundle
from engine.library.draft_checks import DryRun, ValidationReport, bundle_of, dry_run_files, validate_files
from engine.library.editor_choices import EditorChoices, editor_choices
from engine.library.scenarios import ScenarioResult
from engine.persistence.models import ProcessDraft, ProcessVersion
from engine.persistence.models.process_draft import DEPLOYED, DISCARDED, OPEN
from engine.persistence.models.process_version import latest

if TYPE_CHECKING:
    from engine.context import Context

DEPLOY_COMMENT_LIMIT = 500  # characters; the library lists it with every version


def deploy_comment(text: str | None) -> str:
    """The change description (変更内容の説明) every deploy carries, from the page and ``renkei deploy
    --comment`` alike: required, trimmed, at most ``DEPLOY_COMMENT_LIMIT`` characters. A refusal names the
    field ``comment``."""
    comment = (text or "").strip()
    if not comment:
        raise FormDataError({"comment": "変更内容の説明（このバージョンで何を変えたか）を入力してください"})
    if len(comment) > DEPLOY_COMMENT_LIMIT:
        raise FormDataError(
            {"comment": f"変更内容の説明は {DEPLOY_COMMENT_LIMIT} 文字以内にしてください"
             f"（{len(comment)} 文字あります）"}
        )
    return comment


@dataclass(frozen=True)
class Deployed:
    process_id: str
    version: int
    overridden: bool


@dataclass(frozen=True)
class DraftPage:
    """Everything the draft page shows: files, validation, the difference to the current version, dry run."""

    detail: library.DraftDetail
    validation: ValidationReport
    diff: VersionDiff
    dry_run: DryRun | None

    @property
    def comment_limit(self) -> int:
        """For the deploy form: the longest change description ``deploy_comment`` takes."""
        return DEPLOY_COMMENT_LIMIT


@dataclass(frozen=True)
class DraftEditor:
    """One file of a draft opened in an editor, with what its references can name (forms, processes,
    decisions: ``editor_choices``)."""

    detail: library.DraftDetail
    path: str
    text: str
    choices: EditorChoices


@dataclass(frozen=True)
class Attempt:
    """A change made from a form: done, or the page again with the refusal next to its field."""

    page: DraftPage | None
    errors: dict[str, str]
    message: str | None = None
    deployed: Deployed | None = None
    draft_id: int | None = None  # the draft an upload went into
    path: str | None = None  # the file a change created
    library: list[library.ProcessSummary] | None = None  # the library page, for a refused upload made there


class DraftService:
    """Drafts of process definitions. Each method is one unit of work and takes the Actor it acts for."""

    def __init__(self, context: Context) -> None:
        self.context = context

    # --- the library -------------------------------------------------------------------------------
    def library(self, actor: Actor) -> list[library.ProcessSummary]:
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            return library.processes(session)

    def version_archive(self, actor: Actor, process_id: str, number: int) -> tuple[str, bytes]:
        """(file name, zip) of a deployed version, to edit in Camunda Modeler."""
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            version = library.version(session, process_id, number)
            return f"{process_id}-v{number}.zip", archive.write_zip(version.files)

    def draft_archive(self, actor: Actor, draft_id: int) -> tuple[str, bytes]:
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            draft = library.draft(session, draft_id)
            return f"{draft.process_id}-draft-{draft.id}.zip", archive.write_zip(draft.files)

    # --- creating and editing drafts ---------------------------------------------------------------
    def create(self, actor: Actor, process_id: str, title: str, number: int | None = None) -> int:
        """A draft copied from a deployed version (the current one unless ``number`` is given)."""
        library.require_editor(actor)
        title = _title(title)
        with self.context.unit_of_work() as session:
            base = library.version(session, process_id, number) if number else latest(session, process_id)
            if base is None:
                raise NotFoundError(f"プロセス「{process_id}」はデプロイされていません")
            draft = self._new(session, actor, process_id, title, base, dict(base.files))
            library.audit(session, actor, "draft_created", draft, base_version=base.version)
            return draft.id

    def upload(
        self,
        actor: Actor,
        file_name: str,
        content: bytes,
        process_id: str | None = None,
        draft_id: int | None = None,
        title: str = "",
    ) -> int:
        """A .bpmn/.dmn/.form/.json file or a zip bundle, into an open draft or a new one (from the current
        version when the process exists). The files are stored as given; validation reports their problems."""
        library.require_editor(actor)
        with self.context.unit_of_work() as session:
            draft = library.open_draft(session, draft_id) if draft_id else None
            target = draft.process_id if draft else (process_id or None)
            uploaded_process, files = _read_upload(file_name, content, target)
            if draft is None:
                base = latest(session, uploaded_process)
                draft = self._new(
                    session,
                    actor,
                    uploaded_process,
                    _title(title or f"{file_name} のアップロード"),
                    base,
                    dict(base.files) if base else {},
                )
            draft.files = {**draft.files, **files}
            library.touch(draft, actor, self.context.clock())
            library.audit(session, actor, "draft_uploaded", draft, file_name=file_name, paths=sorted(files))
            return draft.id

    def save_file(self, actor: Actor, draft_id: int, path: str, text: str) -> ValidationReport:
        """What the modeler, the decision table and the form editor save: one file of the draft.
        Returns the draft's validation after the save, which the editor shows next to the diagram."""
        library.require_editor(actor)
        if len(text.encode("utf-8")) > UPLOADS.file_bytes:
            raise FormDataError({"content": _too_large()})
        archive.check_json(path, text, field="content")
        with self.context.unit_of_work() as session:
            draft = library.open_draft(session, draft_id)
            library.check_path(draft, path)
            draft.files = {**draft.files, path: text}
            library.touch(draft, actor, self.context.clock())
            library.audit(session, actor, "draft_file_saved", draft, path=path)
            files, process_id = dict(draft.files), draft.process_id
        return validate_files(files, process_id)

    def add_form(self, actor: Actor, draft_id: int, form_id: str) -> str:
        """A new, empty Camunda Form in the draft's process folder; returns its path."""
        library.require_editor(actor)
        with self.context.unit_of_work() as session:
            draft = library.open_draft(session, draft_id)
            path = library.new_form_path(draft, form_id)
            draft.files = {**draft.files, path: library.empty_form(form_id)}
            library.touch(draft, actor, self.context.clock())
            library.audit(session, actor, "draft_file_saved", draft, path=path)
            return path

    def save_scenario(self, actor: Actor, draft_id: int, name: str, text: str) -> str:
        """Adds or replaces ``scenarios/<name>.json``; refused with every problem while the file is wrong."""
        library.require_editor(actor)
        with self.context.unit_of_work() as session:
            draft = library.open_draft(session, draft_id)
            errors = {}
            if not SCENARIO_NAME.match(name or ""):
                errors["name"] = (
                    "ファイル名は英小文字・数字・「_」「-」で入力してください（例: department_consults）"
                )
            problems = scenario_problems(text, user_tasks(draft.files))
            if problems:
                errors["content"] = " / ".join(problems)
            if errors:
                raise FormDataError(errors)
            path = f"{draft.process_id}/scenarios/{name}.json"
            draft.files = {**draft.files, path: text}
            library.touch(draft, actor, self.context.clock())
            library.audit(session, actor, "draft_scenario_saved", draft, path=path)
            return path

    def delete_file(self, actor: Actor, draft_id: int, path: str) -> None:
        library.require_editor(actor)
        with self.context.unit_of_work() as session:
            draft = library.open_draft(session, draft_id)
            library.require_file(draft, path)
            if path == bpmn_path(draft.process_id):
                raise CaseStateError("プロセス図のファイルは削除できません")
            draft.files = {name: text for name, text in draft.files.items() if name != path}
            library.touch(draft, actor, self.context.clock())
            library.audit(session, actor, "draft_file_deleted", draft, path=path)

    def discard(self, actor: Actor, draft_id: int) -> None:
        library.require_editor(actor)
        with self.context.unit_of_work() as session:
            draft = library.open_draft(session, draft_id)
            draft.status = DISCARDED
            library.touch(draft, actor, self.context.clock())
            library.audit(session, actor, "draft_discarded", draft)

    # --- reading a draft: files, validation, dry run, difference -----------------------------------
    def page(self, actor: Actor, draft_id: int, run_scenarios: bool = False) -> DraftPage:
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            draft = library.draft(session, draft_id)
            detail = library.detail(session, actor, draft)
            changes = _diff_to_current(session, draft)
            files, process_id = dict(draft.files), draft.process_id
        run = dry_run_files(files, process_id) if run_scenarios else None
        return DraftPage(detail, run.validation if run else validate_files(files, process_id), changes, run)

    def editor(self, actor: Actor, draft_id: int, path: str) -> DraftEditor:
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            draft = library.draft(session, draft_id)
            library.require_file(draft, path)
            choices = editor_choices(draft.files, path)
            return DraftEditor(library.detail(session, actor, draft), path, draft.files[path], choices)

    def try_deploy(self, actor: Actor, draft_id: int, comment: str, override_reason: str | None,
                   include_layout: bool = False) -> Attempt:
        """``deploy`` for a form: a refusal comes back with the page (and the dry run) to show it on."""
        try:
            deployed = self.deploy(actor, draft_id, comment, override_reason, include_layout)
            return Attempt(None, {}, deployed=deployed)
        except FormDataError as error:
            return Attempt(self.page(actor, draft_id, run_scenarios=True), error.errors)
        except (DefinitionError, CaseStateError) as error:
            return Attempt(self.page(actor, draft_id, run_scenarios=True), {}, str(error).splitlines()[0])

    def try_upload(
        self,
        actor: Actor,
        file_name: str,
        content: bytes,
        process_id: str | None = None,
        draft_id: int | None = None,
        title: str = "",
    ) -> Attempt:
        """``upload`` for a form: refused, it returns with the page it came from (a draft or the library)."""
        try:
            return Attempt(
                None, {}, draft_id=self.upload(actor, file_name, content, process_id, draft_id, title)
            )
        except FormDataError as error:
            if draft_id:
                return Attempt(self.page(actor, draft_id), error.errors)
            return Attempt(None, error.errors, library=self.library(actor))

    def try_add_form(self, actor: Actor, draft_id: int, form_id: str) -> Attempt:
        try:
            return Attempt(None, {}, path=self.add_form(actor, draft_id, form_id))
        except FormDataError as error:
            return Attempt(self.page(actor, draft_id), error.errors)

    def try_save_scenario(self, actor: Actor, draft_id: int, name: str, text: str) -> Attempt:
        try:
            self.save_scenario(actor, draft_id, name, text)
        except FormDataError as error:
            return Attempt(self.page(actor, draft_id), error.errors)
        return Attempt(None, {})

    def draft(self, actor: Actor, draft_id: int) -> library.DraftDetail:
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            return library.detail(session, actor, library.draft(session, draft_id))

    def file(self, actor: Actor, draft_id: int, path: str) -> str:
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            draft = library.draft(session, draft_id)
            library.require_file(draft, path)
            return draft.files[path]

    def validate(self, actor: Actor, draft_id: int) -> ValidationReport:
        return validate_files(*self._snapshot(actor, draft_id))

    def dry_run(self, actor: Actor, draft_id: int) -> DryRun:
        return dry_run_files(*self._snapshot(actor, draft_id))

    def _snapshot(self, actor: Actor, draft_id: int) -> tuple[dict[str, str], str]:
        """The draft's files and process, read in a short transaction: checks and scenarios run outside it."""
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            draft = library.draft(session, draft_id)
            return dict(draft.files), draft.process_id

    def diff(self, actor: Actor, draft_id: int) -> VersionDiff:
        library.require_reader(actor)
        with self.context.unit_of_work() as session:
            draft = library.draft(session, draft_id)
            return _diff_to_current(session, draft)

    # --- deploying -----------------------------------------------------------------------------------
    def deploy(
        self, actor: Actor, draft_id: int, comment: str, override_reason: str | None = None,
        include_layout: bool = False,
    ) -> Deployed:
        """The draft becomes the next numbered version, in one transaction, or nothing changes. A draft that
        changes only the layout becomes one only with ``include_layout`` (the owner's tick)."""
        library.require_editor(actor)
        comment, reason = deploy_comment(comment), (override_reason or "").strip()
        with self.context.unit_of_work() as session:
            draft = library.open_draft(session, draft_id)
            library.check_not_stale(session, draft)
            changes = _diff_to_current(session, draft)  # before the new version becomes the current one
            run = dry_run_files(draft.files, draft.process_id)
            if not run.validation.ok:
                raise DefinitionError(run.validation.problems)
            if run.failed and not reason:
                raise FormDataError(
                    {
                        "override_reason": f"シナリオ {len(run.failed)} 件が失敗しています（"
                        f"{_file_names(run.failed)}）。失敗したままデプロイする場合は、"
                        "その理由を入力してください"
                    }
                )
            [result] = deploy_bundle(session, bundle_of(draft.files), actor, comment, [draft.process_id],
                                     include_layout=include_layout)
            if result.layout_only:
                raise CaseStateError(
                    f"現在のバージョン {result.version} との違いはレイアウトのみです"
                    "（図の配置・線・並び順）。"
                    "新しいバージョンにする場合は「レイアウトの変更も新しい版として登録する」を選んでください"
                )
            if not result.created:
                raise CaseStateError(
                    f"現在のバージョン {result.version} と内容が同じです（シナリオの変更だけでは"
                    "新しいバージョンになりません）"
                )
            self._mark_deployed(session, draft, actor, comment, result.version)
            library.audit(
                session,
                actor,
                "draft_deployed",
                draft,
                version=result.version,
                comment=comment,
                override_reason=reason or None,
                failed_scenarios=[r.file_name for r in run.failed],
                changes=changes.summary(),
            )
            return Deployed(draft.process_id, result.version, overridden=bool(run.failed))

    def _mark_deployed(
        self, session: Session, draft: ProcessDraft, actor: Actor, comment: str, number: int
    ) -> None:
        draft.status = DEPLOYED
        draft.deploy_comment = comment
        draft.deployed_version_id = library.version(session, draft.process_id, number).id
        library.touch(draft, actor, self.context.clock())

    def _new(
        self,
        session: Session,
        actor: Actor,
        process_id: str,
        title: str,
        base: ProcessVersion | None,
        files: dict[str, str],
    ) -> ProcessDraft:
        now = self.context.clock()
        draft = ProcessDraft(
            process_id=process_id,
            title=title,
            base_version_id=base.id if base else None,
            files=files,
            status=OPEN,
            created_by_id=actor.user_id,
            created_at=now,
            updated_by_id=actor.user_id,
            updated_at=now,
        )
        session.add(draft)
        session.flush()
        return draft


def _diff_to_current(session: Session, draft: ProcessDraft) -> VersionDiff:
    current = latest(session, draft.process_id)
    return diff_files(current.files if current else {}, draft.files, current.version if current else None)


def _file_names(results: list[ScenarioResult], shown: int = 3) -> str:
    names = [r.file_name.rsplit("/", 1)[-1] for r in results]
    return "、".join(names[:shown]) + (f" ほか {len(names) - shown} 件" if len(names) > shown else "")


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise FormDataError({"title": "下書きの名前（何を変えるか）を入力してください"})
    if len(title) > 200:
        raise FormDataError({"title": "下書きの名前は200文字以内で入力してください"})
    return title


def _too_large() -> str:
    return f"ファイルが大きすぎます（{UPLOADS.file_bytes // 1024 // 1024} MB まで）"


def _read_upload(file_name: str, content: bytes, process_id: str | None) -> tuple[str, dict[str, str]]:
    if not content:
        raise FormDataError({"file": "ファイルを選んでください"})
    if file_name.lower().endswith(".zip"):
        return archive.read_zip(content, process_id)
    if len(content) > UPLOADS.file_bytes:
        raise FormDataError({"file": _too_large()})
    text = archive.decode(file_name, content)
    found_process, path = archive.place_file(file_name, text, process_id)
    return found_process, {path: text}
