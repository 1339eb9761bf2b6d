"""Does a message get slower as the conversation log grows? Webhook latency with 10, 10,000 and
100,000 stored conversations in PostgreSQL (the production tracker store, a throwaway database).

For each size: one real 3-turn conversation is recorded (~20 events, ~20 KB: the NLU's parse data
is most of it), copied in SQL to the wanted number of conversations (same events, other sender ids
and times: 100,000 conversations are ~2 million rows, ~2 GB), then 20 new conversations of 5 turns
each are measured over the REST webhook, one message at a time.

    .venv/bin/python -m bench.stored [--sizes 10,10000,100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import List, Optional

from bench.common import percentile
from bench.turns import QUESTIONS
from harness.cluster import fresh_database, postgres_endpoints, query
from harness.stack import MODEL, start_stack

TEMPLATE = "bench-template"


def fill(db: str, conversations: int) -> int:
    """Copies the template conversation to `conversations` senders; returns the rows stored."""
    query(
        db,
        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
        "SELECT 'stored-' || g, type_name, timestamp - g * 60, intent_name, action_name, data "
        "FROM events, generate_series(1, %s) AS g WHERE sender_id = %s ORDER BY g, id",
        conversations - 1,
        TEMPLATE,
    )
    query(db, "ANALYZE events")
    return int(query(db, "SELECT count(*) FROM events")[0][0])


def measure(stack, conversations: int = 20, turns: int = 5) -> List[float]:
    latencies = []
    for c in range(conversations):
        sender = f"new-{time.time_ns()}-{c}"
        for t in range(turns):
            start = time.perf_counter()
            assert stack.say(sender, QUESTIONS[(c + t) % len(QUESTIONS)])
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,10000,100000")
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"{MODEL} missing: make train", flush=True)
        return 2
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp, fresh_database("bench_stored") as db:
            env = {"RATE_LIMIT_MESSAGES": "0"}
            with start_stack(Path(tmp) / "stack", endpoints=postgres_endpoints(db), env=env) as stack:
                for turn in range(3):
                    stack.say(TEMPLATE, QUESTIONS[turn % len(QUESTIONS)])
                started = time.perf_counter()
                stored = fill(db, size)
                filled = time.perf_counter() - started
                stack.say("warm-up", "副作用は？")
                latencies = measure(stack)
        rows.append((size, stored, filled, percentile(latencies, 0.5), percentile(latencies, 0.95)))
        print(f"{size} conversations ({stored} events, filled in {filled:.0f} s): p50 {rows[-1][3]:.0f} ms", flush=True)
    print("\nWebhook round trip of new conversations (ms) against the stored log (PostgreSQL)")
    print("| stored conversations | events in the table | p50 | p95 |\n|---|---|---|---|")
    for size, stored, _, p50, p95 in rows:
        print(f"| {size:,} | {stored:,} | {p50:.0f} | {p95:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
