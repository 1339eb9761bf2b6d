"""Tunes config.yml's numbers on a validation split carved from data/ (never the held-out set).

A stratified split of data/nlu's examples (default 80/20, per seed) trains each variant of
config.yml (one change at a time from the current config) and scores it on the other 20%.
Fallback thresholds are swept afterwards on each variant's own intent rankings (no retraining):
FallbackClassifier's rule (top < threshold, or top - second < ambiguity_threshold), then
LongMessageGuard and EmergencyOverride as in the pipeline.

    .venv/bin/python -m bench.tune [--variants base,lemma_dictionary,...] [--seeds 0,1]

Each variant is trained and evaluated in its own subprocess (`--worker`), with a private empty
Rasa cache, so training times compare. Results: results/bench/tune.json and tune.txt.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

from bench.common import (
    FALLBACK,
    NLU_DATA,
    OOS,
    OUR_CONFIG,
    ROOT,
    SCORING_NOTE,
    Example,
    condition_values,
    dump_json,
    examples_from,
    latency_summary,
    missing_training_files,
    quiet_env,
    score,
)

RESULTS = ROOT / "results" / "bench"
THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7]
AMBIGUITIES = [0.0, 0.05, 0.1, 0.15, 0.2]


def _component(pipeline: List[Dict], name: str) -> Dict:
    return next(c for c in pipeline if c["name"].endswith(name))


def _classifier(**options) -> Callable[[List[Dict]], None]:
    return lambda pipeline: _component(pipeline, "LinearIntentClassifier").update(options)


VARIANTS: Dict[str, Tuple[str, Callable[[List[Dict]], None]]] = {
    "base": ("config.yml as it is", lambda pipeline: None),
    "C_0.5": ("LinearIntentClassifier C 0.5", _classifier(C=0.5)),
    "C_2": ("LinearIntentClassifier C 2", _classifier(C=2.0)),
    "char_1_3": ("character n-grams 1-3", _classifier(char_ngrams=[1, 3])),
    "char_2_5": ("character n-grams 2-5", _classifier(char_ngrams=[2, 5])),
    "no_vectors": ("without the word2vec mean", _classifier(vector_weight=0.0)),
    "vectors_x2": ("word2vec mean weighted x2", _classifier(vector_weight=2.0)),
    "no_reading": ("without the hiragana reading n-grams", _classifier(reading_weight=0.0)),
    "reading_0.5": ("reading n-grams weighted x0.5", _classifier(reading_weight=0.5)),
}


def variant_config(name: str, base: Optional[Dict] = None) -> Dict:
    config = copy.deepcopy(base or yaml.safe_load(OUR_CONFIG.read_text()))
    config.pop("policies", None)
    for part in name.split("+"):
        VARIANTS[part][1](config["pipeline"])
    return config


# ---------------------------------------------------------------------------- data split


def split_data(seed: int, share: float, workdir: Path) -> Tuple[Path, List[Example]]:
    """Writes the training part (with all lookups and synonym files) and returns the val part."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import train_test_split

    data = load_data(str(NLU_DATA))
    examples = data.intent_examples
    train, val = train_test_split(
        examples, test_size=share, random_state=seed, stratify=[m.get("intent") for m in examples]
    )
    # Synonyms from the files without examples only (synonyms.yml): annotated examples carry
    # their own, and the validation part's must not leak into training.
    synonyms: Dict[str, str] = {}
    for path in sorted(NLU_DATA.glob("*.yml")):
        part = load_data(str(path))
        if not part.intent_examples:
            synonyms.update(part.entity_synonyms)
    train_data = TrainingData(
        training_examples=list(train),
        entity_synonyms=synonyms,
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
    )
    path = workdir / f"train_seed{seed}.yml"
    path.write_text(train_data.nlu_as_yaml())
    return path, examples_from(TrainingData(training_examples=list(val)))


# ---------------------------------------------------------------------------- worker


def worker(config: Path, nlu: Path, val_json: Path, out_json: Path, model_dir: Path) -> None:
    """Trains one variant (rasa.api.train_nlu) and parses the validation texts in-process."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    from japanese_nlu import MAX_MESSAGE_CHARS

    texts = json.loads(val_json.read_text())
    started = time.monotonic()
    model = train_nlu(str(config), str(nlu), str(model_dir), fixed_model_name="variant")
    train_seconds = time.monotonic() - started
    agent = Agent.load(model)
    loop = asyncio.new_event_loop()
    for text in texts[:15]:
        loop.run_until_complete(agent.parse_message(text))
    rows, seconds = [], []
    for text in texts:
        started = time.perf_counter()
        data = loop.run_until_complete(agent.parse_message(text))
        seconds.append(time.perf_counter() - started)
        rows.append(
            {
                "intent": data["intent"]["name"],
                "ranking": [
                    (r["name"], r["confidence"]) for r in data.get("intent_ranking") or [] if r["name"] != FALLBACK
                ][:2],
                "emergency": data["intent"]["name"] == "report_emergency",
                "too_long": len(text) > MAX_MESSAGE_CHARS,
                "conditions": condition_values(data.get("entities")),
                "parse": {
                    k: data.get(k)
                    for k in (
                        "text",
                        "intent",
                        "intent_ranking",
                        "entities",
                        "segments",
                        "page_passages",
                        "symptom_mentions",
                    )
                },
            }
        )
    out_json.write_text(
        json.dumps(
            {
                "train_seconds": train_seconds,
                "model_bytes": Path(model).stat().st_size,
                "parse": latency_summary(seconds),
                "rows": rows,
            },
            ensure_ascii=False,
        )
    )


CHOICE_GRID = {
    "fallback_threshold": [0.3, 0.4, 0.5, 0.6],
    "fallback_ambiguity": [0.0, 0.05, 0.1],
    "guess_confidence": [0.2, 0.3, 0.4],
    "guess_margin": [0.0, 0.1, 0.2],
    "passage_score": [3.0, 6.0, 9.0, 1e9],
    "passage_prior": [0.0, 10.0],
}


def expected_answer(example: Example, parse: Dict, kb) -> Optional[str]:
    """What a validation example should get, in actions.choice's terms (None: not scored)."""
    from actions.choice import CONVERSATION_RESPONSES, EMERGENCY

    if example.intent == OOS:
        return OOS
    if example.intent == EMERGENCY:
        return "emergency"
    if example.intent in CONVERSATION_RESPONSES:
        return "conversation"
    entities = {e["entity"]: e["value"] for e in parse.get("entities") or []}
    topic = kb.find(example.intent, entities)
    return topic.id if topic else None


def with_fallback(parse: Dict, threshold: float, ambiguity: float) -> Dict:
    """The parse as FallbackClassifier at these thresholds would have left it (overrides such as
    the emergency or long-message intents are kept)."""
    intent = (parse.get("intent") or {}).get("name")
    if intent in ("report_emergency",) or (parse.get("intent") or {}).get("confidence") == 1.0 and intent == FALLBACK:
        return parse
    ranking = [r for r in parse.get("intent_ranking") or [] if r["name"] != FALLBACK]
    if not ranking:
        return parse
    top = ranking[0]["confidence"]
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    confident = top >= threshold and top - second >= ambiguity
    return {**parse, "intent": ranking[0] if confident else {"name": FALLBACK, "confidence": threshold}}


def choice_sweep(rows: List[Dict], val: List[Example]) -> Dict[str, Dict]:
    """actions.choice on each validation parse for every threshold combination (the FallbackClassifier
    thresholds simulated on the ranking): accuracy (a passage counts when its section is a source of
    the expected topic), OOS precision/recall, passage share."""
    import itertools

    from actions.choice import Thresholds, choose
    from bench.heldout import is_right, outcome
    from knowledge import knowledge_base

    kb = knowledge_base()
    gold = [expected_answer(e, r["parse"], kb) for e, r in zip(val, rows)]
    results = {}
    for values in itertools.product(*CHOICE_GRID.values()):
        named = dict(zip(CHOICE_GRID, values))
        fallback = (named.pop("fallback_threshold"), named.pop("fallback_ambiguity"))
        thresholds = Thresholds(**named)
        right = scored = oos_tp = oos_fp = oos_fn = passages = 0
        for expected, row in zip(gold, rows):
            if expected is None:
                continue
            got = outcome(choose(with_fallback(row["parse"], *fallback), kb, thresholds), kb)
            scored += 1
            passages += got.startswith("passage:")
            right += is_right(expected, got, kb)
            if expected == OOS:
                oos_tp += got == OOS
                oos_fn += got != OOS
            elif got == OOS:
                oos_fp += 1
        results["/".join(f"{v:g}" for v in values)] = {
            "accuracy": right / scored,
            "oos_precision": oos_tp / (oos_tp + oos_fp) if oos_tp + oos_fp else 0.0,
            "oos_recall": oos_tp / (oos_tp + oos_fn) if oos_tp + oos_fn else 0.0,
            "passage_share": passages / scored,
        }
    return results


def simulate(rows: List[Dict], threshold: float, ambiguity: float) -> List[str]:
    """The pipeline's last three steps on the classifier's ranking: fallback, long-message guard, emergency."""
    out = []
    for row in rows:
        ranking = row["ranking"]
        top = ranking[0][1] if ranking else 0.0
        second = ranking[1][1] if len(ranking) > 1 else 0.0
        intent = ranking[0][0] if ranking else FALLBACK
        if top < threshold or top - second < ambiguity:
            intent = FALLBACK
        if row["too_long"]:
            intent = FALLBACK
        if row["emergency"]:
            intent = "report_emergency"
        out.append(intent)
    return out


# ---------------------------------------------------------------------------- main


def fmt_row(name: str, s: Dict, extra: str = "") -> str:
    return (
        f"{name:<34}{s['accuracy']:>7.3f}{s['macro_f1']:>7.3f}{s['oos_precision']:>7.3f}"
        f"{s['oos_recall']:>7.3f}{s['fallback_rate_in_scope']:>8.1%}"
        f"{s.get('condition_f1', float('nan')):>7.3f}{extra}"
    )


HEADER = f"{'variant':<34}{'acc':>7}{'mF1':>7}{'oosP':>7}{'oosR':>7}{'fb%':>8}{'condF1':>7}"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--variants",
        default=",".join(VARIANTS),
        help="comma-separated; combine changes with '+', e.g. char_2_4+epochs_50",
    )
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--share", type=float, default=0.2, help="validation share")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--reuse", action="store_true", help="reuse variant results already in --workdir (same split seed)"
    )
    parser.add_argument("--worker", nargs=5, metavar=("CONFIG", "NLU", "VAL", "OUT", "MODELDIR"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--report-only", action="store_true", help="print the report of the runs saved in --out/tune.json"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        saved = json.loads((args.out / "tune.json").read_text())
        text = report(saved, tuple(saved["current_fallback"]))
        print(text)
        (args.out / "tune.txt").write_text(text + "\n")
        return 0
    if args.worker:
        worker(*map(Path, args.worker))
        return 0
    missing = missing_training_files()
    if missing:
        print(f"data/nlu is missing {missing}", file=sys.stderr)
        return 2
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    for v in variants:
        for part in v.split("+"):
            if part not in VARIANTS:
                parser.error(f"unknown variant {part}; known: {list(VARIANTS)}")
    seeds = [int(s) for s in args.seeds.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-tune-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    base = yaml.safe_load(OUR_CONFIG.read_text())
    fallback = _component(base["pipeline"], "FallbackClassifier")
    current = (fallback.get("threshold", 0.3), fallback.get("ambiguity_threshold", 0.1))

    results: Dict = {"seeds": seeds, "share": args.share, "current_fallback": current, "variants": {}}
    tune_json = args.out / "tune.json"
    try:
        for seed in seeds:
            nlu, val = split_data(seed, args.share, workdir)
            val_json = workdir / f"val_seed{seed}.json"
            val_json.write_text(json.dumps([e.text for e in val], ensure_ascii=False))
            print(
                f"seed {seed}: {sum(1 for _ in open(nlu))} lines of training data, {len(val)} validation examples",
                flush=True,
            )
            for name in variants:
                pipeline = variant_config(name, base)
                # Results are keyed by the variant's pipeline and the training split: --reuse never
                # mixes up configs or data when config.yml or data/ change between runs.
                key = hashlib.sha1(
                    yaml.safe_dump(pipeline["pipeline"], sort_keys=True).encode() + nlu.read_bytes()
                ).hexdigest()[:8]
                config = workdir / f"{name}.{key}.config.yml"
                config.write_text(yaml.safe_dump(pipeline, allow_unicode=True, sort_keys=False))
                out = workdir / f"{name}.{key}.seed{seed}.json"
                model_dir = workdir / f"{name}.{key}.seed{seed}.models"
                started = time.monotonic()
                if not (args.reuse and out.exists()):
                    log = workdir / f"{name}.{key}.seed{seed}.log"
                    with log.open("w") as handle:
                        proc = subprocess.run(
                            [
                                sys.executable,
                                "-m",
                                "bench.tune",
                                "--worker",
                                str(config),
                                str(nlu),
                                str(val_json),
                                str(out),
                                str(model_dir),
                            ],
                            cwd=ROOT,
                            stdout=handle,
                            stderr=subprocess.STDOUT,
                            timeout=3600,
                            env=quiet_env(RASA_CACHE_DIRECTORY=str(workdir / f"cache.{name}.{seed}")),
                        )
                    shutil.rmtree(workdir / f"cache.{name}.{seed}", ignore_errors=True)
                    shutil.rmtree(model_dir, ignore_errors=True)
                    if proc.returncode != 0:
                        print(f"  {name}: FAILED\n{log.read_text()[-3000:]}", flush=True)
                        continue
                run = json.loads(out.read_text())
                grid = {}
                for t in THRESHOLDS:
                    for a in AMBIGUITIES:
                        preds = simulate(run["rows"], t, a)
                        s = score(val, preds, [r["conditions"] for r in run["rows"]])
                        s.pop("per_intent")
                        grid[f"{t}/{a}"] = s
                cfg_threshold = variant_config(name, base)
                fb = _component(cfg_threshold["pipeline"], "FallbackClassifier")
                key = f"{fb.get('threshold', 0.3)}/{fb.get('ambiguity_threshold', 0.1)}"
                actual = score(val, [r["intent"] for r in run["rows"]], [r["conditions"] for r in run["rows"]])
                actual.pop("per_intent")
                entry = results["variants"].setdefault(
                    name,
                    {
                        "description": " + ".join(VARIANTS[p][0] for p in name.split("+")),
                        "runs": {},
                        "pipeline": pipeline["pipeline"],
                    },
                )
                entry["runs"][str(seed)] = {
                    "actual": actual,
                    "grid": grid,
                    "choice": choice_sweep(run["rows"], val),
                    "train_seconds": run["train_seconds"],
                    "parse_p50_ms": run["parse"]["p50_ms"],
                    "model_bytes": run["model_bytes"],
                    "wall_seconds": time.monotonic() - started,
                    "simulation_matches": grid.get(key, {}).get("accuracy") == actual["accuracy"],
                }
                print(
                    fmt_row(
                        f"  {name} (seed {seed})",
                        actual,
                        f"  train {run['train_seconds']:.0f}s parse {run['parse']['p50_ms']:.1f}ms",
                    ),
                    flush=True,
                )
                dump_json(tune_json, results)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    text = report(results, current)
    print(text)
    (args.out / "tune.txt").write_text(text + "\n")
    dump_json(tune_json, results)
    return 0


def _mean(runs: Dict, getter: Callable[[Dict], float]) -> float:
    values = [getter(r) for r in runs.values()]
    return sum(values) / len(values)


def _delta(runs: Dict, base_runs: Dict) -> str:
    """Mean accuracy difference to `base` over the seeds both ran on (same splits)."""
    common = [seed for seed in runs if seed in base_runs]
    if not common:
        return "-"
    diff = sum(runs[s]["actual"]["accuracy"] - base_runs[s]["actual"]["accuracy"] for s in common) / len(common)
    return f"{100 * diff:+.1f} pt"


def report(results: Dict, current: Tuple[float, float]) -> str:
    key = f"{current[0]}/{current[1]}"
    lines = [
        f"Validation: stratified {results['share']:.0%} of data/nlu per split; "
        f"means over the split seeds each variant ran on (column seeds). Never the held-out set.",
        f"A. Variants at the current fallback thresholds ({key}):",
        "",
        HEADER + f"{'train s':>9}{'parse ms':>9}{'seeds':>7}{'Δacc vs base':>14}",
    ]
    base_runs = results["variants"].get("base", {}).get("runs", {})
    for name, entry in results["variants"].items():
        runs = entry["runs"]
        mean = {
            k: _mean(runs, lambda r, k=k: r["actual"].get(k, float("nan")))
            for k in ("accuracy", "macro_f1", "oos_precision", "oos_recall", "fallback_rate_in_scope", "condition_f1")
        }
        lines.append(
            fmt_row(
                name,
                mean,
                f"{_mean(runs, lambda r: r['train_seconds']):>9.0f}"
                f"{_mean(runs, lambda r: r['parse_p50_ms']):>9.1f}"
                f"{','.join(runs):>7}"
                f"{_delta(runs, base_runs):>14}",
            )
        )
    lines += [
        "",
        "B. Fallback threshold / ambiguity_threshold sweep on each variant's rankings "
        "(best 3 by accuracy with OOS precision and recall >= 0.90, else by accuracy):",
        "",
    ]
    lines.append(HEADER.replace("variant", "variant @ threshold/ambiguity"))
    for name, entry in results["variants"].items():
        runs = entry["runs"]
        keys = next(iter(runs.values()))["grid"].keys()
        means = {
            k: {
                m: _mean(runs, lambda r, k=k, m=m: r["grid"][k][m])
                for m in (
                    "accuracy",
                    "macro_f1",
                    "oos_precision",
                    "oos_recall",
                    "fallback_rate_in_scope",
                    "condition_f1",
                )
            }
            for k in keys
        }
        good = [k for k in keys if means[k]["oos_precision"] >= 0.9 and means[k]["oos_recall"] >= 0.9]
        ranked = sorted(good or keys, key=lambda k: (-means[k]["accuracy"], -means[k]["macro_f1"]))
        for k in ranked[:3]:
            lines.append(fmt_row(f"{name} @ {k}", means[k]))
    lines += [
        "",
        "C. Answer choice (actions.choice): fallback threshold/ambiguity, guess_confidence/"
        "guess_margin/passage_score/passage_prior, "
        "best 5 by accuracy with OOS precision and recall "
        ">= 0.90 (else by accuracy); a passage counts as right when its section is a source of "
        "the expected topic:",
        "",
        f"{'variant @ thresholds':<40}{'acc':>7}{'oosP':>7}{'oosR':>7}{'passage%':>10}",
    ]
    for name, entry in results["variants"].items():
        runs = [r for r in entry["runs"].values() if "choice" in r]
        if not runs:
            continue
        keys = runs[0]["choice"].keys()
        means = {
            k: {
                m: sum(r["choice"][k][m] for r in runs) / len(runs)
                for m in ("accuracy", "oos_precision", "oos_recall", "passage_share")
            }
            for k in keys
        }
        good = [k for k in keys if means[k]["oos_precision"] >= 0.9 and means[k]["oos_recall"] >= 0.9]
        for k in sorted(good or keys, key=lambda k: -means[k]["accuracy"])[:5]:
            m = means[k]
            lines.append(
                f"{name + ' @ ' + k:<40}{m['accuracy']:>7.3f}{m['oos_precision']:>7.3f}"
                f"{m['oos_recall']:>7.3f}{m['passage_share']:>10.1%}"
            )
    lines += [
        "",
        "Scoring: " + SCORING_NOTE,
        "Timing: in-process train_nlu and Agent.parse_message; shared 2-core machine, noisy.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
