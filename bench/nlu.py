"""`make bench`: our Japanese NLU pipeline against Rasa's stock pipelines and a TF-IDF baseline.

One run trains every row on the same training data (data/) and scores it on the same held-out set
(tests/nlu_heldout.yml, never trained on):

  ours   config.yml (GiNZA/Sudachi normalized forms, word2vec, lookup tables, linear SVM, fallback)
  stock  the pipeline `rasa init` (3.6) trains with (bench/configs/stock.yml)
  spacy  Rasa's SpacyNLP with ja_ginza + SpacyTokenizer/Featurizer + counts + DIET
         (bench/configs/spacy.yml)
  tfidf  character n-gram TF-IDF + logistic regression (scikit-learn, in-process)

Rasa rows are trained with `rasa train` into a temp dir (never models/), each with a private
empty cache; then each is served by `rasa run --enable-api --auth-token` (SQLite tracker store,
the real action server) and measured: /model/parse on every held-out message (predictions and
parse latency), one REST-webhook conversation (end-to-end latency with the action server),
the server's RSS and its start-to-ready time. Results go to results/bench/ (git-ignored).

    .venv/bin/python -m bench.nlu [--rows ours,stock,spacy,tfidf] [--workdir DIR --reuse]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import pickle
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bench.common import (
    FALLBACK,
    HELDOUT,
    NLU_DATA,
    OOS,
    OUR_CONFIG,
    ROOT,
    SCORING_NOTE,
    Example,
    action_server,
    condition_values,
    dump_json,
    latency_summary,
    load_examples,
    missing_training_files,
    rasa_server,
    rss_bytes,
    score,
    train_rasa,
)
from bench.heldout import load_sets, score_sets
from bench.heldout import table as heldout_table

CONFIGS = Path(__file__).resolve().parent / "configs"
RESULTS = ROOT / "results" / "bench"
RASA_ROWS = {
    "ours": OUR_CONFIG,
    "stock": CONFIGS / "stock.yml",
    "spacy": CONFIGS / "spacy.yml",
}
TITLES = {
    "ours": "ours (config.yml)",
    "stock": "rasa init stock",
    "spacy": "spaCy ja_ginza+DIET",
    "tfidf": "char TF-IDF+LogReg",
}
TFIDF = {"analyzer": "char_wb", "ngram_range": (1, 4), "sublinear_tf": True, "C": 20.0}
TARGETS = {
    "accuracy": (">=", 0.95),
    "macro_f1": (">=", 0.93),
    "oos_precision": (">=", 0.90),
    "oos_recall": (">=", 0.90),
    "condition_f1": (">=", 0.90),
    "train_seconds": ("<=", 180),
    "parse_p50_ms": ("<=", 8),
    "webhook_p50_ms": ("<=", 20),
    "webhook_p95_ms": ("<=", 40),
    "rss_mb": ("<=", 1200),
    "ready_seconds": ("<=", 15),
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def materialize_config(row: str, workdir: Path, epochs: Optional[int] = None) -> Path:
    """Our config.yml as is; a baseline's pipeline with config.yml's policies.

    `epochs` (smoke tests only) overrides every DIETClassifier/ResponseSelector's epochs."""
    if row == "ours" and not epochs:
        return OUR_CONFIG
    config = yaml.safe_load(RASA_ROWS[row].read_text())
    config["policies"] = yaml.safe_load(OUR_CONFIG.read_text())["policies"]
    for component in config["pipeline"] if epochs else []:
        if component["name"] in ("DIETClassifier", "ResponseSelector"):
            component["epochs"] = epochs
    path = workdir / f"{row}.config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path


def conversation(heldout: List[Example], n: int) -> List[str]:
    """n held-out messages taking one intent after another (a patient jumping between topics)."""
    by_intent: Dict[str, List[str]] = collections.defaultdict(list)
    for example in heldout:
        by_intent[example.intent].append(example.text)
    texts: List[str] = []
    depth = 0
    while len(texts) < n and depth < max(len(v) for v in by_intent.values()):
        for intent in sorted(by_intent):
            if depth < len(by_intent[intent]) and len(texts) < n:
                texts.append(by_intent[intent][depth])
        depth += 1
    return texts


def measure_rasa(
    row: str,
    model: Dict,
    heldout: List[Example],
    workdir: Path,
    actions_url: str,
    e2e_messages: int,
    tracker_store: str = "sqlite",
) -> Dict:
    import requests

    token = secrets.token_hex(16)
    # "ours" runs as `make run` does (the project's channel and tracker store); the others as stock Rasa.
    project = row == "ours"
    with rasa_server(model["model"], workdir / row, actions_url, token, tracker_store, project) as server:
        log(f"{row}: server ready in {server.ready_seconds:.1f}s")
        http = requests.Session()

        def parse(text: str) -> Dict:
            response = http.post(f"{server.url}/model/parse", params={"token": token}, json={"text": text}, timeout=60)
            response.raise_for_status()
            return response.json()

        def webhook(sender: str, text: str) -> List[Dict]:
            response = http.post(
                f"{server.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
            )
            response.raise_for_status()
            return response.json()

        for example in heldout[:15]:  # warm-up: TF graph, tokenizer caches, connection
            parse(example.text)
        predictions, parse_seconds = [], []
        for example in heldout:
            started = time.perf_counter()
            data = parse(example.text)
            parse_seconds.append(time.perf_counter() - started)
            ranking = data.get("intent_ranking") or []
            predictions.append(
                {
                    "text": example.text,
                    "gold": example.intent,
                    "intent": (data.get("intent") or {}).get("name"),
                    "confidence": (data.get("intent") or {}).get("confidence"),
                    "ranking": [(r.get("name"), round(r.get("confidence") or 0, 4)) for r in ranking[:3]],
                    "gold_conditions": example.conditions,
                    "conditions": condition_values(data.get("entities")),
                }
            )
        log(f"{row}: parsed {len(heldout)} held-out messages")

        heldout_sets = load_sets()
        set_parses = [parse(r.text) for s in heldout_sets for r in s.rows]
        log(f"{row}: parsed {len(set_parses)} messages of {len(heldout_sets)} held-out sets")

        for text in ["こんにちは", "副作用はありますか", "費用はいくら？", "ありがとう", "さようなら"]:
            webhook("bench-warmup", text)
        webhook_seconds, silent = [], 0
        for text in conversation(heldout, e2e_messages):
            started = time.perf_counter()
            replies = webhook("bench-e2e", text)
            webhook_seconds.append(time.perf_counter() - started)
            silent += not replies
        rss = rss_bytes(server.pid)
        log(f"{row}: {len(webhook_seconds)} webhook messages, RSS {rss / 2**20:.0f} MB")

    return {
        "predictions": predictions,
        "heldout_sets": score_sets(heldout_sets, set_parses),
        "parse": latency_summary(parse_seconds),
        "webhook": {**latency_summary(webhook_seconds), "messages_without_reply": silent},
        "rss_bytes": rss,
        "ready_seconds": server.ready_seconds,
    }


def run_tfidf(train: List[Example], heldout: List[Example], workdir: Path) -> Dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    started = time.perf_counter()
    model = make_pipeline(
        TfidfVectorizer(
            analyzer=TFIDF["analyzer"], ngram_range=TFIDF["ngram_range"], sublinear_tf=TFIDF["sublinear_tf"]
        ),
        LogisticRegression(C=TFIDF["C"], max_iter=5000),
    )
    model.fit([e.text for e in train], [e.intent for e in train])
    train_seconds = time.perf_counter() - started
    path = workdir / "tfidf.pkl"
    path.write_bytes(pickle.dumps(model))
    started = time.perf_counter()
    model = pickle.loads(path.read_bytes())
    ready_seconds = time.perf_counter() - started
    for example in heldout[:15]:
        model.predict([example.text])
    predictions, seconds = [], []
    for example in heldout:
        started = time.perf_counter()
        probabilities = model.predict_proba([example.text])[0]
        seconds.append(time.perf_counter() - started)
        best = probabilities.argmax()
        predictions.append(
            {
                "text": example.text,
                "gold": example.intent,
                "intent": str(model.classes_[best]),
                "confidence": float(probabilities[best]),
                "gold_conditions": example.conditions,
                "conditions": None,
            }
        )

    def parse(text: str) -> Dict:
        """A Rasa-like parse (intent, ranking; no entities, segments or passages), with the same
        fallback threshold as config.yml, so actions.choice can answer from it."""
        probabilities = model.predict_proba([text])[0]
        ranking = sorted(
            ({"name": str(c), "confidence": float(p)} for c, p in zip(model.classes_, probabilities)),
            key=lambda r: -r["confidence"],
        )
        top = ranking[0]
        confident = top["confidence"] >= 0.5 and top["confidence"] - ranking[1]["confidence"] >= 0.1
        intent = top if confident else {"name": FALLBACK, "confidence": 0.5}
        return {"text": text, "intent": intent, "intent_ranking": ranking[:10], "entities": []}

    sets = load_sets()
    return {
        "predictions": predictions,
        "heldout_sets": score_sets(sets, [parse(r.text) for s in sets for r in s.rows]),
        "train_seconds": train_seconds,
        "model_bytes": path.stat().st_size,
        "parse": latency_summary(seconds),
        "ready_seconds": ready_seconds,
    }


# ---------------------------------------------------------------------------- report


def summarize(row: str, result: Dict, heldout: List[Example], leaked: set) -> Dict:
    preds = result["predictions"]
    has_entities = preds[0]["conditions"] is not None
    scores = score(heldout, [p["intent"] for p in preds], [p["conditions"] for p in preds] if has_entities else None)
    unseen = [(e, p["intent"]) for e, p in zip(heldout, preds) if e.text not in leaked]
    unseen_scores = score([e for e, _ in unseen], [p for _, p in unseen])
    summary = {
        **{k: v for k, v in scores.items() if k != "per_intent"},
        "accuracy_unseen": unseen_scores["accuracy"],
        "macro_f1_unseen": unseen_scores["macro_f1"],
        "n_unseen": len(unseen),
        "train_seconds": result["train_seconds"],
        "model_mb": result["model_bytes"] / 2**20,
        "parse_p50_ms": result["parse"]["p50_ms"],
        "parse_p95_ms": result["parse"]["p95_ms"],
        "ready_seconds": result["ready_seconds"],
    }
    if "webhook" in result:
        summary.update(
            webhook_p50_ms=result["webhook"]["p50_ms"],
            webhook_p95_ms=result["webhook"]["p95_ms"],
            webhook_n=result["webhook"]["n"],
            rss_mb=result["rss_bytes"] / 2**20,
        )
    return {"summary": summary, "per_intent": scores["per_intent"]}


LINES = [
    ("intent accuracy", "accuracy", "{:.3f}"),
    ("macro-F1", "macro_f1", "{:.3f}"),
    ("accuracy w/o copies of data/", "accuracy_unseen", "{:.3f}"),
    ("macro-F1 w/o copies of data/", "macro_f1_unseen", "{:.3f}"),
    ("OOS precision (not-a-topic)", "oos_precision", "{:.3f}"),
    ("OOS recall (not-a-topic)", "oos_recall", "{:.3f}"),
    ("fallback% on in-scope", "fallback_rate_in_scope", "{:.1%}"),
    ("condition entity F1", "condition_f1", "{:.3f}"),
    ("training time (s)", "train_seconds", "{:.0f}"),
    ("model size (MB)", "model_mb", "{:.1f}"),
    ("parse p50 (ms)", "parse_p50_ms", "{:.1f}"),
    ("parse p95 (ms)", "parse_p95_ms", "{:.1f}"),
    ("webhook e2e p50 (ms)", "webhook_p50_ms", "{:.1f}"),
    ("webhook e2e p95 (ms)", "webhook_p95_ms", "{:.1f}"),
    ("server RSS (MB)", "rss_mb", "{:.0f}"),
    ("model load / ready (s)", "ready_seconds", "{:.1f}"),
]


def meets(key: str, value) -> str:
    if key not in TARGETS or value is None:
        return ""
    op, bound = TARGETS[key]
    ok = value >= bound if op == ">=" else value <= bound
    return "ok" if ok else "MISS"


def table(
    summaries: Dict[str, Dict], n_heldout: int, n_oos: int, n_train: int, n_leaked: int, tracker: str = "SQLite"
) -> str:
    rows = list(summaries)
    width = 20
    head = f"{'metric':<30}{'target':>9}{'':>6}" + "".join(f"{TITLES[r]:>{width}}" for r in rows)
    out = [head, "-" * len(head)]
    for label, key, fmt in LINES:
        if key.endswith("_unseen") and not n_leaked:
            continue  # same as the rows above when no held-out message is in data/
        target = "".join(map(str, TARGETS[key])) if key in TARGETS else ""
        ours = summaries.get("ours", {}).get(key)
        cells = []
        for r in rows:
            value = summaries[r].get(key)
            cells.append(f"{(fmt.format(value) if value is not None else 'n/a'):>{width}}")
        out.append(f"{label:<30}{target:>9}{meets(key, ours):>6}" + "".join(cells))
    if "ours" in summaries:
        ours = summaries["ours"]["accuracy"]

        def cell(r: str, text: str) -> str:
            return f"{('-' if r == 'ours' else text):>{width}}"

        cells = "".join(cell(r, "x{:.3f}".format(ours / max(summaries[r]["accuracy"], 1e-9))) for r in rows)
        out.append(f"{'accuracy ratio ours / row':<30}{'>1':>9}{'':>6}" + cells)
        cells = "".join(cell(r, "{:+.1f} pt".format(100 * (ours - summaries[r]["accuracy"]))) for r in rows)
        out.append(f"{'accuracy ours - row':<30}{'':>9}{'':>6}" + cells)
    out += [
        "-" * len(head),
        f"held-out: {n_heldout} messages ({n_heldout - n_oos} in scope + {n_oos} out_of_scope), "
        f"tests/nlu_heldout.yml; training: {n_train} examples from data/nlu; "
        + (
            f'{n_leaked} held-out messages are verbatim in data/nlu too ("w/o copies" rows leave them out).'
            if n_leaked
            else "no held-out message is verbatim in data/nlu."
        ),
        "Scoring: " + SCORING_NOTE,
        "Timing: parse = POST /model/parse on `rasa run --enable-api --auth-token` over loopback "
        "(client included), every held-out message after 15 warm-up parses; tfidf row: in-process "
        "predict_proba. webhook = POST /webhooks/rest/webhook, one conversation of "
        f"{summaries.get('ours', {}).get('webhook_n', '?')} messages (REST channel, "
        f"{tracker} tracker store, real action server). RSS = VmRSS of the rasa process after the "
        "run. load/ready = spawn of `rasa run` until /status answers (Python + TensorFlow imports "
        "+ model load); tfidf row: unpickling. training = wall time of `rasa train` (core + NLU, "
        "empty cache). Shared 2-core machine: timings are noisy.",
    ]
    return "\n".join(out)


def plot_confusion(row: str, predictions: List[Dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in ("Noto Sans CJK JP", "IPAexGothic", "TakaoGothic"):
        if family in names:
            plt.rcParams["font.family"] = family
            break
    gold = sorted({p["gold"] for p in predictions})
    extra = sorted({p["intent"] or FALLBACK for p in predictions} - set(gold))
    cols = gold + extra
    matrix = np.zeros((len(gold), len(cols)), dtype=int)
    for p in predictions:
        matrix[gold.index(p["gold"]), cols.index(p["intent"] or FALLBACK)] += 1
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(0.42 * len(cols) + 4, 0.42 * len(gold) + 3))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(gold)):
        for j in range(len(cols)):
            if matrix[i, j]:
                ax.text(
                    j,
                    i,
                    str(matrix[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if shares[i, j] > 0.6 else ("black" if i == j else "firebrick"),
                )
    ax.set_xticks(range(len(cols)), cols, rotation=90, fontsize=8)
    ax.set_yticks(range(len(gold)), gold, fontsize=8)
    ax.set_xlabel("predicted (raw: nlu_fallback shown apart)")
    ax.set_ylabel("held-out label")
    accuracy = sum(
        p["gold"] == ("out_of_scope" if p["intent"] in (OOS, FALLBACK) else p["intent"]) for p in predictions
    ) / len(predictions)
    ax.set_title(f"{TITLES[row]}: held-out confusion (accuracy {accuracy:.3f}) / 混同行列")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def per_intent_report(results: Dict[str, Dict], reports: Dict[str, Dict], worst: int = 8) -> str:
    out = ["# Held-out per-intent report (worst intents first)", "", "Scoring: " + SCORING_NOTE, ""]
    for row, report in reports.items():
        per_intent = report["per_intent"]
        ordered = sorted(per_intent, key=lambda i: (per_intent[i]["f1"], per_intent[i]["recall"]))
        preds = results[row]["predictions"]
        out += [
            f"## {TITLES[row]}",
            "",
            "| intent | precision | recall | F1 | support | most frequent confusions (gold → predicted) |",
            "|---|---|---|---|---|---|",
        ]
        for intent in ordered[:worst]:
            s = per_intent[intent]
            wrong = collections.Counter(
                p["intent"]
                for p in preds
                if p["gold"] == intent and (OOS if p["intent"] in (OOS, FALLBACK) else p["intent"]) != intent
            )
            stolen = collections.Counter(
                p["gold"]
                for p in preds
                if p["gold"] != intent and (OOS if p["intent"] in (OOS, FALLBACK) else p["intent"]) == intent
            )
            confusions = ", ".join(f"→{k} ×{v}" for k, v in wrong.most_common(3))
            if stolen:
                confusions += "; taken from " + ", ".join(f"{k} ×{v}" for k, v in stolen.most_common(3))
            out.append(
                f"| {intent} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} | "
                f"{s['support']} | {confusions} |"
            )
        out.append("")
        if row == "ours":
            out += ["### Our misclassified held-out messages, worst intents first", ""]
            rank = {intent: k for k, intent in enumerate(ordered)}
            mistakes = [p for p in preds if p["gold"] != (OOS if p["intent"] in (OOS, FALLBACK) else p["intent"])]
            for p in sorted(mistakes, key=lambda p: (rank.get(p["gold"], 99), p["text"])):
                top = ", ".join(f"{n} {c:.2f}" for n, c in p.get("ranking") or [])
                out.append(f"- [{p['gold']} → {p['intent']}] {p['text']}  (ranking: {top})")
            entity_errors = [
                p
                for p in preds
                if p["conditions"] is not None and sorted(p["conditions"]) != sorted(p["gold_conditions"])
            ]
            out += ["", "### Our condition-entity errors", ""]
            out += [
                f"- {p['text']}: annotated {p['gold_conditions']}, extracted {p['conditions']}" for p in entity_errors
            ] or ["- none"]
            out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------- main


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="ours,stock,spacy,tfidf")
    parser.add_argument("--workdir", type=Path, help="keep models/logs here (default: temp dir)")
    parser.add_argument("--reuse", action="store_true", help="reuse models already in --workdir")
    parser.add_argument("--e2e-messages", type=int, default=40)
    parser.add_argument(
        "--tracker-store",
        choices=["sqlite", "memory"],
        default="sqlite",
        help="for the webhook conversation (default: SQLite, as endpoints.yml)",
    )
    parser.add_argument("--epochs", type=int, help="smoke test only: override DIET epochs in every Rasa row")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--train-only", action="store_true", help="train the Rasa rows and stop")
    args = parser.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = set(rows) - set(TITLES)
    if unknown:
        parser.error(f"unknown rows {sorted(unknown)}; known: {list(TITLES)}")
    missing = missing_training_files()
    if missing:
        print(f"data/nlu is missing {missing}: nothing to benchmark yet", file=sys.stderr)
        return 2

    begun = time.monotonic()
    train = load_examples(NLU_DATA)
    heldout = load_examples(HELDOUT)
    leaked = sorted({e.text for e in heldout} & {e.text for e in train})
    if leaked:
        log(
            f"WARNING: {len(leaked)} held-out messages are also, verbatim, in data/ "
            f"(listed in results/bench/per_intent.md); accuracy is also given without them"
        )
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-nlu-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    log(f"{len(train)} training examples, {len(heldout)} held-out; work dir {workdir}")

    results: Dict[str, Dict] = {}
    try:
        for row in (r for r in rows if r in RASA_ROWS):
            config = materialize_config(row, workdir, args.epochs)
            fingerprint = hashlib.sha1(
                config.read_bytes() + b"".join(p.read_bytes() for p in sorted(NLU_DATA.rglob("*.yml")))
            ).hexdigest()
            saved = workdir / f"{row}.train.json"
            if args.reuse and saved.exists() and (workdir / f"{row}.tar.gz").exists():
                previous = json.loads(saved.read_text())
                if previous.get("fingerprint") == fingerprint:
                    results[row] = previous
                    log(f"{row}: reusing {previous['model']} (same config and data/nlu)")
                    continue
            log(f"{row}: training ({RASA_ROWS[row].relative_to(ROOT)})")
            results[row] = {**train_rasa(config, workdir, row), "fingerprint": fingerprint}
            dump_json(workdir / f"{row}.train.json", results[row])
            log(f"{row}: trained in {results[row]['train_seconds']:.0f}s, {results[row]['model_bytes'] / 2**20:.1f} MB")
        if args.train_only:
            log("--train-only: models trained; nothing measured")
            return 0
        served = [r for r in rows if r in RASA_ROWS]
        if served:
            with action_server(workdir) as actions_url:
                for row in served:
                    results[row].update(
                        measure_rasa(
                            row, results[row], heldout, workdir, actions_url, args.e2e_messages, args.tracker_store
                        )
                    )
        if "tfidf" in rows:
            log("tfidf: training and predicting in-process")
            results["tfidf"] = run_tfidf(train, heldout, workdir)

        reports = {row: summarize(row, results[row], heldout, set(leaked)) for row in rows}
        summaries = {row: reports[row]["summary"] for row in rows}
        n_oos = sum(e.intent == OOS for e in heldout)
        text = table(
            summaries,
            len(heldout),
            n_oos,
            len(train),
            len(leaked),
            {"sqlite": "SQLite", "memory": "in-memory"}[args.tracker_store],
        )
        text += (
            "\n\nHeld-out sets of independent authors (tests/heldout/), answered end to end through\n"
            "actions.choice (bench/heldout.py explains the scoring):\n"
        )
        for row in rows:
            if results[row].get("heldout_sets"):
                text += f"\n{TITLES[row]}\n" + heldout_table(results[row]["heldout_sets"]) + "\n"
        text += f"\nbench wall time: {time.monotonic() - begun:.0f}s"
        if args.epochs:
            text += f"\nSMOKE TEST: DIET epochs overridden to {args.epochs}; not the benchmark."
        print()
        print(text)
        (args.out / "table.txt").write_text(text + "\n")
        (args.out / "per_intent.md").write_text(
            per_intent_report(results, reports)
            + f"\n## Held-out messages also verbatim in data/nlu ({len(leaked)})\n\n"
            + "".join(f"- {t}\n" for t in leaked)
        )
        for row in rows:
            plot_confusion(row, results[row]["predictions"], args.out / f"confusion_{row}.png")
            with (args.out / f"predictions_{row}.jsonl").open("w") as handle:
                for p in results[row]["predictions"]:
                    handle.write(json.dumps(p, ensure_ascii=False) + "\n")
        dump_json(
            args.out / "bench.json",
            {
                "summaries": summaries,
                "per_intent": {row: reports[row]["per_intent"] for row in rows},
                "latency": {row: {k: results[row].get(k) for k in ("parse", "webhook")} for row in rows},
                "heldout_sets": {row: results[row].get("heldout_sets") for row in rows},
                "tfidf": {**TFIDF, "ngram_range": list(TFIDF["ngram_range"])},
            },
        )
        log(f"wrote {args.out}/: table.txt, per_intent.md, bench.json, confusion_<row>.png, predictions_<row>.jsonl")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
