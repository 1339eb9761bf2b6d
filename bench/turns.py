"""How the cost of a message grows with the length of its conversation.

One conversation of --turns messages (default 100) over the REST webhook, one message at a time,
against the project's model and action server, with the SQLite tracker store (the default of
`make run`) and with PostgreSQL (the production store, a throwaway database). Prints the webhook
round trip per block of ten turns (p50 / p95) and the ratio of the last block to the first.

    .venv/bin/python -m bench.turns [--turns 100] [--stores sqlite,postgresql] [--profile DIR]

With --profile, py-spy samples the Rasa server and the action server during turns 11-20 and the
last ten turns of each run, writes the collapsed stacks into DIR/<store>/ and prints the CPU time
per message by phase (NLU, policies, tracker retrieve and save, the custom action's parts).
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

from bench.common import percentile, rss_bytes
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


# Where a sampled stack of the Rasa server is: the deepest frame that names a phase decides.
RASA_PHASES = [
    ("fetch_tracker_and_update_session (", "tracker retrieve"),
    ("parse_message (", "NLU (the pipeline)"),
    ("predict_next_with_tracker_if_should (", "policies"),
    ("_run_action (", "custom action: tracker copy, events applied"),
    ("_action_call_format (", "custom action: tracker serialised for the action server"),
    ("request (rasa/utils/endpoints.py", "custom action: HTTP call (client side)"),
    ("_validate_action_result (", "custom action: response validated"),
    ("save_tracker (", "tracker save"),
]
ACTION_PHASES = [
    ("/actions/", "actions/ (choosing and writing the answer)"),
    ("from_dict (", "Tracker rebuilt from JSON"),
]
RATE = 500  # py-spy samples per second


def phases(raw: Path, table, messages: int) -> Dict[str, float]:
    """CPU milliseconds per message by phase, from py-spy's collapsed stacks."""
    totals: Dict[str, float] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        label = "web server, channel, the rest"
        for frame in reversed(frames):
            found = next((name for pattern, name in table if pattern in frame), None)
            if found:
                label = found
                break
        totals[label] = totals.get(label, 0.0) + int(count) * 1000 / RATE / messages
    return totals


class Sampler:
    """py-spy on the servers during chosen blocks of ten turns (collapsed stacks, a file per block)."""

    def __init__(self, pids: Dict[str, int], out: Path, wanted: List[int]) -> None:
        self.pids, self.out, self.wanted, self.procs = pids, out, wanted, []

    def __call__(self, block: int) -> None:
        self.stop()
        if block in self.wanted:
            for name, pid in self.pids.items():
                target = self.out / f"{name}-block{block + 1:02d}.txt"
                spy = str(Path(sys.executable).parent / "py-spy")
                command = [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", str(RATE), "-o", str(target)]
                self.procs.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(1.0)  # py-spy attaches

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(2)
            proc.wait(timeout=30)
        self.procs = []

    def report(self) -> None:
        for block in self.wanted:
            rasa = phases(self.out / f"rasa-block{block + 1:02d}.txt", RASA_PHASES, BLOCK)
            action = phases(self.out / f"actions-block{block + 1:02d}.txt", ACTION_PHASES, BLOCK)
            turns = f"{block * BLOCK + 1}-{block * BLOCK + BLOCK}"
            print(f"\nCPU ms per message, turns {turns} (py-spy, {RATE} samples/s; waits are not CPU)")
            print("| process | phase | ms |\n|---|---|---|")
            for process, found in (("Rasa", rasa), ("action server", action)):
                for label, ms in sorted(found.items(), key=lambda item: -item[1]):
                    print(f"| {process} | {label} | {ms:.1f} |")
                print(f"| {process} | **total** | **{sum(found.values()):.1f}** |")


def pid_of(pattern: str) -> int:
    return int(subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()[0])


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
    memory: Dict[str, Dict[str, tuple]] = {}
    overall: Dict[str, List[float]] = {}
    for store in args.stores.split(","):
        with tempfile.TemporaryDirectory() as tmp, endpoints_for(store, Path(tmp), window_turns) as endpoints:
            # No per-sender rate limit: one sender sends every message here.
            with start_stack(Path(tmp) / "stack", endpoints=endpoints, env={"RATE_LIMIT_MESSAGES": "0"}) as stack:
                for text in ("こんにちは", "副作用は？"):  # the first custom action builds its validator
                    stack.say("warm-up", text)
                pids = {
                    "rasa": pid_of(f"rasa run --model .* --endpoints {stack.workdir}"),
                    "actions": pid_of(f"rasa run actions --port {stack.actions_url.rsplit(':', 1)[1]}"),
                }
                before = {name: rss_bytes(pid) for name, pid in pids.items()}
                sampler = None
                if args.profile:
                    (args.profile / store).mkdir(parents=True, exist_ok=True)
                    sampler = Sampler(pids, args.profile / store, [1, (args.turns - 1) // BLOCK])
                latencies = run_conversation(stack, args.turns, sampler)
                memory[store] = {name: (before[name], rss_bytes(pid)) for name, pid in pids.items()}
                if sampler:
                    sampler.stop()
                    print(f"\n{store}:", end="")
                    sampler.report()
        results[store] = blocks(latencies)
        overall[store] = [percentile(latencies, q) for q in (0.5, 0.95, 0.99)] + [max(latencies)]
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
        print(f"{store}: all turns p50 / p95 / p99 / max = " + " / ".join(f"{v:.0f}" for v in overall[store]) + " ms")
    print(f"\nResident memory (MB) after two warm-up messages and after the {args.turns} turns")
    print("| store | process | after warm-up | after the turns | growth |\n|---|---|---|---|---|")
    for store, processes in memory.items():
        for name, (start, end) in processes.items():
            mb = 1024 * 1024
            print(f"| {store} | {name} | {start / mb:.0f} | {end / mb:.0f} | {100 * (end - start) / start:+.1f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
