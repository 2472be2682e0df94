"""A PostgreSQL server of a test's own, which the test may stop and start again (a database outage).

The shared test server must never be stopped, so an outage test runs ``initdb`` into a temporary folder and
starts a server there on a free port, with its socket in that folder. initdb refuses to run as root: then the
server runs as the ``postgres`` system user (as ``scripts/ensure-postgres`` does) and trusts local
connections.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path:
    try:
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        return Path(found.stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not found:
            raise RuntimeError("no PostgreSQL binaries (pg_config, /usr/lib/postgresql/*/bin)") from None
        return Path(found[-1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnPostgres:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="renkei-own-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.bin = _bindir()
        self.as_postgres = os.geteuid() == 0
        self.user = "postgres" if self.as_postgres else os.environ.get("USER", "postgres")

    def _run(self, *command: str) -> None:
        argv = [str(self.bin / command[0]), *command[1:]]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, text=True)

    def init(self) -> OwnPostgres:
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "--no-sync")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses='' -c fsync=off"
        log = str(self.folder / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as when the database server goes away."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@/postgres?host={self.folder}&port={self.port}"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop()
        for _ in range(3):
            shutil.rmtree(self.folder, ignore_errors=True)
            if not self.folder.exists():
                return
            time.sleep(0.2)
