"""A PostgreSQL server of a test's own, to stop and start at will.

The fault tests (issue 14) restart the database while the app is in use.
They must never do that to the shared server at 127.0.0.1:5432, so they
start a throwaway cluster from Debian's binaries: ``initdb`` into a folder
under /tmp, ``pg_ctl start`` on a free port of 55440-55449 with its socket in
that folder, and everything removed afterwards. Run as root (CI), the
commands run as the ``postgres`` user, whom PostgreSQL requires.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import create_engine, text

PORTS = range(55440, 55450)


def postgres_binaries() -> Path | None:
    """The newest Debian PostgreSQL's bin folder, or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for a throwaway PostgreSQL")


class ThrowawayCluster:
    """One initdb'd cluster: ``start``, ``stop`` and ``restart`` it, and
    ``database_url`` a database created on it."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="avtalsfokus-pg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        os.chmod(self.folder, 0o755)

    def _run(self, *command: str) -> None:
        argv = [str(self.binaries / command[0]), *command[1:]]
        if self._as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr or done.stdout}")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *extra, action)

    def initdb(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``fast`` ends every session as an operator's restart does."""
        self._pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every open connection is cut."""
        self._pg_ctl("restart", "-m", "fast")

    def create_database(self, name: str) -> str:
        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT"
        )
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        with suppress(RuntimeError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def throwaway_cluster(binaries: Path) -> Iterator[ThrowawayCluster]:
    """A started cluster, stopped and deleted afterwards whatever happened."""
    cluster = ThrowawayCluster(binaries)
    try:
        cluster.initdb()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
