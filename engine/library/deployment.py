"""Deploying definitions as numbered, immutable versions, and loading the version a case runs on.

All processes of one deployment are checked before any is stored: a refused bundle changes nothing.
Files that differ from the current version only in layout (positions, waypoints, the order bpmn-js saves in)
make no new version unless the owner asks for one (``include_layout``): a case would run exactly the same.
Compiling is cached per version (versions never change), so a task completion never re-parses BPMN.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine import audit
from engine.access import Actor
from engine.definitions.bundle import Bundle
from engine.definitions.compiler import CompiledProcess, called_process_ids, compile_process
from engine.definitions.identifiers import process_id_problem
from engine.definitions.semantic import layout_only
from engine.errors import DefinitionError, DefinitionProblem
from engine.persistence.models import ProcessVersion
from engine.persistence.models.process_version import latest, next_number


@dataclass(frozen=True)
class DeployResult:
    process_id: str
    version: int
    created: bool  # False: the same content was already the latest version
    layout_only: bool = False  # not created because only the layout differs from the latest version


def deploy_bundle(session: Session, bundle: Bundle, actor: Actor, comment: str | None = None,
                  process_ids: list[str] | None = None, include_layout: bool = False) -> list[DeployResult]:
    wanted = process_ids or bundle.process_ids()
    compiled, problems = [], []
    for process_id in wanted:
        refusal = process_id_problem(process_id)
        if refusal:  # a folder name becomes the name of every version's files and downloads
            problems.append(DefinitionProblem(f"{process_id}/", refusal))
            continue
        try:
            compiled.append(_compile_once(bundle, process_id))
        except DefinitionError as error:
            problems.extend(error.problems)
    if problems:
        raise DefinitionError(problems)
    return [_store(session, process, actor, comment, include_layout) for process in compiled]


def _store(session: Session, process: CompiledProcess, actor: Actor, comment: str | None,
           include_layout: bool = False) -> DeployResult:
    content_hash = process.bundle.content_hash()
    current = latest(session, process.process_id)
    if current is not None and current.content_hash == content_hash:
        return DeployResult(process.process_id, current.version, created=False)
    if current is not None and not include_layout and layout_only(current.files, process.bundle.files):
        return DeployResult(process.process_id, current.version, created=False, layout_only=True)
    version = ProcessVersion(
        process_id=process.process_id,
        version=next_number(session, process.process_id),
        name=process.name,
        starts_cases=bool(process.metadata.get("starts_cases", True)),
        files={name: data.decode("utf-8") for name, data in process.bundle.files.items()},
        content_hash=content_hash,
        comment=comment,
        deployed_by_id=actor.user_id,
    )
    session.add(version)
    session.flush()
    audit.record(session, actor, "definition_deployed", process_id=version.process_id, version=version.version,
                 content_hash=content_hash, comment=comment)
    return DeployResult(process.process_id, version.version, created=True)


_compiled: dict[tuple[int, str], CompiledProcess] = {}
_compiled_lock = threading.Lock()
_checked: dict[tuple[str, str], CompiledProcess] = {}


def _compile_once(bundle: Bundle, process_id: str) -> CompiledProcess:
    """Compiling is a pure function of the files, so identical files (every scenario included) are checked once
    per process: re-deploying unchanged definitions, e.g. into each new database, costs no parse or lint."""
    selected = bundle.select(called_process_ids(bundle, process_id))
    digest = hashlib.sha256()
    for name in sorted(selected.files):
        digest.update(name.encode() + b"\0" + selected.files[name] + b"\0")
    key = (process_id, digest.hexdigest())
    found = _checked.get(key)
    if found is None:
        found = compile_process(bundle, process_id)
        with _compiled_lock:
            _checked[key] = found
    return found


def compiled_version(version: ProcessVersion) -> CompiledProcess:
    key = (version.id, version.content_hash)
    found = _compiled.get(key)
    if found is None:
        bundle = Bundle({name: text.encode("utf-8") for name, text in version.files.items()})
        found = compile_process(bundle, version.process_id, deployed=True)
        with _compiled_lock:
            _compiled[key] = found
    return found
