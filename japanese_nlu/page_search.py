"""Find the passages of the clinic's page that best match a message (BM25 on Sudachi forms).

When no topic answers a question, the assistant can still quote what the clinic's own page says
about it (actions.choice). PageSearch indexes the page's passages (knowledge.page) when the model is
trained, with the same Sudachi tokens as every message (normalised forms: 効く/効き/きく are one
term), keeping content words only. At inference it scores the message's tokens with Okapi BM25 and
puts the best few passages in the parse output, best first:

    "page_passages": [{"section": heading, "text": the best sentences, "line": page line, "score": s}]

actions.choice weighs them with the classifier's ranking (a passage in a section that the likely
topics cite is preferred) and decides whether the best one is an answer.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Tuple

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.page import PAGE_FILE, passages

logger = logging.getLogger(__name__)

# Sudachi parts of speech that carry content (名詞 nouns, 動詞 verbs, 形容詞 / 形状詞 adjectives).
CONTENT_POS = re.compile(r"^(名詞|動詞|形容詞|形状詞)")
# Content words too common to tell passages apart, or that only frame a question.
STOPWORDS = {
    "する",
    "為る",
    "ある",
    "有る",
    "在る",
    "いる",
    "居る",
    "なる",
    "成る",
    "できる",
    "出来る",
    "こと",
    "事",
    "もの",
    "物",
    "よう",
    "様",
    "ため",
    "為",
    "いう",
    "言う",
    "思う",
    "知る",
    "教える",
    "聞く",
    "ください",
    "下さる",
    "方",
    "人",
    "場合",
    "今",
    "何",
    "どう",
    "どれ",
    "くらい",
    "ほう",
    "感じ",
    "等",
}
K1 = 1.2
B = 0.75
SENTENCE = re.compile(r"[^。]+。")
MAX_QUOTE_CHARS = 160


def content_terms(tokens: Iterable[Tuple[str, str]]) -> List[str]:
    """Normalised forms of the content words among (lemma, part-of-speech) pairs."""
    return [
        lemma
        for lemma, pos in tokens
        if lemma and CONTENT_POS.match(pos or "") and lemma not in STOPWORDS and not lemma.isdigit()
    ]


def doc_terms(doc: Any) -> List[str]:
    """Content terms of a spaCy/GiNZA doc, normalised as japanese_nlu.components.SudachiTokenizer does."""
    return content_terms((t.norm_ or t.text, t.tag_) for t in doc if t.text.strip())


class Index:
    """Okapi BM25 over a list of documents (each a list of terms)."""

    def __init__(self, documents: Sequence[Sequence[str]]):
        self.lengths = [len(d) for d in documents]
        self.average = sum(self.lengths) / max(1, len(self.lengths))
        self.counts = [Counter(d) for d in documents]
        df = Counter(term for d in documents for term in set(d))
        n = len(documents)
        self.idf = {term: math.log(1 + (n - f + 0.5) / (f + 0.5)) for term, f in df.items()}

    def scores(self, query: Sequence[str]) -> List[float]:
        result = []
        for counts, length in zip(self.counts, self.lengths):
            score = 0.0
            for term in set(query):
                tf = counts.get(term, 0)
                if tf:
                    norm = tf + K1 * (1 - B + B * length / self.average)
                    score += self.idf[term] * tf * (K1 + 1) / norm
            result.append(score)
        return result


def best_sentences(text: str, sentence_terms: Sequence[Sequence[str]], query: Sequence[str]) -> str:
    """The sentence of `text` sharing most query terms, with the next one while it fits a phone screen."""
    sentences = SENTENCE.findall(text) or [text]
    if len(text) <= MAX_QUOTE_CHARS or len(sentences) != len(sentence_terms):
        return text
    wanted = set(query)
    best = max(range(len(sentences)), key=lambda i: (len(wanted & set(sentence_terms[i])), -i))
    quote = sentences[best]
    for following in sentences[best + 1 :]:
        if len(quote) + len(following) > MAX_QUOTE_CHARS:
            break
        quote += following
    return quote


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True, model_from="GinzaNLP")
class PageSearch(GraphComponent):
    INDEX_FILE = "page_index.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"candidates": 5}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PageSearch":
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        entries: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.entries = entries or []
        self.index = Index([e["terms"] for e in self.entries])

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        """Indexes the page's passages (the training data itself is not used)."""
        nlp = model.model
        self.entries = []
        for passage in passages(PAGE_FILE):
            sentences = SENTENCE.findall(passage.text) or [passage.text]
            sentence_terms = [doc_terms(nlp(s)) for s in sentences]
            terms = [t for ts in sentence_terms for t in ts] + doc_terms(nlp(passage.section))
            self.entries.append(
                {
                    "line": passage.line,
                    "section": passage.section,
                    "text": passage.text,
                    "terms": terms,
                    "sentence_terms": sentence_terms,
                }
            )
        self.index = Index([e["terms"] for e in self.entries])
        with self._model_storage.write_to(self._resource) as path:
            rasa.shared.utils.io.dump_obj_as_json_to_file(path / self.INDEX_FILE, self.entries)
        logger.info("PageSearch: %d passages of %s", len(self.entries), PAGE_FILE.name)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "PageSearch":
        try:
            with model_storage.read_from(resource) as path:
                entries = rasa.shared.utils.io.read_json_file(path / cls.INDEX_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("PageSearch has no index in this model: no page passages are found")
            entries = []
        return cls({**cls.get_default_config(), **config}, model_storage, resource, entries)

    def search(self, query: Sequence[str]) -> List[Dict[str, Any]]:
        """The best passages for the query terms (score above 0), best first."""
        if not query or not self.entries:
            return []
        scores = self.index.scores(query)
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])[: self._config["candidates"]]
        return [
            {
                "section": self.entries[i]["section"],
                "text": best_sentences(self.entries[i]["text"], self.entries[i]["sentence_terms"], query),
                "line": self.entries[i]["line"],
                "score": round(scores[i], 3),
            }
            for i in ranked
            if scores[i] > 0
        ]

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            query = content_terms((t.lemma, t.get(POS_TAG_KEY)) for t in tokens)
            found = self.search(query)
            if found:
                message.set("page_passages", found, add_to_output=True)
        return messages
