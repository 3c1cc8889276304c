"""A throwaway PostgreSQL cluster for tests that stop and start the database server.

Made with Debian's server binaries (/usr/lib/postgresql/<version>/bin) in a temporary directory,
on a free loopback port with its socket in that directory, never the shared server the suite
uses. initdb refuses to run as root: as root, every command runs as the `postgres` user, who owns
the directory. Each command is bounded in time; `remove()` stops the server and deletes it all.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

COMMAND_SECONDS = 90


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, or None."""
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")
             if Path(p, "initdb").exists() and Path(p, "pg_ctl").exists()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
               default=None)


def unavailable_reason() -> str | None:
    """Why a throwaway cluster cannot be made here, or None if it can."""
    if server_binaries() is None:
        return "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (Debian's postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run initdb as"
        if not shutil.which("runuser"):
            return "running as root and runuser is missing"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self):
        self.bin = server_binaries()
        # Not pytest's tmp_path: its parents are private to root, and the server runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
        self.port = _free_port()
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = "atlas") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([*self._as, str(self.bin / program), *args], capture_output=True,
                              text=True, timeout=COMMAND_SECONDS, cwd=self.root)
        if done.returncode:
            raise RuntimeError(f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout}{done.stderr}{self.server_log()}")
        return done

    def server_log(self) -> str:
        try:
            return self.log.read_text()[-3000:]
        except OSError:
            return ""

    def create(self, database: str = "atlas") -> Cluster:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                 "-E", "UTF8", "--locale", "C.UTF-8")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)
        return self

    def start(self) -> None:
        # fsync off: a test cluster has nothing worth keeping through a power cut.
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                 "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.root, ignore_errors=True)
