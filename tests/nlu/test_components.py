"""Our Rasa graph components on real ja_ginza / Sudachi."""

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from japanese_nlu import MAX_MESSAGE_CHARS
from japanese_nlu.components import (
    EmergencyOverride,
    GinzaNLP,
    LongMessageGuard,
    SudachiTokenizer,
)


@pytest.fixture(scope="module")
def nlp():
    return GinzaNLP.create({}, None, None, None)


def tokens(nlp, text, **config):
    message = Message({TEXT: text})
    nlp.process([message], nlp.provide())
    tokenizer = SudachiTokenizer({**SudachiTokenizer.get_default_config(), **config})
    tokenizer.process([message])
    return message.get("text_tokens")


def test_ginza_loads_without_the_unused_pipes_but_keeps_vectors(nlp):
    model = nlp.provide().model
    assert model.pipe_names == []
    assert model.vocab.vectors.shape[0] > 0


def test_lemmas_are_sudachi_normalized_forms(nlp):
    lemmas = {t.text: t.lemma for t in tokens(nlp, "ひざのシワにききますか、効きますか")}
    assert lemmas["ひざ"] == "膝"
    assert lemmas["シワ"] == "皺"
    assert lemmas["効き"] == "利く"


def test_dictionary_form_when_configured(nlp):
    lemmas = {t.text: t.lemma for t in tokens(nlp, "効きますか", lemma="dictionary")}
    assert lemmas["効き"] == "効く"


def test_very_long_text_is_cut_before_sudachi(nlp):
    toks = tokens(nlp, "副作用" * 30_000)  # 270 KB: Sudachi alone would refuse it
    assert toks and toks[-1].end <= nlp._config["max_chars"]


def test_long_message_guard_sets_fallback():
    long, short = Message({TEXT: "あ" * (MAX_MESSAGE_CHARS + 1)}), Message({TEXT: "副作用は？"})
    short.set(INTENT, {"name": "ask_safety", "confidence": 0.9})
    LongMessageGuard().process([long, short])
    assert long.get(INTENT)["name"] == "nlu_fallback"
    assert short.get(INTENT)["name"] == "ask_safety"


def test_emergency_override_wins_over_the_classifier():
    message = Message({TEXT: "注射のあとから息が苦しいです"})
    message.set(INTENT, {"name": "ask_safety", "confidence": 0.99})
    EmergencyOverride().process([message])
    assert message.get(INTENT)["name"] == "report_emergency"
    assert message.get("emergency_symptom")


def test_the_classifiers_tfidf_is_scikit_learns():
    """japanese_nlu.intent_classifier.tfidf gives TfidfVectorizer.transform's numbers, refitted too."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from japanese_nlu.intent_classifier import tfidf

    texts = ["副作用はありますか", "費用はいくら？", "点滴の時間", "ふくさようは", "", "😀"]
    for vectorizer in (
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=False, norm=None),
    ):
        vectorizer.fit(texts[:3])
        assert np.allclose(tfidf(vectorizer, texts).toarray(), vectorizer.transform(texts).toarray())
        vectorizer.__dict__.pop("_idf_vector", None)
        vectorizer.fit(texts[1:4])
        assert np.allclose(tfidf(vectorizer, texts).toarray(), vectorizer.transform(texts).toarray())
