"""Several Rasa servers sharing PostgreSQL, a Redis lock store and one action server, behind the
round-robin proxy of bench/proxy.py: the production shape on loopback, for the fault tests and
the load harness (bench/load.py). Builds on harness/stack.py; PostgreSQL and Redis from harness/services.py.
"""

from __future__ import annotations

import contextlib
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import yaml

from harness import services
from harness.stack import (
    BIN,
    MODEL,
    ROOT,
    Stack,
    _spawn,
    free_port,
    rasa_run,
    server_env,
    stop,
    wait_for,
    write_config,
)


def _pg_connect(db: str, connect_timeout: int = 5):
    import psycopg2

    pg = services.postgres()
    conn = psycopg2.connect(host=pg.host, port=pg.port, user=pg.user, dbname=db, connect_timeout=connect_timeout)
    conn.autocommit = True
    return conn


MAINTENANCE_DB = "postgres"


@contextlib.contextmanager
def fresh_database(prefix: str = "rasa_test", template: Optional[str] = None) -> Iterator[str]:
    """A new PostgreSQL database (created through the maintenance DB; empty, or a copy of `template`),
    dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    conn = _pg_connect(MAINTENANCE_DB)
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        yield name
    finally:
        try:
            conn.close()
        except Exception:
            pass
        # A new connection: the first one may have died in a PostgreSQL restart.
        drop = _pg_connect(MAINTENANCE_DB)
        try:
            with drop.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            drop.close()


def query(db: str, sql: str, *params) -> List[tuple]:
    """The rows of one statement (an empty list for one that returns none, e.g. INSERT)."""
    conn = _pg_connect(db)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


# The project's stores (stores/): what endpoints.production.yml should name.
RESILIENT_SQL = "stores.sql.ResilientSQLTrackerStore"
ATOMIC_REDIS_LOCK = "stores.redis_lock.AtomicRedisLockStore"


def postgres_endpoints(
    db: str,
    lock_prefix: Optional[str] = None,
    store: str = RESILIENT_SQL,
    lock: str = ATOMIC_REDIS_LOCK,
) -> Dict:
    """Tracker store in `db` (by default stores/sql.py; "SQL" for Rasa's own); with
    `lock_prefix`, the Redis lock store (stores/redis_lock.py by default, "redis" for Rasa's
    own), its keys under that prefix."""
    pg = services.postgres()
    endpoints: Dict = {
        "tracker_store": {
            "type": store,
            "dialect": "postgresql",
            "url": pg.host,
            "port": pg.port,
            "db": db,
            "username": pg.user,
        }
    }
    if store == RESILIENT_SQL:  # as in production (endpoints.production.yml)
        production = yaml.safe_load((ROOT / "endpoints.production.yml").read_text(encoding="utf-8"))
        endpoints["tracker_store"]["window_turns"] = production["tracker_store"]["window_turns"]
    if lock_prefix:
        redis = services.redis()
        endpoints["lock_store"] = {
            "type": lock,
            "url": redis.host,
            "port": redis.port,
            "db": 1,
            "key_prefix": lock_prefix,
        }
    return endpoints


class ActionServer:
    """The action server process, which a fault test may stop and start again."""

    def __init__(self, url: str, log: Path, env: Dict[str, str]) -> None:
        self.url, self.log, self.env = url, log, env
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.proc = _spawn(
            [str(BIN / "rasa"), "run", "actions", "--port", self.url.rsplit(":", 1)[1], "--actions", "actions"],
            self.log,
            self.env,
        )
        wait_for(f"{self.url}/health", self.proc, self.log)

    def stop(self) -> None:
        if self.proc is not None:
            stop([self.proc])
            self.proc = None


@dataclass
class Cluster(Stack):
    """`url` is the proxy's; `servers` are the Rasa servers behind it."""

    servers: List[str] = field(default_factory=list)
    logs: List[Path] = field(default_factory=list)
    actions: Optional[ActionServer] = None


@contextlib.contextmanager
def start_cluster(
    workdir: Path,
    endpoints: Dict,
    servers: int = 2,
    credentials: Optional[Dict] = None,
    env: Optional[Dict[str, str]] = None,
    model: Path = MODEL,
) -> Iterator[Cluster]:
    """One action server, `servers` Rasa servers (started side by side) and the proxy in front."""
    workdir.mkdir(parents=True, exist_ok=True)
    full_env = server_env(env)
    actions = ActionServer(f"http://127.0.0.1:{free_port()}", workdir / "actions.log", full_env)
    endpoints = write_config(workdir, actions.url, endpoints, credentials)
    procs: List[subprocess.Popen] = []
    try:
        actions.start()
        urls, logs = [], []
        for i in range(servers):
            port = free_port()
            logs.append(workdir / f"rasa{i}.log")
            urls.append(f"http://127.0.0.1:{port}")
            procs.append(_spawn(rasa_run(model, port, workdir), logs[-1], full_env))
        for url, proc, log in zip(urls, procs, logs):
            wait_for(f"{url}/", proc, log, timeout=300)

        proxy_url = f"http://127.0.0.1:{free_port()}"
        proxy_log = workdir / "proxy.log"
        procs.append(
            _spawn(
                [
                    str(BIN / "python"),
                    "-m",
                    "bench.proxy",
                    "--port",
                    proxy_url.rsplit(":", 1)[1],
                    *[arg for url in urls for arg in ("--backend", url)],
                ],
                proxy_log,
                full_env,
            )
        )
        wait_for(f"{proxy_url}/", procs[-1], proxy_log)
        yield Cluster(
            proxy_url,
            actions.url,
            workdir,
            endpoints,
            logs[0],
            servers=urls,
            logs=logs,
            actions=actions,
        )
    finally:
        stop(list(reversed(procs)))
        actions.stop()
