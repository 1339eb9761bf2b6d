"""How the cost of a message grows with the length of its conversation.

One conversation of --turns messages (default 100) over the REST webhook, one message at a time,
against the project's model and action server, with the SQLite tracker store (the default of
`make run`) and with PostgreSQL (the production store, a throwaway database). Prints the webhook
round trip per block of ten turns (p50 / p95) and the ratio of the last block to the first.

    .venv/bin/python -m bench.turns [--turns 100] [--stores sqlite,postgresql] [--profile DIR]

With --profile, py-spy samples the Rasa server during the first and the last ten turns of each
run and writes where the time goes (collapsed stacks) into DIR/<store>/.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import yaml

from bench.common import percentile
from harness.cluster import RESILIENT_SQL, fresh_database, postgres_endpoints
from harness.stack import MODEL, ROOT, start_stack

# Questions as patients ask them, cycled: every turn is a real answer (topic, action server).
QUESTIONS = [
    "副作用はありますか？",
    "治療は何回くらい必要ですか",
    "点滴の時間はどのくらい？",
    "費用はいくらですか",
    "幹細胞治療とはどう違うの？",
    "痛みはありますか",
    "どんな症状に使われていますか",
    "エクソソームって何ですか",
    "効果はどのくらい続きますか",
    "予約はどうやってするの？",
]
BLOCK = 10


@contextlib.contextmanager
def endpoints_for(store: str, workdir: Path, window_turns: int) -> Iterator[Dict]:
    """The project's tracker store (stores/sql.py) on SQLite or a throwaway PostgreSQL database;
    window_turns 0 = Rasa's behaviour (the whole session every message)."""
    if store == "sqlite":
        sqlite = {"type": RESILIENT_SQL, "dialect": "sqlite", "db": str(workdir / "rasa.db")}
        yield {"tracker_store": {**sqlite, "window_turns": window_turns}}
        return
    with fresh_database("bench_turns") as db:
        endpoints = postgres_endpoints(db)
        endpoints["tracker_store"]["window_turns"] = window_turns
        yield endpoints


def configured_window() -> int:
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    return int(endpoints["tracker_store"].get("window_turns") or 0)


def run_conversation(stack, turns: int, on_block=None) -> List[float]:
    """Webhook round trips (ms) of one conversation; on_block(index) before each block of ten."""
    sender = f"bench-turns-{time.time_ns()}"
    latencies = []
    for turn in range(turns):
        if on_block and turn % BLOCK == 0:
            on_block(turn // BLOCK)
        start = time.perf_counter()
        answer = stack.say(sender, QUESTIONS[turn % len(QUESTIONS)])
        latencies.append((time.perf_counter() - start) * 1000)
        assert answer, f"no answer at turn {turn + 1}"
    return latencies


def blocks(latencies: List[float]) -> List[Dict]:
    rows = []
    for start in range(0, len(latencies), BLOCK):
        chunk = latencies[start : start + BLOCK]
        rows.append(
            {
                "turns": f"{start + 1}-{start + len(chunk)}",
                "p50": percentile(chunk, 0.5),
                "p95": percentile(chunk, 0.95),
            }
        )
    return rows


class Sampler:
    """py-spy on the Rasa server during chosen blocks (collapsed stacks, one file per block)."""

    def __init__(self, pid: int, out: Path, wanted: List[int]) -> None:
        self.pid, self.out, self.wanted, self.proc = pid, out, wanted, None

    def __call__(self, block: int) -> None:
        self.stop()
        if block in self.wanted:
            target = self.out / f"block{block + 1:02d}.txt"
            self.proc = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "py-spy"),
                    "record",
                    "--pid",
                    str(self.pid),
                    "--format",
                    "raw",
                    "--rate",
                    "500",
                    "-o",
                    str(target),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)  # py-spy attaches

    def stop(self) -> None:
        if self.proc:
            self.proc.send_signal(2)
            self.proc.wait(timeout=30)
            self.proc = None


def rasa_pid(workdir: Path) -> int:
    found = subprocess.run(
        ["pgrep", "-f", f"rasa run --model .* --endpoints {workdir}"], capture_output=True, text=True
    )
    return int(found.stdout.split()[0])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--window", type=int, default=None, help="window_turns (default: endpoints.yml's; 0 = off)")
    parser.add_argument("--profile", type=Path, help="py-spy the first and last ten turns into this folder")
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"{MODEL} missing: make train", flush=True)
        return 2
    window_turns = configured_window() if args.window is None else args.window
    print(f"window_turns: {window_turns or 'off'}", flush=True)
    results = {}
    for store in args.stores.split(","):
        with tempfile.TemporaryDirectory() as tmp, endpoints_for(store, Path(tmp), window_turns) as endpoints:
            # No per-sender rate limit: one sender sends every message here.
            with start_stack(Path(tmp) / "stack", endpoints=endpoints, env={"RATE_LIMIT_MESSAGES": "0"}) as stack:
                stack.say("warm-up", "こんにちは")
                sampler = None
                if args.profile:
                    (args.profile / store).mkdir(parents=True, exist_ok=True)
                    last = (args.turns - 1) // BLOCK
                    sampler = Sampler(rasa_pid(stack.workdir), args.profile / store, [0, last])
                latencies = run_conversation(stack, args.turns, sampler)
                if sampler:
                    sampler.stop()
        results[store] = blocks(latencies)
    print(f"\nWebhook round trip (ms) by turn of one {args.turns}-turn conversation")
    stores = list(results)
    print("| turns | " + " | ".join(f"{s} p50 | {s} p95" for s in stores) + " |")
    print("|---|" + "---|---|" * len(stores))
    for i, row in enumerate(results[stores[0]]):
        cells = " | ".join(f"{results[s][i]['p50']:.0f} | {results[s][i]['p95']:.0f}" for s in stores)
        print(f"| {row['turns']} | {cells} |")
    for store in stores:
        first, last = results[store][0]["p50"], results[store][-1]["p50"]
        print(f"{store}: last ten turns / first ten (p50) = {last / first:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
