"""The intent classifier: a linear SVM on character n-grams, Sudachi words and GiNZA word vectors.

Why not DIET: on a validation split of data/nlu (stratified 20 %, bench/tune.py) this classifier was
right for 0.84 of the held-back examples against 0.80 for DIET without a transformer layer, and it
trains in seconds instead of ~10 minutes (DIET with its transformer layer: ~4x slower still), so
`make test` can retrain it and thresholds can be measured on several splits. docs/nlu.md has the
comparison.

Features of a message (each block TF-IDF with sublinear counts, or L2-normalised):
  * character 1-4-grams of the folded text (japanese_nlu.text.fold: width, case and katakana /
    hiragana ignored): survive typos, kana-only spelling and words Sudachi splits oddly;
  * Sudachi normalised forms of its tokens (効き / きく / 効く are one word);
  * character 2-4-grams of Sudachi's reading of the message in hiragana (天敵 / 点滴 / てんてき,
    保健 / 保険 are alike): voice input's wrong kanji and kana-only messages read like the kanji;
  * the mean of GiNZA's word2vec vectors (a little meaning for words never seen in training).
The scores of a one-vs-rest LinearSVC become probabilities with a softmax whose temperature is
fitted at training time (3-fold cross-validation, log-loss), so that FallbackClassifier's thresholds
and actions.choice's "clearly ahead" keep meaning confidence. It sets `intent` and
`intent_ranking` like Rasa's own classifiers. It does not learn `report_emergency`: emergencies are
decided in one place, the emergency lexicon and classifier (EmergencyOverride); a missed one still
reaches the safety answer, which carries the "call 119" line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack

from japanese_nlu.components import READING_KEY
from japanese_nlu.text import fold

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_classifier.joblib"
RANKING_LENGTH = 10
TEMPERATURES = (1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0)


def tfidf(vectorizer: Any, texts: Sequence[str]) -> csr_matrix:
    """`vectorizer.transform(texts)` for a fitted TfidfVectorizer (sublinear tf, idf, l2 norm), without
    what scikit-learn 1.1 repeats on every call: its fitted check rebuilds the whole idf vector from
    the sparse diagonal (`idf_` is a property), ~60 % of a message's NLU time in a py-spy profile.
    The idf vector is kept on the vectorizer after the first call; same numbers (tested)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    idf = vectorizer.__dict__.get("_idf_vector")
    if idf is None:
        idf = vectorizer.__dict__["_idf_vector"] = np.asarray(vectorizer.idf_, dtype=np.float64)
    counts = CountVectorizer.transform(vectorizer, texts).astype(np.float64)
    if vectorizer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1
    counts.data *= idf[counts.indices]
    return normalize(counts, norm=vectorizer.norm, copy=False) if vectorizer.norm else counts


@dataclass
class Features:
    """What the classifier reads of each message, as parallel lists."""

    texts: List[str]
    words: List[str]  # Sudachi normalised forms, space-separated
    readings: List[str]  # Sudachi readings in hiragana, run together
    vectors: np.ndarray  # word2vec means, L2-normalised

    @classmethod
    def of(cls, messages: Sequence[Message]) -> "Features":
        tokens = [m.get(TOKENS_NAMES[TEXT]) or [] for m in messages]
        return cls(
            texts=[m.get(TEXT) or "" for m in messages],
            words=[" ".join(fold(t.lemma or t.text) for t in ts) for ts in tokens],
            readings=["".join(fold(t.get(READING_KEY) or t.text) for t in ts) for ts in tokens],
            vectors=np.array([_vector(m) for m in messages]).reshape(len(messages), -1),
        )

    def subset(self, rows: Sequence[int]) -> "Features":
        return Features(
            [self.texts[i] for i in rows],
            [self.words[i] for i in rows],
            [self.readings[i] for i in rows],
            self.vectors[rows],
        )


def _vector(message: Message) -> np.ndarray:
    doc = message.get(SPACY_DOCS[TEXT])
    vector = doc.vector if doc is not None and doc.has_vector else np.zeros(300, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores * temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class Model:
    """Vectorizers + LinearSVC + temperature (plain scikit-learn objects, persisted with joblib)."""

    def __init__(self, config: Dict[Text, Any]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        self.config = config
        low, high = config["char_ngrams"]
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), sublinear_tf=True, preprocessor=fold)
        self.words = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", sublinear_tf=True)
        self.readings = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=True)
        self.svm = LinearSVC(C=config["C"], random_state=config["random_state"])
        self.vector_weight = config["vector_weight"]
        self.reading_weight = config["reading_weight"]
        self.temperature = 1.0

    def _matrix(self, features: Features, fit: bool) -> csr_matrix:
        def block(vectorizer, texts):
            if fit:
                vectorizer.__dict__.pop("_idf_vector", None)  # refitted: tfidf() takes the new idf
                return vectorizer.fit_transform(texts)
            return tfidf(vectorizer, texts)

        blocks = [block(self.chars, features.texts), block(self.words, features.words)]
        if self.reading_weight:
            blocks.append(self.reading_weight * block(self.readings, features.readings))
        return hstack(blocks + [csr_matrix(self.vector_weight * features.vectors)]).tocsr()

    def fit(self, features: Features, labels: Sequence[str]) -> None:
        self.temperature = self._fit_temperature(features, labels)
        self.svm.fit(self._matrix(features, fit=True), labels)

    def _fit_temperature(self, features: Features, labels: Sequence[str]) -> float:
        """The softmax temperature with the lowest log-loss on 3 folds of the training data."""
        from sklearn.model_selection import StratifiedKFold

        y = np.asarray(labels)
        losses = {t: 0.0 for t in TEMPERATURES}
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
        for train, test in folds.split(features.texts, y):
            fold_model = Model(self.config)
            fold_model.svm.fit(fold_model._matrix(features.subset(train), fit=True), y[train])
            scores = fold_model.svm.decision_function(fold_model._matrix(features.subset(test), fit=False))
            gold = np.searchsorted(fold_model.svm.classes_, y[test])
            for t in TEMPERATURES:
                p = _softmax(scores, t)[np.arange(len(test)), gold]
                losses[t] -= float(np.log(np.clip(p, 1e-9, 1.0)).sum())
        return min(losses, key=lambda t: losses[t])

    def probabilities(self, features: Features) -> np.ndarray:
        scores = self.svm.decision_function(self._matrix(features, fit=False))
        if scores.ndim == 1:  # two classes
            scores = np.stack([-scores, scores], axis=1)
        return _softmax(scores, self.temperature)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 1.0,
            "char_ngrams": [1, 4],
            "vector_weight": 1.0,
            "reading_weight": 1.0,
            "random_state": 42,
            # intents decided elsewhere: emergencies only by japanese_nlu/emergency*.py
            "exclude_intents": ["report_emergency"],
        }

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, model: Optional[Model] = None
    ):
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        import joblib

        excluded = set(self.config["exclude_intents"])
        examples = [
            m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT) and m.get(INTENT) not in excluded
        ]
        labels = sorted({m.get(INTENT) for m in examples})
        if len(labels) < 2:
            logger.warning("LinearIntentClassifier needs two intents or more; not trained")
            return self._resource
        self.model = Model(self.config)
        self.model.fit(Features.of(examples), [m.get(INTENT) for m in examples])
        logger.info(
            "LinearIntentClassifier: %d examples, %d intents, temperature %s",
            len(examples),
            len(labels),
            self.model.temperature,
        )
        with self._model_storage.write_to(self._resource) as path:
            joblib.dump(self.model, path / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        import joblib

        try:
            with model_storage.read_from(resource) as path:
                model = joblib.load(path / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("LinearIntentClassifier has no model: every message gets no intent")
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None or not messages:
            return messages
        probabilities = self.model.probabilities(Features.of(messages))
        classes = self.model.svm.classes_
        for message, row in zip(messages, probabilities):
            order = np.argsort(-row)[:RANKING_LENGTH]
            ranking = [{INTENT_NAME_KEY: str(classes[i]), PREDICTED_CONFIDENCE_KEY: float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
