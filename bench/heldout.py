"""The held-out sets written by independent authors (tests/heldout/*.tsv), scored end to end.

Each message goes through the trained model (Rasa's own parse, in process) and then through
actions.choice, exactly as the assistant answers it; the score is about the answer the patient gets:

Topic sets (label = a topic id of knowledge/answers.yml, `out_of_scope` or `conversation`):
  accuracy         the answered topic is the label; a bare menu is wrong. An out-of-scope question is
                   right when the assistant says it cannot answer (the out_of_scope topic or "the page
                   does not cover it"); a greeting / thanks is right when answered as conversation.
                   A quoted page passage is right when its section is one the label's topic cites
                   (the patient gets the page's own words on it); `strict accuracy` counts it wrong.
  macro-F1         over the labels, same outcomes.
  OOS P / R        out_of_scope as the positive class.
  bare menu        share of in-scope questions answered only with the topic menu.
  second offered   two-question messages (note `second=<label>`) whose second topic is a button.
Emergency sets (label `emergency` / `not_emergency`): recall and precision of the emergency answer.

    .venv/bin/python -m bench.heldout [--model models/current.tar.gz] [--misses]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
HELDOUT_DIR = ROOT / "tests" / "heldout"
MODEL = ROOT / "models" / "current.tar.gz"
OOS = "out_of_scope"
CONVERSATION = "conversation"
EMERGENCY_LABELS = {"emergency", "not_emergency"}


@dataclass
class Row:
    text: str
    label: str
    second: Optional[str] = None


@dataclass
class HeldoutSet:
    name: str
    kind: str  # "topics" or "emergency"
    rows: List[Row]
    header: List[str] = field(default_factory=list)


def question_key(text: str) -> str:
    """A message without width, case, spaces or punctuation: two messages with the same key are the
    same question (used to keep held-out questions out of the training data)."""
    return re.sub(r"[\s。、．，.,!?！？…・〜~ー]", "", unicodedata.normalize("NFKC", text).lower())


def load_set(path: Path) -> HeldoutSet:
    rows, header = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            header.append(line[1:].strip())
            continue
        if not line.strip():
            continue
        text, label, *rest = line.split("\t")
        second = re.search(r"second=([a-z_]+)", rest[0]) if rest else None
        rows.append(Row(text, label.strip(), second.group(1) if second else None))
    kind = "emergency" if {r.label for r in rows} <= EMERGENCY_LABELS else "topics"
    return HeldoutSet(path.stem, kind, rows, header)


def load_sets(directory: Path = HELDOUT_DIR) -> List[HeldoutSet]:
    return [load_set(p) for p in sorted(directory.glob("*.tsv"))]


def parse_all(model: Path, texts: Sequence[str]) -> List[Dict[str, Any]]:
    """Rasa's parse of every text, in process (the same graph the server runs)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    try:
        return [loop.run_until_complete(agent.parse_message(text)) for text in texts]
    finally:
        loop.close()


def outcome(choice, kb) -> str:
    """What the patient got, in the held-out labels' terms."""
    if choice.kind in ("topic", "guess"):
        return choice.topic.id
    if choice.kind == "not_covered":
        return OOS
    if choice.kind == "passage":
        return "passage:" + choice.passage["section"]
    if choice.kind in ("unreadable", "too_long", "not_japanese"):
        return "menu"
    return choice.kind  # conversation, emergency


def is_right(label: str, got: str, kb, strict: bool = False) -> bool:
    """Whether `got` (an outcome) answers a question labelled `label` (see the module docstring)."""
    if got == label:
        return True
    if got.startswith("passage:") and not strict and label in kb.topics:
        return got[len("passage:") :] in kb.topics[label].sources
    return False


def score_topics(rows: Sequence[Row], parses: Sequence[Dict[str, Any]], kb) -> Dict[str, Any]:
    from sklearn.metrics import f1_score

    from actions.choice import choose

    choices = [choose(p, kb) for p in parses]
    got = [outcome(c, kb) for c in choices]
    labels = [r.label for r in rows]
    right = [is_right(r.label, g, kb) for r, g in zip(rows, got)]
    strict = [is_right(r.label, g, kb, strict=True) for r, g in zip(rows, got)]
    credited = [r.label if ok else g for r, g, ok in zip(rows, got, right)]
    in_scope = [i for i, r in enumerate(rows) if r.label not in (OOS, CONVERSATION)]
    oos_tp = sum(1 for r, g in zip(rows, got) if r.label == OOS and g == OOS)
    oos_fp = sum(1 for r, g in zip(rows, got) if r.label != OOS and g == OOS)
    oos_fn = sum(1 for r, g in zip(rows, got) if r.label == OOS and g != OOS)
    seconds = [(r, c) for r, c in zip(rows, choices) if r.second]
    return {
        "n": len(rows),
        "accuracy": sum(right) / len(rows),
        "strict_accuracy": sum(strict) / len(rows),
        "macro_f1": f1_score(labels, credited, labels=sorted(set(labels)), average="macro", zero_division=0),
        "oos_precision": oos_tp / (oos_tp + oos_fp) if oos_tp + oos_fp else 0.0,
        "oos_recall": oos_tp / (oos_tp + oos_fn) if oos_tp + oos_fn else 0.0,
        "bare_menu": sum(1 for i in in_scope if choices[i].is_bare_menu) / max(1, len(in_scope)),
        "passages": sum(g.startswith("passage:") for g in got) / len(rows),
        "second_offered": (sum(1 for r, c in seconds if c.second and c.second.id == r.second) / len(seconds))
        if seconds
        else None,
        "misses": [(r.text, r.label, g) for r, g, ok in zip(rows, got, right) if not ok],
    }


def score_emergency(rows: Sequence[Row], parses: Sequence[Dict[str, Any]], kb) -> Dict[str, Any]:
    from actions.choice import choose

    fired = [choose(p, kb).kind == "emergency" for p in parses]
    tp = sum(1 for r, f in zip(rows, fired) if r.label == "emergency" and f)
    fn = sum(1 for r, f in zip(rows, fired) if r.label == "emergency" and not f)
    fp = sum(1 for r, f in zip(rows, fired) if r.label != "emergency" and f)
    return {
        "n": len(rows),
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "misses": [
            (r.text, r.label, "emergency" if f else "no emergency")
            for r, f in zip(rows, fired)
            if (r.label == "emergency") != f
        ],
    }


def score_sets(sets: Sequence[HeldoutSet], parses: Sequence[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """Every set scored from the parses of its messages (in the order of `sets` and their rows)."""
    from knowledge import knowledge_base

    kb = knowledge_base()
    remaining = iter(parses)
    results = {}
    for s in sets:
        mine = [next(remaining) for _ in s.rows]
        scorer = score_emergency if s.kind == "emergency" else score_topics
        results[s.name] = {"kind": s.kind, **scorer(s.rows, mine, kb)}
    return results


def evaluate(model: Path = MODEL, sets: Optional[List[HeldoutSet]] = None) -> Dict[str, Dict[str, Any]]:
    sets = sets or load_sets()
    return score_sets(sets, parse_all(model, [r.text for s in sets for r in s.rows]))


def table(results: Dict[str, Dict[str, Any]]) -> str:
    lines = [
        f"{'held-out set':<24}{'n':>5}{'acc':>7}{'strict':>8}{'mF1':>7}{'oosP':>7}{'oosR':>7}"
        f"{'menu%':>7}{'psg%':>6}{'2nd%':>6}{'emR':>7}{'emP':>7}"
    ]
    for name, r in results.items():
        if r["kind"] == "emergency":
            lines.append(f"{name:<24}{r['n']:>5}{'':>49}{r['recall']:>7.3f}{r['precision']:>7.3f}")
        else:
            second = f"{r['second_offered']:>6.0%}" if r["second_offered"] is not None else f"{'-':>6}"
            lines.append(
                f"{name:<24}{r['n']:>5}{r['accuracy']:>7.3f}{r['strict_accuracy']:>8.3f}"
                f"{r['macro_f1']:>7.3f}{r['oos_precision']:>7.3f}{r['oos_recall']:>7.3f}"
                f"{r['bare_menu']:>7.1%}{r['passages']:>6.0%}{second}"
            )
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    results = evaluate(args.model)
    print(table(results))
    if args.misses:
        for name, r in results.items():
            print(f"\n== {name}: {len(r['misses'])} misses")
            for text, label, got in r["misses"]:
                print(f"  [{label} -> {got}] {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
