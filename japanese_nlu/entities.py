"""Entities in patients' words: conditions, other therapies, ingredients and ways of giving it.

EntityMatcher reads what staff edit in Rasa's own formats:
  data/nlu/lookups.yml    words, one lookup table per entity (`- lookup: therapy`)
  data/nlu/synonyms.yml   word -> canonical value (`- synonym: PRP` / `- 多血小板血漿`)
  data/nlu/patterns.yml   phrases as regular expressions, named `<entity>=<canonical value>`
                          (`- regex: therapy=幹細胞治療` / `- 幹細胞を(点滴|注射)`)
and matches them on the folded text (japanese_nlu.text.fold: width, case and katakana/hiragana do
not matter, so a word is listed once however patients type it). Overlapping matches of one entity
keep the longest. Every value it returns is canonical, so the knowledge base can pick a topic by
it (knowledge/answers.yml `entities`). It replaces Rasa's RegexEntityExtractor + EntitySynonymMapper,
which match literal strings only and need every form of a word listed in every script.

A lookup word written in kanji also matches by its reading, whole tokens only: 認知賞 (a voice-input
conversion mistake) and にんちしょう read like 認知症, かいよう like 潰瘍. Only words Sudachi knows whole
(every part in its dictionary) and readings of 4 kana or more: Sudachi guesses wrong readings for
compounds it does not know (上清液 → うえきよえき), and short readings are too often other words.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from japanese_nlu.components import READING_KEY
from japanese_nlu.text import fold, fold_with_offsets

logger = logging.getLogger(__name__)

PATTERN_NAME = re.compile(r"^(?P<entity>[a-z_]+)=(?P<value>.+)$")

# (entity, canonical value, regular expression on folded text)
Rule = Tuple[str, str, str]
# (entity, canonical value, the word's reading in hiragana)
ReadingRule = Tuple[str, str, str]
# a message token: (start, end, reading in hiragana)
ReadToken = Tuple[int, int, str]
MIN_READING = 4
_KANJI = re.compile(r"[\u4e00-\u9fff々]")
_sudachi: Any = None


def reading_of(word: str) -> Optional[str]:
    """The hiragana reading of a kanji word Sudachi knows whole (every morpheme in its dictionary),
    or None."""
    global _sudachi
    if not _KANJI.search(word):
        return None
    if _sudachi is None:
        from sudachipy import dictionary

        _sudachi = dictionary.Dictionary().create()
    morphemes = _sudachi.tokenize(word)
    if any(m.is_oov() for m in morphemes):
        return None
    # single kanji read one by one are often read wrong (半月板 → はんつきいた): one is allowed, as a
    # suffix (認知症, 関節炎)
    singles = [i for i, m in enumerate(morphemes) if _KANJI.fullmatch(m.surface())]
    if len(singles) > 1 or (singles and singles[0] != len(morphemes) - 1):
        return None
    reading = fold("".join(m.reading_form() for m in morphemes))
    return reading if len(reading) >= MIN_READING and re.fullmatch(r"[ぁ-ゖー]+", reading) else None


def word_pattern(folded: str) -> str:
    """A lookup word as a pattern; a word that begins or ends with a Latin letter does not match inside
    a longer Latin word (AGA not in "again" or "kagaku", ALS not in "also")."""
    pattern = re.escape(folded)
    if folded[0].isascii() and folded[0].isalpha():
        pattern = "(?<![a-z])" + pattern
    if folded[-1].isascii() and folded[-1].isalpha():
        pattern += "(?![a-z])"
    return pattern


def rules_from(training_data: TrainingData) -> List[Rule]:
    """Every lookup word (mapped through the synonyms) and every named pattern, folded."""
    synonyms = {fold(k): v for k, v in training_data.entity_synonyms.items()}
    rules: List[Rule] = []
    for table in training_data.lookup_tables:
        elements = table["elements"]
        if not isinstance(elements, list):  # a lookup file: not used in this project
            continue
        for word in elements:
            folded = fold(word.strip())
            if folded:
                rules.append((table["name"], synonyms.get(folded, word.strip()), word_pattern(folded)))
    for regex in training_data.regex_features:
        named = PATTERN_NAME.match(regex["name"])
        if named:
            rules.append((named["entity"], named["value"], fold(regex["pattern"])))
    return rules


def reading_rules_from(training_data: TrainingData) -> List[ReadingRule]:
    """Every lookup word in kanji that has a reliable reading (reading_of), mapped through the synonyms."""
    synonyms = {fold(k): v for k, v in training_data.entity_synonyms.items()}
    rules = set()
    for table in training_data.lookup_tables:
        if isinstance(table["elements"], list):
            for word in table["elements"]:
                reading = reading_of(word.strip())
                if reading:
                    rules.add((table["name"], synonyms.get(fold(word.strip()), word.strip()), reading))
    return sorted(rules)


class Matcher:
    """The matching itself: rules in, canonical entities out (no Rasa objects, easy to test)."""

    def __init__(self, rules: List[Rule], reading_rules: Sequence[ReadingRule] = ()) -> None:
        self.rules = rules
        self.reading_rules = list(reading_rules)
        self._compiled = [(entity, value, re.compile(pattern)) for entity, value, pattern in rules]

    def entities(self, text: str, tokens: Sequence[ReadToken] = ()) -> List[Dict[str, Any]]:
        """Entities of `text`; with the message's tokens, also lookup words found by their reading."""
        found = self._by_spelling(text)
        for start, end, entity, value in self._by_reading(text, tokens):
            if not any(e["entity"] == entity and start < e["end"] and e["start"] < end for e in found):
                found.append(self._entity(text, start, end, entity, value))
        return sorted(found, key=lambda e: (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_TYPE]))

    def _by_reading(self, text: str, tokens: Sequence[ReadToken]) -> List[Tuple[int, int, str, str]]:
        """Readings matched on whole tokens: the reading of the message run together, a match must begin
        where a token begins and end where one ends. A match on one token written in kanji is another
        word that sounds the same (主要 is not 腫瘍, 傾向 is not 経口): only kana or a mis-converted
        compound (認知 + 賞) counts."""
        if not tokens or not self.reading_rules:
            return []
        reading, starts, ends = "", {}, {}
        for start, end, token_reading in tokens:
            starts[len(reading)] = start
            reading += token_reading
            ends[len(reading)] = end
        found = []
        for entity, value, word in self.reading_rules:
            at = reading.find(word)
            while at >= 0:
                if at in starts and at + len(word) in ends:
                    start, end = starts[at], ends[at + len(word)]
                    one_token = at + len(word) == min(k for k in ends if k > at)
                    if not (one_token and _KANJI.search(text[start:end])):
                        found.append((start, end, entity, value))
                at = reading.find(word, at + 1)
        return found

    @staticmethod
    def _entity(text: str, start: int, end: int, entity: str, value: str) -> Dict[str, Any]:
        return {
            ENTITY_ATTRIBUTE_TYPE: entity,
            ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end,
            ENTITY_ATTRIBUTE_VALUE: value,
            "text": text[start:end],
        }

    def _by_spelling(self, text: str) -> List[Dict[str, Any]]:
        folded, offsets = fold_with_offsets(text)
        found: List[Tuple[int, int, str, str]] = []
        for entity, value, regex in self._compiled:
            for match in regex.finditer(folded):
                if match.end() > match.start():
                    found.append((match.start(), match.end(), entity, value))
        # longest first, then leftmost; a match overlapping a kept match of the same entity is dropped
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        kept: List[Tuple[int, int, str, str]] = []
        for start, end, entity, value in found:
            if any(e == entity and start < k_end and k_start < end for k_start, k_end, e, _ in kept):
                continue
            kept.append((start, end, entity, value))
        return [
            self._entity(text, offsets[start], offsets[end - 1] + 1, entity, value)
            for start, end, entity, value in kept
        ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class EntityMatcher(GraphComponent, EntityExtractorMixin):
    RULES_FILE = "entity_rules.json"

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EntityMatcher":
        return cls(model_storage, resource)

    def __init__(self, model_storage: ModelStorage, resource: Resource, matcher: Optional[Matcher] = None):
        self._model_storage = model_storage
        self._resource = resource
        self.matcher = matcher or Matcher([])

    def train(self, training_data: TrainingData) -> Resource:
        rules = rules_from(training_data)
        for _, _, pattern in rules:
            re.compile(pattern)  # a broken pattern fails the training, not a patient's message
        self.matcher = Matcher(rules, reading_rules_from(training_data))
        with self._model_storage.write_to(self._resource) as path:
            rasa.shared.utils.io.dump_obj_as_json_to_file(
                path / self.RULES_FILE, {"rules": rules, "readings": self.matcher.reading_rules}
            )
        logger.info("EntityMatcher: %d rules, %d readings", len(rules), len(self.matcher.reading_rules))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "EntityMatcher":
        try:
            with model_storage.read_from(resource) as path:
                stored = rasa.shared.utils.io.read_json_file(path / cls.RULES_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("EntityMatcher has no rules in this model: no entities are extracted")
            stored = {"rules": [], "readings": []}
        matcher = Matcher([tuple(r) for r in stored["rules"]], [tuple(r) for r in stored["readings"]])
        return cls(model_storage, resource, matcher)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = [
                (t.start, t.end, fold(t.get(READING_KEY) or t.text)) for t in message.get(TOKENS_NAMES[TEXT]) or []
            ]
            found = self.add_extractor_name(self.matcher.entities(message.get(TEXT) or "", tokens))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
