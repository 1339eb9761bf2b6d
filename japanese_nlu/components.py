"""Rasa graph components for Japanese (used from config.yml).

RomajiReader   reads a message typed in rōmaji Japanese as kana (japanese_nlu/romaji.py).
GinzaNLP       loads ja_ginza without the pipes this assistant does not use. Rasa's own
               SpacyNLP loads everything but the parser; for ja_ginza that costs ~12 ms per
               message (tok2vec, NER, morphologizer, bunsetu...). The Sudachi tokenizer, its
               normalized/dictionary forms and the static word2vec table need none of them:
               ~0.2 ms per message.
SudachiTokenizer
               spaCy tokens whose `lemma` is Sudachi's normalized form (効き→利く, ひざ→膝,
               シワ→皺, リウマチ→リューマチ, いくら→幾ら), so CountVectorsFeaturizer's word
               features survive kana/kanji and spelling variation; each token also carries
               Sudachi's reading in hiragana (`reading`: 天敵 and 点滴 are both てんてき), so
               voice-input conversion mistakes and kana-only messages read like the kanji.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY, SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from japanese_nlu import MAX_MESSAGE_CHARS, emergency, romaji
from japanese_nlu.emergency_classifier import JAPANESE, PROBABILITY, decide, script, veto_for
from japanese_nlu.text import hiragana, unspace

logger = logging.getLogger(__name__)

ROMAJI = "romaji"  # parse data: the message as typed, when RomajiReader read it as kana

GINZA_UNUSED_PIPES = [
    "tok2vec",
    "parser",
    "ner",
    "morphologizer",
    "compound_splitter",
    "bunsetu_recognizer",
]


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="GinzaNLP",
)
class GinzaNLP(SpacyNLP):
    """SpacyNLP for ja_ginza that leaves out the pipes listed in `exclude`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **SpacyNLP.get_default_config(),
            "model": "ja_ginza",
            "exclude": GINZA_UNUSED_PIPES,
            # Sudachi refuses inputs over ~49 KB; nothing past this many characters changes
            # what a question is about.
            "max_chars": 1000,
        }

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "GinzaNLP":
        import spacy

        config = {**cls.get_default_config(), **config}
        name = config["model"]
        language = spacy.load(name, exclude=list(config["exclude"]))
        logger.info("Loaded %s with pipes %s", name, language.pipe_names)
        cls.ensure_proper_language_model(language)
        return cls(SpacyModel(model=language, model_name=name), config)

    def _preprocess_text(self, text: Optional[Text]) -> Text:
        """Cut to `max_chars`; spaces between Japanese words removed (「かんさいぼうの ちりょう」, as
        many older patients type kana, reads as one phrase to Sudachi)."""
        return super()._preprocess_text(unspace((text or "")[: self._config["max_chars"]]))


READING_KEY = "reading"


def _reading(token: Any) -> str:
    """Sudachi's reading of a token in hiragana; the token itself when Sudachi has none (Latin, digits)."""
    readings = token.morph.get("Reading")
    return hiragana(readings[0] if readings else token.text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class SudachiTokenizer(SpacyTokenizer):
    """Sudachi tokens (from GiNZA) with the normalized form as the lemma."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SpacyTokenizer.get_default_config(), "lemma": "normalized"}

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        doc = self._get_doc(message, attribute)
        if not doc:
            return []
        use_norm = self._config.get("lemma", "normalized") == "normalized"
        tokens = [
            Token(
                t.text,
                t.idx,
                lemma=(t.norm_ if use_norm else t.lemma_) or t.text,
                data={POS_TAG_KEY: t.tag_, READING_KEY: _reading(t)},
            )
            for t in doc
            if t.text and t.text.strip()
        ]
        return self._apply_token_pattern(tokens)


class Stateless(GraphComponent):
    """A component with nothing to train or persist; its config is its defaults and config.yml's."""

    def __init__(self, config: Optional[Dict[Text, Any]] = None) -> None:
        self._config = {**self.get_default_config(), **(config or {})}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "Stateless":
        return cls(config)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class RomajiReader(Stateless):
    """First in the pipeline: a message typed in rōmaji Japanese (「seibun wa nani desu ka」) is read as
    kana (japanese_nlu/romaji.py), in training and when answering, so every later component sees an
    ordinary kana-only question. The text as typed stays in the parse data as `romaji`.
    (Registered as a featurizer only so that Rasa also runs it on the training data.)"""

    def _read(self, message: Message) -> None:
        kana = romaji.read(message.get(TEXT) or "")
        if kana is not None:
            message.set(ROMAJI, message.get(TEXT), add_to_output=True)
            message.set(TEXT, kana)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._read(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._read(message)
        return messages


class IntentOverride(Stateless):
    """A rule that sets the intent of the messages it `matches`, after the classifiers ran."""

    INTENT = ""

    def matches(self, message: Message) -> bool:
        raise NotImplementedError

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self.matches(message):
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: self.INTENT, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True,
                )
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LongMessageGuard(IntentOverride):
    """Messages over MAX_MESSAGE_CHARS become `nlu_fallback`: no topic is guessed from a wall of
    text; action_did_you_mean asks for a shorter question. (EmergencyOverride still runs after.)"""

    INTENT = "nlu_fallback"

    def matches(self, message: Message) -> bool:
        return len(message.get(TEXT) or "") > MAX_MESSAGE_CHARS


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyOverride(IntentOverride):
    """Sets the intent to `report_emergency` when the message reports an emergency (the rule is
    `decide()` in japanese_nlu/emergency_classifier.py):
    - the lexicon (japanese_nlu/emergency.py) names a current symptom; OR
    - the EmergencyClassifier's probability reaches its threshold (`classifier_threshold` for Japanese,
      `other_languages_threshold` for every other language) and the lexicon's reading of the message
      does not veto it (a symptom it read as negated, hypothetical, a general question, hearsay,
      history, chronic or figurative, a scene in a film, a pet's or a machine's, or a period; a message
      that says it is mild, normal or over, names only what the clinic's page calls normal after a
      treatment, or asks a practical question with no complaint in it). A veto about the state of a
      symptom stands only while the probability is below `veto_limit`; a veto about whom the words
      are about (a pet, a film, a figure of speech …: FIRM_VETOES) always stands.

    Runs last, so it wins over the intent classifier, the FallbackClassifier and the "Japanese only" notice: an
    emergency is answered first whatever else the message says. For staff, the parse data keeps
      emergency         {"symptom": phrase or None, "source": "lexicon" | "classifier", "probability": p}
      symptom_mentions  serious symptoms named but not counted ("もし息が苦しくなったら"): the answer
                        adds its "if this happens, call 119" line.
    """

    INTENT = "report_emergency"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "classifier_threshold": 0.5,  # Japanese messages
            "other_languages_threshold": 0.5,
            "veto_limit": None,  # None: a veto of the lexicon's reading stands whatever the probability
        }

    def threshold_for(self, text: Text) -> float:
        """The classifier's threshold for the message's script."""
        return self._config["classifier_threshold" if script(text) == JAPANESE else "other_languages_threshold"]

    def matches(self, message: Message) -> bool:
        text = message.get(TEXT) or ""
        analysis = emergency.analyse(text)
        probability = message.get(PROBABILITY)
        source = decide(
            analysis.symptom is not None,
            probability,
            veto_for(text, analysis.veto),
            self.threshold_for(text),
            self._config["veto_limit"],
        )
        if analysis.mentions:
            message.set("symptom_mentions", analysis.mentions, add_to_output=True)
        if source is None:
            return False
        message.set(
            "emergency",
            {
                "symptom": analysis.symptom,
                "source": source,
                "probability": None if probability is None else round(probability, 3),
            },
            add_to_output=True,
        )
        if analysis.symptom:  # the former field, still read by older logs and tests
            message.set("emergency_symptom", analysis.symptom, add_to_output=True)
        return True
