"""A set of definition files (BPMN, DMN, forms, scenarios, metadata) as the engine deploys and stores them.

Files are keyed by their path relative to ``processes/`` (``<process_id>/<file>``), so a bundle read
from disk, uploaded by a process owner or loaded from the database looks the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

DEFINITION_SUFFIXES = (".bpmn", ".dmn", ".form", ".json")


@dataclass(frozen=True)
class Bundle:
    files: Mapping[str, bytes]

    @classmethod
    def from_folder(cls, root: Path) -> Bundle:
        root = Path(root)
        files = {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file() and path.suffix in DEFINITION_SUFFIXES
        }
        return cls(files)

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
        raw = self.files.get(f"{process_id}/process.json")
        return json.loads(raw) if raw else {}

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
    return len(parts) == 2 and parts[1] == f"{parts[0]}.bpmn"
