"""Shared pieces of the NLU benchmark (bench/nlu.py) and the tuning script (bench/tune.py).

Scoring rules (printed with every table):
  * "not answered as a topic" = predicted `out_of_scope` OR `nlu_fallback`. For accuracy and
    macro-F1 both count as the label `out_of_scope`: right for an out-of-scope question, wrong for
    every other one (a fallback on a real question is an error, though a softer one: the patient
    gets "did you mean" buttons; its rate is reported separately).
  * out-of-scope precision / recall are for that merged label.
  * condition entity F1: micro P/R/F1 over every message of the set, comparing the multiset of
    `condition` values (after synonym mapping) with the annotated canonical values; exact match.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RASA = str(BIN / "rasa")
DATA = ROOT / "data"
NLU_DATA = DATA / "nlu"
HELDOUT = ROOT / "tests" / "nlu_heldout.yml"
DOMAIN = ROOT / "domain.yml"
OUR_CONFIG = ROOT / "config.yml"
OOS = "out_of_scope"
FALLBACK = "nlu_fallback"
NOT_A_TOPIC = {OOS, FALLBACK}
REQUIRED_NLU_FILES = (
    "faq",
    "not_on_page.yml",
    "conversation.yml",
    "out_of_scope.yml",
    "emergency.yml",
    "lookups.yml",
    "patterns.yml",
    "synonyms.yml",
)

SCORING_NOTE = (
    "not answered as a topic = predicted out_of_scope OR nlu_fallback; for accuracy/macro-F1 both "
    "count as out_of_scope (wrong for any in-scope question). OOS precision/recall are for that "
    "merged label. fallback% = in-scope questions answered with nlu_fallback (did-you-mean buttons). "
    "condition F1 = micro F1 of condition values after synonym mapping (exact match), all messages."
)


def quiet_env(**extra: str) -> Dict[str, str]:
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
        **extra,
    }


def missing_training_files() -> List[str]:
    return [name for name in REQUIRED_NLU_FILES if not (NLU_DATA / name).exists()]


# ---------------------------------------------------------------------------- data


@dataclass
class Example:
    text: str
    intent: str
    conditions: List[str] = field(default_factory=list)


def condition_values(entities: Optional[Iterable[Dict]]) -> List[str]:
    return sorted(str(e.get("value")) for e in (entities or []) if e.get("entity") == "condition")


def examples_from(training_data) -> List[Example]:
    return [
        Example(m.get("text"), m.get("intent"), condition_values(m.get("entities")))
        for m in training_data.intent_examples
    ]


def load_examples(path: Path) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    return examples_from(load_data(str(path)))


# ---------------------------------------------------------------------------- scoring


def merged(label: Optional[str]) -> str:
    return OOS if (label or FALLBACK) in NOT_A_TOPIC else label


def prf(tp: int, fp: int, fn: int) -> Dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(
    gold: Sequence[Example],
    predicted: Sequence[str],
    conditions: Optional[Sequence[List[str]]] = None,
) -> Dict:
    """Intent and entity scores (see the module docstring for the rules)."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    y_true = [g.intent for g in gold]
    y_pred = [merged(p) for p in predicted]
    labels = sorted(set(y_true))
    accuracy = sum(t == p for t, p in zip(y_true, y_pred)) / len(y_true)
    macro_f1 = f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    oos = prf(
        sum(t == OOS and p == OOS for t, p in zip(y_true, y_pred)),
        sum(t != OOS and p == OOS for t, p in zip(y_true, y_pred)),
        sum(t == OOS and p != OOS for t, p in zip(y_true, y_pred)),
    )
    in_scope = [p for g, p in zip(gold, predicted) if g.intent != OOS]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_intent = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(labels)
    }
    result = {
        "n": len(gold),
        "accuracy": accuracy,
        "macro_f1": float(macro_f1),
        "oos_precision": oos["precision"],
        "oos_recall": oos["recall"],
        "fallback_rate_in_scope": sum(x == FALLBACK for x in in_scope) / max(1, len(in_scope)),
        "per_intent": per_intent,
    }
    if conditions is not None:
        tp = fp = fn = 0
        for g, pred in zip(gold, conditions):
            want, got = collections.Counter(g.conditions), collections.Counter(pred)
            hit = sum((want & got).values())
            tp, fp, fn = tp + hit, fp + sum(got.values()) - hit, fn + sum(want.values()) - hit
        c = prf(tp, fp, fn)
        result.update(
            condition_precision=c["precision"],
            condition_recall=c["recall"],
            condition_f1=c["f1"],
            condition_counts={"tp": tp, "fp": fp, "fn": fn},
        )
    return result


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latency_summary(seconds: Sequence[float]) -> Dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 0.5),
        "p95_ms": percentile(ms, 0.95),
        "mean_ms": statistics.fmean(ms) if ms else float("nan"),
    }


# ---------------------------------------------------------------------------- rasa processes


def train_rasa(
    config: Path,
    out_dir: Path,
    name: str,
    nlu: Optional[Path] = None,
    timeout: float = 3600,
) -> Dict:
    """`rasa train` (or `rasa train nlu` when `nlu` is given) into out_dir/name.tar.gz.

    Wall time of the whole command (Python/TF imports included). A fresh, private Rasa cache
    directory per model: nothing is reused from earlier runs or from the project's .rasa/cache.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    if nlu is None:
        args = [RASA, "train", "--config", str(config), "--domain", str(DOMAIN), "--data", str(DATA)]
    else:
        args = [RASA, "train", "nlu", "--config", str(config), "--nlu", str(nlu)]
    args += ["--out", str(out_dir), "--fixed-model-name", name]
    log = out_dir / f"{name}.train.log"
    env = quiet_env(RASA_CACHE_DIRECTORY=str(out_dir / f"{name}.cache"))
    started = time.monotonic()
    with log.open("w") as handle:
        proc = subprocess.run(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=timeout)
    seconds = time.monotonic() - started
    model = out_dir / f"{name}.tar.gz"
    if proc.returncode != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed ({proc.returncode}):\n{log.read_text()[-4000:]}")
    subprocess.run(["rm", "-rf", str(out_dir / f"{name}.cache")], check=False)
    return {"model": str(model), "train_seconds": seconds, "model_bytes": model.stat().st_size, "log": str(log)}


def rss_bytes(pid: int) -> int:
    """VmRSS of pid plus its children (Sanic runs one worker in-process; counted if forked)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(c) for c in children.read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> float:
    """Polls `url` every 50 ms until it answers 200; returns the time it took."""
    import requests

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited early:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code == 200:
                return time.monotonic() - started
        time.sleep(0.05)
    raise TimeoutError(f"{url} not up after {timeout}s:\n{log.read_text()[-4000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def action_server(workdir: Path) -> Iterator[str]:
    from harness.stack import free_port

    port = free_port()
    log = workdir / "actions.log"
    proc = subprocess.Popen(
        [RASA, "run", "actions", "--port", str(port), "--actions", "actions"],
        cwd=ROOT,
        env=quiet_env(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(f"{url}/health", proc, log)
        yield url
    finally:
        stop(proc)


@dataclass
class RasaServer:
    url: str
    token: str
    pid: int
    ready_seconds: float
    log: Path


@contextlib.contextmanager
def rasa_server(
    model: str,
    workdir: Path,
    actions_url: Optional[str],
    token: str,
    tracker_store: str = "sqlite",
    project: bool = False,
) -> Iterator[RasaServer]:
    """`rasa run --enable-api --auth-token` on a free loopback port, REST channel only.

    tracker_store "sqlite": a SQLite file in workdir; "memory": Rasa's in-memory tracker store.
    project=False: Rasa's own REST channel and SQL tracker store (how a stock Rasa runs);
    project=True: what `make run` runs, the project's REST channel (channels/rest.py, its rate limit
    off: one sender sends every message here) and the tracker store of endpoints.yml."""
    import yaml

    from harness.stack import ENDPOINTS, free_port

    workdir.mkdir(parents=True, exist_ok=True)
    endpoints: Dict = {}
    if tracker_store == "sqlite":
        store = ENDPOINTS["tracker_store"] if project else {"type": "SQL", "dialect": "sqlite"}
        endpoints["tracker_store"] = {**store, "db": str(workdir / "rasa.db")}
    if actions_url:
        endpoints["action_endpoint"] = {"url": f"{actions_url}/webhook"}
    (workdir / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
    credentials = {"channels.rest.RestInput": None} if project else {"rest": None}
    (workdir / "credentials.yml").write_text(yaml.safe_dump(credentials))
    port = free_port()
    log = workdir / "rasa.log"
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            RASA,
            "run",
            "--model",
            model,
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--enable-api",
            "--auth-token",
            token,
            "--endpoints",
            str(workdir / "endpoints.yml"),
            "--credentials",
            str(workdir / "credentials.yml"),
        ],
        cwd=ROOT,
        env=quiet_env(**({"RATE_LIMIT_MESSAGES": "0"} if project else {})),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        # /status answers 200 only once the agent (model) is loaded.
        wait_ready(f"{url}/status?token={token}", proc, log)
        yield RasaServer(url, token, proc.pid, time.monotonic() - started, log)
    finally:
        stop(proc)


def dump_json(path: Path, payload) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=float))
