"""`make load`: the assistant under load, in its production shape, on this machine (loopback only).

For each scenario it starts the real stack (harness/cluster.py: action server, Rasa server(s) with
the project's guarded channels, PostgreSQL tracker store (stores/sql.py) in a fresh database
`rasa_load_<hex>` that is dropped afterwards, Redis lock store and Redis rate-limit buckets) and
runs CONVERSATIONS concurrent conversations of MESSAGES messages each over REST (a patient waits
for each answer before the next question; questions sampled from tests/nlu_heldout.yml), in two
modes:

    max        every patient sends the next question as soon as the answer is there: the most
               messages/s the stack answers; latency is then mostly queueing (Little's law:
               latency ~ conversations / throughput);
    paced N/s  the conversations together offer N messages/s (each one message every
               CONVERSATIONS/N seconds): the latency patients see at that load.

It reports messages, errors, msgs/s, p50/p95/p99 latency, `user` events stored in PostgreSQL vs
sent, conversations whose stored turns are in the order sent with a bot answer after each,
"temporarily unavailable" and rate-limited answers, and tracker store errors in the server logs.

Scenarios: `1` = one Rasa server (requests go to it directly); `2` = two Rasa servers behind the
round-robin proxy of bench/proxy.py, one conversation's messages alternating between them.
Targets (reported, not asserted): >= 50 msgs/s and p95 <= 300 ms at 50 conversations.

    .venv/bin/python -m bench.load [--conversations 50] [--messages 20] [--servers 1 2]
        [--pace 0 50] [--model models/current.tar.gz] [--json bench_results/load.json]
        [--workdir bench_results/load-run]

Exit status 1 when a message failed, was lost, or a conversation is out of order.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp
import yaml

from bench.common import percentile
from channels.guard import Guard
from harness.cluster import (
    fresh_database,
    postgres_endpoints,
    query,
    start_cluster,
)
from harness.stack import MODEL, ROOT

TARGET_RATE = 50.0
TARGET_P95_MS = 300.0
FALLBACK_QUESTIONS = [
    "セクレトーム療法とは何ですか？",
    "副作用ってありますか？",
    "リウマチに効きますか",
    "料金はいくらくらいかかりますか",
    "点滴って何分くらいかかるの？",
    "何回くらい通えばいいですか",
    "培養上清ってどうやって作るんですか",
    "幹細胞治療との違いは？",
    "痛みはありますか",
    "予約はどうすればいいですか",
    "保険は使えますか",
    "もっと詳しく",
]
SERVER_ENV = {
    "SANIC_REQUEST_MAX_SIZE": str(1024 * 1024),
    "RATE_LIMIT_REDIS_URL": "redis://127.0.0.1:6379/0",
}


def questions() -> List[str]:
    heldout = ROOT / "tests" / "nlu_heldout.yml"
    if not heldout.exists():
        return FALLBACK_QUESTIONS
    found = []
    for block in yaml.safe_load(heldout.read_text(encoding="utf-8")).get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            text = line.strip()
            if text.startswith("- ") and text[2:].strip():
                found.append(text[2:].strip())
    return found or FALLBACK_QUESTIONS


@dataclass
class Result:
    scenario: str
    conversations: int
    messages: int
    errors: int = 0
    unavailable: int = 0
    rate_limited: int = 0
    seconds: float = 0.0
    latencies_ms: List[float] = field(default_factory=list, repr=False)
    stored_user_events: int = 0
    conversations_in_order: int = 0
    tracker_store_errors: int = 0
    error_samples: List[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p / 100)

    def summary(self) -> Dict:
        data = asdict(self)
        del data["latencies_ms"]
        data.update(
            msgs_per_s=round(self.rate, 1),
            p50_ms=round(self.percentile(50), 1),
            p95_ms=round(self.percentile(95), 1),
            p99_ms=round(self.percentile(99), 1),
            mean_ms=round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else None,
        )
        return data


async def conversation(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    texts: List[str],
    interval: float,
    result: Result,
    unavailable: str,
    rate_limited: str,
) -> None:
    """A patient: each message after the answer to the previous one; with `interval`, also not
    before its turn (one message every `interval` s, from a random start)."""
    loop = asyncio.get_running_loop()
    next_at = loop.time() + random.uniform(0, interval)
    for i, text in enumerate(texts):
        if interval:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            next_at += interval
        started = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as response:
                body = await response.json(content_type=None)
                ok = response.status == 200 and isinstance(body, list) and body
        except Exception as error:  # noqa: BLE001 - every failure is counted and sampled
            body, ok = repr(error), False
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        if not ok:
            result.errors += 1
            if len(result.error_samples) < 5:
                result.error_samples.append(f"{sender}#{i}: {str(body)[:200]}")
            continue
        first = body[0].get("text") or ""
        result.unavailable += first == unavailable
        result.rate_limited += first == rate_limited


def check_store(db: str, plan: Dict[str, List[str]], result: Result) -> None:
    rows = query(
        db,
        "SELECT sender_id, type_name, data::json->>'text' FROM events WHERE type_name IN ('user', 'bot') ORDER BY id",
    )
    turns: Dict[str, List[tuple]] = {}
    for sender, kind, text in rows:
        turns.setdefault(sender, []).append((kind, text))
    for sender, sent in plan.items():
        stored = turns.get(sender, [])
        users = [text for kind, text in stored if kind == "user"]
        result.stored_user_events += len(users)
        answered = all(
            i + 1 < len(stored) and stored[i + 1][0] == "bot" for i, (kind, _) in enumerate(stored) if kind == "user"
        )
        if users == [t.strip() for t in sent] and answered:
            result.conversations_in_order += 1


async def warm_up(urls: List[str]) -> None:
    """The first messages of a fresh server are slow (TensorFlow graphs): not measured."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for url in urls:
            for text in FALLBACK_QUESTIONS[:3]:
                async with session.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": f"warmup-{uuid.uuid4().hex[:8]}", "message": text},
                ) as response:
                    await response.read()


async def drive(url: str, plan: Dict[str, List[str]], pace: float, result: Result) -> None:
    guard = Guard(clinic=None)
    interval = len(plan) / pace if pace else 0.0
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=60), connector=aiohttp.TCPConnector(limit=0)
    ) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *(
                conversation(
                    session, url, sender, texts, interval, result, guard.unavailable_text, guard.rate_limited_text
                )
                for sender, texts in plan.items()
            )
        )
        result.seconds = time.perf_counter() - started


def failsafe_errors(logs: List[Path]) -> int:
    """Rasa's FailSafeTrackerStore logs a tracker it could not read or write, and carries on
    without it: that turn then has no context, or is not stored."""
    return sum(log.read_text(errors="replace").count("Error happened when trying to") for log in logs)


def run_scenario(
    servers: int, paces: List[float], conversations: int, messages: int, model: Path, workdir: Path, rng: random.Random
) -> List[Result]:
    pool = questions()
    name = "1 server" if servers == 1 else f"{servers} servers + proxy"
    results = []
    prefix = "load" + uuid.uuid4().hex[:8]
    with fresh_database("rasa_load") as db:
        print(f"[{name}] database {db}; starting the stack ...", flush=True)
        with start_cluster(
            workdir / f"servers{servers}",
            postgres_endpoints(db, lock_prefix=prefix),
            servers=servers,
            env=SERVER_ENV,
            model=model,
        ) as cluster:
            asyncio.run(warm_up(cluster.servers))
            # One server: straight to it. Several: through the proxy, which alternates them.
            url = cluster.servers[0] if servers == 1 else cluster.url
            for pace in paces:
                mode = f"paced {pace:g}/s" if pace else "max"
                plan = {
                    f"load-{servers}-{mode[:3]}-{i:03d}-{uuid.uuid4().hex[:6]}": [
                        rng.choice(pool) for _ in range(messages)
                    ]
                    for i in range(conversations)
                }
                result = Result(f"{name}, {mode}", conversations, conversations * messages)
                print(f"[{result.scenario}] {conversations} conversations x {messages} messages", flush=True)
                errors_before = failsafe_errors(cluster.logs)
                asyncio.run(drive(url, plan, pace, result))
                result.tracker_store_errors = failsafe_errors(cluster.logs) - errors_before
                check_store(db, plan, result)
                results.append(result)
    return results


def table(results: List[Result]) -> str:
    head = [
        "scenario",
        "msgs",
        "errors",
        "msgs/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "user events stored/expected",
        "in order",
        "unavailable",
        "rate-limited",
        "tracker store errors",
    ]
    rows = [head]
    for r in results:
        rows.append(
            [
                r.scenario,
                str(r.messages),
                str(r.errors),
                f"{r.rate:.1f}",
                f"{r.percentile(50):.0f}",
                f"{r.percentile(95):.0f}",
                f"{r.percentile(99):.0f}",
                f"{r.stored_user_events}/{r.messages}",
                f"{r.conversations_in_order}/{r.conversations}",
                str(r.unavailable),
                str(r.rate_limited),
                str(r.tracker_store_errors),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def interrupt(*_: object) -> None:
    """`kill` (SIGTERM) unwinds like Ctrl-C: servers stopped, the load database dropped."""
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Load test of the assistant (see bench/load.py).")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--servers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--pace",
        type=float,
        nargs="+",
        default=[0, 50],
        help="messages/s offered by all conversations together; 0: as fast as the answers come (default: 0 and 50)",
    )
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--json", type=Path, default=ROOT / "bench_results" / "load.json")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=ROOT / "bench_results" / "load-run",
        help="logs and configuration of the servers (kept for inspection)",
    )
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"{args.model} missing: run `make train` first", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, interrupt)

    rng = random.Random(args.seed)
    results = []
    for servers in args.servers:
        results += run_scenario(servers, args.pace, args.conversations, args.messages, args.model, args.workdir, rng)
    print()
    print(table(results))
    print(
        f"\ntargets: >= {TARGET_RATE:.0f} msgs/s and p95 <= {TARGET_P95_MS:.0f} ms "
        f"at {args.conversations} concurrent conversations"
    )
    for r in results:
        met = r.rate >= TARGET_RATE and r.percentile(95) <= TARGET_P95_MS
        print(f"  {r.scenario}: {'met' if met else 'NOT met'} ({r.rate:.1f} msgs/s, p95 {r.percentile(95):.0f} ms)")
        for sample in r.error_samples:
            print(f"    error: {sample}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps([r.summary() for r in results], ensure_ascii=False, indent=2))
    print(f"\n(details: {args.json}; server logs: {args.workdir})")
    broken = any(
        r.errors or r.stored_user_events != r.messages or r.conversations_in_order != r.conversations for r in results
    )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
