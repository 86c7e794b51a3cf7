"""Fixtures of the platform tests: a real PostgreSQL server, started and stopped by the tests."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_ROOT = os.environ.get("COURSEKIT_PG_ROOT", "/usr/lib/postgresql")


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob(f"{PG_ROOT}/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3].split(".")[0]))
    return Path(versions[-1]).parent if versions else None


def as_server_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as `postgres` (or `nobody`) via setpriv."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    pytest.fail("running as root, but neither a `postgres` nor a `nobody` user exists to run PostgreSQL as")


@dataclass
class PostgresServer:
    socket_dir: Path
    user: str = "coursekit"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` on this server (psycopg2, over the Unix socket)."""
        return f"postgresql+psycopg2://{self.user}@/{database}?host={self.socket_dir}"

    def create_database(self, name: str) -> str:
        import psycopg2

        conn = psycopg2.connect(host=str(self.socket_dir), user=self.user, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()
        return self.url(name)


def _run(cmd: list, what: str) -> None:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


@pytest.fixture(scope="session")
def postgres_server():
    """A throw-away PostgreSQL server: initdb in a temp folder, listening only on a Unix socket there."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail(
            "the gradebook test needs PostgreSQL (initdb, pg_ctl): run `make test` (it installs Debian's "
            "`postgresql`) or `sudo tools/system-deps postgresql`",
            pytrace=False,
        )
    prefix = as_server_user()
    # Not under pytest's tmp_path: that is private to root, and the server runs as another user.
    root = Path(tempfile.mkdtemp(prefix="coursekit-pg-"))
    data, sockets = root / "data", root / "socket"
    sockets.mkdir()
    if prefix:
        uid, gid = (int(prefix[1].split("=")[1]), int(prefix[2].split("=")[1]))
        for path in (root, sockets):
            os.chown(path, uid, gid)
    try:
        _run([*prefix, bin_dir / "initdb", "-D", data, "-U", "coursekit", "--auth=trust", "-E", "UTF8",
              "--no-locale", "--no-sync"], "initdb")  # fmt: skip
        options = f"-k {sockets} -c listen_addresses='' -c fsync=off"
        _run([*prefix, bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", root / "server.log", "-w", "start"],
             "pg_ctl start")  # fmt: skip
        yield PostgresServer(sockets)
        _run([*prefix, bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], "pg_ctl stop")
    finally:
        if (data / "postmaster.pid").exists():  # a failure above: never leave a server behind
            subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], timeout=60)
        shutil.rmtree(root, ignore_errors=True)
