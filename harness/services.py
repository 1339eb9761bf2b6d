"""PostgreSQL and Redis for the tests and the load bench: the configured ones, or private throwaway ones.

The addresses come from the environment (README, "Tests"): TEST_POSTGRES_HOST / TEST_POSTGRES_PORT /
TEST_POSTGRES_USER (default 127.0.0.1:5432, user postgres, trust authentication) and TEST_REDIS_HOST /
TEST_REDIS_PORT (default 127.0.0.1:6379). When nothing answers there, a private instance is started from
Debian's `postgresql` / `redis-server` packages (`make services` installs them): its own data directory
under the system temp folder, a free port on 127.0.0.1, stopped and deleted when the process exits. So
every test runs on a machine that has neither server, and a test that restarts PostgreSQL restarts the
private one, never the machine's.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from harness.stack import free_port
from settings import TestSettings


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    data_dir: Optional[Path] = None  # set for a private instance (it can be restarted)

    def url(self, database: str, driver: str = "postgresql") -> str:
        return f"{driver}://{self.user}@{self.host}:{self.port}/{database}"


@dataclass(frozen=True)
class Redis:
    host: str
    port: int

    def url(self, db: int = 0) -> str:
        return f"redis://{self.host}:{self.port}/{db}"


def _answers(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=2):
        return True
    return False


@functools.lru_cache(maxsize=None)
def postgres() -> Postgres:
    """The PostgreSQL the tests use (configured, or a private one started now), once per process."""
    test = TestSettings.from_env()
    host, port = test.test_postgres_host, test.test_postgres_port
    return Postgres(host, port, test.test_postgres_user) if _answers(host, port) else _private_postgres()


@functools.lru_cache(maxsize=None)
def redis() -> Redis:
    """The Redis the tests use (configured, or a private one started now), once per process."""
    test = TestSettings.from_env()
    host, port = test.test_redis_host, test.test_redis_port
    return Redis(host, port) if _answers(host, port) else _private_redis()


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"no PostgreSQL answers and `{name}` is not installed: run `make services`")
    return found[-1]


def _as_postgres_user(args: List[str]) -> List[str]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user of Debian's package."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _private_postgres() -> Postgres:
    root = Path(tempfile.mkdtemp(prefix="test-postgres-"))
    data, sockets, port = root / "data", root / "run", free_port()
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    subprocess.run(
        _as_postgres_user([_postgres_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    _pg_ctl(data, "start", "-o", options, "-l", str(root / "server.log"))
    atexit.register(_remove_postgres, data, root)
    return Postgres("127.0.0.1", port, "postgres", data)


def _pg_ctl(data: Path, action: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        _as_postgres_user([_postgres_bin("pg_ctl"), action, "-D", str(data), "-w", "-t", "60", *args]),
        check=True,
        capture_output=True,
        text=True,
    )


def restart_postgres(service: Postgres) -> None:
    """Restarts a private instance (`pg_ctl restart`); the machine's server through pg_ctlcluster."""
    if service.data_dir is not None:  # its log beside the data (pg_ctl's output would hold our pipe open)
        _pg_ctl(service.data_dir, "restart", "-m", "fast", "-l", str(service.data_dir.parent / "server.log"))
        return
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        text=True,
    )


def _remove_postgres(data: Path, root: Path) -> None:
    with contextlib.suppress(subprocess.SubprocessError, OSError):
        _pg_ctl(data, "stop", "-m", "immediate")
    shutil.rmtree(root, ignore_errors=True)


def _private_redis() -> Redis:
    server = shutil.which("redis-server")
    if not server:
        raise RuntimeError("no Redis answers and `redis-server` is not installed: run `make services`")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(process.terminate)
    deadline = time.monotonic() + 30
    while not _answers("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the private redis-server did not start (exit {process.poll()})")
        time.sleep(0.1)
    return Redis("127.0.0.1", port)
