"""Settings, read once from ``RENKEI_``-prefixed environment variables (documented in README.md).

Nothing reads the environment at import time: ``Settings.from_environment()`` is called by whoever
wires the application (the CLI, ``create_app``, the tests).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from engine.workflow.budget import ScriptLimits

DEFAULT_DATABASE = "sqlite:///instance/renkei.sqlite3"


@dataclass(frozen=True)
class UploadLimits:
    """What a process owner's upload (a file or a zip bundle) and a JSON request body may hold.

    Fixed rather than set per installation: they bound the memory and time one request may take, far above
    any real definition (the three processes of ``processes/`` are 40 files and under 300 KB in all).
    """

    # entries a zip may list (folders and macOS extras included); read before anything is decompressed
    zip_entries: int = 500
    # definition files a zip may hold
    files: int = 200
    # bytes of one file as decompressed (also what an editor may save)
    file_bytes: int = 2 * 1024 * 1024
    # bytes of all files of a zip as decompressed, counted while they are read
    total_bytes: int = 20 * 1024 * 1024
    # bytes of a 協定書 template (.docx) a process owner uploads: a Word file with a logo stays far below
    template_bytes: int = 2 * 1024 * 1024
    # bytes of a signed 協定書 scan (PDF): a few pages at 300 dpi, under the 5 MB request limit
    scan_bytes: int = 4 * 1024 * 1024
    # arrays/objects inside one another in a JSON document (a form, a scenario, process.json, a request body)
    json_depth: int = 64


UPLOADS = UploadLimits()


@dataclass(frozen=True)
class Settings:
    # RENKEI_DATABASE_URL: any SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/dbname
    database_url: str = DEFAULT_DATABASE
    # RENKEI_PROCESSES_PATH: the folder `renkei deploy` and `renkei test-processes` read by default
    processes_path: Path = field(default_factory=lambda: Path("processes"))
    # RENKEI_TIMER_INTERVAL: seconds between polls of `renkei timers run --loop`
    timer_interval: float = 30.0
    # RENKEI_SCRIPT_SECONDS, RENKEI_SCRIPT_OPERATIONS, RENKEI_SCRIPT_SIZE: the budget of one script,
    # condition, timer expression, DMN cell or message payload (engine.workflow.budget), wherever it runs
    script_limits: ScriptLimits = field(default_factory=ScriptLimits)
    # RENKEI_MAYOR_TITLE, RENKEI_MAYOR_NAME: 甲's signatory printed on every 協定書 (engine.documents)
    mayor_title: str = "茅ヶ崎市長"
    mayor_name: str = ""

    @classmethod
    def from_environment(cls, environ: os._Environ | dict | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("RENKEI_DATABASE_URL", DEFAULT_DATABASE),
            processes_path=Path(env.get("RENKEI_PROCESSES_PATH", "processes")),
            timer_interval=float(env.get("RENKEI_TIMER_INTERVAL", "30")),
            script_limits=ScriptLimits(
                seconds=float(env.get("RENKEI_SCRIPT_SECONDS", ScriptLimits.seconds)),
                operations=int(env.get("RENKEI_SCRIPT_OPERATIONS", ScriptLimits.operations)),
                size=int(env.get("RENKEI_SCRIPT_SIZE", ScriptLimits.size)),
            ),
            mayor_title=env.get("RENKEI_MAYOR_TITLE", "茅ヶ崎市長"),
            mayor_name=env.get("RENKEI_MAYOR_NAME", ""),
        )

    def ensure_sqlite_folder(self) -> None:
        """A relative SQLite path (the default) needs its folder before the first connection."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and not self.database_url.startswith(prefix + "/"):
            path = self.database_url[len(prefix):]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
