"""A set of definition files (BPMN, DMN, forms, scenarios, metadata) as the engine deploys and stores them.

Files are keyed by their path relative to ``processes/`` (``<process_id>/<file>``), so a bundle read
from disk, uploaded by a process owner or loaded from the database looks the same.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.definitions.bounded_json import read_json
from engine.definitions.identifiers import bpmn_path
from engine.errors import DefinitionError, DefinitionProblem

DEFINITION_SUFFIXES = (".bpmn", ".dmn", ".form", ".json")
_LINKED = "シンボリックリンク（またはフォルダの外を指すもの）は読み込めません。実体のファイルを置いてください"


@dataclass(frozen=True)
class Bundle:
    files: Mapping[str, bytes]

    @classmethod
    def from_folder(cls, root: Path) -> Bundle:
        """The definition files under ``root``. A symbolic link (to a file or a folder) is refused, never
        followed: what it points to would be stored in a version, which every reader of the library may
        download."""
        root = Path(root).resolve()
        files, problems = {}, []
        for folder, folders, names in os.walk(root):
            for name in sorted(folders + names):
                path = Path(folder, name)
                shown = path.relative_to(root).as_posix()
                reads = name in folders or path.suffix in DEFINITION_SUFFIXES
                if reads and (path.is_symlink() or not path.resolve().is_relative_to(root)):
                    problems.append(DefinitionProblem(shown, _LINKED))
                elif name in names and path.suffix in DEFINITION_SUFFIXES and path.is_file():
                    files[shown] = path.read_bytes()
        if problems:
            raise DefinitionError(problems)
        return cls(dict(sorted(files.items())))

    def process_ids(self) -> list[str]:
        """A process is a folder holding ``<folder>/<folder>.bpmn``."""
        return sorted(name.split("/")[0] for name in self.files if _is_main_bpmn(name))

    def folder(self, process_id: str) -> dict[str, bytes]:
        prefix = f"{process_id}/"
        return {name: data for name, data in self.files.items() if name.startswith(prefix)}

    def select(self, process_ids: Iterable[str]) -> Bundle:
        selected: dict[str, bytes] = {}
        for process_id in process_ids:
            selected.update(self.folder(process_id))
        return Bundle(selected)

    def with_suffix(self, suffix: str) -> dict[str, bytes]:
        return {name: data for name, data in self.files.items() if name.endswith(suffix)}

    def forms(self) -> dict[str, bytes]:
        return {name: data for name, data in self.with_suffix(".form").items() if "/forms/" in name}

    def scenarios(self, process_id: str) -> dict[str, bytes]:
        prefix = f"{process_id}/scenarios/"
        return {name: data for name, data in self.files.items() if name.startswith(prefix) and name.endswith(".json")}

    def metadata(self, process_id: str) -> dict:
        name = f"{process_id}/process.json"
        raw = self.files.get(name)
        try:
            found = read_json(raw) if raw else {}
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            line = getattr(error, "lineno", None)
            problem = DefinitionProblem(name, f"JSON として読めません: {error}", line=line)
            raise DefinitionError([problem]) from None
        if not isinstance(found, dict):
            raise DefinitionError([DefinitionProblem(name, "プロセス情報は { … } の形にしてください")])
        return found

    def content_hash(self) -> str:
        """Identifies a version by content, so deploying unchanged files twice adds no version."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            if "/scenarios/" in name:
                continue
            digest.update(name.encode())
            digest.update(b"\0")
            digest.update(self.files[name])
            digest.update(b"\0")
        return digest.hexdigest()


def _is_main_bpmn(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and name == bpmn_path(parts[0])
