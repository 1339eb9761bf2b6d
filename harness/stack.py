"""Starts the real assistant for end-to-end tests: action server + Rasa server as subprocesses.

Nothing is mocked: the trained model (models/current.tar.gz), the real channels from the given
credentials, and a real tracker store (SQLite file under the test's tmp dir unless told otherwise).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "current.tar.gz"
# What `make run` runs with (endpoints.yml): the tests and benches use its tracker store.
ENDPOINTS = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
DEFAULT_CREDENTIALS = {
    "channels.rest.RestInput": None,
    "channels.socketio.SocketIOInput": {
        "user_message_evt": "user_uttered",
        "bot_message_evt": "bot_uttered",
        "session_persistence": True,
    },
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout}s:\n{log.read_text()[-4000:]}")


@dataclass
class Stack:
    url: str
    actions_url: str
    workdir: Path
    endpoints: Dict
    rasa_log: Path

    def rest(self, sender: str, text, timeout: float = 30) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )

    def say(self, sender: str, text: str) -> list:
        response = self.rest(sender, text)
        response.raise_for_status()
        return response.json()


def server_env(env: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The servers' environment: this process's, quiet TensorFlow, no telemetry, plus `env`."""
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        **(env or {}),
    }


def write_config(workdir: Path, actions_url: str, endpoints: Dict, credentials: Optional[Dict]) -> Dict:
    """endpoints.yml (with the action server's webhook) and credentials.yml in `workdir`."""
    endpoints = {"action_endpoint": {"url": f"{actions_url}/webhook"}, **endpoints}
    (workdir / "endpoints.yml").write_text(yaml.safe_dump(endpoints, allow_unicode=True))
    (workdir / "credentials.yml").write_text(yaml.safe_dump(credentials or DEFAULT_CREDENTIALS, allow_unicode=True))
    return endpoints


def stop(procs) -> None:
    """Terminates the processes; kills those still running after 20 s."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def rasa_run(model: Path, port: int, workdir: Path, *extra_args: str) -> List[str]:
    """`rasa run` on loopback with the endpoints.yml and credentials.yml of `workdir`."""
    return [
        str(BIN / "rasa"),
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--endpoints",
        str(workdir / "endpoints.yml"),
        "--credentials",
        str(workdir / "credentials.yml"),
        *extra_args,
    ]


def _spawn(args, log: Path, env: Dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


@contextlib.contextmanager
def start_stack(
    workdir: Path,
    credentials: Optional[Dict] = None,
    endpoints: Optional[Dict] = None,
    env: Optional[Dict[str, str]] = None,
    actions: bool = True,
    extra_args: tuple = (),
    model: Path = MODEL,
) -> Iterator[Stack]:
    """Runs the action server (unless `actions=False`) and a Rasa server until the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    rasa_port, actions_port = free_port(), free_port()
    actions_url = f"http://127.0.0.1:{actions_port}"
    endpoints = endpoints or {"tracker_store": {**ENDPOINTS["tracker_store"], "db": str(workdir / "rasa.db")}}
    endpoints = write_config(workdir, actions_url, endpoints, credentials)
    full_env = server_env(env)
    procs = []
    try:
        if actions:
            log = workdir / "actions.log"
            procs.append(
                _spawn(
                    [str(BIN / "rasa"), "run", "actions", "--port", str(actions_port), "--actions", "actions"],
                    log,
                    full_env,
                )
            )
            wait_for(f"{actions_url}/health", procs[-1], log)
        rasa_log = workdir / "rasa.log"
        procs.append(_spawn(rasa_run(model, rasa_port, workdir, *extra_args), rasa_log, full_env))
        url = f"http://127.0.0.1:{rasa_port}"
        wait_for(f"{url}/", procs[-1], rasa_log)
        yield Stack(url, actions_url, workdir, endpoints, rasa_log)
    finally:
        stop(procs)
