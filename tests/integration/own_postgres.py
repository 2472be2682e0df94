"""A PostgreSQL server of the test's own, for tests that stop and start the database.

The shared server (RENKEI_TEST_POSTGRES_URL) is never stopped: other people's tests run on it. This one is
initdb'd into a temporary folder, listens only on a Unix socket in that folder (no TCP port to collide on)
and is stopped and deleted by the test. PostgreSQL refuses to run as root, so as root the commands run as
the ``postgres`` system user, who owns the folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "renkei"
PORT = 5439  # only names the socket file inside the server's own folder


def binaries() -> Path:
    """PostgreSQL's programs: ``pg_config --bindir``, else the newest /usr/lib/postgresql/*/bin."""
    if shutil.which("pg_config"):
        found = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                    check=True).stdout.strip())
        if (found / "initdb").exists():
            return found
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not installed:
        raise RuntimeError("PostgreSQL is not installed (no initdb; see scripts/ensure-postgres)")
    return installed[-1]


class OwnPostgres:
    """``start()``, ``stop()``, ``start()`` again, ``remove()``; ``url`` is a SQLAlchemy URL to it."""

    def __init__(self) -> None:
        self.bin = binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="renkei-own-pg-"))
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                  "--encoding=UTF8", "--locale=C")
        self.url = f"postgresql+psycopg://{SUPERUSER}@/postgres?host={self.folder}&port={PORT}"

    def start(self) -> None:
        options = f"-k {self.folder} -p {PORT} -c listen_addresses='' -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        status = subprocess.run(self._command("pg_ctl", "-D", str(self.data), "status"), capture_output=True)
        return status.returncode == 0

    def remove(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _command(self, program: str, *arguments: str) -> list[str]:
        command = [str(self.bin / program), *arguments]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def _run(self, program: str, *arguments: str) -> None:
        command = self._command(program, *arguments)
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")
