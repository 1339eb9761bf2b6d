"""EmergencyClassifier (japanese_nlu/emergency_classifier.py) and how EmergencyOverride combines it
with the lexicon (japanese_nlu/components.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from japanese_nlu.components import EmergencyOverride
from japanese_nlu.emergency import analyse
from japanese_nlu.emergency_classifier import (
    FIRM_VETOES,
    PROBABILITY,
    EmergencyClassifier,
    EmergencyModel,
    choose_threshold,
    decide,
    features,
    fit,
    normalize,
    script,
)

DATA = Path(__file__).parents[2] / "data" / "nlu"
CONFIG_PIPELINE = yaml.safe_load((Path(__file__).parents[2] / "config.yml").read_text(encoding="utf-8"))["pipeline"]

# A tiny training set: emergencies against questions about the same symptoms.
TINY = [
    ("点滴のあと息が苦しい", "report_emergency"),
    ("胸がすごく痛い", "report_emergency"),
    ("母が倒れて返事をしない", "report_emergency"),
    ("顔がどんどん腫れてきた", "report_emergency"),
    ("血が止まらない", "report_emergency"),
    ("水も飲めないほど吐いてる", "report_emergency"),
    ("息苦しくなることはありますか", "ask_safety"),
    ("副作用で熱が出る可能性は？", "ask_safety"),
    ("アナフィラキシーの確率は？", "ask_safety"),
    ("料金はいくらですか", "ask_price"),
    ("予約はどうすればいいですか", "ask_booking"),
    ("こんにちは", "greet"),
    # Other languages: their own model, trained on these alone.
    ("I can't breathe", "report_emergency"),
    ("My mother collapsed and does not answer", "report_emergency"),
    ("Tôi khó thở quá", "report_emergency"),
    ("How much does it cost?", "ask_price"),
    ("Is it safe? Any side effects?", "ask_safety"),
    ("Can I book for Saturday?", "ask_booking"),
    ("🙏🙏", "thanks"),  # no letter: neither model
]


def tiny_training_data() -> TrainingData:
    return TrainingData([Message({TEXT: text, INTENT: intent}) for text, intent in TINY])


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage.create(tmp_path)


@pytest.fixture
def context():
    return ExecutionContext(GraphSchema({}), node_name="emergency_classifier")


def test_features_are_char_ngrams_of_the_normalised_text():
    assert normalize("ｼﾞﾝﾏｼﾝ　ガ  出タ") == "じんましん が 出た"
    grams = features("息ガ", None, {"min_ngram": 1, "max_ngram": 2})
    assert grams == ["c: ", "c:息", "c:が", "c: ", "c: 息", "c:息が", "c:が "]
    with_words = features("息", ["息", "苦しい"], {"min_ngram": 1, "max_ngram": 1, "use_lemmas": True})
    assert "w:息|苦しい" in with_words


def test_fit_persist_load_predict(storage, context):
    resource = Resource("emergency_classifier")
    trained = EmergencyClassifier.create(EmergencyClassifier.get_default_config(), storage, resource, context)
    trained.train(tiny_training_data())
    loaded = EmergencyClassifier.load(EmergencyClassifier.get_default_config(), storage, resource, context)

    texts = ("点滴のあとから息が苦しい", "料金はいくらですか", "Help, I can't breathe", "How much is it?", "🚑🚑")
    messages = [Message({TEXT: t}) for t in texts]
    loaded.process(messages)
    emergency, price, english, english_price, emoji = (m.get(PROBABILITY) for m in messages)
    assert emergency > 0.5 > price
    assert english > 0.5 > english_price  # the other-languages model
    assert emoji is None  # no letter: not classified
    assert set(loaded.models) == {"ja", "other"}
    assert trained.models["ja"].probability("点滴のあとから息が苦しい") == pytest.approx(emergency)
    # The Japanese model never saw the English examples: each script is learned on its own.
    assert not any(gram.startswith("c:") and "breathe" in gram for gram in trained.models["ja"].weights)


def test_script_decides_the_model():
    assert script("息が苦しい") == "ja" and script("ｲｷｶﾞ") == "ja"  # kana, half-width too
    assert (
        script("I can't breathe") == "other" and script("呼吸困难") == "other" and script("숨을 못 쉬어요") == "other"
    )
    assert script("🚑") is None and script("119") is None and script("") is None


def test_without_examples_of_both_classes_nothing_is_learned(storage, context):
    resource = Resource("emergency_classifier")
    classifier = EmergencyClassifier.create({}, storage, resource, context)
    classifier.train(TrainingData([Message({TEXT: "料金は？", INTENT: "ask_price"})]))
    assert classifier.models == {}
    loaded = EmergencyClassifier.load({}, storage, resource, context)  # nothing persisted: no crash
    message = Message({TEXT: "息が苦しい"})
    loaded.process([message])
    assert message.get(PROBABILITY) is None


def test_pure_python_scoring_equals_scikit_learn():
    """The persisted dictionaries score exactly as TfidfVectorizer + LogisticRegression do."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    config = {**EmergencyClassifier.get_default_config(), "min_df": 1}
    texts = [t for t, _ in TINY[:12]]
    labels = [i == "report_emergency" for _, i in TINY[:12]]
    model = fit(texts, labels, config)
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, norm="l2", smooth_idf=True)
    x = vectorizer.fit_transform([features(t, None, config) for t in texts])
    clf = LogisticRegression(
        C=config["C"], class_weight="balanced", solver="liblinear", max_iter=1000, random_state=config["random_seed"]
    ).fit(x, labels)
    for text in ["胸が苦しい", "熱が出る可能性", "全く新しい文 with unknown ngrams", ""]:
        expected = clf.predict_proba(vectorizer.transform([features(text, None, config)]))[0][1]
        assert model.probability(text) == pytest.approx(expected, abs=1e-9)
    assert EmergencyModel.from_json(model.to_json()).probability("胸が苦しい") == pytest.approx(
        model.probability("胸が苦しい")
    )


def test_choose_threshold_asks_the_classifier_alone_for_the_recall():
    labels = [True, True, True, False, False]
    runs = [[0.9, 0.6, 0.3, 0.4, 0.1]]
    lexicon = [True, True, True, False, False]  # the lexicon catches everything: not counted
    chosen = choose_threshold(runs, labels, lexicon, [None] * 5, min_recall=0.98)
    assert chosen["threshold"] == 0.3  # the highest that still catches 0.3
    assert chosen["classifier"] == (1.0, 0.75)
    assert chosen["combined"] == (1.0, 0.75)


def test_choose_threshold_weighs_precision_against_recall():
    """Best F1 above the recall floor: one positive of four given up for three false alarms fewer."""
    labels = [True, True, True, True, False, False, False]
    runs = [[0.9, 0.8, 0.7, 0.1, 0.3, 0.2, 0.15]]
    lexicon, veto = [False] * 7, [None] * 7
    chosen = choose_threshold(runs, labels, lexicon, veto, min_recall=0.7)
    assert chosen["threshold"] == 0.7 and chosen["classifier"] == (0.75, 1.0)  # F1 0.86 against 0.73 at 0.1
    assert choose_threshold(runs, labels, lexicon, veto, min_recall=0.98)["threshold"] == 0.1  # the floor wins


# The combination ------------------------------------------------------------------------------


def override(text, probability=None, threshold=0.5, other_threshold=0.5, **rule):
    message = Message({TEXT: text})
    message.set(INTENT, {"name": "ask_safety", "confidence": 0.9})
    if probability is not None:
        message.set(PROBABILITY, probability)
    config = {"classifier_threshold": threshold, "other_languages_threshold": other_threshold, **rule}
    EmergencyOverride.create(config, None, None, None).process([message])
    return message


def test_lexicon_fires_whatever_the_classifier_says():
    message = override("注射のあとから息が苦しいです", probability=0.01)
    assert message.get(INTENT)["name"] == "report_emergency"
    assert message.get("emergency") == {"symptom": "息が苦し", "source": "lexicon", "probability": 0.01}
    assert "emergency" in message.as_dict(only_output_properties=True)


def test_classifier_fires_when_the_lexicon_misses():
    text = "母がなんだか変で、目が合わない"  # no lexicon pattern
    assert override(text, probability=0.49).get(INTENT)["name"] == "ask_safety"
    message = override(text, probability=0.5123)
    assert message.get(INTENT) == {"name": "report_emergency", "confidence": 1.0}
    assert message.get("emergency") == {"symptom": None, "source": "classifier", "probability": 0.512}


def test_threshold_comes_from_the_config():
    assert override("母がなんだか変で、目が合わない", probability=0.3, threshold=0.2).get("emergency")
    assert EmergencyOverride().get_default_config()["classifier_threshold"] == 0.5


def test_other_languages_have_their_own_threshold():
    text = "my mom is acting strange and won't look at me"  # no lexicon pattern
    assert override(text, probability=0.3, threshold=0.2, other_threshold=0.4).get("emergency") is None
    fired = override(text, probability=0.3, threshold=0.9, other_threshold=0.25).get("emergency")
    assert fired == {"symptom": None, "source": "classifier", "probability": 0.3}


@pytest.mark.parametrize(
    "text",
    [
        "もし点滴中に息が苦しくなったら止めてもらえますか",  # hypothetical, read by the lexicon
        "じんましんは出ていません",  # negated
        "微熱が1日だけ出て下がりました",  # resolved
        "注射したところがちょっと赤いです",  # mild
        "Wi-Fiがつながらない",  # nothing about a body
        "うちの猫が急に動かなくなった",  # a pet
        "映画の中で主人公が倒れるシーンが怖かった",  # a film scene
        "生理で出血が多い日でも受けられますか",  # a period, asked about
    ],
)
def test_the_lexicon_reading_vetoes_the_classifier(text):
    message = override(text, probability=0.99)
    assert message.get(INTENT)["name"] == "ask_safety"
    assert message.get("emergency") is None


def test_a_veto_stands_only_below_the_veto_limit():
    text = "1歳の娘がボタン電池を飲み込んだかもしれない"  # "かもしれない": hypothetical, for a symptom
    assert analyse(text).veto == "hypothetical"
    assert override(text, probability=0.99).get("emergency") is None  # no limit: the veto stands
    assert override(text, probability=0.94, veto_limit=0.95).get("emergency") is None
    fired = override(text, probability=0.96, veto_limit=0.95).get("emergency")
    assert fired == {"symptom": None, "source": "classifier", "probability": 0.96}


def test_decide_is_the_rule_for_every_case():
    assert decide(True, None, "mild", 0.5) == "lexicon"
    assert decide(False, 0.6, None, 0.5) == "classifier"
    assert decide(False, 0.6, "mild", 0.5) is None
    assert decide(False, 0.6, "mild", 0.5, veto_limit=0.6) == "classifier"
    assert decide(False, 0.4, None, 0.5, veto_limit=0.1) is None  # the threshold first
    assert decide(True, 0.0, "mild", 0.5, veto_limit=0.1) == "lexicon"  # the lexicon is never overruled


@pytest.mark.parametrize("veto", sorted(FIRM_VETOES))
def test_a_firm_veto_is_never_overruled(veto):
    assert decide(False, 1.0, veto, 0.2, veto_limit=0.5) is None


def test_a_pet_stays_a_pet_however_sure_the_classifier_is():
    assert analyse("うさぎの顔がパンパンに腫れてる").veto == "animal"
    assert override("うさぎの顔がパンパンに腫れてる", probability=1.0, veto_limit=0.5).get("emergency") is None


def test_symptom_mentions_are_in_the_output_when_not_counted():
    message = override("もし息が苦しくなったらどうすればいいですか")
    assert message.get("symptom_mentions") == ["息が苦し"]
    assert "symptom_mentions" in message.as_dict(only_output_properties=True)
    assert override("料金はいくらですか").get("symptom_mentions") is None


def test_without_a_classifier_in_the_pipeline_the_lexicon_decides():
    assert override("My chest hurts after the drip").get(INTENT)["name"] == "report_emergency"
    assert override("母がなんだか変で、目が合わない").get(INTENT)["name"] == "ask_safety"


# The two models trained on data/nlu ----------------------------------------------------------------
# (Speed is measured by `make bench` with the whole parse, never asserted here.)


@pytest.fixture(scope="module")
def real_models(storage_module):
    resource = Resource("emergency_classifier")
    context = ExecutionContext(GraphSchema({}), node_name="emergency_classifier")
    classifier = EmergencyClassifier.create(EmergencyClassifier.get_default_config(), storage_module, resource, context)
    classifier.train(load_data(str(DATA)))
    return classifier


@pytest.fixture(scope="module")
def storage_module(tmp_path_factory):
    return LocalModelStorage.create(tmp_path_factory.mktemp("emergency_models"))


@pytest.mark.parametrize(
    "text, emergency",
    [
        ("Please help, my father fell in the bathroom and he is not waking up", True),
        ("我妈妈突然说不出话，右手也抬不起来", True),  # Chinese: speech and an arm gone
        ("How much is one session, and do you take credit cards?", False),
        ("¿A qué hora abren los sábados?", False),
    ],
)
def test_the_other_languages_model_learned_from_data(real_models, text, emergency):
    threshold = next(c for c in CONFIG_PIPELINE if c["name"].endswith("EmergencyOverride"))["other_languages_threshold"]
    message = Message({TEXT: text})
    real_models.process([message])
    assert script(text) == "other"
    assert (message.get(PROBABILITY) >= threshold) is emergency, message.get(PROBABILITY)
