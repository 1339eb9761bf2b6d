"""A small learned emergency detector, next to the lexicon (japanese_nlu/emergency.py), for recall.

EmergencyClassifier is a trainable Rasa graph component. It learns, from the Rasa training data,
whether a message reports an emergency: positives are the examples of `report_emergency`
(data/nlu/emergency.yml), negatives every other intent's examples; the risk questions,
hypotheticals and histories of ask_safety / ask_eligibility are the hard negatives. At inference
it sets the message property `emergency_probability`; EmergencyOverride (components.py) reports
an emergency when the lexicon fires OR that probability reaches its threshold (config.yml).

The model: TF-IDF over character n-grams (1-3) of the normalised text (NFKC, lower case,
katakana folded to hiragana as emergency.py does, spaces kept as one space) plus, optionally,
word uni/bi-grams of the Sudachi normalised lemmas SudachiTokenizer sets, and a class-balanced
logistic regression (scikit-learn). Character n-grams need no tokenizer, survive typos and kana
spelled words, and work for the English, Chinese, Korean ... examples too.

Two models, one per script (`script()`): Japanese (kana in the message) and every other language
(Latin, Hangul, Chinese, Devanagari, Thai …), each trained only on the examples of its script. One
model over both learned "not Japanese means emergency" while the foreign examples were nearly all
emergencies; the other-languages model has its own examples on both sides and its own threshold in
config.yml (EmergencyOverride `other_languages_threshold`).

They are persisted as JSON in Rasa's ModelStorage (no pickle): each feature with its idf and weight,
and the intercept. Prediction is plain Python over those dictionaries: the same arithmetic as
scikit-learn's TfidfVectorizer + LogisticRegression (tests check that), a few tens of microseconds
per message.

Cross-validation that chose the threshold in config.yml:

    .venv/bin/python -m japanese_nlu.emergency_classifier                  # Japanese: 5-fold, 3 repeats
    .venv/bin/python -m japanese_nlu.emergency_classifier --script other   # the other languages
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from japanese_nlu.text import hiragana

logger = logging.getLogger(__name__)

PROBABILITY = "emergency_probability"  # the message property set by the classifier
EMERGENCY_INTENT = "report_emergency"
MODEL_FILE = "emergency_classifier.json"

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalize(text: Optional[str]) -> str:
    """NFKC, lower case, katakana folded to hiragana, runs of spaces as one space."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = hiragana(text)
    return re.sub(r"\s+", " ", text).strip()


def features(text: Optional[str], lemmas: Optional[Sequence[str]], config: Dict[Text, Any]) -> List[str]:
    """The message's features: character n-grams ("c:" + gram) of the normalised text, padded with
    a space at both ends so that beginnings and ends of messages are features too, and, when
    `use_lemmas` is on, word uni/bi-grams of the Sudachi lemmas ("w:" + lemma(s))."""
    norm = f" {normalize(text)} "
    grams = [
        "c:" + norm[i : i + n]
        for n in range(config["min_ngram"], config["max_ngram"] + 1)
        for i in range(len(norm) - n + 1)
    ]
    if config.get("use_lemmas") and lemmas:
        words = [normalize(w) for w in lemmas if w and w.strip()]
        grams += ["w:" + w for w in words]
        grams += ["w:" + a + "|" + b for a, b in zip(words, words[1:])]
    return grams


@dataclass
class EmergencyModel:
    """Features -> probability. `weights[feature] = (idf, coefficient)`."""

    config: Dict[Text, Any]
    weights: Dict[str, Tuple[float, float]] = field(default_factory=dict)
    intercept: float = 0.0

    def probability(self, text: Optional[str], lemmas: Optional[Sequence[str]] = None) -> float:
        counts = Counter(g for g in features(text, lemmas, self.config) if g in self.weights)
        if not counts:
            return _sigmoid(self.intercept)
        score, norm = 0.0, 0.0
        for gram, count in counts.items():
            idf, coef = self.weights[gram]
            value = (1.0 + math.log(count)) * idf  # sublinear tf, as trained
            score += value * coef
            norm += value * value
        return _sigmoid(score / math.sqrt(norm) + self.intercept)

    def to_json(self) -> Dict[Text, Any]:
        weights = {gram: (round(idf, 6), round(coef, 6)) for gram, (idf, coef) in self.weights.items()}
        return {"config": self.config, "intercept": self.intercept, "weights": weights}

    @classmethod
    def from_json(cls, data: Dict[Text, Any]) -> "EmergencyModel":
        weights = {gram: (float(idf), float(coef)) for gram, (idf, coef) in data["weights"].items()}
        return cls(config=data["config"], weights=weights, intercept=float(data["intercept"]))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0


def fit(
    texts: Sequence[str],
    labels: Sequence[bool],
    config: Dict[Text, Any],
    lemmas: Optional[Sequence[Optional[Sequence[str]]]] = None,
) -> Optional[EmergencyModel]:
    """Trains the model with scikit-learn; None when there are not both classes to learn from."""
    if len(set(bool(y) for y in labels)) < 2:
        return None
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    lemmas = lemmas or [None] * len(texts)
    docs = [features(text, lemma, config) for text, lemma in zip(texts, lemmas)]
    vectorizer = TfidfVectorizer(
        analyzer=lambda doc: doc, sublinear_tf=True, min_df=config["min_df"], norm="l2", smooth_idf=True
    )
    x = vectorizer.fit_transform(docs)
    clf = LogisticRegression(
        C=config["C"], class_weight="balanced", solver="liblinear", max_iter=1000, random_state=config["random_seed"]
    )
    clf.fit(x, [int(bool(y)) for y in labels])
    coef, idf = clf.coef_[0].tolist(), vectorizer.idf_.tolist()  # idf_ is recomputed at each access
    weights = {gram: (idf[index], coef[index]) for gram, index in vectorizer.vocabulary_.items()}
    return EmergencyModel(config=dict(config), weights=weights, intercept=float(clf.intercept_[0]))


_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
JAPANESE, OTHER = "ja", "other"
SCRIPTS = (JAPANESE, OTHER)


def script(text: Optional[str]) -> Optional[str]:
    """Which model reads the message: "ja" (kana in it), "other" (letters of any other script), or
    None (no letter at all: emoji, digits, symbols are not classified)."""
    if not text:
        return None
    if _KANA.search(text):
        return JAPANESE
    return OTHER if any(ch.isalpha() for ch in text) else None


def veto_for(text: Optional[str], veto: Optional[str]) -> Optional[str]:
    """The lexicon's veto (japanese_nlu/emergency.py analyse()) as it applies to the classifier: the
    lexicon's list of body and state words is Japanese (with a few English words), so in another
    language finding none of them ("no_symptom_words") says nothing; its other readings still veto."""
    if script(text) != JAPANESE and veto == "no_symptom_words":
        return None
    return veto


def _lemmas(message: Message) -> Optional[List[str]]:
    tokens = message.get(TOKENS_NAMES[TEXT])
    return [t.lemma or t.text for t in tokens] if tokens else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EmergencyClassifier(GraphComponent):
    """Sets `emergency_probability` on each message (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "min_ngram": 1,
            "max_ngram": 3,
            "use_lemmas": False,  # Sudachi lemma n-grams: no gain in cross-validation (see main())
            "min_df": 1,
            "C": 30.0,
            "random_seed": 42,
            "positive_intent": EMERGENCY_INTENT,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: Optional[Dict[str, EmergencyModel]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.models: Dict[str, EmergencyModel] = models or {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and script(m.get(TEXT))]
        self.models = {}
        for name in SCRIPTS:
            mine = [m for m in examples if script(m.get(TEXT)) == name]
            model = fit(
                [m.get(TEXT) for m in mine],
                [m.get(INTENT) == self._config["positive_intent"] for m in mine],
                self._config,
                [_lemmas(m) for m in mine],
            )
            if model is None:
                logger.warning(
                    "EmergencyClassifier: no %s examples of both kinds in script %r.", EMERGENCY_INTENT, name
                )
            else:
                self.models[name] = model
        self.persist()
        return self._resource

    def persist(self) -> None:
        if not self.models:
            return
        data = {name: model.to_json() for name, model in self.models.items()}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "EmergencyClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
            models = {name: EmergencyModel.from_json(data[name]) for name in SCRIPTS if name in data}
            return cls(config, model_storage, resource, models)
        except (ValueError, FileNotFoundError) as error:
            logger.warning("EmergencyClassifier: no trained model (%s); only the lexicon will be used.", error)
            return cls(config, model_storage, resource)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            model = self.models.get(script(message.get(TEXT)) or "")
            if model is not None:
                message.set(PROBABILITY, model.probability(message.get(TEXT), _lemmas(message)))
        return messages


# --------------------------------------------------------------------------------------------
# Cross-validation over data/nlu: python -m japanese_nlu.emergency_classifier
# --------------------------------------------------------------------------------------------


def _scores(flags: Iterable[bool], labels: Sequence[bool]) -> Tuple[float, float]:
    tp = fp = fn = 0
    for flag, label in zip(flags, labels):
        tp += flag and label
        fp += flag and not label
        fn += (not flag) and label
    return tp / max(1, tp + fn), tp / max(1, tp + fp)


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[bool],
    config: Dict[Text, Any],
    lemmas: Optional[Sequence[Optional[Sequence[str]]]] = None,
    folds: int = 5,
    repeats: int = 3,
) -> List[List[float]]:
    """Out-of-fold probabilities, one list per repeat of stratified k-fold."""
    from sklearn.model_selection import StratifiedKFold

    lemmas = lemmas or [None] * len(texts)
    runs = []
    for repeat in range(repeats):
        probabilities = [0.0] * len(texts)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=repeat)
        for train, test in splitter.split(list(texts), [int(y) for y in labels]):
            model = fit([texts[i] for i in train], [labels[i] for i in train], config, [lemmas[i] for i in train])
            assert model is not None, "every fold has both labels (stratified)"
            for i in test:
                probabilities[i] = model.probability(texts[i], lemmas[i])
        runs.append(probabilities)
    return runs


# Vetoes about who or what the words are about (a pet, a machine, a film, a figure of speech, someone
# else's story, the assistant itself): the classifier reads words, not whom they are about, so no
# probability overrules these. The lexicon's other readings are about the state of a symptom it knows
# (mild, over, hypothetical, chronic …) and can be overruled by a confident classifier (veto_limit).
FIRM_VETOES = frozenset({"animal", "machine", "not_a_person", "fiction", "figurative", "hearsay", "about_the_bot"})


def decide(
    lexicon: bool,
    probability: Optional[float],
    veto: Optional[str],
    threshold: float,
    veto_limit: Optional[float] = None,
) -> Optional[str]:
    """Who reports the emergency, "lexicon", "classifier" or nobody (None): EmergencyOverride's rule,
    also used to measure it.
    - The lexicon names a current symptom (whatever the classifier says: a floor on the probability
      that would have dropped 14 of the lexicon's 40 false alarms in cross-validation also dropped
      「少し息苦しいんですけど大丈夫でしょうか？」 of tests/safety/emergency_phrases.yml).
    - The classifier reaches `threshold` and the lexicon's reading does not veto it; a veto other
      than FIRM_VETOES stands only while the probability is below `veto_limit` (None: always),
      because those readings are written for symptoms the lexicon knows ("飲んだかもしれない" is
      hypothetical for a symptom, not for a child who swallowed a button battery)."""
    if lexicon:
        return "lexicon"
    if probability is None or probability < threshold:
        return None
    if veto and (veto in FIRM_VETOES or veto_limit is None or probability < veto_limit):
        return None
    return "classifier"


def operating_point(
    t: float,
    runs: List[List[float]],
    labels: Sequence[bool],
    lexicon: Sequence[bool],
    veto: Sequence[Optional[str]],
    veto_limit: Optional[float] = None,
) -> Dict[Text, Any]:
    """Mean recall / precision over the repeats at threshold t: the classifier as EmergencyOverride
    uses it (`decide` without the lexicon), the lexicon, and the two combined."""
    alone = [_scores((bool(decide(False, p, v, t, veto_limit)) for p, v in zip(run, veto)), labels) for run in runs]
    combined = [
        _scores((bool(decide(lx, p, v, t, veto_limit)) for lx, p, v in zip(lexicon, run, veto)), labels) for run in runs
    ]
    mean = lambda pairs, k: sum(p[k] for p in pairs) / len(pairs)  # noqa: E731
    return {
        "threshold": t,
        "classifier": (mean(alone, 0), mean(alone, 1)),
        "lexicon": _scores(lexicon, labels),
        "combined": (mean(combined, 0), mean(combined, 1)),
    }


def f1(recall: float, precision: float) -> float:
    return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def choose_threshold(
    runs: List[List[float]],
    labels: Sequence[bool],
    lexicon: Sequence[bool],
    veto: Sequence[Optional[str]],
    min_recall: float = 0.95,
    veto_limit: Optional[float] = None,
) -> Dict[Text, Any]:
    """The threshold with the best F1 of the classifier ALONE (precision and recall weighed alike)
    among those at which its cross-validated recall stays >= min_recall; on a tie, the higher one.

    Why F1: the former rule (the best precision among thresholds keeping recall >= 0.98) let recall
    alone decide and chose 0.20, where one alarm in fifteen was false in cross-validation and more on
    new messages. F1 gives up a point of recall only for more than a point of precision; the floor
    keeps the rule from trading recall away when precision is already high.

    Why the classifier alone: the lexicon was written on these same examples, so in-sample it
    catches them all and the combination would look perfect at any threshold. Measuring the
    classifier by itself keeps the combination's recall whatever the lexicon misses on new phrasings."""
    grid = [round(0.01 * i, 2) for i in range(1, 100)]
    points = [operating_point(t, runs, labels, lexicon, veto, veto_limit) for t in grid]
    for point in points:
        point["f1"] = f1(*point["classifier"])
    eligible = [p for p in points if p["classifier"][0] >= min_recall] or points[:1]
    return max(eligible, key=lambda p: (round(p["f1"], 6), p["threshold"]))


def main() -> None:  # pragma: no cover - a measuring tool
    import argparse
    import time
    from pathlib import Path

    import yaml
    from rasa.shared.nlu.training_data.loading import load_data

    from japanese_nlu import emergency

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data/nlu")
    parser.add_argument("--lemmas", action="store_true", help="also try Sudachi lemma n-grams (loads ja_ginza)")
    parser.add_argument("--grid", action="store_true", help="try several C and n-gram ranges")
    parser.add_argument("--script", choices=SCRIPTS, default=JAPANESE, help="which of the two models")
    parser.add_argument("--config", default="config.yml", help="EmergencyOverride's veto_limit is read from here")
    args = parser.parse_args()
    pipeline = yaml.safe_load(Path(args.config).read_text(encoding="utf-8"))["pipeline"]
    veto_limit = next(c for c in pipeline if c["name"].endswith("EmergencyOverride")).get("veto_limit")

    examples = [m for m in load_data(args.data).intent_examples if m.get(TEXT) and m.get(INTENT)]
    everything = [(m.get(TEXT), m.get(INTENT) == EMERGENCY_INTENT) for m in examples]
    examples = [m for m in examples if script(m.get(TEXT)) == args.script]
    texts = [m.get(TEXT) for m in examples]
    labels = [m.get(INTENT) == EMERGENCY_INTENT for m in examples]
    analyses = [emergency.analyse(t) for t in texts]
    lexicon = [a.symptom is not None for a in analyses]
    veto = [veto_for(t, a.veto) for t, a in zip(texts, analyses)]
    print(
        f"{len(texts)} examples in script {args.script!r}, {sum(labels)} report_emergency "
        f"(the lexicon alone on all {len(everything)} examples, other languages included: "
        "R {:.3f} P {:.3f})".format(
            *_scores((bool(emergency.detect(t)) for t, _ in everything), [y for _, y in everything])
        )
    )

    lemmas = None
    if args.lemmas:
        from japanese_nlu.components import GinzaNLP, SudachiTokenizer

        nlp = GinzaNLP.create({}, None, None, None)
        tokenizer = SudachiTokenizer(SudachiTokenizer.get_default_config())
        for message in examples:
            nlp.process([message], nlp.provide())
            tokenizer.process([message])
        lemmas = [_lemmas(m) for m in examples]

    base = EmergencyClassifier.get_default_config()
    configs = [base]
    if args.grid:
        configs = [{**base, "C": c, "max_ngram": n} for c in (1.0, 3.0, 10.0, 30.0) for n in (3, 4, 5)]
    if args.lemmas:
        configs += [{**c, "use_lemmas": True} for c in list(configs)]
    for config in configs:
        started = time.perf_counter()
        runs = cross_validate(texts, labels, config, lemmas if config.get("use_lemmas") else None)
        chosen = choose_threshold(runs, labels, lexicon, veto, veto_limit=veto_limit)
        print(
            f"C={config['C']} ngrams {config['min_ngram']}-{config['max_ngram']} lemmas={config['use_lemmas']} "
            f"({time.perf_counter() - started:.0f} s); chosen threshold {chosen['threshold']:.2f} "
            f"(veto_limit {veto_limit} from {args.config})"
        )
        for t in sorted({chosen["threshold"], 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}):
            point = operating_point(t, runs, labels, lexicon, veto, veto_limit)
            print(
                f"  {'*' if t == chosen['threshold'] else ' '} threshold {t:.2f}: "
                f"classifier R {point['classifier'][0]:.3f} P {point['classifier'][1]:.3f} "
                f"F1 {f1(*point['classifier']):.3f} | "
                f"lexicon R {point['lexicon'][0]:.3f} P {point['lexicon'][1]:.3f} | "
                f"combined R {point['combined'][0]:.3f} P {point['combined'][1]:.3f}"
            )
        print(f"  at {chosen['threshold']:.2f}, other values of EmergencyOverride's veto_limit (combined):")
        for veto_limit in (None, 0.98, 0.95, 0.9, 0.8, 0.7):
            r, p = operating_point(chosen["threshold"], runs, labels, lexicon, veto, veto_limit)["combined"]
            print(f"    veto_limit {veto_limit or '-'}: R {r:.3f} P {p:.3f} F1 {f1(r, p):.4f}")


if __name__ == "__main__":  # pragma: no cover
    main()
