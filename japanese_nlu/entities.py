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
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text, Tuple

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
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

from japanese_nlu.text import fold, fold_with_offsets

logger = logging.getLogger(__name__)

PATTERN_NAME = re.compile(r"^(?P<entity>[a-z_]+)=(?P<value>.+)$")

# (entity, canonical value, regular expression on folded text)
Rule = Tuple[str, str, str]


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


class Matcher:
    """The matching itself: rules in, canonical entities out (no Rasa objects, easy to test)."""

    def __init__(self, rules: List[Rule]) -> None:
        self.rules = rules
        self._compiled = [(entity, value, re.compile(pattern)) for entity, value, pattern in rules]

    def entities(self, text: str) -> List[Dict[str, Any]]:
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
        kept.sort(key=lambda m: (m[0], m[2]))
        result = []
        for start, end, entity, value in kept:
            original_start = offsets[start]
            original_end = offsets[end - 1] + 1
            result.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: entity,
                    ENTITY_ATTRIBUTE_START: original_start,
                    ENTITY_ATTRIBUTE_END: original_end,
                    ENTITY_ATTRIBUTE_VALUE: value,
                    "text": text[original_start:original_end],
                }
            )
        return result


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

    def __init__(self, model_storage: ModelStorage, resource: Resource, rules: Optional[List[Rule]] = None):
        self._model_storage = model_storage
        self._resource = resource
        self.matcher = Matcher(rules or [])

    def train(self, training_data: TrainingData) -> Resource:
        rules = rules_from(training_data)
        for _, _, pattern in rules:
            re.compile(pattern)  # a broken pattern fails the training, not a patient's message
        self.matcher = Matcher(rules)
        with self._model_storage.write_to(self._resource) as path:
            rasa.shared.utils.io.dump_obj_as_json_to_file(path / self.RULES_FILE, rules)
        logger.info("EntityMatcher: %d rules", len(rules))
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
                rules = rasa.shared.utils.io.read_json_file(path / cls.RULES_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("EntityMatcher has no rules in this model: no entities are extracted")
            rules = []
        return cls(model_storage, resource, [tuple(rule) for rule in rules])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = self.add_extractor_name(self.matcher.entities(message.get(TEXT) or ""))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
